/** Processes the lock tests name as holders: one that lives until killed, and the pid of one that is gone. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A node process that idles until killed. */
export async function idleProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  if (child.pid === undefined) throw new Error('child process has no pid');
  return child as ChildProcess & { pid: number };
}

/** The pid of a process that has already exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  await once(child, 'spawn');
  const pid = child.pid;
  await exited;
  if (pid === undefined) throw new Error('child process has no pid');
  return pid;
}

/** Kills the processes still running and waits until each has exited. */
export async function stopProcesses(children: ChildProcess[]): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  }
}
