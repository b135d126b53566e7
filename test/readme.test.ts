import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createStandaloneDatabase } from './support/db.ts';

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced block that follows a heading's first occurrence of `marker`. */
function blockAfter(marker: string, fence: string): string {
  const start = README.indexOf(marker);
  const open = README.indexOf(`\`\`\`${fence}\n`, start);
  const close = README.indexOf('\n```', open + fence.length + 4);
  return README.slice(open + fence.length + 4, close + 1);
}

it('walks the README tour as a new user types it, and prints the table README shows', async () => {
  const count = blockAfter('### 1. Count', 'sh');
  const review = blockAfter('### 2. Review, approve, post', 'sh').replaceAll('-2026-', `-${new Date().getFullYear()}-`);
  const expected = blockAfter('The last command prints:', '');
  const script = `${count}\necho '--- part 2 ---'\n${review}`;
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-readme-'));
  try {
    // A migrated data directory up front saves the first command's initdb; everything else is as typed.
    await createStandaloneDatabase('pglite', join(dir, 'data'));
    // The README's own commands, run by bash from the repository root with its own data directory.
    const run = spawnSync('bash', ['-c', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, STOCKTAKE_DATA_DIR: join(dir, 'data') },
      timeout: 240_000,
    });
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
    expect(part2).toMatch(/Wrote 5 ledger line\(s\) to ST-\d{8}-001-posted\.xlsx/);
    expect(part2).toMatch(/Audit chain intact: \d+ row\(s\)/);
    rmSync(join(ROOT, part2.match(/ST-\d{8}-001-posted\.xlsx/)![0]), { force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
