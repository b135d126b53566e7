/**
 * The CLI's keeper (src/cli/keeper.ts): on the embedded database a call hands itself to a background
 * process that keeps PGlite open, starting one when none runs. Each test runs the real bin as a process,
 * as a user's shell does, against a data directory of its own, and stops its keeper at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { connectTo, keeperSocketPath, readFrames } from '../../db/keeperSocket.ts';
import { openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase } from '../support/db.ts';
import { ROOT } from '../support/product.ts';
import { alive, waitFor } from '../support/wait.ts';

const BIN = join(ROOT, 'src/cli/bin.js');
const HOOK = join(ROOT, 'test/support/reportModules.mjs');

let dir: string;
let dataDir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-keeper-'));
  dataDir = join(dir, 'data');
  await createStandaloneDatabase('pglite', dataDir);
});

afterEach(async () => {
  await stocktake({}, 'keeper', '--stop');
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `stocktake ...args` as a process (with the module hook: its stderr lists what it loaded). */
function stocktake(extra: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; modules: string[] }>((done) => {
    const child = spawn(process.execPath, ['--import', HOOK, BIN, ...args], {
      cwd: extra.CWD ?? dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, STOCKTAKE_DATA_DIR: dataDir, ...extra },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('close', (code) =>
      done({
        code,
        stdout,
        stderr: stderr.replace(/^module: .*\n/gm, ''),
        modules: [...stderr.matchAll(/^module: (.+)$/gm)].map((m) => m[1]!),
      }),
    );
  });
}

/** The pid holding the data directory's lock (the keeper's, while one runs), or null. */
function lockHolder(): number | null {
  const path = join(dataDir, 'stocktake.lock');
  return existsSync(path) ? Number(readFileSync(path, 'utf8').split(/\s+/)[0]) : null;
}

const until = (condition: () => boolean, what: string) => waitFor(condition, { what });

it('serves the calls after the first from a keeper: same output, exit codes, language and working directory per call, no package loaded by the call', async () => {
  const first = await stocktake({}, 'warehouse', 'add', 'SH01', '--name', '上海仓', '--timezone', 'Asia/Shanghai');
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain('Warehouse SH01');
  const keeper = lockHolder();
  expect(keeper).not.toBeNull();
  expect(alive(keeper!)).toBe(true);

  const list = await stocktake({}, 'list', '--json');
  expect(list.code, list.stderr).toBe(0);
  expect(JSON.parse(list.stdout)).toEqual([]);
  // Served by the keeper: the call itself loaded no package (PGlite, drizzle, commander are the keeper's).
  expect(list.modules).toEqual([]);
  expect(lockHolder()).toBe(keeper);

  // A relative path is the caller's, not the keeper's; the language is the call's own.
  const work = join(dir, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'items.csv'), 'sku,name,unit,unit_cost\nA-1,Tea,pcs,100.00\n');
  const items = await stocktake({ CWD: work, STOCKTAKE_LANG: 'zh' }, 'items', 'import', 'items.csv');
  expect(items.code, items.stderr).toBe(0);
  expect(items.stdout).toMatch(/[\u4e00-\u9fff]/);
  const english = await stocktake({ CWD: work }, 'items', 'import', 'missing.csv');
  expect(english.code).toBe(2);
  expect(english.stderr).toMatch(/^error: .*missing\.csv/m);
  const chinese = await stocktake({ STOCKTAKE_LANG: 'zh' }, 'start', 'NOPE');
  expect(chinese.code).toBe(2);
  expect(chinese.stderr).toMatch(/^错误：/m);
  // A usage error is the call's too.
  const usage = await stocktake({}, 'nosuchcommand');
  expect(usage.code).toBe(2);
  expect(lockHolder()).toBe(keeper);

  // The same call run alone (no keeper) prints the same.
  const served = await stocktake({}, 'status', '--help');
  expect(served.code).toBe(0);
  const viaKeeper = await stocktake({}, 'list');
  const alone = await stocktake({ STOCKTAKE_KEEPER_SECONDS: '0' }, 'list');
  expect(alone.stdout).toBe(viaKeeper.stdout);
  expect(alone.modules.some((m) => m.startsWith('@electric-sql/pglite/'))).toBe(true);
});

