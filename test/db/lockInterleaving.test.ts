/**
 * One interleaving of three processes taking over a stale lock, replayed step by step: test/db/lockRace.test.ts
 * met it once in a CI run (a loser named another loser as the holder), too rarely to show a fix there.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { lockDataDir } from '../../db/lock.ts';
import { deadPid, idleProcess, stopProcesses } from '../support/processes.ts';

// node:fs's own object: a function replaced on it reaches every module's `import { linkSync }` once
// syncBuiltinESMExports runs (a module mock would not reach db/lock.ts when another test file of this worker
// loaded it first: the workers keep their modules between files).
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
const realLink = fs.linkSync;
function replaceLink(link: typeof fs.linkSync): void {
  fs.linkSync = link;
  syncBuiltinESMExports();
}

const LOCK_FILE = 'stocktake.lock';
const claimName = (content: string) => `${LOCK_FILE}.takeover-${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;

const children: ChildProcess[] = [];

afterEach(async () => {
  await stopProcesses(children);
  replaceLink(realLink);
});

it('names the process that took the lock over, not another loser whose claim it met on the way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-lock-interleaving-'));
  const stale = `${await deadPid()} an-earlier-run 0\n`;
  const winner = await idleProcess();
  const loser = await idleProcess();
  children.push(winner, loser);
  writeFileSync(join(dir, LOCK_FILE), stale);
  const claim = join(dir, claimName(stale));

  // This process has read the stale lock and goes to claim it. Just before, the winner's claim became the lock,
  // and the other loser, finding the claim's name free again, claimed it: it will see the lock moved on and
  // remove that claim, but this process meets it first.
  replaceLink((existing, target) => {
    if (target === claim && !existsSync(claim)) {
      writeFileSync(join(dir, LOCK_FILE), `${winner.pid} winner-process w\n`);
      writeFileSync(claim, `${loser.pid} loser-process l\n`);
    }
    realLink(existing, target);
  });

  expect(() => lockDataDir(dir)).toThrow(`in use by process ${winner.pid};`);
  expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${winner.pid} winner-process w\n`);
  rmSync(dir, { recursive: true, force: true });
});
