/**
 * Read models of the dashboard: a caller's warehouses, a page of their stocktakes, the filter menus of
 * the variance table, value by cause, and the latest audit entries. Sums run in SQL on exact numerics and
 * every list is limited, because a stocktake may have 200,000 lines. The variance table itself is
 * queryVariances (varianceQuery.ts), which the REST API shares.
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { Role } from '../domain/people.ts';
import type { StocktakeStatus } from '../domain/stocktake.ts';
import type { StocktakeRef } from './stocktakes.ts';
import { varianceRows } from './variances.ts';

export interface WarehouseRoles {
  id: string;
  code: string;
  name: string;
  timezone: string;
  roles: Role[];
}

/** The warehouses a person holds any role in, with those roles. */
export async function warehousesOf(db: DbOrTx, personId: string): Promise<WarehouseRoles[]> {
  const rows = await queryRows<{ id: string; code: string; name: string; timezone: string; roles: Role[] }>(
    db,
    sql`select w.id, w.code, w.name, w.timezone, array_agg(g.role::text order by g.role) as roles
        from role_grant g join warehouse w on w.id = g.warehouse_id
        where g.person_id = ${personId}::uuid group by w.id order by w.code`,
  );
  return rows.map((r) => ({ ...r, roles: parseArray(r.roles) as Role[] }));
}

/** postgres.js hands text[] back as an array, PGlite too; a "{a,b}" literal is read as well, to be safe. */
function parseArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
}

export interface StocktakeRow {
  id: string;
  code: string;
  warehouse: string;
  timezone: string;
  status: StocktakeStatus;
  snapshotAt: string;
}

/** A page of the stocktakes of the given warehouses, newest first, and how many there are in all. */
export async function stocktakesIn(
  db: DbOrTx,
  warehouseIds: string[],
  page: { limit: number; offset: number },
): Promise<{ rows: StocktakeRow[]; total: number }> {
  if (warehouseIds.length === 0) return { rows: [], total: 0 };
  const ids = sql.join(
    warehouseIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = await queryRows<{
    id: string;
    code: string;
    warehouse: string;
    timezone: string;
    status: StocktakeStatus;
    snapshot_at: string;
    total: number;
  }>(
    db,
    sql`select s.id, s.code, w.code as warehouse, w.timezone, s.status, ${isoText(sql`s.snapshot_at`)} as snapshot_at, count(*) over () as total
        from stocktake s join warehouse w on w.id = s.warehouse_id
        where s.warehouse_id in (${ids})
        order by s.created_at desc, s.code desc limit ${page.limit} offset ${page.offset}`,
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (rows.length === 0 && page.offset > 0) {
    const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from stocktake where warehouse_id in (${ids})`);
    total = Number(count!.n);
  }
  return {
    rows: rows.map((r) => ({
      id: r.id,
      code: r.code,
      warehouse: r.warehouse,
      timezone: r.timezone,
      status: r.status,
      snapshotAt: r.snapshot_at,
    })),
    total,
  };
}

/** Whether any stocktake exists at all (the empty state differs for a new installation). */
export async function anyStocktake(db: DbOrTx): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from stocktake limit 1`);
  return rows.length > 0;
}

const OPTION_LIMIT = 500;

/** What the filter menus offer: the stocktake's locations (up to 500) and the owners of its variances. */
export async function filterOptions(db: DbOrTx, stocktakeId: string): Promise<{ locations: string[]; owners: string[] }> {
  const locations = await queryRows<{ location: string }>(
    db,
    sql`select distinct location from stocktake_line where stocktake_id = ${stocktakeId}::uuid order by location limit ${OPTION_LIMIT}`,
  );
  const owners = await queryRows<{ handle: string }>(
    db,
    sql`select distinct p.handle from stocktake_line l join person p on p.id = l.owner_id where l.stocktake_id = ${stocktakeId}::uuid order by p.handle`,
  );
  return { locations: locations.map((r) => r.location), owners: owners.map((r) => r.handle) };
}

/** Gains and losses per tagged cause (null: not explained yet), largest absolute value first. */
export async function valueByCause(db: DbOrTx, st: StocktakeRef): Promise<{ causeCode: string | null; gain: string; loss: string }[]> {
  const rows = await queryRows<{ cause_code: string | null; gain: string; loss: string }>(
    db,
    sql`select l.cause_code,
          coalesce(sum(v.diff_value) filter (where v.diff_qty > 0), 0)::numeric(18,2)::text as gain,
          coalesce(sum(v.diff_value) filter (where v.diff_qty < 0), 0)::numeric(18,2)::text as loss
        from (${varianceRows(st)}) v
        join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
        where v.diff_qty <> 0
        group by l.cause_code
        order by sum(abs(v.diff_value)) desc, l.cause_code nulls last`,
  );
  return rows.map((r) => ({ causeCode: r.cause_code, gain: r.gain, loss: r.loss }));
}

export interface AuditLine {
  id: string;
  at: string;
  actorIdentity: string;
  actorHandle: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** The latest audit entries of a stocktake (its documents' included), newest first, and how many exist. */
export async function latestAudit(db: DbOrTx, stocktakeId: string, limit: number): Promise<{ rows: AuditLine[]; total: number }> {
  const rows = await queryRows<{
    id: string;
    at: string;
    actor_identity: string;
    handle: string | null;
    action: string;
    entity_type: string;
    entity_id: string;
    before: unknown;
    after: unknown;
    total: number;
  }>(
    db,
    sql`select a.id::text as id, ${isoText(sql`a.at`)} as at, a.actor_identity, p.handle, a.action, a.entity_type, a.entity_id, a.before, a.after,
          count(*) over () as total
        from audit_log a left join person p on p.id = a.actor_person_id
        where a.stocktake_id = ${stocktakeId}::uuid
        order by a.id desc limit ${limit}`,
  );
  return {
    total: rows.length ? Number(rows[0]!.total) : 0,
    rows: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorIdentity: r.actor_identity,
      actorHandle: r.handle,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
    })),
  };
}
