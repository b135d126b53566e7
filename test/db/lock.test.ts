import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { DataDirInUseError, lockDataDir, staleLockMessage, type DataDirLock, type StaleLock } from '../../db/lock.ts';
import { deadPid, idleProcess, stopProcesses } from '../support/processes.ts';

const LOCK_FILE = 'stocktake.lock';

/** The pid a lock file names (its first word). */
const holderPid = (path: string) => readFileSync(path, 'utf8').split(' ')[0];

/** The takeover claim of a stale lock content (see db/lock.ts). */
const claimName = (content: string) => `${LOCK_FILE}.takeover-${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;

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
    await stopProcesses(children);
    rmSync(dir, { recursive: true, force: true });
  });

  const lock = (path = dir) => {
    const taken = lockDataDir(path);
    locks.push(taken);
    return taken;
  };

  it('creates the data directory and a lock file holding our pid', () => {
    const dataDir = join(dir, 'nested', 'pgdata');
    expect(lock(dataDir).tookOver).toBeNull();
    expect(holderPid(join(dataDir, LOCK_FILE))).toBe(String(process.pid));
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

  it('takes over a lock file left by a process that has exited, and says whose it was', async () => {
    const pid = await deadPid();
    writeFileSync(join(dir, LOCK_FILE), String(pid));
    expect(lock().tookOver).toEqual({ dataDir: dir, pid, reason: 'exited' });
    expect(holderPid(join(dir, LOCK_FILE))).toBe(String(process.pid));
  });

  it('takes over a lock holding our own pid written by an earlier run (a container restarted with the same pid)', () => {
    writeFileSync(join(dir, LOCK_FILE), `${process.pid} token-of-an-earlier-run lock-1\n`);
    expect(lock().tookOver).toEqual({ dataDir: dir, pid: process.pid, reason: 'earlier-run' });
    expect(holderPid(join(dir, LOCK_FILE))).toBe(String(process.pid));
  });

  it('takes over our own pid in the bare format earlier versions wrote', () => {
    writeFileSync(join(dir, LOCK_FILE), String(process.pid));
    expect(lock().tookOver?.reason).toBe('earlier-run');
  });

  it('takes over an empty or garbled lock file', () => {
    writeFileSync(join(dir, LOCK_FILE), 'not a pid');
    expect(lock().tookOver).toEqual({ dataDir: dir, pid: null, reason: 'unreadable' });
    expect(holderPid(join(dir, LOCK_FILE))).toBe(String(process.pid));
  });

  it('takes over the claim of a process that died in the middle of a takeover, and clears it', async () => {
    const stale = `${await deadPid()} earlier x\n`;
    writeFileSync(join(dir, LOCK_FILE), stale);
    writeFileSync(join(dir, claimName(stale)), `${await deadPid()} died-mid-takeover y\n`);
    expect(lock().tookOver?.reason).toBe('exited');
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('sweeps private files a dead process left, never one a live process may still be writing', async () => {
    const stale = `${await deadPid()} earlier x\n`;
    const writer = await idleProcess();
    children.push(writer);
    writeFileSync(join(dir, LOCK_FILE), stale);
    const deadFile = `${claimName(stale)}.${await deadPid()}.0a1b2c3d.tmp`;
    const liveFile = `${claimName(stale)}.${writer.pid}.0a1b2c3d.tmp`;
    writeFileSync(join(dir, deadFile), '');
    writeFileSync(join(dir, liveFile), ''); // empty: still being written
    lock();
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, liveFile].sort());
  });

  it('refuses while a live process is taking over the stale lock, naming that process', async () => {
    const stale = `${await deadPid()} earlier x\n`;
    const taker = await idleProcess();
    children.push(taker);
    writeFileSync(join(dir, LOCK_FILE), stale);
    writeFileSync(join(dir, claimName(stale)), `${taker.pid} taking-over y\n`);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${taker.pid}`);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(stale);
  });

  it('does not remove a lock that was taken over from it on release', () => {
    const first = lockDataDir(dir);
    writeFileSync(join(dir, LOCK_FILE), `${process.pid} someone-else z\n`);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });

  it('words the takeover notice with the dead holder and the data directory', () => {
    const message = (stale: StaleLock) => staleLockMessage(stale);
    expect(message({ dataDir: '/srv/data', pid: 4242, reason: 'exited' })).toContain('left by process 4242, which is no longer running');
    expect(message({ dataDir: '/srv/data', pid: 1, reason: 'earlier-run' })).toContain("an earlier run with this process's pid 1");
    expect(message({ dataDir: '/srv/data', pid: 1, reason: 'exited' })).toContain('/srv/data');
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
    expect(holderPid(join(dir, LOCK_FILE))).toBe(String(process.pid));
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

describe('openDatabase on a data directory with a stale lock', () => {
  it('opens it and tells the user whose lock it took over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-lock-open-'));
    try {
      const pid = await deadPid();
      writeFileSync(join(dir, LOCK_FILE), String(pid));
      const told: string[] = [];
      const database = await openDatabase(
        { kind: 'pglite', dataDir: dir },
        { migrate: false, onStaleLock: (_, message) => told.push(message) },
      );
      await database.close();
      expect(told).toHaveLength(1);
      expect(told[0]).toContain(`left by process ${pid}, which is no longer running`);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000); // creating a PGlite directory takes long on a busy machine
});
