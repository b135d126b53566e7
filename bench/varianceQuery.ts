/**
 * Variance query benchmark: one page of a 200,000-line stocktake in review (filtered, sorted, paged in
 * SQL), on PGlite and on Postgres, against reading every line as the API once did (listVariances + listReview).
 *
 *   node --import tsx bench/varianceQuery.ts                 # both databases (Postgres when reachable)
 *   node --import tsx bench/varianceQuery.ts --db pglite     # one of them
 *   BENCH_LINES=50000 node --import tsx bench/varianceQuery.ts
 *   BENCH_REUSE=1 ...                                        # measure the database seeded last time
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { PG_ADMIN, postgresReachable } from './support.ts';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type DatabaseTarget, type Db } from '../db/client.ts';
import { bufferSource } from '../src/files/source.ts';
import { importBook } from '../src/services/book.ts';
import { importCounts } from '../src/services/counts.ts';
import { importItems } from '../src/services/items.ts';
import { importMovements } from '../src/services/movements.ts';
import { addPerson, grantRole } from '../src/services/people.ts';
import { listReview } from '../src/services/review.ts';
import { closeCounting, getStocktake, startStocktake } from '../src/services/stocktakes.ts';
import { queryVariances, type VarianceQuery } from '../src/services/varianceQuery.ts';
import { listVariances } from '../src/services/variances.ts';
import { addWarehouse } from '../src/services/warehouses.ts';

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const OUT = fileURLToPath(new URL(`./out/variance-query-${LINES}/`, import.meta.url));
const PG_NAME = 'stocktake_bench_variances';
const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;
const loc = (i: number) => `L${String(i % 500).padStart(3, '0')}-${i % 7}`;
const book = (i: number) => 5 * (1 + (i % 50));
const rows = (header: string, count: number, row: (i: number) => string | null) => {
  const out = [header];
  for (let i = 0; i < count; i++) {
    const r = row(i);
    if (r !== null) out.push(r);
  }
  return `${out.join('\n')}\n`;
};

function target(kind: string): DatabaseTarget {
  if (kind === 'pglite') return { kind: 'pglite', dataDir: `${OUT}pglite` };
  const url = new URL(PG_ADMIN);
  url.pathname = `/${PG_NAME}`;
  return { kind: 'postgres', url: url.toString() };
}

/** Items, book, 1% of movements after the snapshot, and a count: 10% losses, 10% gains, 1% never counted. */
async function seed(db: Db): Promise<string> {
  const t0 = performance.now();
  await addWarehouse(db, { code: 'BENCH', timezone: 'Asia/Shanghai' });
  await addPerson(db, { handle: 'sup', name: 'Supervisor' });
  await grantRole(db, 'sup', 'supervisor', 'BENCH');
  await importItems(
    db,
    bufferSource(
      'items.csv',
      rows('sku,name,unit,unit_cost', LINES, (i) => `${sku(i)},Item ${i},pcs,${(1 + (i % 997) / 10).toFixed(4)}`),
    ),
  );
  await importBook(
    db,
    'BENCH',
    bufferSource(
      'book.csv',
      rows('sku,location,qty', LINES, (i) => `${sku(i)},${loc(i)},${book(i)}`),
    ),
  );
  const st = await startStocktake(db, 'BENCH', new Date(Date.now() - 2 * 3600_000));
  const hourAgo = new Date(Date.now() - 3600_000 + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  await importMovements(
    db,
    'BENCH',
    bufferSource(
      'moves.csv',
      rows('sku,location,qty,kind,ref,occurred_at', LINES, (i) =>
        i % 100 === 3 ? `${sku(i)},${loc(i)},2,receipt,PO-${i},${hourAgo}` : null,
      ),
    ),
  );
  await importCounts(
    db,
    st.code,
    bufferSource(
      'counts.csv',
      rows('sku,location,qty', LINES, (i) => {
        if (i % 100 === 99) return null;
        const expected = book(i) + (i % 100 === 3 ? 2 : 0);
        const qty = i % 10 === 0 ? expected - (1 + (i % 4)) : i % 10 === 1 ? expected + 2 : expected;
        return `${sku(i)},${loc(i)},${qty}`;
      }),
    ),
    { counter: 'sup' },
  );
  await closeCounting(db, st.code);
  console.log(`  seeded ${LINES.toLocaleString('en')} lines, counted and closed, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return st.code;
}

async function time<T>(label: string, run: () => Promise<T>, describe: (r: T) => string, repeat = 5): Promise<void> {
  const first = performance.now();
  let result = await run();
  const cold = performance.now() - first;
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    result = await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(44)} first ${cold.toFixed(0).padStart(5)} ms · median ${times[Math.floor(repeat / 2)]!.toFixed(0).padStart(5)} ms · ${describe(result)}`,
  );
}

async function bench(kind: string): Promise<void> {
  const reuse = process.env.BENCH_REUSE === '1';
  if (kind === 'pglite' && !reuse) rmSync(`${OUT}pglite`, { recursive: true, force: true });
  if (kind === 'postgres' && !reuse) {
    const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${PG_NAME} with (force)`);
    await admin.unsafe(`create database ${PG_NAME}`);
    await admin.end();
  }
  const database = await openDatabase(target(kind));
  try {
    const db = database.db;
    const [seeded] = reuse ? await queryRows<{ code: string }>(db, sql`select code from stocktake limit 1`) : [];
    const st = await getStocktake(db, seeded?.code ?? (await seed(db)));
    if (kind === 'postgres') await db.execute(sql`analyze`);
    const page = (q: Partial<VarianceQuery>): VarianceQuery => ({ sort: 'value', limit: 100, offset: 0, ...q });
    const shown = (r: { total: number; lines: unknown[] }) => `${r.lines.length} of ${r.total.toLocaleString('en')}`;
    await time('by value, first page (dashboard default)', () => queryVariances(db, st, page({})), shown);
    await time('by SKU, first page (API default)', () => queryVariances(db, st, page({ sort: 'sku' })), shown);
    await time('by SKU, page 1000', () => queryVariances(db, st, page({ sort: 'sku', offset: 99_900 })), shown);
    await time('open + onlyDiff, by value', () => queryVariances(db, st, page({ status: ['open', 'recount'], onlyDiff: true })), shown);
    await time('direction=loss, owner, by value', () => queryVariances(db, st, page({ direction: 'loss', owner: 'sup' })), shown);
    await time('one location, by value', () => queryVariances(db, st, page({ location: 'L042-0' })), shown);
    await time(
      'before: listVariances + listReview (all lines)',
      async () => [await listVariances(db, st.id), await listReview(db, st.id)] as const,
      ([v, r]) => `${v.length.toLocaleString('en')} + ${r.length.toLocaleString('en')} lines read`,
      2,
    );
  } finally {
    await database.close();
  }
}

const only = process.argv.indexOf('--db') >= 0 ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
console.log(`Variance query benchmark: ${LINES.toLocaleString('en')} lines (node ${process.version})`);
for (const kind of only ? [only] : ['pglite', 'postgres']) {
  if (kind === 'postgres' && !(await postgresReachable())) {
    console.log(`postgres: skipped, no server at ${PG_ADMIN}`);
    continue;
  }
  console.log(`${kind}:`);
  await bench(kind);
}
