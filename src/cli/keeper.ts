/**
 * The keeper: a background `stocktake keeper` process that keeps one PGlite data directory open and runs
 * the CLI calls made for it, one at a time, each with its caller's arguments, working directory and
 * environment, sending back what the call prints and its exit code (client.ts is the other end). Opening
 * PGlite costs about a second of every call otherwise; README's command-line tour (46 calls) took 72 s
 * on an idle machine that way.
 *
 * It holds the directory's lock like any opener. It lets go — finishing the call it runs, telling calls
 * still waiting to run elsewhere — when another process opens the directory (`npm start`, a CLI call
 * without a keeper: openDatabase asks it, askKeeperToRelease), when `stocktake keeper --stop` asks, on
 * SIGTERM or SIGINT, when a call of another build arrives (after `npm run build`), when the directory is
 * gone, and after STOCKTAKE_KEEPER_SECONDS (default 300) without a call.
 */
import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { openDatabase, type Database } from '../../db/client.ts';
import { maintainTables } from '../services/statistics.ts';
import { buildId } from './client.ts';
import type { Io } from './context.ts';
import { connectTo, keeperSocketPath, readFrames, type KeeperFrame, type KeeperRequest } from '../../db/keeperSocket.ts';

/** How often the keeper checks that its directory still exists. */
const DIRECTORY_CHECK_MS = 2000;
/** How long the calls pause before the keeper refreshes the planner's statistics. */
const STATISTICS_AFTER_MS = 1000;

export interface KeeperOptions {
  dataDir: string;
  idleSeconds: number;
  /** Runs one CLI call in this process (main). */
  run: (argv: string[], io: Io) => Promise<number>;
  /** Where the keeper says what it does (its own stderr; nobody reads it when started in the background). */
  log: (text: string) => void;
}

interface Waiting {
  socket: Socket;
  request: KeeperRequest;
}

/**
 * Opens the directory, listens, serves calls until told to stop or idle; resolves with the keeper's exit
 * code. Throws what openDatabase throws (DataDirInUseError while another process holds the directory).
 */
