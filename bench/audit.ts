/**
 * Audit benchmark: audited write transactions per second with 1 and 16 concurrent writers, as the product
 * writes them now (insert unsealed; a sealer chains rows every second) and, for comparison in the same
 * run, with the global chain lock every writer used to hold to commit. Then how fast the sealer and
 * `audit verify` go over the rows written. Postgres only (PGlite runs one transaction at a time).
 *
 *   npm run bench:audit
 *   BENCH_TX=400 BENCH_CLIENTS=1,4,16 npm run bench:audit
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase, type Db } from '../db/client.ts';
import { appendAudit, OPERATOR } from '../src/services/audit.ts';
import { sealAudit } from '../src/services/auditSeal.ts';
import { verifyAudit } from '../src/services/auditVerify.ts';
import { PG_ADMIN, postgresReachable } from './support.ts';

const TX = Number(process.env.BENCH_TX ?? 800);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,16').split(',').map(Number);
const KEY = 'bench-key-0123456789abcdef';
const NAME = 'stocktake_bench_audit';

/** One audited change: a few entries, as a review action writes them. */
const change = (db: Db, i: number, oldLock: boolean) =>
  db.transaction(async (tx) => {
    // The lock every writer took before this version, held to commit (for comparison only).
    if (oldLock) await tx.execute(sql`select pg_advisory_xact_lock(741001)`);
    await appendAudit(tx, OPERATOR, `k${i}`, new Date(), [
      {
        action: 'variance.confirm',
        entityType: 'stocktake_line',
        entityId: `L${i}`,
        before: { reviewStatus: 'open' },
        after: { reviewStatus: 'confirmed' },
      },
      { action: 'variance.tag', entityType: 'stocktake_line', entityId: `L${i}`, after: { causeCode: 'damage' } },
    ]);
  });

async function rate(db: Db, clients: number, oldLock: boolean): Promise<{ perSecond: number; p50: number; p99: number }> {
  let next = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= TX) return;
        const s = performance.now();
        await change(db, i, oldLock);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: TX / seconds, p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    console.log('Postgres is not reachable: nothing to measure (this benchmark needs a server).');
    return;
  }
  const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${NAME} with (force)`);
  await admin.unsafe(`create database ${NAME}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${NAME}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  const { db } = database;
  try {
    console.log(`audited write transactions (2 audit rows each), ${TX} per run, Postgres:`);
    let sealing = true;
    // The product's sealer, running alongside as in npm start.
    const sealer = (async () => {
      while (sealing) {
        await sealAudit(db, { key: KEY });
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const base: Record<string, number> = {};
    for (const oldLock of [false, true]) {
      for (const clients of CLIENTS) {
        const r = await rate(db, clients, oldLock);
        const label = oldLock ? 'global chain lock (before)' : 'unsealed insert + sealer (now)';
        base[`${oldLock}`] ??= r.perSecond;
        console.log(
          `  ${label.padEnd(32)} ${String(clients).padStart(2)} client(s): ${r.perSecond.toFixed(0).padStart(6)} tx/s  ×${(r.perSecond / base[`${oldLock}`]!).toFixed(1)}  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms`,
        );
      }
    }
    sealing = false;
    await sealer;
    const t0 = performance.now();
    const sealed = await sealAudit(db, { key: KEY, wait: true, checkpoint: 'always' });
    const sealMs = performance.now() - t0;
    console.log(`  sealer catching up: ${sealed.sealed} rows in ${sealMs.toFixed(0)} ms`);
    // A backlog: rows sealed from scratch.
    await db.execute(sql`update audit_log set seq = null, prev_hash = null, hash = null`);
    await db.execute(sql`delete from audit_checkpoint`);
    const t1 = performance.now();
    const all = await sealAudit(db, { key: KEY, wait: true, checkpoint: 'always' });
    const seconds = (performance.now() - t1) / 1000;
    console.log(`  sealing a backlog: ${all.sealed} rows in ${seconds.toFixed(2)} s (${(all.sealed / seconds).toFixed(0)} rows/s)`);
    const t2 = performance.now();
    const verdict = await verifyAudit(db, { key: KEY });
    const vs = (performance.now() - t2) / 1000;
    console.log(`  audit verify: ${verdict.rows} rows in ${vs.toFixed(2)} s (${(verdict.rows / vs).toFixed(0)} rows/s), ok: ${verdict.ok}`);
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${NAME} with (force)`);
    await admin.end();
  }
}

await main();
