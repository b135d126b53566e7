import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPid } from '../support/processes.ts';

const ROUNDS = 60;
const CONTENDERS = 3;

/** A contender process (test/support/lockContender.ts) and its answers, one line per command. */
interface Contender {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  ask(command: string): Promise<string>;
}

async function startContender(): Promise<Contender> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/lockContender.ts'], { stdio: 'pipe' });
  await once(child, 'spawn');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    pid: child.pid!,
    async ask(command) {
      child.stdin.write(`${command}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`contender ${child.pid} exited`);
      return next.value;
    },
  };
}

describe('three processes taking over one stale lock at once', () => {
  let dir: string;
  let contenders: Contender[];
  let dead: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-lock-race-'));
    contenders = await Promise.all(Array.from({ length: CONTENDERS }, startContender));
    dead = await deadPid();
    // The first command also waits for tsx to load in each process, so the rounds start together.
    await Promise.all(contenders.map((c) => c.ask('release')));
  }, 120_000);

  afterAll(async () => {
    for (const c of contenders ?? []) {
      const exited = once(c.child, 'exit');
      c.child.stdin.end();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it(`leaves exactly one holder in each of ${ROUNDS} rounds, the others told who holds it`, async () => {
    const outcomes: string[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dataDir = join(dir, `round-${round}`);
      mkdirSync(dataDir);
      // Every other round the stale lock holds a contender's own pid from an earlier run (a container
      // restarted with the same pid), else a process that has exited.
      const stalePid = round % 2 === 0 ? dead : contenders[round % CONTENDERS]!.pid;
      writeFileSync(join(dataDir, 'stocktake.lock'), `${stalePid} an-earlier-run ${round}\n`);

      const answers = await Promise.all(contenders.map((c) => c.ask(`lock ${dataDir}`)));
      outcomes.push(answers);
      const winners = answers.flatMap((a, i) => (a.startsWith('won') ? [contenders[i]!] : []));
      expect(winners, `round ${round}: ${answers.join(' | ')}`).toHaveLength(1);
      const winner = winners[0]!;
      expect(
        answers.filter((a) => a === `in-use ${winner.pid}`),
        `round ${round}: ${answers.join(' | ')}`,
      ).toHaveLength(CONTENDERS - 1);
      expect(readFileSync(join(dataDir, 'stocktake.lock'), 'utf8').split(' ')[0]).toBe(String(winner.pid));
      await winner.ask('release');
    }
    // The winner was told it took over a stale lock, and whose.
    expect(
      outcomes
        .flat()
        .filter((a) => a.startsWith('won '))
        .every((a) => /^won (exited|earlier-run) \d+$/.test(a)),
    ).toBe(true);
  }, 300_000);
});
