/**
 * Digest benchmark: a warehouse with 200,000 variance lines (and 50,000 matched lines) in an open stocktake
 * under review — owners, due times, causes, suggestions, 20,000 movements across the cut-off, two documents
 * waiting for approval and ~150,000 audit entries — plus 50 posted stocktakes of history, one a week, each
 * with 4,000 lines, documents, approval steps and audit entries. Then times `dailyDigest` and
 * `weeklyReport` (the content; no chart rendering), printing seconds and peak RSS.
 *
 *   npm run bench:digest                   # both databases (Postgres when reachable)
 *   npm run bench:digest -- --db postgres  # one of them
 *   BENCH_LINES=50000 BENCH_HISTORY=10 npm run bench:digest
 *
 * The data is written with set-based SQL (the services' own paths would take minutes for this history);
 * audit rows carry placeholder hashes, so `audit verify` is not meaningful on the bench database. The
 * measurement runs in a child process of its own, so its peak RSS is the digest's, not the seeding's.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { PG_ADMIN, postgresReachable } from './support.ts';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type DatabaseTarget, type Db } from '../db/client.ts';
import { dailyDigest, weeklyReport } from '../src/services/digest/index.ts';
import { addPerson, grantRole } from '../src/services/people.ts';
import { ensureDefaultCauses } from '../src/services/causes.ts';
import { addWarehouse } from '../src/services/warehouses.ts';

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const MATCHED = Math.round(LINES / 4);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 50);
const HISTORY_LINES = 4_000;
const MOVEMENTS = Math.round(LINES / 10);
/** The moment the digests describe: Thursday 2026-11-26 09:00 in Shanghai. */
const NOW = '2026-11-26T01:00:00Z';
const OUT = fileURLToPath(new URL('./out/digest/', import.meta.url));
const SUPERVISORS = ['sup1', 'sup2', 'sup3', 'sup4', 'sup5'];

function targetFor(kind: string): DatabaseTarget {
  if (kind === 'pglite') return { kind: 'pglite', dataDir: `${OUT}pglite` };
  const url = new URL(PG_ADMIN);
  url.pathname = '/stocktake_bench_digest';
  return { kind: 'postgres', url: url.toString() };
}

