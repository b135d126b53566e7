/**
 * Counting on the phone under load: 10 phones scanning at once against one `npm start` instance, each
 * phone doing what the counting page does — every scan goes into the phone's queue with its own id, and
 * the queue is sent whenever no send is under way (POST /scan/entries); after every 10 scans the phone
 * marks its location done (POST /scan/done) and moves to the next. An entry's age is the time from its
 * scan to the server's answer that stored it. The target: 100 scans a minute by 10 people with no queued
 * entry older than 2 s. Higher rates show the headroom.
 *
 *   npm run bench:scans                       # Postgres and PGlite
 *   npm run bench:scans -- --db pglite
 *   BENCH_SECONDS=60 BENCH_RATES=100,1000,6000 npm run bench:scans
 *
 * Afterwards it checks every scan was stored exactly once and every location done became one count import.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, queryRows, type Db } from '../db/client.ts';
import { fileSource } from '../src/files/source.ts';
import { importBook } from '../src/services/book.ts';
import { ensureDefaultCauses } from '../src/services/causes.ts';
import { createCredential } from '../src/services/credentials.ts';
import { importItems } from '../src/services/items.ts';
import { addPerson, grantRole } from '../src/services/people.ts';
import { startStocktake } from '../src/services/stocktakes.ts';
import { addWarehouse } from '../src/services/warehouses.ts';
import { httpAgent, PG_ADMIN, postgresReachable, postJson, startInstance, stopInstance, type Instance } from './support.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** Scans a minute by all phones together, one phase each. */
const RATES = (process.env.BENCH_RATES ?? '100,1000,6000').split(',').map(Number);
const PHONES = 10;
const ITEMS = 5_000;
const LOCATIONS = 500;
const SCANS_PER_LOCATION = 10;
const TARGET_AGE_MS = 2_000;

const sku = (i: number) => `S-${String(i).padStart(6, '0')}`;
const barcode = (i: number) => `69${String(100_000_000 + i).padStart(11, '0')}`;
const loc = (i: number) => `A-${String(i % LOCATIONS).padStart(3, '0')}`;