it('runs calls made at once one after the other, each exactly once', async () => {
  expect((await stocktake({}, 'list')).code).toBe(0); // starts the keeper
  const calls = await Promise.all(['ann', 'bob', 'cy', 'dee', 'eve'].map((p) => stocktake({}, 'people', 'add', p)));
  for (const call of calls) expect(call.code, call.stderr).toBe(0);
  const people = await stocktake({}, 'people', 'list', '--json');
  expect(people.code, people.stderr).toBe(0);
  const handles = (JSON.parse(people.stdout) as { handle: string }[]).map((p) => p.handle).sort();
  expect(handles).toEqual(['ann', 'bob', 'cy', 'dee', 'eve']);
});

it('lets go when another process opens the directory, when stopped, when idle, and when the directory is gone', async () => {
  expect((await stocktake({}, 'list')).code).toBe(0);
  const keeper = lockHolder()!;
  expect(alive(keeper)).toBe(true);
  // Another opener (here this test; `npm start` alike) asks the keeper to let go and gets the directory.
  const own = await openOwnDatabase({ kind: 'pglite', dataDir }, { migrate: false });
  expect(lockHolder()).toBe(process.pid);
  await own.close();
  await until(() => !alive(keeper), 'the released keeper exits');

  // `keeper --stop`
  expect((await stocktake({}, 'list')).code).toBe(0);
  const second = lockHolder()!;
  const stopped = await stocktake({}, 'keeper', '--stop');
  expect(stopped.stdout).toContain('Stopped the background process');
  await until(() => !alive(second), 'the stopped keeper exits');
  expect((await stocktake({}, 'keeper', '--stop')).stdout).toContain('No background process');

  // A call of another build (after `npm run build`): the keeper would run older code, so it lets go.
  expect((await stocktake({}, 'list')).code).toBe(0);
  const older = lockHolder()!;
  const socket = (await connectTo(keeperSocketPath(dataDir)!))!;
  const frames: unknown[] = [];
  const closed = new Promise<void>((end) => readFrames(socket, (f) => frames.push(f), end));
  socket.write(`${JSON.stringify({ build: 'another', argv: ['node', 'stocktake', 'list'], cwd: dir, env: {} })}\n`);
  await closed;
  expect(frames).toEqual([{ retry: 'another build' }]);
  await until(() => !alive(older), 'the keeper of another build exits');

  // Idle: STOCKTAKE_KEEPER_SECONDS after its last call.
  expect((await stocktake({ STOCKTAKE_KEEPER_SECONDS: '1' }, 'list')).code).toBe(0);
  const idle = lockHolder()!;
  await until(() => !alive(idle), 'the idle keeper exits');
  expect(lockHolder()).toBeNull();

  // The directory removed under it, and made again at once: a call reaches the new one, never the old.
  expect((await stocktake({}, 'warehouse', 'add', 'OLD1')).code).toBe(0);
  const orphan = lockHolder()!;
  rmSync(dataDir, { recursive: true, force: true });
  await createStandaloneDatabase('pglite', dataDir);
  const fresh = await stocktake({}, 'warehouse', 'list', '--json');
  expect(fresh.code, fresh.stderr).toBe(0);
  expect(fresh.stdout).not.toContain('OLD1');
  await until(() => !alive(orphan), 'the keeper of a removed directory exits');
});

