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
  const script = blockAfter('## A tour with the sample files', 'sh');
  const expected = blockAfter('The last command prints:', '');
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
    expect(run.stdout.trimEnd().endsWith(expected.trimEnd())).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
