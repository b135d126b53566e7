/** What the benchmarks share: the Postgres server they measure against, and whether it is there. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The admin URL of the Postgres server the benchmarks create their databases on. */
export const PG_ADMIN = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** True when the server answers; a benchmark then measures Postgres too, else says it skipped it. */
export async function postgresReachable(url = PG_ADMIN): Promise<boolean> {
  const client = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await client`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

/** A running `npm start` instance (built dist/), on a port of its own. */
export interface Instance {
  base: string;
  process: ChildProcess;
}

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  // What `npm start` runs, without npm in between (and with profiling flags when asked).
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node: update this benchmark`);
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: '0',
      STOCKTAKE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // BENCH_INSTANCE_LOG=FILE keeps every instance's output (a crash's stack survives the benchmark's own exit).
  if (process.env.BENCH_INSTANCE_LOG) {
    const log = createWriteStream(process.env.BENCH_INSTANCE_LOG, { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const url = /open (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearInterval(timer);
        resolve(url);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited (${code}): ${output}`));
    });
  });
  child.once('exit', (code, signal) => {
    if (!stopping.has(child)) console.error(`  an instance exited (${code ?? signal}) during the run:\n${output.slice(-3000)}`);
  });
  return { base, process: child };
}

const stopping = new WeakSet<ChildProcess>();

export async function stopInstance(i: Instance): Promise<void> {
  if (i.process.exitCode !== null) return;
  const exited = new Promise((resolve) => i.process.once('exit', resolve));
  stopping.add(i.process);
  i.process.kill('SIGTERM');
  await exited;
}

/** Keep-alive connections for the benchmarks' requests; destroy it when done so the process can exit. */
export const httpAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs JSON with an API key over a keep-alive connection; resolves with the answer's JSON on 200/201. */
export function postJson(base: string, path: string, key: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const url = new URL(path, base);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: httpAgent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          res.statusCode === 200 || res.statusCode === 201
            ? resolve(text ? JSON.parse(text) : null)
            : reject(new Error(`${path}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