export async function runKeeper(options: KeeperOptions): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const path = keeperSocketPath(dataDir);
  if (!path) {
    options.log(`no private socket folder for a keeper of ${dataDir}`);
    return 1;
  }
  // The default buffer pool, not a CLI call's small one: the keeper starts once and serves imports too.
  const database = await openDatabase({ kind: 'pglite', dataDir }, { workload: 'service', askKeeper: false });
  const server = createServer();
  if (!(await listenOn(server, path))) {
    await database.close();
    options.log(`another keeper serves ${dataDir}`);
    return 0;
  }
  const build = buildId();
  const queue: Waiting[] = [];
  const releasers: Socket[] = [];
  let running = false;
  let stopping = false;
  let finished: (code: number) => void = () => {};
  const done = new Promise<number>((r) => (finished = r));

  const send = (socket: Socket, frame: KeeperFrame) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(frame)}\n`);
  };
  let idle = setTimeout(() => stop('idle'), options.idleSeconds * 1000);
  // The directory it opened: removed, or removed and made again (another inode), it is not this one.
  const inode = statSync(dataDir).ino;
  const stillThere = () => existsSync(join(dataDir, 'PG_VERSION')) && statSync(dataDir, { throwIfNoEntry: false })?.ino === inode;
  // Between calls the keeper writes nothing, so a change of pg_control means another process opened the
  // directory without its lock (a script opening it with PGlite directly: Postgres writes pg_control at
  // start and at shutdown). What the keeper holds in memory is then out of date, and writing it back would
  // corrupt the directory: it lets go without another write, and the next call starts a keeper afresh.
  const controlStamp = () => {
    const control = statSync(join(dataDir, 'global', 'pg_control'), { throwIfNoEntry: false });
    return control ? `${control.ino}:${control.size}:${control.mtimeMs}` : null;
  };
  let stamp = controlStamp();
  const untouched = () => stillThere() && controlStamp() === stamp;
  // Planner statistics and dead rows (src/services/statistics.ts): PGlite runs no autovacuum, so once the
  // calls pause for a second the keeper vacuums the tables they left many dead rows in and analyzes the
  // ones they changed, as `npm start` does every minute. Calls that come meanwhile wait for it like for
  // another call.
  let statistics: NodeJS.Timeout | null = null;
  const refreshSoon = () => {
    if (statistics) clearTimeout(statistics);
    statistics = setTimeout(() => void refreshNow(), STATISTICS_AFTER_MS);
    statistics.unref();
  };
  async function refreshNow(): Promise<void> {
    statistics = null;
    if (running || stopping || queue.length > 0 || !untouched()) return;
    await alone(
      async () => {
        const { vacuumed, analyzed } = await maintainTables(database.db);
        if (vacuumed.length > 0 || analyzed.length > 0) await checkpoint();
        if (vacuumed.length > 0) options.log(`dead rows vacuumed: ${vacuumed.join(', ')}`);
        if (analyzed.length > 0) options.log(`planner statistics refreshed: ${analyzed.join(', ')}`);
      },
      () => void next(),
    ).catch((error) => options.log(`planner statistics: ${String(error)}`));
  }
  /** Runs `work` as the one thing running (calls queue meanwhile); then shuts down if asked to, else `then`. */
  async function alone(work: () => Promise<void>, then: () => void): Promise<void> {
    running = true;
    try {
      await work();
    } finally {
      running = false;
      if (stopping) await shutDown();
      else then();
    }
  }
  /** Writes what was done into the data files, and takes the pg_control it leaves as this keeper's own. */
  async function checkpoint(): Promise<void> {
    await database.pglite?.exec('CHECKPOINT').catch((error) => options.log(`checkpoint: ${String(error)}`));
    stamp = controlStamp();
  }
  const gone = setInterval(() => {
    if (!running && !untouched()) void stop('directory gone or opened by another process', true);
  }, DIRECTORY_CHECK_MS);
  gone.unref();

  /**
   * Stops serving. `abandon`: the directory is gone (or another one was made at its path), so the
   * database is not closed: closing writes a checkpoint and releases the lock by path, which would land in
   * whatever is at that path now.
   */
  let abandon = false;
  async function stop(why: string, directoryGone = false): Promise<void> {
    if (directoryGone) abandon = true;
    if (stopping) return;
    stopping = true;
    options.log(`keeper of ${dataDir} stopping: ${why}`);
    clearTimeout(idle);
    clearInterval(gone);
    if (statistics) clearTimeout(statistics);
    server.close();
    if (!running) await shutDown();
  }

  async function shutDown(): Promise<void> {
    for (const waiting of queue.splice(0)) {
      send(waiting.socket, { retry: 'keeper stopping' });
      waiting.socket.end();
    }
    if (abandon) database.abandon?.();
    else await database.close().catch((error) => options.log(`closing the database: ${String(error)}`));
    rmSync(path!, { force: true });
    for (const socket of releasers) {
      send(socket, { released: true });
      socket.end();
    }
    finished(0);
  }

  async function next(): Promise<void> {
    if (running) return;
    const waiting = queue.shift();
    if (!waiting) return;
    clearTimeout(idle);
    await alone(
      () => serve(waiting),
      () => {
        idle = setTimeout(() => stop('idle'), options.idleSeconds * 1000);
        if (queue.length > 0) void next();
        else refreshSoon();
      },
    );
  }

  async function serve({ socket, request }: Waiting): Promise<void> {
    if (socket.destroyed) return; // its caller gave up waiting
    if (!untouched()) {
      // Checked before each call too (the timer looks every 2 s): a call must not reach a directory that is
      // gone, nor one another process changed under the keeper.
      send(socket, { retry: 'directory gone or opened by another process' });
      socket.end();
      void stop('directory gone or opened by another process', true);
      return;
    }
    send(socket, { started: true });
    const io: Io = {
      stdout: (text) => send(socket, { out: text.endsWith('\n') ? text : `${text}\n` }),
      stderr: (text) => send(socket, { err: text.endsWith('\n') ? text : `${text}\n` }),
      env: request.env,
      // The directory kept open; any other target (none a client sends) is opened as usual.
      open: async (target, openOptions) =>
        target.kind === 'pglite' && target.dataDir && resolve(target.dataDir) === dataDir
          ? { ...database, close: async () => {} }
          : openDatabase(target, openOptions),
    };
    const ownEnv = { ...process.env };
    const ownCwd = process.cwd();
    let code = 1;
    try {
      // The call's own environment and directory, as if it ran in its own process: relative paths, the
      // language, TZ and anything a command reads from process.env. Calls run one at a time.
      setEnv(request.env);
      process.chdir(request.cwd);
      code = await options.run(request.argv, io);
    } catch (error) {
      io.stderr(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setEnv(ownEnv);
      process.chdir(ownCwd);
    }
    // A checkpoint after each call: between calls what the call wrote is in the data files, not only in the
    // write-ahead log, as after a CLI call that closed the database (a copy of the directory taken then,
    // a backup say, has it without replaying the log). Before the answer: the caller's next step may be that copy.
    if (stillThere()) await checkpoint();
    else void stop('directory gone', true);
    send(socket, { exit: code });
    socket.end();
  }

  server.on('connection', (socket) => {
    readFrames<KeeperRequest | { release: true }>(
      socket,
      (message) => {
        if ('release' in message) {
          releasers.push(socket);
          void stop('another process opens the directory');
        } else if (stopping) {
          send(socket, { retry: 'keeper stopping' });
          socket.end();
        } else if (message.build !== build) {
          // A keeper of an earlier build would run old code: it lets go, the caller starts a new one.
          send(socket, { retry: 'another build' });
          socket.end();
          void stop('a call of another build');
        } else {
          queue.push({ socket, request: message });
          void next();
        }
      },
      () => {},
    );
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal));
  options.log(`keeper of ${dataDir} listening on ${path}`);
  return done;
}

/** Listens on the socket path, replacing a socket file its dead keeper left; false when a live keeper has it. */
async function listenOn(server: Server, path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const error = await new Promise<NodeJS.ErrnoException | null>((done) => {
      server.once('error', done);
      server.listen(path, () => {
        server.removeListener('error', done);
        done(null);
      });
    });
    if (!error) {
      chmodSync(path, 0o600);
      return true;
    }
    if (error.code !== 'EADDRINUSE') throw error;
    const live = await connectTo(path);
    if (live) {
      live.destroy();
      return false;
    }
    // This process holds the directory's lock, so no live keeper can be serving it: the file is left over.
    rmSync(path, { force: true });
  }
  return false;
}

function setEnv(env: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
}
