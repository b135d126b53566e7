/**
 * Who may read what: a stocktake or document is readable by anyone holding a role (any role) in its
 * warehouse, and lists show only those warehouses. Writes are checked by the services themselves (roles,
 * segregation of duties), which say exactly what is missing.
 */
import type { DbOrTx } from '../../../db/client.ts';
import type { Actor } from '../../domain/people.ts';
import { requireAnyRole, rolesOf } from '../../services/people.ts';
import { getWarehouse, listWarehouses } from '../../services/warehouses.ts';

/** The codes of the warehouses where the caller holds any role. */
export async function readableWarehouses(db: DbOrTx, actor: Actor): Promise<Set<string>> {
  const readable = new Set<string>();
  for (const wh of await listWarehouses(db)) {
    if ((await rolesOf(db, actor.personId, wh.id)).size > 0) readable.add(wh.code);
  }
  return readable;
}

/** Refuses unless the caller holds a role in the warehouse; `what` names the thing read ("stocktake ST-…"). */
export async function requireReader(db: DbOrTx, actor: Actor, warehouseCode: string, what: string): Promise<void> {
  const wh = await getWarehouse(db, warehouseCode);
  await requireAnyRole(db, actor, wh.id, what);
}