const step = async (label: string, work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  console.log(`  seed: ${label} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
};

/**
 * An audit_log insert: rows from `select` give (at, actor, action, entity_id, stocktake_id, document_id, after);
 * ids come from the log's identity, in time order. Left unsealed: the digest reads rows, not the chain.
 */
const auditInsert = (select: ReturnType<typeof sql>) => sql`
  insert into audit_log (at, actor_person_id, actor_identity, action, entity_type, entity_id, stocktake_id, document_id, after)
  select a.at, a.actor, 'bench', a.action, split_part(a.action, '.', 1), a.entity_id, a.stocktake_id, a.document_id, a.after
  from (${select}) a order by a.at`;

async function seed(kind: string): Promise<void> {
  if (kind === 'pglite') rmSync(`${OUT}pglite`, { recursive: true, force: true });
  else {
    const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists stocktake_bench_digest with (force)');
    await admin.unsafe('create database stocktake_bench_digest');
    await admin.end();
  }
  const database = await openDatabase(targetFor(kind));
  const db = database.db;
  const t0 = performance.now();
  await step('warehouse, people, causes', async () => {
    await addWarehouse(db, { code: 'BENCH', name: '基准仓', timezone: 'Asia/Shanghai' });
    await ensureDefaultCauses(db);
    for (const [handle, role] of [
      ...SUPERVISORS.map((h) => [h, 'supervisor']),
      ['cnt1', 'counter'],
      ['cnt2', 'counter'],
      ['fin1', 'finance'],
      ['fin2', 'finance'],
      ['mgr1', 'manager'],
    ] as const) {
      await addPerson(db, { handle });
      await grantRole(db, handle, role, 'BENCH');
    }
  });
  const [wh] = await queryRows<{ id: string }>(db, sql`select id from warehouse where code = 'BENCH'`);
  const w = wh!.id;
  const person = (handle: string) => sql`(select id from person where handle = ${handle})`;
  const supervisor = (i: ReturnType<typeof sql>) => sql`(select id from person where handle = 'sup' || (1 + (${i}) % 5))`;
  const skuText = (i: ReturnType<typeof sql>) => sql`'SKU-' || lpad((${i})::text, 6, '0')`;
  const loc = (i: ReturnType<typeof sql>) => sql`'L' || lpad(((${i}) % 500)::text, 3, '0') || '-' || ((${i}) % 7)`;
  const causeOf = (i: ReturnType<typeof sql>, gain: ReturnType<typeof sql>) =>
    sql`(case when ${gain} then (array['unrecorded_receipt','misplaced','counting_error','unit_error'])[1 + (${i}) % 4]
              else (array['damage','expired','misplaced','counting_error','theft','unrecorded_issue'])[1 + (${i}) % 6] end)`;

  await step(`${LINES.toLocaleString('en')} items`, () =>
    db.execute(sql`insert into item (sku, name, unit, unit_cost, category)
                   select ${skuText(sql`i`)}, '物料 ' || i, 'pcs', 1 + (i % 997) / 10.0, 'cat' || (i % 20) from generate_series(0, ${LINES - 1}) i`),
  );

  // The open stocktake: counted three days before NOW, counting closed two days before, in review since.
  await step(`open stocktake: ${LINES.toLocaleString('en')} variance lines and ${MATCHED.toLocaleString('en')} matched`, async () => {
    await db.execute(sql`insert into stocktake (code, warehouse_id, status, snapshot_at, movement_watermark, counting_closed_at, created_at)
                         values ('ST-20261123-001', ${w}::uuid, 'reviewing', ${NOW}::timestamptz - interval '3 days', 0, ${NOW}::timestamptz - interval '2 days', ${NOW}::timestamptz - interval '3 days')`);
    // i % 100: 0–59 open, 60–61 recount, 62–79 confirmed (even ones tagged), 80–99 on a document.
    await db.execute(sql`
      insert into stocktake_line (stocktake_id, sku, location, book_qty, unit_cost, in_book, count_status, counted_qty, counted_at, count_round,
                                  review_status, owner_id, due_at, cause_code, suggestion, cause_matched_suggestion, explained_by, confirmed_by, confirmed_at, recount_by)
      select s.id, ${skuText(sql`i`)}, ${loc(sql`i`)}, 5 * (1 + i % 50), 1 + (i % 997) / 10.0, i % 1000 <> 0,
             (case when i % 10 = 0 then 'verified' else 'counted' end)::count_status,
             5 * (1 + i % 50) + (case when (i * 7919) % 21 - 10 = 0 then 11 else (i * 7919) % 21 - 10 end),
             s.snapshot_at + (i % 86400) * interval '1 second', 1,
             (case when i % 100 < 60 then 'open' when i % 100 < 62 then 'recount' when i % 100 < 80 then 'confirmed' else 'documented' end)::review_status,
             ${supervisor(sql`i`)}, s.counting_closed_at + (i % 72) * interval '1 hour',
             case when (i % 100 >= 62 and i % 2 = 0) or i % 100 >= 80 then ${causeOf(sql`i`, sql`(i * 7919) % 21 - 10 >= 0`)} end,
             case when i % 3 = 0 then jsonb_build_object('rule', 'recurring', 'cause', 'damage', 'reason', jsonb_build_object('en', 'recurring loss', 'zh', '反复盘亏')) end,
             case when i % 3 = 0 and ((i % 100 >= 62 and i % 2 = 0) or i % 100 >= 80) then i % 4 <> 0 end,
             case when (i % 100 >= 62 and i % 2 = 0) or i % 100 >= 80 then ${supervisor(sql`i`)} end,
             case when i % 100 >= 62 then ${supervisor(sql`i`)} end,
             case when i % 100 >= 62 then s.counting_closed_at + (i % 40) * interval '1 hour' end,
             case when i % 100 between 60 and 61 then ${person('cnt1')} end
      from stocktake s cross join generate_series(0, ${LINES - 1}) i where s.code = 'ST-20261123-001'`);
    await db.execute(sql`
      insert into stocktake_line (stocktake_id, sku, location, book_qty, unit_cost, in_book, count_status, counted_qty, counted_at, count_round)
      select s.id, ${skuText(sql`i`)}, 'M-' || (i % 100), 10, 1 + (i % 997) / 10.0, true, 'counted', 10, s.snapshot_at + (i % 86400) * interval '1 second', 1
      from stocktake s cross join generate_series(0, ${MATCHED - 1}) i where s.code = 'ST-20261123-001'`);
    await db.execute(sql`
      insert into movement (warehouse_id, sku, location, qty, kind, ref, occurred_at, recorded_at)
      select ${w}::uuid, ${skuText(sql`(k * 37) % ${LINES}`)}, ${loc(sql`(k * 37) % ${LINES}`)}, (case when k % 2 = 0 then 1 else -1 end) * (1 + k % 5),
             (case when k % 2 = 0 then 'receipt' else 'issue' end)::movement_kind, 'MV-' || k,
             ${NOW}::timestamptz - interval '3 days' + (k % 86400) * interval '1 second', ${NOW}::timestamptz - interval '2 days'
      from generate_series(0, ${MOVEMENTS - 1}) k`);
    await db.execute(sql`
      insert into count_import (stocktake_id, file_name, content_hash, counter, counter_person_id, round, rows_read, rows_accepted, rows_rejected, lines_counted, imported_at)
      select s.id, 'sheet-' || n || '.csv', md5(n::text), 'cnt' || (1 + n % 2), (select id from person where handle = 'cnt' || (1 + n % 2)), 1,
             ${Math.round((LINES + MATCHED) / 5)}, ${Math.round((LINES + MATCHED) / 5)}, 0, ${Math.round((LINES + MATCHED) / 5)}, s.snapshot_at + n * interval '4 hours'
      from stocktake s cross join generate_series(1, 5) n where s.code = 'ST-20261123-001'`);
    // The documented lines on a gain and a loss document: the loss one waits for finance, the gain one for a supervisor.
    await db.execute(sql`
      insert into adjustment_document (number, kind, stocktake_id, warehouse_id, status, line_count, total_qty, total_value, currency, submitted_by, submitted_at)
      select 'P' || (case when g then 'Y' else 'K' end) || '-2026-9001', (case when g then 'gain' else 'loss' end)::document_kind, s.id, ${w}::uuid, 'approving',
             count(*), sum(l.counted_qty - l.book_qty), sum(round((l.counted_qty - l.book_qty) * l.unit_cost, 2)), 'CNY', ${person('sup1')}, s.counting_closed_at + interval '30 hours'
      from stocktake s join stocktake_line l on l.stocktake_id = s.id, lateral (select l.counted_qty > l.book_qty as g) d
      where s.code = 'ST-20261123-001' and l.review_status = 'documented' group by s.id, s.counting_closed_at, g`);
    await db.execute(sql`
      insert into document_line (document_id, line_no, sku, location, qty, unit_cost, value, cause_code)
      select d.id, row_number() over (partition by d.id order by l.sku, l.location), l.sku, l.location, l.counted_qty - l.book_qty, l.unit_cost,
             round((l.counted_qty - l.book_qty) * l.unit_cost, 2), l.cause_code
      from adjustment_document d join stocktake_line l on l.stocktake_id = d.stocktake_id and l.review_status = 'documented'
       and (l.counted_qty > l.book_qty) = (d.kind = 'gain')
      where d.number like '%-9001'`);
    await db.execute(sql`
      insert into approval_step (document_id, step_no, role, status, due_at, decided_by, decided_at)
      select d.id, 1, 'supervisor'::role, (case when d.kind = 'loss' then 'approved' else 'pending' end)::step_status, d.submitted_at + interval '24 hours',
             case when d.kind = 'loss' then ${person('sup2')} end, case when d.kind = 'loss' then d.submitted_at + interval '3 hours' end
      from adjustment_document d where d.number like '%-9001'
      union all
      select d.id, 2, 'finance'::role, 'pending'::step_status, d.submitted_at + interval '27 hours', null, null from adjustment_document d where d.number = 'PK-2026-9001'`);
    await db.execute(
      auditInsert(sql`
      select l.confirmed_at as at, l.confirmed_by as actor, 'variance.confirm' as action, l.sku || '@' || l.location as entity_id, l.stocktake_id, null::uuid as document_id,
             '{"reviewStatus":"confirmed"}'::jsonb as after
      from stocktake_line l join stocktake s on s.id = l.stocktake_id where s.code = 'ST-20261123-001' and l.confirmed_at is not null
      union all
      select l.confirmed_at + interval '1 minute', l.explained_by, 'variance.tag', l.sku || '@' || l.location, l.stocktake_id, null, jsonb_build_object('causeCode', l.cause_code)
      from stocktake_line l join stocktake s on s.id = l.stocktake_id where s.code = 'ST-20261123-001' and l.cause_code is not null
      union all
      select i.imported_at, i.counter_person_id, 'counts.imported', i.id::text, i.stocktake_id, null, jsonb_build_object('linesCounted', i.lines_counted)
      from count_import i join stocktake s on s.id = i.stocktake_id where s.code = 'ST-20261123-001'
      union all
      select d.submitted_at, d.submitted_by, 'document.submitted', d.id::text, d.stocktake_id, d.id, jsonb_build_object('number', d.number)
      from adjustment_document d where d.number like '%-9001'
      union all
      select a.decided_at, a.decided_by, 'document.approved', d.id::text, d.stocktake_id, d.id, jsonb_build_object('step', a.step_no, 'role', a.role, 'status', 'approved')
      from approval_step a join adjustment_document d on d.id = a.document_id where d.number like '%-9001' and a.status = 'approved'`),
    );
  });

  // History: one stocktake posted a week, the newest in the week before NOW's; 5 % of each one's lines varied.
  await step(`${HISTORY} posted stocktakes of ${HISTORY_LINES.toLocaleString('en')} lines`, async () => {
    await db.execute(sql`
      insert into stocktake (code, warehouse_id, status, snapshot_at, movement_watermark, counting_closed_at, created_at)
      select 'ST-HIST-' || lpad(h::text, 3, '0'), ${w}::uuid, 'posted', t.closed - interval '1 day', 0, t.closed, t.closed - interval '1 day'
      from generate_series(1, ${HISTORY}) h, lateral (select ${NOW}::timestamptz - h * interval '7 days' + (h % 5) * interval '3 hours' as closed) t`);
    await db.execute(sql`
      insert into stocktake_line (stocktake_id, sku, location, book_qty, unit_cost, in_book, count_status, counted_qty, counted_at, count_round,
                                  review_status, owner_id, due_at, cause_code, suggestion, cause_matched_suggestion, explained_by, confirmed_by, confirmed_at)
      select s.id, ${skuText(sql`k`)}, ${loc(sql`k`)}, 5 * (1 + k % 50), 1 + (k % 997) / 10.0, true, 'counted',
             5 * (1 + k % 50) + (case when i % 20 = 0 then (case when i % 40 = 0 then 2 else -3 end) else 0 end), s.snapshot_at + i * interval '1 second', 1,
             (case when i % 20 = 0 then 'posted' else 'none' end)::review_status,
             case when i % 20 = 0 then ${supervisor(sql`i`)} end, case when i % 20 = 0 then s.counting_closed_at + interval '24 hours' end,
             case when i % 20 = 0 then ${causeOf(sql`i / 20`, sql`i % 40 = 0`)} end,
             case when i % 60 = 0 then '{"rule":"recurring","cause":"damage","reason":{"en":"","zh":""}}'::jsonb end,
             case when i % 60 = 0 then i % 120 = 0 end,
             case when i % 20 = 0 then ${supervisor(sql`i`)} end, case when i % 20 = 0 then ${supervisor(sql`i`)} end,
             case when i % 20 = 0 then s.counting_closed_at + interval '1 hour' end
      from stocktake s cross join generate_series(0, ${HISTORY_LINES - 1}) i,
           lateral (select (i + substr(s.code, 9)::int * 101) % ${LINES} as k) x
      where s.code like 'ST-HIST-%'`);
    await db.execute(sql`
      insert into adjustment_document (number, kind, stocktake_id, warehouse_id, status, line_count, total_qty, total_value, currency, submitted_by, submitted_at, decided_at)
      select 'P' || (case when g then 'Y' else 'K' end) || '-H' || substr(s.code, 9), (case when g then 'gain' else 'loss' end)::document_kind, s.id, ${w}::uuid, 'posted',
             count(*), sum(l.counted_qty - l.book_qty), sum(round((l.counted_qty - l.book_qty) * l.unit_cost, 2)), 'CNY', ${person('sup1')},
             s.counting_closed_at + interval '3 hours', s.counting_closed_at + interval '10 hours' + (substr(s.code, 9)::int % 7) * interval '1 hour' + (case when g then interval '0' else interval '2 hours' end)
      from stocktake s join stocktake_line l on l.stocktake_id = s.id, lateral (select l.counted_qty > l.book_qty as g) d
      where s.code like 'ST-HIST-%' and l.review_status = 'posted' group by s.id, s.code, s.counting_closed_at, g`);
    await db.execute(sql`
      insert into document_line (document_id, line_no, sku, location, qty, unit_cost, value, cause_code)
      select d.id, row_number() over (partition by d.id order by l.sku, l.location), l.sku, l.location, l.counted_qty - l.book_qty, l.unit_cost,
             round((l.counted_qty - l.book_qty) * l.unit_cost, 2), l.cause_code
      from adjustment_document d join stocktake_line l on l.stocktake_id = d.stocktake_id and l.review_status = 'posted'
       and (l.counted_qty > l.book_qty) = (d.kind = 'gain')
      where d.number like '%-H%'`);
    await db.execute(sql`
      insert into approval_step (document_id, step_no, role, status, due_at, decided_by, decided_at)
      select d.id, 1, 'supervisor'::role, 'approved'::step_status, d.submitted_at + interval '24 hours', ${person('sup2')},
             case when d.kind = 'gain' then d.decided_at else d.submitted_at + interval '2 hours' + (substr(d.number, 5)::int % 3) * interval '1 hour' end
      from adjustment_document d where d.number like '%-H%'
      union all
      select d.id, 2, 'finance'::role, 'approved'::step_status, d.submitted_at + interval '26 hours', ${person('fin1')}, d.decided_at
      from adjustment_document d where d.number like 'PK-H%'`);
    await db.execute(
      auditInsert(sql`
      select l.confirmed_at as at, l.confirmed_by as actor, 'variance.confirm' as action, l.sku || '@' || l.location as entity_id, l.stocktake_id, null::uuid as document_id,
             '{"reviewStatus":"confirmed"}'::jsonb as after
      from stocktake_line l join stocktake s on s.id = l.stocktake_id where s.code like 'ST-HIST-%' and l.confirmed_at is not null
      union all
      select l.confirmed_at + interval '1 minute', l.explained_by, 'variance.tag', l.sku || '@' || l.location, l.stocktake_id, null, jsonb_build_object('causeCode', l.cause_code)
      from stocktake_line l join stocktake s on s.id = l.stocktake_id where s.code like 'ST-HIST-%' and l.cause_code is not null
      union all
      select s.snapshot_at + interval '2 hours', ${person('cnt1')}, 'counts.imported', s.id::text, s.id, null, jsonb_build_object('linesCounted', ${HISTORY_LINES}::int)
      from stocktake s where s.code like 'ST-HIST-%'
      union all
      select d.submitted_at, d.submitted_by, 'document.submitted', d.id::text, d.stocktake_id, d.id, jsonb_build_object('number', d.number)
      from adjustment_document d where d.number like '%-H%'
      union all
      select a.decided_at, a.decided_by, 'document.approved', d.id::text, d.stocktake_id, d.id, jsonb_build_object('step', a.step_no, 'role', a.role, 'status', 'approved')
      from approval_step a join adjustment_document d on d.id = a.document_id where d.number like '%-H%'
      union all
      select d.decided_at, ${person('fin1')}, 'document.posted', d.id::text, d.stocktake_id, d.id, '{"status":"posted"}'::jsonb
      from adjustment_document d where d.number like '%-H%'`),
    );
  });
  await step('vacuum analyze', () => db.execute(sql`vacuum analyze`));
  if (kind === 'postgres') await db.execute(sql`checkpoint`);
  const [counts] = await queryRows<{ lines: number; audit: number; documents: number }>(
    db,
    sql`select (select count(*)::int from stocktake_line) as lines, (select count(*)::int from audit_log) as audit, (select count(*)::int from adjustment_document) as documents`,
  );
  console.log(
    `  seed: ${counts!.lines.toLocaleString('en')} stocktake lines, ${counts!.documents} documents, ${counts!.audit.toLocaleString('en')} audit rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await database.close();
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, (performance.now() - t0) / 1000];
}

