/**
 * Write throughput benchmark: REST review actions (confirm, tag, note) and approvals (approve, which posts
 * a one-line document) against real `npm start` instances, with 1 and 16 concurrent clients, on Postgres
 * with one and with three instances sharing the database, and on PGlite with one. Beside them, in the same
 * run, bare transactions doing the same kind of writes straight through postgres.js (statements prepared)
 * or PGlite, with 1 and 16 clients: for review, claim an idempotency key, update a line conditionally,
 * append an audit row, queue an outbox row; for approval, the same around the writes of a posting (the
 * step, the document, a ledger entry, on-hand, a movement, the line), run once before the product's phases
 * and once after. Prints actions/s, p50 and p99 latency, the 16-client rate against the one-client rate and
 * against the faster of the two bare runs at 16.
 *
 *   npm run bench:writes                      # Postgres (1 and 3 instances) and PGlite
 *   npm run bench:writes -- --db postgres     # one database
 *   BENCH_SECONDS=10 BENCH_INSTANCES=1,3 npm run bench:writes
 *
 * Each kind gets BENCH_WARMUP_SECONDS (3) of 16-client traffic first, not counted, on the freshly started
 * instances. BENCH_PROFILE=<dir> makes each instance write a CPU profile there when it stops.
 *
 * Seeding takes shortcuts a user cannot (lines explained by SQL, parked until each one-line submit) so
 * that thousands of one-line documents are ready in seconds; everything measured goes through the product.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, queryRows, type DatabaseTarget, type Db } from '../db/client.ts';
import { fileSource } from '../src/files/source.ts';
import { importBook } from '../src/services/book.ts';
import { ensureDefaultCauses } from '../src/services/causes.ts';
import { importCounts } from '../src/services/counts.ts';
import { createCredential } from '../src/services/credentials.ts';
import { submitVariances } from '../src/services/documents.ts';
import { refreshStatistics } from '../src/services/statistics.ts';
import { importItems } from '../src/services/items.ts';
import { addPerson, cliActor, grantRole } from '../src/services/people.ts';
import { closeCounting, startStocktake } from '../src/services/stocktakes.ts';
import { addWarehouse } from '../src/services/warehouses.ts';
import { httpAgent, PG_ADMIN, postgresReachable, postJson, startInstance, stopInstance, type Instance } from './support.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
/**
 * Seconds of the same traffic (16 clients) each kind gets on freshly started instances before its measured
 * phases, not counted: a server that has been running has its code compiled by V8, its pool's connections
 * open (each new Postgres backend reads the catalogue and postgres.js the array types) and its statements
 * prepared. Without it the first phase measured start-up: three instances each got a third of a phase's
 * requests, and spent 4.2–5.5 ms of CPU a review action against one instance's 2.3.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const INSTANCES = (process.env.BENCH_INSTANCES ?? '1,3').split(',').map(Number);
const CLIENTS = [1, 16];
/** Lines reviewed through the API (three actions each) and one-line documents approved through it. */
const REVIEW_LINES = Number(process.env.BENCH_REVIEW_LINES ?? 30_000);
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 9_000);

interface Phase {
  label: string;
  clients: number;
  actions: number;
  seconds: number;
  latencies: number[];
  /** Share of the machine's CPU time busy during the phase (every process: instances, Postgres, clients). */
  cpuBusy: number | null;
  /** CPU milliseconds the phase cost by whom: the instances, Postgres's processes, this benchmark's own. */
  cpuSplit: CpuSplit | null;
}

interface CpuSplit {
  instances: number;
  postgres: number;
  client: number;
}

/** The product's instances now running (their CPU time is counted apart from Postgres's and ours). */
const runningInstances = new Set<number>();

/** CPU time (ms, user + system) of one process from /proc/PID/stat; 0 when it is gone. */
function processCpuMs(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the name; clock ticks of 10 ms here.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU ms so far of the instances, every `postgres` process on the machine, and this process (Linux only). */
function cpuSplitNow(): CpuSplit | null {
  try {
    let postgresMs = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') postgresMs += processCpuMs(pid);
      } catch {
        // gone meanwhile
      }
    }
    let instances = 0;
    for (const pid of runningInstances) instances += processCpuMs(pid);
    return { instances, postgres: postgresMs, client: processCpuMs('self') };
  } catch {
    return null;
  }
}

