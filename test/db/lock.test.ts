import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir, type DataDirLock } from '../../db/lock.ts';

const LOCK_FILE = 'stocktake.lock';

/** A node process that idles until killed. */
async function idleProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  if (child.pid === undefined) throw new Error('child process has no pid');
  return child as ChildProcess & { pid: number };
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  await once(child, 'spawn');
  const pid = child.pid;
  await exited;
  if (pid === undefined) throw new Error('child process has no pid');
  return pid;
}

describe('lockDataDir', () => {
  let dir: string;
  let children: ChildProcess[];
  let locks: DataDirLock[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-lock-'));
    children = [];
    locks = [];
  });

  afterEach(async () => {
    for (const lock of locks) lock.release();
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill();
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const lock = (path = dir) => {
    const taken = lockDataDir(path);
    locks.push(taken);
    return taken;
  };

  it('creates the data directory and a lock file holding our pid', () => {
    const dataDir = join(dir, 'nested', 'pgdata');
    lock(dataDir);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
  });

  it('leaves no temporary files beside the lock', () => {
    lock();
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('refuses a directory held by another live process, naming its pid', async () => {
    const holder = await idleProcess();
    children.push(holder);
    writeFileSync(join(dir, LOCK_FILE), String(holder.pid));

    let error: unknown;
    try {
      lock();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DataDirInUseError);
    const inUse = error as DataDirInUseError;
    expect(inUse.code).toBe('DATA_DIR_IN_USE');
    expect(inUse.pid).toBe(holder.pid);
    expect(inUse.dataDir).toBe(dir);
    expect(inUse.message).toContain(`data directory ${dir}`);
    expect(inUse.message).toContain(`in use by process ${holder.pid}`);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(holder.pid));
  });

  it('takes over a lock file left by a process that has exited', async () => {
    const pid = await deadPid();
    writeFileSync(join(dir, LOCK_FILE), String(pid));
    lock();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
  });

  it('takes over an empty or garbled lock file', () => {
    writeFileSync(join(dir, LOCK_FILE), 'not a pid');
    lock();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
  });

  it('removes the lock file on release so the directory can be locked again', () => {
    const first = lockDataDir(dir);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lock();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('does nothing on a second release', () => {
    const first = lockDataDir(dir);
    first.release();
    const second = lock();
    first.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    second.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses to lock the same directory twice in one process', () => {
    lock();
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.pid}`);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('locks different directories independently', () => {
    const other = join(dir, 'other');
    lock();
    lock(other);
    expect(existsSync(join(other, LOCK_FILE))).toBe(true);
  });
});