async function fileOf(dir: string, name: string, rows: string[][]) {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((r) => r.join(',')).join('\n')}\n`);
  return fileSource(path);
}

/** WH1 with ITEMS items (each with a barcode and a case of 12), a book over LOCATIONS locations, 10 counters with API keys, a stocktake counting. */
async function seed(db: Db): Promise<{ code: string; keys: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scans-'));
  await ensureDefaultCauses(db);
  await addWarehouse(db, { code: 'WH1', name: 'Bench', timezone: 'Asia/Shanghai' });
  const all = Array.from({ length: ITEMS }, (_, i) => i);
  await importItems(
    db,
    await fileOf(dir, 'items.csv', [
      ['sku', 'name', 'unit', 'unit_cost', 'barcode', 'packs'],
      ...all.map((i) => [sku(i), `Item ${i}`, 'pcs', '1.25', barcode(i), '箱=12']),
    ]),
  );
  await importBook(db, 'WH1', await fileOf(dir, 'book.csv', [['sku', 'location', 'qty'], ...all.map((i) => [sku(i), loc(i), '24'])]));
  const keys: string[] = [];
  for (let p = 0; p < PHONES; p++) {
    const handle = `counter${p}`;
    await addPerson(db, { handle, name: handle });
    await grantRole(db, handle, 'counter', 'WH1');
    keys.push((await createCredential(db, { kind: 'api_key', person: handle })).secret);
  }
  const st = await startStocktake(db, 'WH1', new Date(Date.now() - 60_000));
  rmSync(dir, { recursive: true, force: true });
  return { code: st.code, keys };
}

interface Result {
  rate: number;
  scans: number;
  stored: number;
  seconds: number;
  ages: number[];
  sends: number[];
  dones: number[];
  locationsDone: number;
}

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/**
 * One phase: PHONES phones scanning together at `rate` scans a minute in all, each on its own locations
 * (phone p counts locations p, p + PHONES, …, starting at `offset`).
 */
async function phase(base: string, code: string, keys: string[], rate: number, offset: number): Promise<Result> {
  const path = `/api/v1/stocktakes/${code}/scan`;
  const intervalMs = (60_000 / rate) * PHONES;
  const result: Result = { rate, scans: 0, stored: 0, seconds: 0, ages: [], sends: [], dones: [], locationsDone: 0 };
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  await Promise.all(
    keys.map(async (key, p) => {
      const queue: { id: string; location: string; code: string; qty: string; at: string; t: number }[] = [];
      let sending: Promise<void> | null = null;
      let location = offset + p;
      let scanned = 0;
      const send = async (): Promise<void> => {
        while (queue.length > 0) {
          const batch = queue.slice(0, 500);
          const t = performance.now();
          const answer = (await postJson(base, `${path}/entries`, key, { entries: batch.map(({ t: _t, ...e }) => e) })) as {
            accepted: { id: string }[];
          };
          const now = performance.now();
          result.sends.push(now - t);
          for (const e of batch) result.ages.push(now - e.t);
          result.stored += answer.accepted.length;
          queue.splice(0, batch.length);
        }
      };
      // Scans at a steady pace, the phones offset from each other so they do not all send at once.
      let next = start + (intervalMs * p) / PHONES;
      while (next < deadline) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const item = (location % LOCATIONS) + LOCATIONS * (scanned % (ITEMS / LOCATIONS));
        queue.push({
          id: randomUUID(),
          location: loc(location),
          code: barcode(item),
          qty: '1',
          at: new Date().toISOString(),
          t: performance.now(),
        });
        result.scans += 1;
        scanned += 1;
        sending ??= send().finally(() => {
          sending = null;
        });
        if (scanned % SCANS_PER_LOCATION === 0) {
          await sending;
          await send();
          const t = performance.now();
          await postJson(base, `${path}/done`, key, { location: loc(location) });
          result.dones.push(performance.now() - t);
          result.locationsDone += 1;
          location += PHONES;
        }
        next += intervalMs;
      }
      await sending;
      await send();
    }),
  );
  result.seconds = (performance.now() - start) / 1000;
  return result;
}

function report(r: Result): string {
  const oldest = Math.max(...r.ages);
  const verdict = r.rate === 100 ? (oldest <= TARGET_AGE_MS ? ' — target met' : ' — TARGET MISSED') : '';
  return [
    `${String(r.rate).padStart(5)} scans/min target: ${((r.scans / r.seconds) * 60).toFixed(0).padStart(5)}/min sent, ${r.stored} stored`,
    `entry age p50 ${percentile(r.ages, 0.5).toFixed(0)} ms, p99 ${percentile(r.ages, 0.99).toFixed(0)} ms, oldest ${oldest.toFixed(0)} ms (≤ ${TARGET_AGE_MS} ms)${verdict}`,
    `send p50 ${percentile(r.sends, 0.5).toFixed(0)} ms; location done ×${r.locationsDone} p50 ${percentile(r.dones, 0.5).toFixed(0)} ms p99 ${percentile(r.dones, 0.99).toFixed(0)} ms`,
  ].join('\n      ');
}

/** Every scan stored once; every location done one count import. */
async function verify(db: Db, scans: number, dones: number): Promise<void> {
  const [row] = await queryRows<{ entries: number; ids: number; open: number; imports: number }>(
    db,
    sql`select count(*)::int as entries, count(distinct id)::int as ids, count(*) filter (where import_id is null)::int as open,
               (select count(*)::int from count_import where file_name like 'scan %') as imports
        from scan_entry`,
  );
  console.log(
    `    afterwards: ${row!.entries} scans stored for ${scans} sent (${row!.ids} distinct ids, ${row!.open} not yet in a location done), ${row!.imports} count imports for ${dones} locations done`,
  );
}

async function run(label: string, open: () => Promise<{ db: Db; close: () => Promise<void> }>, env: Record<string, string>): Promise<void> {
  console.log(`${label}:`);
  let database = await open();
  const { code, keys } = await seed(database.db);
  // PGlite is one process's database: the instance opens it alone.
  if (label === 'pglite') await database.close();
  const instance: Instance = await startInstance(env);
  let scans = 0;
  let dones = 0;
  try {
    let offset = 0;
    for (const rate of RATES) {
      const r = await phase(instance.base, code, keys, rate, offset);
      offset += r.locationsDone + PHONES;
      scans += r.scans;
      dones += r.locationsDone;
      console.log(`    ${report(r)}`);
    }
  } finally {
    await stopInstance(instance);
  }
  if (label === 'pglite') database = await open();
  await verify(database.db, scans, dones);
  await database.close();
}

const only = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
console.log(
  `Scan benchmark: ${PHONES} phones, ${SECONDS} s per rate, rates ${RATES.join(', ')} scans/min, location done every ${SCANS_PER_LOCATION} scans, one instance (node ${process.version})`,
);
if (!only || only === 'postgres') {
  if (await postgresReachable()) {
    const url = new URL(PG_ADMIN);
    url.pathname = '/stocktake_bench_scans';
    const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists stocktake_bench_scans with (force)');
    await admin.unsafe('create database stocktake_bench_scans');
    await admin.end();
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-scans-data-'));
    await run('postgres', () => openDatabase({ kind: 'postgres', url: url.toString() }), {
      DATABASE_URL: url.toString(),
      STOCKTAKE_DATA_DIR: dataDir,
    });
    rmSync(dataDir, { recursive: true, force: true });
  } else console.log(`postgres: skipped, no server at ${PG_ADMIN}`);
}
if (!only || only === 'pglite') {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-scans-pglite-'));
  await run('pglite', () => openDatabase({ kind: 'pglite', dataDir }), { STOCKTAKE_DATA_DIR: dataDir });
  rmSync(dataDir, { recursive: true, force: true });
}
httpAgent.destroy();