/** The machine's CPU counters (Linux /proc/stat): busy and total jiffies. */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = fields.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - n[3]! - n[4]!, total };
  } catch {
    return null;
  }
}

const rate = (p: Phase) => p.actions / p.seconds;
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

function describe(p: Phase): string {
  const sorted = [...p.latencies].sort((a, b) => a - b);
  const cpu = p.cpuBusy === null ? '' : `, CPU ${(p.cpuBusy * 100).toFixed(0)} % busy`;
  const per = (ms: number) => (p.actions ? (ms / p.actions).toFixed(2) : '-');
  const split = p.cpuSplit
    ? `\n${' '.repeat(40)}CPU ms per action: ${p.cpuSplit.instances ? `instances ${per(p.cpuSplit.instances)}, ` : ''}Postgres ${per(p.cpuSplit.postgres)}, benchmark client ${per(p.cpuSplit.client)}`
    : '';
  return `${p.label.padEnd(34)} ${String(p.clients).padStart(2)} clients: ${rate(p).toFixed(0).padStart(5)}/s  p50 ${percentile(sorted, 0.5).toFixed(1).padStart(6)} ms  p99 ${percentile(sorted, 0.99).toFixed(1).padStart(7)} ms  (${p.actions} in ${p.seconds.toFixed(1)} s${cpu})${split}`;
}

/** Runs `clients` loops until time is up or `next` runs out; each loop call is one measured action. */
async function drive(label: string, clients: number, next: () => (() => Promise<void>) | null, seconds: number = SECONDS): Promise<Phase> {
  const latencies: number[] = [];
  const splitBefore = cpuSplitNow();
  const cpuBefore = cpuTimes();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const action = next();
        if (!action) return;
        const t = performance.now();
        await action();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const cpuAfter = cpuTimes();
  const splitAfter = cpuSplitNow();
  const cpuBusy = cpuBefore && cpuAfter ? (cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total) : null;
  const cpuSplit =
    splitBefore && splitAfter
      ? {
          instances: splitAfter.instances - splitBefore.instances,
          postgres: splitAfter.postgres - splitBefore.postgres,
          client: splitAfter.client - splitBefore.client,
        }
      : null;
  return { label, clients, actions: latencies.length, seconds: (performance.now() - start) / 1000, latencies, cpuBusy, cpuSplit };
}

// ---------------------------------------------------------------------------------------------------------
// Seeding

const sku = (i: number) => `B-${String(i).padStart(6, '0')}`;
const loc = (i: number) => `L${i % 100}`;

function csvSource(name: string, rows: string[][]) {
  const path = join(mkdtempSync(join(tmpdir(), 'bench-writes-')), name);
  return { path, text: rows.map((r) => r.join(',')).join('\n') + '\n' };
}

async function fileOf(name: string, rows: string[][]) {
  const { path, text } = csvSource(name, rows);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, text);
  return fileSource(path);
}

/**
 * WH1 with a stocktake in review of REVIEW_LINES variances (open, for the review phases) and DOCUMENTS
 * one-line documents waiting for their supervisor (under 1,000.00: one step, then posting).
 */
