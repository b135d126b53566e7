/**
 * A process that competes for PGlite data directory locks on command (test/db/lockRace.test.ts): reads
 * "lock <dir>" or "release" lines on stdin and answers one line each on stdout.
 */
import { createInterface } from 'node:readline';
import { DataDirInUseError, lockDataDir, type DataDirLock } from '../../db/lock.ts';

let held: DataDirLock | null = null;
const answer = (line: string) => process.stdout.write(`${line}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, dir = ''] = line.split(' ');
  if (command === 'lock') {
    try {
      held = lockDataDir(dir);
      answer(`won ${held.tookOver?.reason ?? 'fresh'} ${held.tookOver?.pid ?? '-'}`);
    } catch (error) {
      answer(error instanceof DataDirInUseError ? `in-use ${error.pid}` : `error ${(error as Error).message}`);
    }
  } else if (command === 'release') {
    held?.release();
    held = null;
    answer('released');
  }
}
