/**
 * Count import benchmark: a 1,000,000-line count sheet over 200,000 SKUs, imported end to end (parse,
 * validate, store, compute variances) on PGlite and on Postgres. Prints lines/s, seconds and peak RSS.
 *
 *   npm run bench:import                 # both databases (Postgres when reachable)
 *   npm run bench:import -- --db pglite  # one of them
 *   BENCH_LINES=200000 npm run bench:import
 *
 * Each measured import runs in a child process of its own, so peak RSS is the import's, not the setup's.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { PG_ADMIN, postgresReachable } from './support.ts';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type DatabaseTarget } from '../db/client.ts';
import { fileSource } from '../src/files/source.ts';
import { importBook } from '../src/services/book.ts';
import { importCounts } from '../src/services/counts.ts';
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
  await startStocktake(database.db, 'BENCH');
  console.log(`  setup: ${SKUS} items and book lines, stocktake started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Measure the import on a settled database, not while the server checkpoints the setup's writes.
  if (kind === 'postgres') await database.db.execute(sql`checkpoint`);
  await database.close();
}

/** Child step 2: the measured import. */
async function measure(kind: string): Promise<void> {
  const t0 = performance.now();
  const database = await openDatabase(targetFor(kind));
  const tOpen = performance.now();
  const [st] = await queryRows<{ code: string }>(database.db, sql`select code from stocktake`);
  const report = await importCounts(database.db, st!.code, await fileSource(join(OUT, 'counts.csv')), { counter: 'bench' });
  const seconds = (performance.now() - tOpen) / 1000;
  await database.close();
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `  import: ${report.rowsAccepted} lines → ${report.linesCounted} counted lines in ${seconds.toFixed(2)} s ` +
      `(${Math.round(report.rowsAccepted / seconds).toLocaleString('en')} lines/s; open ${((tOpen - t0) / 1000).toFixed(2)} s not included), ` +
      `peak RSS ${peakMiB.toFixed(0)} MiB; variances: ${report.progress.variances.gain} gain, ${report.progress.variances.loss} loss, ${report.progress.variances.match} match`,
  );
}

const [step, kind] = process.argv.slice(2);
if (step === 'seed') await seed(kind!);
else if (step === 'measure') await measure(kind!);
else {
  const only = process.argv.indexOf('--db') >= 0 ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
  const kinds = only ? [only] : ['pglite', 'postgres'];
  console.log(
    `Count import benchmark: ${LINES.toLocaleString('en')} lines over ${SKUS.toLocaleString('en')} SKUs (node ${process.version})`,
  );
  if (!existsSync(join(OUT, 'counts.csv')) || process.env.BENCH_REGENERATE) await generate();
  for (const k of kinds) {
    if (k === 'postgres' && !(await postgresReachable())) {
      console.log(`postgres: skipped, no server at ${PG_ADMIN}`);
      continue;
    }
    console.log(`${k}:`);
    for (const s of ['seed', 'measure']) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), s, k], { stdio: 'inherit' });
      if (child.status !== 0) process.exit(child.status ?? 1);
    }
  }
}