async function seed(db: Db): Promise<Record<string, string>> {
  const t0 = performance.now();
  await ensureDefaultCauses(db);
  await addWarehouse(db, { code: 'WH1', name: 'Bench', timezone: 'Asia/Shanghai' });
  const total = REVIEW_LINES + DOCUMENTS;
  const all = Array.from({ length: total }, (_, i) => i);
  await importItems(
    db,
    await fileOf('items.csv', [['sku', 'name', 'unit', 'unit_cost'], ...all.map((i) => [sku(i), `Item ${i}`, 'pcs', '1.25'])]),
  );
  await importBook(db, 'WH1', await fileOf('book.csv', [['sku', 'location', 'qty'], ...all.map((i) => [sku(i), loc(i), '100'])]));
  const keys: Record<string, string> = {};
  for (const [handle, role] of [
    ['carl', 'counter'],
    ['sam', 'supervisor'],
    ['sue', 'supervisor'],
  ] as const) {
    await addPerson(db, { handle, name: handle });
    await grantRole(db, handle, role, 'WH1');
    keys[handle] = (await createCredential(db, { kind: 'api_key', person: handle })).secret;
  }
  const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
  await importCounts(
    db,
    st.code,
    await fileOf('count.csv', [['sku', 'location', 'qty'], ...all.map((i) => [sku(i), loc(i), i % 2 ? '103' : '97'])]),
    { counter: 'carl' },
  );
  await closeCounting(db, st.code);
  console.log(`    counted and closed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The document lines: explained by sam (so sue may approve), parked out of the submit's reach until their turn.
  const sam = await cliActor(db, 'sam');
  await db.execute(sql`update stocktake_line set review_status = 'recount', cause_code = 'counting_error', explained_by = ${sam.personId}::uuid,
                         confirmed_by = ${sam.personId}::uuid, confirmed_at = now()
                       where stocktake_id = ${st.id}::uuid and sku >= ${sku(REVIEW_LINES)}`);
  for (let i = REVIEW_LINES; i < total; i++) {
    await db.execute(sql`update stocktake_line set review_status = 'confirmed' where stocktake_id = ${st.id}::uuid and sku = ${sku(i)}`);
    await submitVariances(db, { actor: sam }, { stocktake: st.code, lines: [`${sku(i)}@${loc(i)}`] });
    if ((i - REVIEW_LINES) % 1000 === 999) console.log(`    ${i - REVIEW_LINES + 1} documents submitted`);
    // What a running instance's statistics keeper does (src/jobs/statistics.ts), so the submits keep fast plans.
    if ((i - REVIEW_LINES) % 500 === 0) await refreshStatistics(db);
  }
  console.log(`  seeded ${REVIEW_LINES} open variances and ${DOCUMENTS} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { ...keys, stocktake: st.code };
}

// ---------------------------------------------------------------------------------------------------------
// The product: `npm start` instances and a keep-alive HTTP client

function post(base: string, path: string, key: string, body: unknown, idempotencyKey: string): Promise<void> {
  return postJson(base, path, key, body, { 'idempotency-key': idempotencyKey }).then(() => {});
}

/** The review and approval phases against running instances (requests spread over them in turn). */
async function productPhases(
  instances: Instance[],
  seeded: Record<string, string>,
  cursor: { line: number; doc: number },
  documents: string[],
) {
  const st = seeded.stocktake!;
  let turn = 0;
  const base = () => instances[turn++ % instances.length]!.base;
  const phases: Phase[] = [];
  const named = (kind: string) => `${kind} (${instances.length} instance${instances.length > 1 ? 's' : ''})`;
  // One client works through its line's three actions in order; the phase counts each action.
  let pending: (() => Promise<void>)[] = [];
  const nextReview = () => {
    if (pending.length === 0) {
      if (cursor.line >= REVIEW_LINES) return null;
      const i = cursor.line++;
      const line = encodeURIComponent(`${sku(i)}@${loc(i)}`);
      const path = `/api/v1/stocktakes/${st}/variances/${line}`;
      // Each action queues the line's next one when done, so no two clients work on one line at once.
      return async () => {
        await post(base(), `${path}/confirm`, seeded.sam!, {}, `c-${i}`);
        pending.push(async () => {
          await post(base(), `${path}/tag`, seeded.sam!, { cause: 'counting_error' }, `t-${i}`);
          pending.push(() => post(base(), `${path}/note`, seeded.sam!, { note: `checked bin ${i}` }, `n-${i}`));
        });
      };
    }
    return pending.shift()!;
  };
  const nextApproval = () => {
    if (cursor.doc >= documents.length) return null;
    const number = documents[cursor.doc++]!;
    return () => post(base(), `/api/v1/documents/${encodeURIComponent(number)}/approve`, seeded.sue!, {}, `a-${number}`);
  };
  for (const [kind, next] of [
    ['review', nextReview],
    ['approve', nextApproval],
  ] as const) {
    if (WARMUP_SECONDS > 0) {
      const warm = await drive(`${named(kind)} warm-up`, 16, next, WARMUP_SECONDS);
      console.log(`    ${warm.label}: ${warm.actions} actions in ${warm.seconds.toFixed(1)} s, not counted`);
      // Actions handed out but not run when time was up are not counted, and their lines are left half-done.
      pending = [];
    }
    for (const clients of CLIENTS) {
      phases.push(await drive(named(kind), clients, next));
      pending = [];
    }
  }
  return phases;
}

// ---------------------------------------------------------------------------------------------------------
// The bare transaction

const BARE_TABLES = 'bare_command, bare_line, bare_audit, bare_outbox, bare_step, bare_document, bare_ledger, bare_on_hand, bare_movement';
const BARE_SCHEMA = [
  `drop table if exists ${BARE_TABLES}`,
  'create table bare_command (key text primary key, result jsonb)',
  "create table bare_line (id int primary key, state text not null default 'open', note text, at timestamptz)",
  'create table bare_audit (id bigserial primary key, at timestamptz not null, actor text, action text, entity text, before jsonb, after jsonb)',
  "create table bare_outbox (id bigserial primary key, kind text, payload jsonb, status text default 'pending')",
  'insert into bare_line (id) select g from generate_series(0, 199999) g',
  "create table bare_step (document int primary key, state text not null default 'pending', decided_by text, decided_at timestamptz)",
  "create table bare_document (id int primary key, state text not null default 'approving', decided_at timestamptz)",
  'create table bare_ledger (id bigserial primary key, document int, line int, sku text, location text, qty numeric, value numeric, at timestamptz)',
  'create table bare_on_hand (sku text, location text, qty numeric not null, primary key (sku, location))',
  'create table bare_movement (id bigserial primary key, sku text, location text, qty numeric, kind text, at timestamptz)',
  'insert into bare_step (document) select g from generate_series(0, 199999) g',
  'insert into bare_document (id) select g from generate_series(0, 199999) g',
  "insert into bare_on_hand (sku, location, qty) select 'B-' || g, 'L' || (g % 100), 100 from generate_series(0, 199999) g",
];

type BareSteps = [string, (key: string, id: number) => (string | number)[]][];

/** One "review action" as bare SQL: dedup, conditional update, audit row, outbox row. */
const BARE_REVIEW: BareSteps = [
  ['insert into bare_command (key, result) values ($1, null) on conflict do nothing', (key) => [key]],
  ["update bare_line set state = 'confirmed', at = now() where id = $1 and state = 'open'", (_, id) => [id]],
  [
    'insert into bare_audit (at, actor, action, entity, before, after) values (now(), \'api:sam\', \'variance.confirm\', $1, \'{"s":"open"}\', \'{"s":"confirmed"}\')',
    (key) => [key],
  ],
  ["insert into bare_outbox (kind, payload) values ('update', '{}')", () => []],
];

/**
 * One "approval" of a one-line document as bare SQL, the writes an approval that posts makes: dedup, the
 * step decided conditionally, the document posted, a ledger entry, on-hand changed, a movement, the line
 * posted, an audit row, an outbox row.
 */
const BARE_APPROVE: BareSteps = [
  ['insert into bare_command (key, result) values ($1, null) on conflict do nothing', (key) => [key]],
  [
    "update bare_step set state = 'approved', decided_by = 'sue', decided_at = now() where document = $1 and state = 'pending'",
    (_, id) => [id],
  ],
  ["update bare_document set state = 'posted', decided_at = now() where id = $1 and state = 'approving'", (_, id) => [id]],
  [
    "insert into bare_ledger (document, line, sku, location, qty, value, at) values ($1, 1, $2, 'L1', 3, 3.75, now())",
    (_, id) => [id, `B-${id}`],
  ],
  ['update bare_on_hand set qty = qty + 3 where sku = $1 and location = $2', (_, id) => [`B-${id}`, `L${id % 100}`]],
  ["insert into bare_movement (sku, location, qty, kind, at) values ($1, 'L1', 3, 'adjustment', now())", (_, id) => [`B-${id}`]],
  ["update bare_line set state = 'posted' where id = $1", (_, id) => [id]],
  [
    'insert into bare_audit (at, actor, action, entity, before, after) values (now(), \'api:sue\', \'document.approve\', $1, \'{"s":"approving"}\', \'{"s":"posted"}\')',
    (key) => [key],
  ],
  ["insert into bare_outbox (kind, payload) values ('update', '{}')", () => []],
];

const BARE = [
  { label: 'review', steps: BARE_REVIEW },
  { label: 'approve', steps: BARE_APPROVE },
];

/** Whether a bare run comes before the product's phases or after them (see bareBar). */
type BareWhen = 'before' | 'after';

/**
 * Each bare transaction with 1 and 16 clients; `run(steps, key, id)` runs one through the driver, its
 * statement `key` and row `id` fresh each time.
 */
async function barePhases(
  database: string,
  when: BareWhen,
  run: (steps: BareSteps, key: string, id: number) => Promise<unknown>,
): Promise<Phase[]> {
  const phases: Phase[] = [];
  for (const { label, steps } of BARE) {
    let n = 0;
    for (const clients of CLIENTS) {
      phases.push(
        await drive(`bare ${label} (${database}, ${when})`, clients, () => {
          const i = n++;
          return async () => {
            await run(steps, `${label}${i}`, i % 200_000);
          };
        }),
      );
    }
  }
  return phases;
}

/**
 * The bare transactions straight through postgres.js, each statement prepared (named on its connection
 * once, then only bound and run), as the product's statements are: the best a hand-written transaction
 * does with this driver.
 */
async function barePostgres(url: string, when: BareWhen): Promise<Phase[]> {
  const client = postgres(url, { max: 16, onnotice: () => {} });
  for (const s of BARE_SCHEMA) await client.unsafe(s);
  const phases = await barePhases('Postgres', when, (steps, key, id) =>
    client.begin(async (tx) => {
      for (const [s, args] of steps) await tx.unsafe(s, args(key, id), { prepare: true });
    }),
  );
  await client.unsafe(`drop table ${BARE_TABLES}`);
  await client.end();
  return phases;
}

async function barePglite(dataDir: string, when: BareWhen): Promise<Phase[]> {
  const pg = new PGlite(dataDir);
  for (const s of BARE_SCHEMA) await pg.exec(s);
  const phases = await barePhases('PGlite', when, (steps, key, id) =>
    pg.transaction(async (tx) => {
      for (const [s, args] of steps) await tx.query(s, args(key, id));
    }),
  );
  await pg.exec(`drop table ${BARE_TABLES}`);
  await pg.close();
  return phases;
}

// ---------------------------------------------------------------------------------------------------------

async function documentsWaiting(db: Db): Promise<string[]> {
  const rows = await queryRows<{ number: string }>(
    db,
    sql`select number from adjustment_document where status = 'approving' order by number`,
  );
  return rows.map((r) => r.number);
}

/**
 * The bar each kind is held to: the faster of its two bare runs at 16 clients, one before the product's
 * phases and one after. This machine's speed drifts by a fifth within minutes (other work on the host),
 * and one bare run that happened to be slow made the product's share look better than it was.
 */
function bareBar(bare: Phase[], kind: string): Phase {
  const runs = bare.filter((p) => p.clients === 16 && p.label.startsWith(`bare ${kind} `));
  return runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
}

function summary(label: string, phases: Phase[], bare: Phase[]): void {
  for (const kind of ['review', 'approve']) {
    const bar = bareBar(bare, kind);
    const of = phases.filter((p) => p.label.startsWith(kind));
    const one = of.find((p) => p.clients === 1);
    const many = of.find((p) => p.clients === 16);
    if (!one || !many) continue;
    const scale = rate(many) / rate(one);
    const share = rate(many) / rate(bar);
    const when = bar.label.includes('before') ? 'before' : 'after';
    console.log(
      `  ${label} ${kind}: 16 clients ${scale.toFixed(1)}× one client (target ≥ 4×), ${(share * 100).toFixed(0)} % of the bare ${kind} transaction at 16 (${Math.round(rate(bar))}/s, the faster of its runs, ${when}; target ≥ 25 %)`,
    );
  }
}

async function benchPostgres(): Promise<void> {
  const url = new URL(PG_ADMIN);
  url.pathname = '/stocktake_bench_writes';
  const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists stocktake_bench_writes with (force)');
  await admin.unsafe('create database stocktake_bench_writes');
  await admin.end();
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString() };
  const database = await openDatabase(target);
  const seeded = await seed(database.db);
  const documents = await documentsWaiting(database.db);
  await database.db.execute(sql`checkpoint`);
  const bare = await barePostgres(url.toString(), 'before');
  for (const p of bare) console.log(`  ${describe(p)}`);
  const results: { label: string; phases: Phase[] }[] = [];
  const cursor = { line: 0, doc: 0 };
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-writes-data-'));
  for (const n of INSTANCES) {
    const instances = await Promise.all(
      Array.from({ length: n }, () => startInstance({ DATABASE_URL: url.toString(), STOCKTAKE_DATA_DIR: dataDir })),
    );
    for (const i of instances) runningInstances.add(i.process.pid!);
    try {
      const phases = await productPhases(instances, seeded, cursor, documents);
      for (const p of phases) console.log(`  ${describe(p)}`);
      results.push({ label: `Postgres, ${n} instance${n > 1 ? 's' : ''},`, phases });
    } finally {
      runningInstances.clear();
      await Promise.all(instances.map(stopInstance));
    }
  }
  const bareAfter = await barePostgres(url.toString(), 'after');
  for (const p of bareAfter) console.log(`  ${describe(p)}`);
  for (const r of results) summary(r.label, r.phases, [...bare, ...bareAfter]);
  await verifyAfter(database.db);
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function benchPglite(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-writes-pglite-'));
  const database = await openDatabase({ kind: 'pglite', dataDir });
  const seeded = await seed(database.db);
  const documents = await documentsWaiting(database.db);
  await database.close();
  const bare = await barePglite(dataDir, 'before');
  for (const p of bare) console.log(`  ${describe(p)}`);
  const instance = await startInstance({ STOCKTAKE_DATA_DIR: dataDir });
  // PGlite's database runs inside the instance, so its CPU time is the instance's.
  runningInstances.add(instance.process.pid!);
  let phases: Phase[] = [];
  try {
    phases = await productPhases([instance], seeded, { line: 0, doc: 0 }, documents);
    for (const p of phases) console.log(`  ${describe(p)}`);
  } finally {
    runningInstances.clear();
    await stopInstance(instance);
  }
  const bareAfter = await barePglite(dataDir, 'after');
  for (const p of bareAfter) console.log(`  ${describe(p)}`);
  summary('PGlite, 1 instance,', phases, [...bare, ...bareAfter]);
  const reopened = await openDatabase({ kind: 'pglite', dataDir });
  await verifyAfter(reopened.db);
  await reopened.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** After the run: every action audited once, the chain intact (what the throughput must not cost). */
async function verifyAfter(db: Db): Promise<void> {
  const { sealAudit } = await import('../src/services/auditSeal.ts');
  const { verifyAudit } = await import('../src/services/auditVerify.ts');
  // The instances seal as they stop; whatever is left (none, normally) is sealed here.
  const late = await sealAudit(db, { wait: true });
  const verdict = await verifyAudit(db);
  const [dups] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select idempotency_key from audit_log where idempotency_key is not null
        group by idempotency_key, action, entity_id having count(*) > 1) d`,
  );
  console.log(
    `  afterwards: audit chain ${verdict.ok ? `intact (${verdict.rows} rows, ${late.sealed} sealed after stop)` : `BROKEN: ${verdict.problems.map((p) => p.kind).join(', ')}`}, ${dups!.n} duplicated actions`,
  );
}

const only = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
// npm start runs dist/: build it from the sources as they are now (npm ci did it once; edits since need it).
execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
console.log(
  `Write throughput benchmark: ${SECONDS} s per phase, clients ${CLIENTS.join(' and ')}, instances ${INSTANCES.join(' and ')} on Postgres (node ${process.version})`,
);
if (!only || only === 'postgres') {
  if (await postgresReachable()) {
    console.log('postgres:');
    await benchPostgres();
  } else console.log(`postgres: skipped, no server at ${PG_ADMIN}`);
}
if (!only || only === 'pglite') {
  console.log('pglite:');
  await benchPglite();
}
httpAgent.destroy();
