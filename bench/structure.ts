/**
 * Stock structure benchmark (issue 16 §1): a warehouse with 200,000 items and 5,000,000 movements over two
 * years — issues (70%) skewed towards a few items so the ABC classes have their usual shape, receipts (20%)
 * spread, adjustments (10%) — and its book, all seeded set-based with generate_series. Then times the
 * monthly structure report on Postgres: its data (`stockStructure`: one pass over the movements into a
 * temporary table, the summary and the top lists) and the whole report (data, chart PNG, card), and prints
 * the seconds. Target: under 10 s.
 *
 *   npm run bench:structure
 *   BENCH_ITEMS=20000 BENCH_MOVEMENTS=500000 npm run bench:structure
 *   BENCH_KEEP=1 npm run bench:structure     # reuse the seeded database of an earlier run
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Db } from '../db/client.ts';
import { stockStructure, structureItems } from '../src/services/structure.ts';
import { addWarehouse } from '../src/services/warehouses.ts';
import { digestReports } from '../src/jobs/digestReports.ts';
import { PG_ADMIN, postgresReachable } from './support.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 200_000);
const MOVEMENTS = Number(process.env.BENCH_MOVEMENTS ?? 5_000_000);
const KEEP = process.env.BENCH_KEEP === '1';
const DB_NAME = 'stocktake_bench_structure';
/** The report's moment: the first of the month after two years of movements. */
const AS_OF = new Date('2026-11-01T00:00:00Z');
const RUNS = 3;

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);

async function step(label: string, work: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await work();
  console.log(`  seed: ${label} in ${seconds(t0)} s`);
}

async function seed(db: Db): Promise<void> {
  await step('warehouse', () => addWarehouse(db, { code: 'BENCH', name: '基准仓', timezone: 'Asia/Shanghai' }));
  await step(`${ITEMS.toLocaleString('en')} items`, () =>
    db.execute(sql`
      insert into item (sku, name, unit, unit_cost, category)
      select 'S' || lpad(g::text, 7, '0'), '物料 ' || g, 'pcs', (1 + (g * 7919) % 50000 / 100.0)::numeric(18, 4),
             case when g % 50 = 0 then null else 'cat-' || lpad((g % 40)::text, 2, '0') end
      from generate_series(1, ${ITEMS}::int) g`),
  );
  // Issues fall mostly on low item numbers (random()^3 skews towards 0), receipts anywhere; occurred over
  // the two years before as-of. Written in slices so the progress shows and no transaction grows huge.
  const slice = 1_000_000;
  for (let start = 0; start < MOVEMENTS; start += slice) {
    const end = Math.min(MOVEMENTS, start + slice);
    await step(`movements ${(start + 1).toLocaleString('en')}–${end.toLocaleString('en')}`, () =>
      db.execute(sql`
        insert into movement (warehouse_id, sku, location, lot, qty, kind, ref, occurred_at, recorded_at)
        select w.id, 'S' || lpad(m.n::text, 7, '0'), 'L' || (m.n % 500), '', m.qty, m.kind::movement_kind, null,
               ${AS_OF.toISOString()}::timestamptz - (m.g % 730) * interval '1 day' - (m.g % 86400) * interval '1 second',
               ${AS_OF.toISOString()}::timestamptz
        from warehouse w,
        lateral (
          select g,
                 case when g % 10 < 7 then 1 + floor(${ITEMS}::int * power(random(), 3))::int else 1 + floor(${ITEMS}::int * random())::int end as n,
                 case when g % 10 < 7 then 'issue' when g % 10 < 9 then 'receipt' else 'adjustment' end as kind,
                 case when g % 10 < 7 then -(1 + g % 20) when g % 10 < 9 then 5 + g % 200 else (case when g % 7 = 3 then 4 else (g % 7) - 3 end) end::numeric(18, 3) as qty
          from generate_series(${start + 1}::int, ${end}::int) g
        ) m
        where w.code = 'BENCH'`),
    );
  }
  await step('book (on hand = opening stock + movements, never below zero)', () =>
    db.execute(sql`
      insert into on_hand (warehouse_id, sku, location, lot, qty)
      select w.id, i.sku, 'L' || (substr(i.sku, 2)::int % 500), '', greatest(0, 500 + coalesce(m.qty, 0))
      from warehouse w cross join item i
      left join (select sku, sum(qty) as qty from movement group by sku) m on m.sku = i.sku
      where w.code = 'BENCH' and (m.qty is not null or substr(i.sku, 2)::int % 3 = 0)`),
  );
  await step('analyze', () => db.execute(sql`analyze`));
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    console.log(`Postgres is not reachable at ${PG_ADMIN}: nothing measured.`);
    return;
  }
  const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${DB_NAME}`;
  if (!KEEP || !exists) {
    await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
    await admin.unsafe(`create database ${DB_NAME}`);
  }
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${DB_NAME}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  const db = database.db;
  try {
    if (!KEEP || !exists) {
      console.log(`Seeding ${ITEMS.toLocaleString('en')} items and ${MOVEMENTS.toLocaleString('en')} movements on Postgres…`);
      const t0 = performance.now();
      await seed(db);
      console.log(`  seeded in ${seconds(t0)} s`);
    }
    const [counts] = await queryRows<{ items: number; movements: number }>(
      db,
      sql`select (select count(*) from item)::int as items, (select count(*) from movement)::int as movements`,
    );
    console.log(`Database: ${counts!.items.toLocaleString('en')} items, ${counts!.movements.toLocaleString('en')} movements`);
    const times: number[] = [];
    let summary = '';
    for (let run = 0; run < RUNS; run += 1) {
      const t0 = performance.now();
      const s = await stockStructure(db, { warehouse: 'BENCH', asOf: AS_OF });
      times.push((performance.now() - t0) / 1000);
      summary = `A ${s.classes[0]!.items} · B ${s.classes[1]!.items} · C ${s.classes[2]!.items} items; slow ${s.slow.items}, dead ${s.dead.items}; turnover ${s.totals.turnover}`;
    }
    times.sort((a, b) => a - b);
    console.log(
      `stockStructure (monthly report data): median ${times[1]!.toFixed(2)} s over ${RUNS} runs (${times.map((t) => t.toFixed(2)).join(', ')}) — ${summary}`,
    );
    let t0 = performance.now();
    const report = await digestReports(db, { kind: 'monthly', warehouse: 'BENCH', now: AS_OF, locale: 'zh-CN' });
    console.log(`monthly report (data, chart PNG, card): ${seconds(t0)} s, ${report.charts.length} chart(s)`);
    t0 = performance.now();
    const all = await structureItems(db, { warehouse: 'BENCH', asOf: AS_OF });
    console.log(`structureItems (the whole per-item table, CSV export): ${seconds(t0)} s for ${all.total.toLocaleString('en')} items`);
  } finally {
    await database.close();
  }
}

await main();
