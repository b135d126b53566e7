import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Thrown when another live process holds the PGlite data directory. */
export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `data directory ${dataDir} in use by process ${pid}; stop that process, or set DATABASE_URL to share a Postgres server between processes`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is alive all the same.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock on a PGlite data directory. PGlite is single-process: two processes writing one
 * directory corrupt it, so a second opener gets DataDirInUseError. A lock left by a dead process (crash,
 * kill -9) is recognised by its pid and taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'stocktake.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path)) {
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    }
    const holder = readHolder(path);
    if (holder !== null && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
    // Stale: the holder is gone (crash, kill -9). Remove it and try again.
    rmSync(path, { force: true });
  }
  throw new Error(`could not lock data directory ${dataDir}: the lock file keeps changing`);
}

/** Creates the lock file with our pid, atomically: written privately, then hard-linked into place. */
function tryCreate(path: string): boolean {
  const tmp = `${path}.${process.pid}`;
  writeFileSync(tmp, String(process.pid));
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // released between our attempt and this read
  }
}
