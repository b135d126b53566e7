/**
 * Where a person may count on the phone: stocktakes still counting in warehouses where they hold a
 * counting role (counter or a supervising role). The console lists them as links to the counting page.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { roleGrant, stocktake, warehouse } from '../../db/schema/index.ts';
import { COUNTING_ROLES } from '../domain/people.ts';

export async function stocktakesToCount(db: DbOrTx, personId: string): Promise<{ code: string; warehouse: string }[]> {
  return db
    .selectDistinct({ code: stocktake.code, warehouse: warehouse.code })
    .from(stocktake)
    .innerJoin(warehouse, eq(warehouse.id, stocktake.warehouseId))
    .innerJoin(roleGrant, and(eq(roleGrant.warehouseId, stocktake.warehouseId), eq(roleGrant.personId, personId)))
    .where(and(eq(stocktake.status, 'counting'), inArray(roleGrant.role, [...COUNTING_ROLES])))
    .orderBy(asc(stocktake.code));
}
