/**
 * Where the keeper of a PGlite data directory listens, and how another process asks it to let go.
 *
 * The keeper (keeper.ts) is a background `stocktake` process that keeps one embedded database open and runs
 * the CLI calls for it: starting PGlite (its WebAssembly Postgres) costs about a second of every call
 * otherwise. It listens on a Unix socket named after the data directory, in a folder of this user's own
 * (mode 0700) under the temporary directory: only this user can connect, and through the socket runs
 * anything the CLI can. Node built-ins only: the CLI's client loads this before anything else.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** One JSON object a line, both ways. */
export interface KeeperRequest {
  /** The build the client runs (dist/build-id): a keeper of another build lets go instead. */
  build: string;
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

export type KeeperFrame =
  | { started: true }
  | { out: string }
  | { err: string }
  | { exit: number }
  /** The keeper is going away (or is of another build, or keeps another directory): run the call some other way. */
  | { retry: string }
  | { released: true };

/**
 * The socket of the keeper for dataDir (resolved against the current directory), or null where there is
 * none to be had: not on Windows, or the private folder is not ours alone (then no keeper is used).
 */
export function keeperSocketPath(dataDir: string): string | null {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return null;
  const uid = process.getuid();
  const folder = join(tmpdir(), `stocktake-keepers-${uid}`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = lstatSync(folder);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) return null;
  } catch {
    return null;
  }
  const key = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 24);
  return join(folder, `${key}.sock`);
}

/** Connects to a Unix socket; null when nothing listens there. */
export function connectTo(path: string): Promise<Socket | null> {
  return new Promise((done) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      done(socket);
    });
    socket.once('error', () => done(null));
  });
}

/** Calls `each` with every whole JSON line the socket sends (a line that is not JSON ends the connection); `end` once it closes. */
export function readFrames<T = KeeperFrame>(socket: Socket, each: (frame: T) => void, end: () => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    pending += text;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim() === '') continue;
      let frame: T;
      try {
        frame = JSON.parse(line) as T;
      } catch {
        socket.destroy();
        return;
      }
      each(frame);
    }
  });
  socket.on('error', () => {});
  socket.on('close', end);
}

/**
 * Asks the keeper of dataDir, if one runs, to close the database and exit; resolves true once it has
 * (after the call it is running, if any), false when no keeper listens. Used by any other opener of the
 * directory (`npm start`, a CLI call made without the keeper), so a keeper never stands in their way.
 */
export async function askKeeperToRelease(dataDir: string): Promise<boolean> {
  const path = keeperSocketPath(dataDir);
  const socket = path ? await connectTo(path) : null;
  if (!socket) return false;
  return new Promise((done) => {
    let released = false;
    readFrames(
      socket,
      (frame) => {
        if ('released' in frame) released = true;
      },
      () => done(released),
    );
    socket.write(`${JSON.stringify({ release: true })}\n`);
  });
}
