/**
 * Retention benchmark: BENCH_ROWS (default 200,000) rows in each of inbound_event, command_log, card_action
 * and outbox, aged from today to months back, then one retention run (src/services/retention.ts) while a
 * writer keeps recording new platform events, as a running instance would. Prints the rows pruned, the
 * rate, and the writer's slowest insert during the run (the batches must not hold it up), and the plans of
 * two prune statements (they should use the retention indexes).
 *
 *   npm run bench:retention
 *   BENCH_ROWS=1000000 npm run bench:retention
 *
 * Postgres only (at TEST_DATABASE_URL or the local server): that is where tables grow this large.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { DEFAULT_RETENTION } from '../src/domain/retention.ts';
import { pruneExpired } from '../src/services/retention.ts';
import { PG_ADMIN, postgresReachable } from './support.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);

if (!(await postgresReachable())) {
  console.log(`retention benchmark skipped: no Postgres at ${PG_ADMIN}`);
  process.exit(0);
}
const name = `stocktake_bench_retention_${randomBytes(3).toString('hex')}`;
const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(PG_ADMIN);
url.pathname = `/${name}`;
const database = await openDatabase({ kind: 'postgres', url: url.toString() });
const { db } = database;
try {
  const age = (modulo: number) => sql.raw(`now() - (g % ${modulo}) * interval '1 day' - interval '1 hour'`);
  const series = sql.raw(`generate_series(1, ${ROWS}) g`);
  console.log(`seeding ${ROWS.toLocaleString('en')} rows in each of 4 tables…`);
  await db.execute(sql`insert into inbound_event (platform, event_id, received_at) select 'web', 'e' || g, ${age(60)} from ${series}`);
  await db.execute(
    sql`insert into command_log (key, command, result, created_at) select 'k' || g, 'variance.confirm', 'null', ${age(60)} from ${series}`,
  );
  await db.execute(sql`insert into card_action (id, intent, created_at) select 'a' || g, '{}', ${age(180)} from ${series}`);
  await db.execute(sql`insert into outbox (platform, chat_id, kind, payload, status, created_at)
    select 'web', 'c', 'send', '{}', (array['sent', 'failed', 'pending', 'superseded'])[1 + g % 4]::outbox_status, ${age(120)} from ${series}`);
  await db.execute(sql`analyze`);

  for (const statement of [
    sql`explain delete from inbound_event where (platform, event_id) in (select platform, event_id from inbound_event where received_at < now() - interval '30 days' limit 5000)`,
    sql`explain delete from outbox where id in (select id from outbox where status in ('sent', 'superseded') and created_at < now() - interval '30 days' limit 5000)`,
  ]) {
    const plan = (await db.execute(statement)) as unknown as { 'QUERY PLAN': string }[] | { rows: { 'QUERY PLAN': string }[] };
    const rows = Array.isArray(plan) ? plan : plan.rows;
    console.log(rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));
  }

  // A writer recording platform events throughout, as instances do while the job runs.
  let writing = true;
  let slowest = 0;
  let writes = 0;
  const writer = (async () => {
    while (writing) {
      const t = performance.now();
      await db.execute(sql`insert into inbound_event (platform, event_id) values ('web', ${`live-${writes}`})`);
      slowest = Math.max(slowest, performance.now() - t);
      writes++;
    }
  })();
  const started = performance.now();
  const result = await pruneExpired(db, DEFAULT_RETENTION, new Date());
  const ms = performance.now() - started;
  writing = false;
  await writer;
  const pruned =
    result.inboundEvents + result.commandLog + result.cardActions + result.outboxDelivered + result.outboxFailed + result.platformMedia;
  console.log(result);
  console.log(
    `pruned ${pruned.toLocaleString('en')} rows in ${(ms / 1000).toFixed(1)} s (${Math.round(pruned / (ms / 1000)).toLocaleString('en')} rows/s)`,
  );
  console.log(`a concurrent writer recorded ${writes} events meanwhile; slowest insert ${slowest.toFixed(1)} ms`);
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
