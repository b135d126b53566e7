/**
 * Count import benchmark: a 1,000,000-line count sheet over 200,000 SKUs, imported end to end as a user
 * does it: the real `stocktake counts import` command (whatever package.json's bin points to) spawned
 * as a process, so CLI start, parsing, validation, storing and variances are all inside the time. In the
 * same run the same file is loaded with raw COPY into a bare table (postgres.js `copy … from stdin`
 * piped from the file; PGlite `copy … from '/dev/blob'`), the physical limit the import is compared to.
 * Prints seconds, lines/s, the CLI process's CPU time and peak RSS, the ratio to raw COPY, and
 * PGlite/Postgres. On a busy machine compare the ratios, measured in the same run, not the seconds.
 *
 *   npm run bench:import                 # both databases (Postgres when reachable)
 *   npm run bench:import -- --db pglite  # one of them
 *   BENCH_LINES=200000 npm run bench:import
 *
 * Setup and raw COPY run in child processes of their own; the import is the CLI's own process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openAsBlob, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { PG_ADMIN, postgresReachable } from './support.ts';
import { sql } from 'drizzle-orm';
import { openDatabase, type DatabaseTarget } from '../db/client.ts';
import { fileSource } from '../src/files/source.ts';
import { importBook } from '../src/services/book.ts';
import { importItems } from '../src/services/items.ts';
import { startStocktake } from '../src/services/stocktakes.ts';
import { addWarehouse } from '../src/services/warehouses.ts';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const SKUS = Number(process.env.BENCH_SKUS ?? 200_000);
const OUT = fileURLToPath(new URL(`./out/${LINES}x${SKUS}/`, import.meta.url));
const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;
const loc = (i: number) => `L${String(i % 500).padStart(3, '0')}-${i % 7}`;

/** Deterministic pseudo-random numbers, so every run measures the same file. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function writeLines(path: string, header: string, count: number, row: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  let buffer = '';
  for (let i = 0; i < count; i++) {
    buffer += `${row(i)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

async function generate(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const random = rng(42);
  await writeLines(
    join(OUT, 'items.csv'),
    'sku,name,unit,unit_cost,category',
    SKUS,
    (i) => `${sku(i)},Item ${i},pcs,${(1 + (i % 997) / 10).toFixed(2)},cat${i % 20}`,
  );
  await writeLines(join(OUT, 'book.csv'), 'sku,location,qty', SKUS, (i) => `${sku(i)},${loc(i)},${5 * (1 + (i % 50))}`);
  // Each SKU is scanned about LINES/SKUS times at its location, in random order, as scanner exports come.
  await writeLines(join(OUT, 'counts.csv'), 'sku,location,qty', LINES, () => {
    const i = Math.floor(random() * SKUS);
    return `${sku(i)},${loc(i)},${1 + Math.floor(random() * 10)}`;
  });
}

function targetFor(kind: string): DatabaseTarget {
  if (kind === 'pglite') return { kind: 'pglite', dataDir: join(OUT, 'pglite') };
  const url = new URL(PG_ADMIN);
  url.pathname = '/stocktake_bench';
  return { kind: 'postgres', url: url.toString() };
}

/** Child step 1: a fresh database with items, book and a started stocktake. */
async function seed(kind: string): Promise<void> {
  if (kind === 'pglite') rmSync(join(OUT, 'pglite'), { recursive: true, force: true });
  else {
    const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists stocktake_bench with (force)');
    await admin.unsafe('create database stocktake_bench');
    await admin.end();
  }
  const database = await openDatabase(targetFor(kind));
  const t0 = performance.now();
  await addWarehouse(database.db, { code: 'BENCH', timezone: 'Asia/Shanghai' });
  await importItems(database.db, await fileSource(join(OUT, 'items.csv')));
  await importBook(database.db, 'BENCH', await fileSource(join(OUT, 'book.csv')));
  const st = await startStocktake(database.db, 'BENCH');
  console.log(`  setup: ${SKUS} items and book lines, stocktake started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Measure the import on a settled database, not while the server checkpoints the setup's writes.
  if (kind === 'postgres') await database.db.execute(sql`checkpoint`);
  await database.close();
  console.log(`RESULT stocktake ${st.code}`);
}

/** The bare table raw COPY loads: the sheet's columns, no keys, no indexes. */
const RAW_TABLE = 'create table bench_raw_count (sku text, location text, qty numeric)';

/** Child step 2: raw COPY of the same file into a bare table (dropped again), timed alone. */
async function rawCopy(kind: string): Promise<void> {
  const file = join(OUT, 'counts.csv');
  let seconds: number;
  if (kind === 'pglite') {
    const pg = await PGlite.create({ dataDir: join(OUT, 'pglite') });
    await pg.exec(RAW_TABLE);
    const t0 = performance.now();
    await pg.query(`copy bench_raw_count from '/dev/blob' with (format csv, header)`, [], { blob: await openAsBlob(file) });
    seconds = (performance.now() - t0) / 1000;
    await pg.exec('drop table bench_raw_count');
    await pg.close();
  } else {
    const client = postgres((targetFor(kind) as { url: string }).url, { max: 1, onnotice: () => {} });
    await client.unsafe(RAW_TABLE);
    const t0 = performance.now();
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      await client`copy bench_raw_count from stdin with (format csv, header)`.writable(),
    );
    seconds = (performance.now() - t0) / 1000;
    await client.unsafe('drop table bench_raw_count');
    await client.unsafe('checkpoint');
    await client.end();
  }
  console.log(`  raw COPY into a bare table: ${seconds.toFixed(2)} s (${Math.round(LINES / seconds).toLocaleString('en')} lines/s)`);
  console.log(`RESULT seconds ${seconds}`);
}

/**
 * The command users run, as package.json's bin names it. The bin runs the build in dist/: built here
 * from the sources as they are, so an edit since the last build is measured too.
 */
function cliCommand(): string[] {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)), '--quiet'], { stdio: 'inherit' });
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
  return [fileURLToPath(new URL(`../${pkg.bin.stocktake}`, import.meta.url))];
}

/** Step 3: the measured import, by the CLI in a process of its own, timed from spawn to exit. */
function measure(kind: string, stocktake: string): { seconds: number; peakMiB: number } {
  const rssFile = join(OUT, 'peak-rss');
  rmSync(rssFile, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RSS_FILE: rssFile, STOCKTAKE_LOG_LEVEL: 'warn' };
  if (kind === 'pglite') {
    delete env.DATABASE_URL;
    env.STOCKTAKE_DATA_DIR = join(OUT, 'pglite');
    // The import in this process, not in a keeper (src/cli/keeper.ts): its CPU and peak RSS are then the
    // import's, and its time includes opening PGlite, as a first call's does.
    env.STOCKTAKE_KEEPER_SECONDS = '0';
  } else env.DATABASE_URL = (targetFor(kind) as { url: string }).url;
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const args = [...profile, '--import', fileURLToPath(new URL('./peakRss.mjs', import.meta.url)), ...cliCommand()];
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    [...args, 'counts', 'import', stocktake, join(OUT, 'counts.csv'), '--counter', 'bench', '--json'],
    {
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (process.env.STOCKTAKE_IMPORT_TIMINGS) process.stderr.write(child.stderr.replace(/^/gm, '    '));
  if (child.status !== 0) {
    process.stderr.write(child.stdout + child.stderr);
    process.exit(child.status ?? 1);
  }
  const report = JSON.parse(child.stdout) as {
    rowsAccepted: number;
    linesCounted: number;
    progress: { variances: { gain: number; loss: number; match: number } };
  };
  const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRSS: number; cpu: number };
  const peakMiB = usage.maxRSS / 1024;
  const v = report.progress.variances;
  console.log(
    `  import (CLI, start included): ${report.rowsAccepted} lines → ${report.linesCounted} counted lines in ${seconds.toFixed(2)} s ` +
      `(${Math.round(report.rowsAccepted / seconds).toLocaleString('en')} lines/s), CLI process CPU ${(usage.cpu / 1e6).toFixed(2)} s, ` +
      `peak RSS ${peakMiB.toFixed(0)} MiB; ` +
      `variances: ${v.gain} gain, ${v.loss} loss, ${v.match} match`,
  );
  return { seconds, peakMiB };
}

/** Runs a step of this file in a child process; returns the RESULT figure it printed, if any. */
function child(step: string, kind: string): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), step, kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const lines = run.stdout.split('\n');
  process.stdout.write(lines.filter((l) => !l.startsWith('RESULT ')).join('\n'));
  if (run.status !== 0) process.exit(run.status ?? 1);
  const result = lines.find((l) => l.startsWith('RESULT '));
  return result?.split(' ')[2] ?? '';
}

const [step, kind] = process.argv.slice(2);
if (step === 'seed') await seed(kind!);
else if (step === 'copy') await rawCopy(kind!);
else {
  const only = process.argv.indexOf('--db') >= 0 ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
  const kinds = only ? [only] : ['pglite', 'postgres'];
  console.log(
    `Count import benchmark: ${LINES.toLocaleString('en')} lines over ${SKUS.toLocaleString('en')} SKUs (node ${process.version}, CLI ${cliCommand()[0]!.replace(`${process.cwd()}/`, '')})`,
  );
  if (!existsSync(join(OUT, 'counts.csv')) || process.env.BENCH_REGENERATE) await generate();
  const imports: Record<string, number> = {};
  for (const k of kinds) {
    if (k === 'postgres' && !(await postgresReachable())) {
      console.log(`postgres: skipped, no server at ${PG_ADMIN}`);
      continue;
    }
    console.log(`${k}:`);
    const stocktake = child('seed', k);
    const copySeconds = Number(child('copy', k));
    const { seconds } = measure(k, stocktake);
    imports[k] = seconds;
    console.log(`  import / raw COPY: ${(seconds / copySeconds).toFixed(1)}×`);
  }
  if (imports.pglite && imports.postgres) console.log(`PGlite / Postgres import: ${(imports.pglite / imports.postgres).toFixed(2)}×`);
}
