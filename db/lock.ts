import { randomUUID, createHash } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
    this.name = new.target.name;
  }
}

/** A lock left by a process that is gone, which this process took over. */
export interface StaleLock {
  dataDir: string;
  /** The pid written in the lock (null when the file was unreadable). */
  pid: number | null;
  /** `exited`: no such process; `earlier-run`: our own pid, written by an earlier process (a container restart); `unreadable`. */
  reason: 'exited' | 'earlier-run' | 'unreadable';
}

/** What to tell the user when a stale lock was taken over. */
export function staleLockMessage(stale: StaleLock): string {
  const why = {
    exited: `process ${stale.pid}, which is no longer running`,
    'earlier-run': `an earlier run with this process's pid ${stale.pid} (a restarted container)`,
    unreadable: 'a process that left it unreadable',
  }[stale.reason];
  return `took over the lock on data directory ${stale.dataDir} left by ${why}: it stopped without closing the database (a crash, kill -9 or power loss?)`;
}

export interface DataDirLock {
  /** Set when a stale lock was taken over: the caller tells the user (it may mean a crash). */
  readonly tookOver: StaleLock | null;
  release(): void;
}

const LOCK_FILE = 'stocktake.lock';
const TAKEOVER_PREFIX = `${LOCK_FILE}.takeover-`;
/**
 * This process's identity in a lock, beside its pid: in a container the process is pid 1 (or another fixed
 * pid) on every start, so a lock holding our own pid but not this token was left by an earlier run.
 */
const PROCESS_TOKEN = randomUUID();

interface Holder {
  pid: number;
  process: string | null;
}

/** "pid process-token lock-token"; earlier versions wrote the bare pid. */
function parseHolder(content: string): Holder | null {
  const [pidText = '', process = null] = content.trim().split(/\s+/);
  const pid = /^\d+$/.test(pidText) ? Number(pidText) : Number.NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? { pid, process } : null;
}

/** Why a holder is stale, or null while it lives. */
function staleness(holder: Holder | null): StaleLock['reason'] | null {
  if (!holder) return 'unreadable';
  if (holder.pid === process.pid) return holder.process === PROCESS_TOKEN ? null : 'earlier-run';
  try {
    process.kill(holder.pid, 0);
    return null;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is alive all the same.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? null : 'exited';
  }
}

/**
 * Takes an exclusive lock on a PGlite data directory. PGlite is single-process: two processes writing one
 * directory corrupt it, so a second opener gets DataDirInUseError while the holder lives.
 *
 * A lock whose holder is gone (crash, kill -9, or our own pid from an earlier run) is taken over, and only
 * one of several processes starting at once may take it over. Removing the stale file and creating a new
 * one is not enough: two processes that both saw it stale can each remove what the other just created
 * (4 double holders in 15 rounds of three processes). So each stale lock content has one takeover claim,
 * a file named after that content and created exclusively; only the claim's creator may replace the lock,
 * with an atomic rename, after checking the lock still holds the content it claimed. A claim whose creator
 * died mid-takeover is claimed in turn the same way, so a crash at any step never blocks the directory.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const mine = `${process.pid} ${PROCESS_TOKEN} ${randomUUID()}\n`;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(path, mine)) return held(path, mine, null);
    const current = readContent(path);
    if (current === null) continue; // released between our attempt and this read
    const holder = parseHolder(current);
    const reason = staleness(holder);
    if (reason === null) throw new DataDirInUseError(dataDir, holder!.pid);
    const outcome = takeOver(dataDir, path, current, mine);
    if (outcome === 'won') return held(path, mine, { dataDir, pid: holder?.pid ?? null, reason });
    if (typeof outcome === 'number') throw new DataDirInUseError(dataDir, outcome);
  }
  throw new Error(`could not lock data directory ${dataDir}: the lock file keeps changing`);
}

/**
 * Replaces the stale lock content `stale` with `mine` if this process wins its takeover claim. Returns
 * 'won', the pid of a live process taking it over now, or 'retry' when the lock changed meanwhile.
 */
function takeOver(dataDir: string, path: string, stale: string, mine: string): 'won' | 'retry' | number {
  let claimed = stale;
  for (let depth = 0; depth < 20; depth++) {
    const claim = join(dataDir, `${TAKEOVER_PREFIX}${contentKey(claimed)}`);
    if (createExclusive(claim, mine)) {
      // Only the creator of this claim replaces `stale`; a claim made after the lock moved on sees that here.
      if (readContent(path) !== stale) {
        rmSync(claim, { force: true });
        return 'retry';
      }
      try {
        renameSync(claim, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'retry'; // swept as dead by another winner
        throw error;
      }
      sweepDeadClaims(dataDir);
      return 'won';
    }
    const current = readContent(claim);
    if (current === null) continue; // its creator gave up; claim it again
    const claimant = parseHolder(current);
    if (staleness(claimant) === null) {
      // A live claimant is taking over `stale` only while the lock still holds it. Once the lock moved on, the
      // claim may be a loser's, made after the winner's claim became the lock and about to be removed again:
      // naming it would name a process that never held the lock (met once in a CI run; test/db/lockInterleaving.test.ts).
      return readContent(path) === stale ? claimant!.pid : 'retry';
    }
    claimed = current; // its creator died mid-takeover: claim its claim
  }
  return 'retry';
}

const CLAIM = /^stocktake\.lock\.takeover-[0-9a-f]{32}$/;
/** createExclusive's private files: `<target>.<pid>.<random>.tmp`. */
const PRIVATE = /^stocktake\.lock(?:\.takeover-[0-9a-f]{32})?\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes claims whose creators are gone (died mid-takeover), and private files a dead process left
 * between writing and linking them. Live processes' files are left alone: a private file may still be
 * being written, so it is judged by the pid in its name, never by its content.
 */
function sweepDeadClaims(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    if (CLAIM.test(name)) {
      const content = readContent(path);
      if (content !== null && staleness(parseHolder(content)) !== null) rmSync(path, { force: true });
      continue;
    }
    const pid = PRIVATE.exec(name)?.[1];
    if (pid && Number(pid) !== process.pid && staleness({ pid: Number(pid), process: null }) === 'exited') rmSync(path, { force: true });
  }
}

function held(path: string, mine: string, tookOver: StaleLock | null): DataDirLock {
  let released = false;
  return {
    tookOver,
    release() {
      if (released) return;
      released = true;
      // Never remove a lock that is no longer ours.
      if (readContent(path) === mine) rmSync(path, { force: true });
    },
  };
}

function contentKey(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}

/**
 * Creates `path` holding `content`, or returns false if it exists. Written privately, then hard-linked
 * into place, so no reader ever sees it empty or half-written (and takes that for a stale lock).
 */
function createExclusive(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  writeFileSync(tmp, content);
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

function readContent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