/** Child step 2: the measured generation, three times (the first on a cold process). */
async function measure(kind: string, db: Db): Promise<void> {
  const now = new Date(NOW);
  for (let run = 1; run <= 3; run++) {
    const [digest, daily] = await timed(() => dailyDigest(db, { warehouse: 'BENCH', now }));
    const [report, weekly] = await timed(() => weeklyReport(db, { warehouse: 'BENCH', now }));
    const s = digest.stocktakes[0]!;
    console.log(
      `  run ${run}: dailyDigest ${daily.toFixed(2)} s + weeklyReport ${weekly.toFixed(2)} s = ${(daily + weekly).toFixed(2)} s ` +
        `(${s.variances.gain + s.variances.loss} variances, ${s.openVariances} open, ${s.overdue.variancesTotal} overdue; ` +
        `week ${report.week.label}: ${report.kpis.stocktakesPosted} posted, trend ${report.trend.length} weeks)`,
    );
  }
  console.log(`  ${kind}: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

const [stepName, kind] = process.argv.slice(2);
if (stepName === 'seed') await seed(kind!);
else if (stepName === 'measure') {
  const database = await openDatabase(targetFor(kind!));
  await measure(kind!, database.db);
  await database.close();
} else {
  const only = process.argv.indexOf('--db') >= 0 ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
  const kinds = only ? [only] : ['pglite', 'postgres'];
  console.log(
    `Digest benchmark: ${LINES.toLocaleString('en')} variance lines open, ${HISTORY} posted stocktakes of history (node ${process.version})`,
  );
  for (const k of kinds) {
    if (k === 'postgres' && !(await postgresReachable())) {
      console.log(`postgres: skipped, no server at ${PG_ADMIN}`);
      continue;
    }
    console.log(`${k}:`);
    for (const s of process.env.BENCH_SKIP_SEED ? ['measure'] : ['seed', 'measure']) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), s, k], { stdio: 'inherit' });
      if (child.status !== 0) process.exit(child.status ?? 1);
    }
  }
}
