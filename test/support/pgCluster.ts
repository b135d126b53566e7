/**
 * A throwaway PostgreSQL cluster for tests that restart, kill or cut off the database: initdb into a temp
 * directory, its own port on 127.0.0.1, stopped and deleted afterwards. Never the shared server at :5432.
 *
 * Root may not run a Postgres server, so as root the binaries run as the `postgres` user (runuser).
 * Without the binaries the suites skip with a notice; under CI=true a missing binary fails instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { alive, waitFor } from './wait.ts';

/** Where initdb and pg_ctl are: PG_BINDIR, pg_config --bindir, or the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromConfig.status === 0) candidates.push(fromConfig.stdout.trim());
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

/** True when throwaway clusters can be made here; prints why not otherwise (and throws under CI). */
export function throwawayClustersAvailable(): boolean {
  if (postgresBinDir()) return true;
  const why = "no initdb/pg_ctl found (install Debian's postgresql, or set PG_BINDIR)";
  if (process.env.CI === 'true') throw new Error(`CI=true but ${why}: the database outage suites must run`);
  console.warn(`[notice] database outage suites skipped: ${why}`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ThrowawayCluster {
  url: string;
  port: number;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back when this resolves. */
  restartFast(): Promise<void>;
  /** SIGKILL to the postmaster, then a fresh start once its orphaned backends are gone (crash recovery). */
  killAndStart(): Promise<void>;
  /** pg_terminate_backend on every connection but our own: the server stays up. */
  terminateBackends(): Promise<number>;
  /** Stops the server (fast), leaving it down until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the directory. */
  destroy(): Promise<void>;
}

/** Creates and starts a cluster with a `test` database; trust auth for user postgres. */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no initdb/pg_ctl found');
  const root = mkdtempSync(join(tmpdir(), 'stocktake-pg-'));
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()) : null;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) : null;
  if (uid !== null && gid !== null) chownSync(root, uid, gid);
  const run = (tool: string, args: string[], allowFailure = false) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    const result = spawnSync(cmd, argv, { encoding: 'utf8', cwd: root });
    if (result.status !== 0 && !allowFailure) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
    return result;
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // fsync off: the tests kill processes, not the machine, so the OS page cache survives every crash they make.
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const start = async () => {
    // After a SIGKILL the old backends may still hold shared memory for a moment: retry until it is free.
    await waitFor(
      () => run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-o', options, '-w', '-t', '120', 'start'], true).status === 0,
      {
        timeoutMs: 180_000,
        what: 'the throwaway Postgres to start',
      },
    );
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/test`;
  const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe('create database test');
  } finally {
    await admin.end({ timeout: 5 });
  }
  const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url,
    port,
    start,
    async stop() {
      // A fast stop waits for every backend to end; one left behind by an earlier failure (CI saw a fast
      // stop time out after a test had failed mid-outage) must not fail the next test: stop it immediately.
      if (run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], true).status === 0) return;
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']);
    },
    async restartFast() {
      run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-o', options, '-m', 'fast', '-w', '-t', '120', 'restart']);
    },
    async killAndStart() {
      const pid = postmasterPid();
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !alive(pid), { timeoutMs: 60_000, what: 'the killed postmaster to exit' });
      await start();
    },
    async terminateBackends() {
      const sql = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql<{ n: number }[]>`
          select count(*)::int as n from (
            select pg_terminate_backend(pid) from pg_stat_activity
            where pid <> pg_backend_pid() and backend_type = 'client backend'
          ) t`;
        return rows[0]!.n;
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
    async destroy() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop'], true);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
