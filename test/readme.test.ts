import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createStandaloneDatabase } from './support/db.ts';
import { STEP_MS, stepsBudget } from './support/wait.ts';

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced block that follows a heading's first occurrence of `marker`. */
function blockAfter(marker: string, fence: string): string {
  const start = README.indexOf(marker);
  const open = README.indexOf(`\`\`\`${fence}\n`, start);
  const close = README.indexOf('\n```', open + fence.length + 4);
  return README.slice(open + fence.length + 4, close + 1);
}

/** How many `./stocktake` (or `npx stocktake`) commands a script runs: each mention, times the words of the `for … in …; do` loops around it. */
function commandsIn(script: string): number {
  let total = 0;
  const loops: number[] = [];
  for (const line of script.split('\n')) {
    const loop = /^\s*for \w+ in ([^;]+);\s*do\b/.exec(line);
    if (loop) loops.push(loop[1]!.trim().split(/\s+/).length);
    total += (line.match(/(?:\bnpx |\.\/)stocktake\b/g)?.length ?? 0) * loops.reduce((a, b) => a * b, 1);
    if (/\bdone\b/.test(line)) loops.pop();
  }
  return total;
}

const count = blockAfter('### 1. Count', 'sh');
const review = blockAfter('### 2. Review, approve, post', 'sh').replaceAll('-2026-', `-${new Date().getFullYear()}-`);
const script = `${count}\necho '--- part 2 ---'\n${review}`;
const commands = commandsIn(script);

/**
 * Runs the script with bash and collects what it prints. No limit on the whole (a busy machine makes every
 * command slower: at a load of 15 on 2 cores one took 15-20 s); a script that prints nothing for two steps'
 * time has stalled, and is killed and reported with what it printed so far.
 */
function runTour(env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let stalled: NodeJS.Timeout;
    const watch = () => {
      clearTimeout(stalled);
      stalled = setTimeout(() => {
        process.kill(-child.pid!, 'SIGKILL'); // bash and the command it is running
        reject(new Error(`the README tour printed nothing for ${(2 * STEP_MS) / 1000} s; so far:\n${stdout}\n${stderr}`));
      }, 2 * STEP_MS);
    };
    watch();
    child.stdout.on('data', (b: Buffer) => ((stdout += b.toString()), watch()));
    child.stderr.on('data', (b: Buffer) => ((stderr += b.toString()), watch()));
    child.once('error', (e) => (clearTimeout(stalled), reject(e)));
    child.once('close', (code) => (clearTimeout(stalled), resolve({ stdout, stderr, code })));
  });
}

it(
  'walks the README tour as a new user types it, and prints the table README shows',
  async () => {
    expect(commands).toBeGreaterThan(20); // the tour was found and counted
    const expected = blockAfter('The last command prints:', '');
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-readme-'));
    try {
      // A migrated data directory up front saves the first command's initdb; everything else is as typed.
      await createStandaloneDatabase('pglite', join(dir, 'data'));
      // The README's own commands, run by bash from the repository root with its own data directory.
      const run = await runTour({ PATH: process.env.PATH, HOME: process.env.HOME, STOCKTAKE_DATA_DIR: join(dir, 'data') });
      expect(run.stderr).toContain('cannot close counting');
      expect(run.stderr).toContain('POT-100@C-03-01');
      expect(run.stdout).toMatch(/ST-\d{8}-001/);
      expect(run.stdout).toContain('2 verified by a second count, 1 in conflict');
      const [part1, part2] = run.stdout.split('--- part 2 ---\n') as [string, string];
      expect(part1.trimEnd().endsWith(expected.trimEnd())).toBe(true);
      expect(run.stderr).toContain('sam explained');
      expect(part2).toContain('suggested');
      expect(part2).toMatch(/PY-\d{4}-0001 \(盘盈单 gain\)/);
      expect(part2).toMatch(/step 2 finance +approved by fiona/);
      expect(part2).toMatch(/Stocktake ST-\d{8}-001 · warehouse SH01 · posted/);
      expect(part2).toContain(`Wrote 5 ledger line(s) to ${ROOT}/ST-`);
      expect(part2).toMatch(/ST-\d{8}-001-posted\.xlsx \(in the current folder; --out FILE writes elsewhere\)/);
      expect(part2).toMatch(/Audit chain intact: \d+ row\(s\)/);
      rmSync(join(ROOT, part2.match(/ST-\d{8}-001-posted\.xlsx/)![0]), { force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Each command may take a step's time: the limit grows with the tour instead of guessing its total.
  },
  stepsBudget(commands),
);
