import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createStandaloneDatabase, type DbKind } from './db.ts';

/** Runs the CLI in-process against the environment given, capturing what it prints and its exit code. */
export async function runCli(env: Record<string, string>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'stocktake', ...args], {
    stdout: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    env: { ...env, PATH: process.env.PATH },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

/**
 * A suite's CLI against its own standalone database, set up as the command line would: warehouse WH1
 * (Asia/Shanghai), items A-1 (Tea, 100.00) and B-2 (Cup, 5.00), a book of 20 A-1 at L1 and 10 B-2 at L2,
 * counter cara and supervisor sam. `ok` runs a command that must succeed; `file` writes an input file.
 */
export function cliWarehouse(kind: DbKind, name: string) {
  const dir = mkdtempSync(join(tmpdir(), `stocktake-cli-${name}-`));
  let env: Record<string, string> = {};
  let drop: () => Promise<void> = async () => {};
  const cli = (...args: string[]) => runCli(env, ...args);
  /** The CLI with more environment, e.g. { STOCKTAKE_LANG: 'zh' }. */
  const cliWith = (extra: Record<string, string>, ...args: string[]) => runCli({ ...env, ...extra }, ...args);
  const file = (fileName: string, content: string) => {
    writeFileSync(join(dir, fileName), content);
    return join(dir, fileName);
  };
  const ok = async (...args: string[]) => {
    const r = await cli(...args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  beforeAll(async () => {
    ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
    await ok('warehouse', 'add', 'WH1', '--timezone', 'Asia/Shanghai');
    await ok('items', 'import', file('items.csv', 'sku,name,unit,unit_cost\nA-1,Tea,box,100\nB-2,Cup,pcs,5\n'));
    await ok('book', 'import', 'WH1', file('book.csv', 'sku,location,qty\nA-1,L1,20\nB-2,L2,10\n'));
    for (const p of ['cara', 'sam']) await ok('people', 'add', p);
    await ok('roles', 'grant', 'cara', 'counter', 'WH1');
    await ok('roles', 'grant', 'sam', 'supervisor', 'WH1');
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });
  /** The environment pointing at the suite's database (for a test that opens it between commands). */
  const environment = () => env;
  return { cli, cliWith, file, ok, environment };
}
