import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { queryRows, type Db, type DbOrTx } from '../../../db/client.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { isUuid } from '../../domain/stocktake.ts';
import { warehouseTexts } from '../../domain/texts/people.ts';
import type { DigestPerson, DigestWarehouse } from './types.ts';

/**
 * Runs the digest's reads in one read-only, repeatable-read transaction, so that every figure describes
 * the same moment even while people keep tapping (a confirmation landing between two queries would
 * otherwise be counted in one section and not in another). Inside a caller's transaction, runs there.
 */
export function readSnapshot<T>(db: DbOrTx, body: (tx: DbOrTx) => Promise<T>): Promise<T> {
  if (db instanceof PgTransaction) return body(db);
  return (db as Db).transaction(
    async (tx) => {
      // A digest reads every line of a stocktake a few times over: its working set fits in memory, and
      // compiling the plans (JIT) would cost more than running them.
      await tx.execute(sql`set local work_mem = '64MB'`);
      await tx.execute(sql`set local jit = off`);
      return body(tx);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The warehouse by code or id, with its currency (the policy's, CNY when it never set one). */
export async function digestWarehouse(db: DbOrTx, ref: string): Promise<DigestWarehouse> {
  const key = ref.trim();
  const [row] = await queryRows<{ id: string; code: string; name: string; timezone: string; currency: string }>(
    db,
    sql`select w.id, w.code, w.name, w.timezone, coalesce(p.currency, 'CNY') as currency
        from warehouse w left join warehouse_policy p on p.warehouse_id = w.id
        where ${isUuid(key) ? sql`w.id = ${key}::uuid` : sql`w.code = ${key}`}`,
  );
  if (!row) throw new NotFoundError('warehouse', key, warehouseTexts.notFoundByKey(key));
  return row;
}

/** Everyone holding each role in the warehouse, by handle. */
export async function roleHolders(db: DbOrTx, warehouseId: string): Promise<Map<string, DigestPerson[]>> {
  const rows = await queryRows<{ role: string; handle: string; name: string }>(
    db,
    sql`select g.role::text as role, p.handle, p.name from role_grant g join person p on p.id = g.person_id
        where g.warehouse_id = ${warehouseId}::uuid order by g.role, p.handle`,
  );
  const out = new Map<string, DigestPerson[]>();
  for (const r of rows) out.set(r.role, [...(out.get(r.role) ?? []), { handle: r.handle, name: r.name }]);
  return out;
}

/** A person from nullable handle/name columns. */
export const personOf = (handle: string | null | undefined, name: string | null | undefined): DigestPerson | null =>
  handle ? { handle, name: name ?? handle } : null;
