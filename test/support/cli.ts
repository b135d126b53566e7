import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { main } from '../../src/cli/main.ts';
import { createStandaloneDatabase, type DbKind } from './db.ts';

/**
 * The PGlite directory the in-process CLI keeps open between commands: opening one takes about a second
 * (PGlite starting Postgres in WASM), and the CLI suites run hundreds of commands. One directory at a time;
 * a command for another directory or workload closes it first. A test that opens the directory itself or
 * hands it to another process calls releaseCliDatabase first (a directory takes one opener at a time).
 */
let kept: { dataDir: string; workload: string; database: Promise<Database> } | null = null;

/** Closes the directory the in-process CLI keeps open, so that another opener can take it. */
export async function releaseCliDatabase(): Promise<void> {
  const was = kept;
  kept = null;
  const database = await was?.database.catch(() => null);
  // A suite may have removed the directory already: closing then has nothing left to keep.
  await database?.close().catch(() => {});
}

/** openDatabase for a test that opens a CLI suite's database itself: the in-process CLI lets go of it first. */
export const openOwnDatabase: typeof openDatabase = async (target, options) => {
  await releaseCliDatabase();
  return openDatabase(target, options);
};

const keptOpen: typeof openDatabase = async (target, options = {}) => {
  if (target.kind !== 'pglite' || !target.dataDir) return openDatabase(target, options);
  const workload = options.workload ?? 'service';
  if (kept && (kept.dataDir !== target.dataDir || kept.workload !== workload)) await releaseCliDatabase();
  if (!kept) {
    const entry = { dataDir: target.dataDir, workload, database: openDatabase(target, options) };
    kept = entry;
    entry.database.catch(() => {
      if (kept === entry) kept = null;
    });
  }
  const database = await kept.database;
  return { ...database, close: async () => {} };
};

/** Runs the CLI in-process against the environment given, capturing what it prints and its exit code. */
export async function runCli(env: Record<string, string>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'stocktake', ...args], {
    stdout: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    env: { ...env, PATH: process.env.PATH },
    open: keptOpen,
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
    await releaseCliDatabase();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });
  /** The environment pointing at the suite's database, released by the CLI (for a test that opens it between commands). */
  const environment = async () => {
    await releaseCliDatabase();
    return env;
  };
  return { cli, cliWith, file, ok, environment };
}
