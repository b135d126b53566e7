/**
 * What a CLI call loads: the compiled CLI (dist/, built by the test run's globalSetup) imports a heavy
 * module only where a command uses it, so that every call starts fast (bench/cli.ts measures how fast).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createStandaloneDatabase } from '../support/db.ts';
import { ROOT } from '../support/product.ts';

const HEAVY = [
  '@electric-sql/pglite',
  'postgres',
  'echarts',
  '@resvg/resvg-js',
  'exceljs',
  '@larksuiteoapi/node-sdk',
  'dingtalk-stream',
  'grammy',
];

/** Runs `stocktake ...args` and returns the modules it loaded from node_modules ("drizzle-orm/index.js"). */
function modulesLoadedBy(env: Record<string, string>, ...args: string[]): string[] {
  const run = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'test/support/reportModules.mjs'), join(ROOT, 'src/cli/bin.js'), ...args],
    { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } },
  );
  expect(run.status, run.stderr).toBe(0);
  return [...run.stderr.matchAll(/^module: (.+)$/gm)].map((m) => m[1]!);
}

const heavyIn = (modules: string[]) => HEAVY.filter((p) => modules.some((m) => m.startsWith(`${p}/`)));

it('answers --help without loading a database driver, a chat SDK, charts or the spreadsheet library', () => {
  const modules = modulesLoadedBy({}, '--help');
  expect(modules.some((m) => m.startsWith('commander/'))).toBe(true); // the hook reports what is loaded
  expect(heavyIn(modules)).toEqual([]);
});

it('runs a command on an up-to-date embedded database with PGlite alone: no postgres.js, no migrator', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-startup-'));
  try {
    const { env } = await createStandaloneDatabase('pglite', join(dir, 'data'));
    // The call opening the directory itself (no keeper): a call served by the keeper loads no package at
    // all (test/cli/keeper.test.ts).
    const modules = modulesLoadedBy({ ...env, STOCKTAKE_KEEPER_SECONDS: '0' }, 'list');
    expect(heavyIn(modules)).toEqual(['@electric-sql/pglite']);
    expect(modules.filter((m) => m.includes('migrator'))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