it('lets go without writing when another process opened the directory without its lock, and nothing is lost', async () => {
  expect((await stocktake({}, 'warehouse', 'add', 'BEFORE')).code).toBe(0);
  const keeper = lockHolder()!;
  // A script opening the directory with PGlite itself, as a benchmark's baseline might, between two calls.
  const plain = await PGlite.create({ dataDir });
  expect((await plain.query<{ code: string }>('select code from warehouse')).rows.map((r) => r.code)).toEqual(['BEFORE']);
  await plain.close();
  const after = await stocktake({}, 'warehouse', 'add', 'AFTER');
  expect(after.code, after.stderr).toBe(0);
  await until(() => !alive(keeper), 'the keeper that lost the directory exits');
  const listed = await stocktake({ STOCKTAKE_KEEPER_SECONDS: '0' }, 'warehouse', 'list', '--json');
  expect(listed.code, listed.stderr).toBe(0);
  expect((JSON.parse(listed.stdout) as { code: string }[]).map((w) => w.code).sort()).toEqual(['AFTER', 'BEFORE']);
});

it('starts a new keeper after one was killed, and says so when a keeper stops in the middle of a call', async () => {
  expect((await stocktake({}, 'list')).code).toBe(0);
  const killed = lockHolder()!;
  process.kill(killed, 'SIGKILL');
  await until(() => !alive(killed), 'the killed keeper is gone');
  // Its socket file and lock are left behind; the next call starts a keeper that takes both over.
  const after = await stocktake({}, 'list', '--json');
  expect(after.code, after.stderr).toBe(0);
  expect(JSON.parse(after.stdout)).toEqual([]);
  const replacement = lockHolder()!;
  expect(replacement).not.toBe(killed);
  await stocktake({}, 'keeper', '--stop');
  await until(() => !alive(replacement), 'the keeper exits');

  // A keeper that begins a call and vanishes: the caller cannot know whether it took effect, and says so.
  const path = keeperSocketPath(dataDir)!;
  rmSync(path, { force: true });
  const vanishing = createServer((socket) => socket.once('data', () => socket.end('{"started":true}\n')));
  await new Promise<void>((ready) => vanishing.listen(path, ready));
  try {
    for (const [lang, text] of [
      ['en', 'may or may not have taken effect'],
      ['zh', '可能已生效也可能没有'],
    ] as const) {
      const lost = await stocktake({ STOCKTAKE_LANG: lang }, 'people', 'add', 'zoe');
      expect(lost.code).toBe(1);
      expect(lost.stderr).toContain(text);
    }
  } finally {
    await new Promise((closed) => vanishing.close(closed));
  }
});

it('refreshes the planner statistics of what the calls changed once they pause (PGlite has no autovacuum)', async () => {
  // The keeper in the foreground, its log on stderr; the calls below go to it.
  const keeper = spawn(process.execPath, [BIN, 'keeper'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, STOCKTAKE_DATA_DIR: dataDir },
  });
  let log = '';
  keeper.stderr.on('data', (b: Buffer) => (log += b));
  try {
    await until(() => existsSync(keeperSocketPath(dataDir)!), 'the keeper listens');
    const rows = Array.from({ length: 3000 }, (_, i) => `S-${i},Item ${i},pcs,1.50`);
    writeFileSync(join(dir, 'items.csv'), ['sku,name,unit,unit_cost', ...rows].join('\n') + '\n');
    const imported = await stocktake({}, 'items', 'import', 'items.csv');
    expect(imported.code, imported.stderr).toBe(0);
    await until(() => /planner statistics refreshed: .*\bitem\b/.test(log), 'the item table analyzed');
  } finally {
    await stocktake({}, 'keeper', '--stop');
    await until(() => keeper.exitCode !== null, 'the keeper exits');
  }
  const plain = await PGlite.create({ dataDir });
  try {
    const [item] = (await plain.query<{ n: number }>("select reltuples::float8 as n from pg_class where relname = 'item'")).rows;
    expect(Number(item!.n)).toBeGreaterThanOrEqual(3000);
  } finally {
    await plain.close();
  }
});
