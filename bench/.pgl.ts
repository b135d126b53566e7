// scratch: PGlite approvals in-process, time per statement (not committed)
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { fileSource } from '../src/files/source.ts';
import { importBook } from '../src/services/book.ts';
import { ensureDefaultCauses } from '../src/services/causes.ts';
import { importCounts } from '../src/services/counts.ts';
import { submitVariances } from '../src/services/documents.ts';
import { refreshStatistics } from '../src/services/statistics.ts';
import { importItems } from '../src/services/items.ts';
import { addPerson, cliActor, grantRole } from '../src/services/people.ts';
import { closeCounting, startStocktake } from '../src/services/stocktakes.ts';
import { addWarehouse } from '../src/services/warehouses.ts';
import { approveDocument } from '../src/services/approvals.ts';
const LINES = Number(process.env.LINES ?? 5000),
  DOCS = Number(process.env.DOCS ?? 300);
const sku = (i: number) => `B-${String(i).padStart(6, '0')}`;
const loc = (i: number) => `L${i % 100}`;
const dir = mkdtempSync(join(tmpdir(), 'pgl-'));
const file = (name: string, rows: string[][]) => {
  const p = join(dir, name);
  writeFileSync(p, rows.map((r) => r.join(',')).join('\n') + '\n');
  return fileSource(p);
};
const database = await openDatabase({ kind: 'pglite', dataDir: null });
const db = database.db;
await ensureDefaultCauses(db);
await addWarehouse(db, { code: 'WH1', name: 'Bench', timezone: 'Asia/Shanghai' });
const total = LINES + DOCS;
const all = Array.from({ length: total }, (_, i) => i);
await importItems(
  db,
  await file('items.csv', [['sku', 'name', 'unit', 'unit_cost'], ...all.map((i) => [sku(i), `Item ${i}`, 'pcs', '1.25'])]),
);
await importBook(db, 'WH1', await file('book.csv', [['sku', 'location', 'qty'], ...all.map((i) => [sku(i), loc(i), '100'])]));
for (const [h, r] of [
  ['carl', 'counter'],
  ['sam', 'supervisor'],
  ['sue', 'supervisor'],
] as const) {
  await addPerson(db, { handle: h, name: h });
  await grantRole(db, h, r, 'WH1');
}
const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
await importCounts(
  db,
  st.code,
  await file('count.csv', [['sku', 'location', 'qty'], ...all.map((i) => [sku(i), loc(i), i % 2 ? '103' : '97'])]),
  { counter: 'carl' },
);
await closeCounting(db, st.code);
const sam = await cliActor(db, 'sam');
await db.execute(
  sql`update stocktake_line set review_status = 'recount', cause_code = 'counting_error', explained_by = ${sam.personId}::uuid, confirmed_by = ${sam.personId}::uuid, confirmed_at = now() where stocktake_id = ${st.id}::uuid and sku >= ${sku(LINES)}`,
);
const numbers: string[] = [];
for (let i = LINES; i < total; i++) {
  await db.execute(sql`update stocktake_line set review_status = 'confirmed' where stocktake_id = ${st.id}::uuid and sku = ${sku(i)}`);
  const r = await submitVariances(db, { actor: sam }, { stocktake: st.code, lines: [`${sku(i)}@${loc(i)}`] });
  numbers.push(...((r as any).documents?.map((d: any) => d.number) ?? []));
}
await refreshStatistics(db);
const docs = ((await db.execute(sql`select number from adjustment_document where status = 'approving' order by number`)) as any).rows.map(
  (r: any) => r.number,
);
const sue = await cliActor(db, 'sue');
// time every statement
const pg = database.pglite as any;
const times = new Map<string, { n: number; ms: number }>();
const wrap = (o: any) => {
  for (const m of ['query', 'exec']) {
    const orig = o[m].bind(o);
    o[m] = async (q: string, ...rest: unknown[]) => {
      const t = performance.now();
      try {
        return await orig(q, ...rest);
      } finally {
        const k = q.replace(/\s+/g, ' ').slice(0, 140);
        const e = times.get(k) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t;
        times.set(k, e);
      }
    };
  }
};
wrap(pg);
const origTx = pg.transaction.bind(pg);
pg.transaction = (fn: any) =>
  origTx((tx: any) => {
    wrap(tx);
    return fn(tx);
  });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const number of docs) await approveDocument(db, { actor: sue, idempotencyKey: `a-${number}` }, { document: number });
const cpu = process.cpuUsage(cpu0);
console.log(
  `${docs.length} approvals in ${(performance.now() - t0).toFixed(0)} ms; CPU ${((cpu.user + cpu.system) / 1000 / docs.length).toFixed(2)} ms each`,
);
for (const [k, v] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(`${v.ms.toFixed(0).padStart(6)} ms ${String(v.n).padStart(5)} × ${(v.ms / v.n).toFixed(2)} ms  ${k}`);
await database.close();
