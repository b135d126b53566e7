/**
 * The onboarding README gives an admin for each platform: its command-line block (marked
 * `<!-- onboarding:<platform> -->`) runs as written on a fresh demo database, and so do the commands the
 * access card shows a stranger to pass on to their admin.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../cards/i18n/index.ts';
import { createStandaloneDatabase, databaseKinds } from './support/db.ts';
import { STEP_MS } from './support/wait.ts';

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PLATFORMS = ['feishu', 'dingtalk', 'telegram'] as const;

/** The ```sh block right after `<!-- onboarding:<platform> -->`, or null. */
function onboardingBlock(platform: string): string | null {
  const m = new RegExp(`<!-- onboarding:${platform} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  return m ? m[1]! : null;
}

describe('onboarding from README', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  /**
   * Runs a script with bash from the repository root. `npx stocktake` is the package's own bin
   * (src/cli/bin.js); calling it directly spares npm's start-up per command (the README tour test runs npx).
   */
  const run = (script: string) =>
    spawnSync('bash', ['-euo', 'pipefail', '-c', script.replaceAll('npx stocktake', 'node src/cli/bin.js')], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 20 * STEP_MS,
    });

  let drop: () => Promise<void> = async () => {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-onboarding-'));
    // On Postgres where there is one: some thirty commands, and each on PGlite would first start its
    // embedded Postgres (about a second of CPU). The README tour test walks the CLI on PGlite.
    const kind = databaseKinds().includes('postgres') ? 'postgres' : 'pglite';
    const created = await createStandaloneDatabase(kind, join(dir, 'data'));
    drop = created.drop;
    env = { PATH: process.env.PATH, HOME: process.env.HOME, ...created.env };
    const demo = run('npx stocktake demo');
    expect(demo.status, demo.stderr).toBe(0);
  }, 30 * STEP_MS);
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const platform of PLATFORMS) {
    it(`runs the ${platform} onboarding commands as README shows them`, () => {
      const block = onboardingBlock(platform);
      expect(block, `README has a <!-- onboarding:${platform} --> sh block`).not.toBeNull();
      const commands = block!.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
      expect(commands.length).toBeGreaterThan(0);
      for (const line of commands) expect(line, 'an onboarding block holds only stocktake commands').toMatch(/^npx stocktake /);
      const result = run(block!);
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      // Whoever the block added has the identity it gave them, on this platform.
      const people = run('npx stocktake people list --json');
      expect(people.stdout).toContain(`"${platform}:`);
    });
  }

  it("runs the commands the access card gives a stranger's admin, in both languages", () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const identity = `telegram:${locale === 'en' ? 4201 : 4202}`;
      const text = messages(locale).access.text(identity);
      const commands = [...text.matchAll(/`(npx stocktake [^`]+)`/g)].map((m) => m[1]!);
      expect(commands, text).toHaveLength(2);
      const handle = `newbie${locale === 'en' ? 1 : 2}`;
      const filled = commands.map((c) => c.replace(/\bHANDLE\b/g, handle).replace(/\bWAREHOUSE\b/g, 'DEMO'));
      const result = run(filled.join('\n'));
      expect(result.status, `${filled.join('\n')}\n${result.stderr}`).toBe(0);
      const people = JSON.parse(run('npx stocktake people list --json').stdout) as {
        handle: string;
        identities: string[];
        roles: string[];
      }[];
      expect(people.find((p) => p.handle === handle)).toMatchObject({
        identities: expect.arrayContaining([identity]),
        roles: ['DEMO:counter'],
      });
    }
  });
});
