/**
 * Read models the dashboard needs that the services do not offer yet: a caller's warehouses, a filtered
 * and sorted page of the variance table, value by cause, and the latest audit entries. Filtering, sorting
 * and sums run in SQL on exact numerics, and every list is limited, because a stocktake may have 200,000
 * lines. (These are read-only queries; they belong in src/services once someone owns a dashboard service.)
 */
import { sql, type SQL } from 'drizzle-orm';
import { isoText } from '../../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import type { Role } from '../../domain/people.ts';
import type { CountStatus, StocktakeStatus } from '../../domain/stocktake.ts';
import type { Suggestion } from '../../domain/suggestions.ts';
import type { ReviewStatus } from '../../services/review.ts';
import type { StocktakeRef } from '../../services/stocktakes.ts';
import { varianceRows } from '../../services/variances.ts';

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
  return value.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
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
export async function stocktakesIn(db: DbOrTx, warehouseIds: string[], page: { limit: number; offset: number }): Promise<{ rows: StocktakeRow[]; total: number }> {
  if (warehouseIds.length === 0) return { rows: [], total: 0 };
  const ids = sql.join(warehouseIds.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = await queryRows<{ id: string; code: string; warehouse: string; timezone: string; status: StocktakeStatus; snapshot_at: string; total: number }>(
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
  return { rows: rows.map((r) => ({ id: r.id, code: r.code, warehouse: r.warehouse, timezone: r.timezone, status: r.status, snapshotAt: r.snapshot_at })), total };
}

/** Whether any stocktake exists at all (the empty state differs for a new installation). */
export async function anyStocktake(db: DbOrTx): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from stocktake limit 1`);
  return rows.length > 0;
}

export interface VarianceFilter {
  status?: ReviewStatus;
  /** A cause code, or '-' for lines with no cause yet. */
  cause?: string;
  location?: string;
  owner?: string;
  onlyDifferences: boolean;
  sort: 'value' | 'sku';
  limit: number;
  offset: number;
}

export interface VarianceTableRow {
  sku: string;
  name: string | null;
  unit: string | null;
  location: string;
  bookQty: string;
  movementQty: string;
  expectedQty: string;
  countedQty: string | null;
  diffQty: string | null;
  diffValue: string | null;
  countStatus: CountStatus;
  reviewStatus: ReviewStatus;
  causeCode: string | null;
  autoConfirmed: boolean;
  note: string | null;
  suggestion: Suggestion | null;
  owner: string | null;
  dueAt: string | null;
  overdue: boolean;
  returnedReason: string | null;
}

/** The variance table of a stocktake: filtered and sorted in SQL, one page, and the number of lines matching. */
export async function varianceTable(db: DbOrTx, st: StocktakeRef, f: VarianceFilter): Promise<{ rows: VarianceTableRow[]; total: number }> {
  const inner: SQL[] = [];
  if (f.status) inner.push(sql`and l.review_status = ${f.status}::review_status`);
  if (f.cause === '-') inner.push(sql`and l.cause_code is null`);
  else if (f.cause) inner.push(sql`and l.cause_code = ${f.cause}`);
  if (f.location !== undefined) inner.push(sql`and l.location = ${f.location}`);
  if (f.owner) inner.push(sql`and l.owner_id = (select id from person where handle = ${f.owner.toLowerCase()})`);
  const order = f.sort === 'sku' ? sql`v.sku, v.location` : sql`abs(v.diff_value) desc nulls last, v.sku, v.location`;
  const rows = await queryRows<{
    sku: string; name: string | null; unit: string | null; location: string; book_qty: string; movement_qty: string; expected_qty: string;
    counted_qty: string | null; diff_qty: string | null; diff_value: string | null; count_status: CountStatus; review_status: ReviewStatus;
    cause_code: string | null; auto_confirmed: boolean; note: string | null; suggestion: Suggestion | null; owner: string | null;
    due_at: string | null; overdue: boolean; returned_reason: string | null; total: number;
  }>(
    db,
    sql`select v.sku, i.name, i.unit, v.location, trim_scale(v.book_qty)::text as book_qty, trim_scale(v.movement_qty)::text as movement_qty,
          trim_scale(v.expected_qty)::text as expected_qty, trim_scale(v.counted_qty)::text as counted_qty, trim_scale(v.diff_qty)::text as diff_qty,
          v.diff_value::text as diff_value, v.count_status, l.review_status, l.cause_code, l.auto_confirmed, l.note, l.suggestion,
          o.handle as owner, ${isoText(sql`l.due_at`)} as due_at, coalesce(l.due_at < now() and l.review_status in ('open', 'recount'), false) as overdue,
          l.returned_reason, count(*) over () as total
        from (${varianceRows(st, sql.join(inner, sql` `))}) v
        join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location
        left join item i on i.sku = v.sku
        left join person o on o.id = l.owner_id
        ${f.onlyDifferences ? sql`where v.diff_qty <> 0` : sql``}
        order by ${order}
        limit ${f.limit} offset ${f.offset}`,
  );
  return {
    total: rows.length ? Number(rows[0]!.total) : 0,
    rows: rows.map((r) => ({
      sku: r.sku, name: r.name, unit: r.unit, location: r.location, bookQty: r.book_qty, movementQty: r.movement_qty, expectedQty: r.expected_qty,
      countedQty: r.counted_qty, diffQty: r.diff_qty, diffValue: r.diff_value, countStatus: r.count_status, reviewStatus: r.review_status,
      causeCode: r.cause_code, autoConfirmed: Boolean(r.auto_confirmed), note: r.note, suggestion: r.suggestion, owner: r.owner, dueAt: r.due_at,
      overdue: Boolean(r.overdue), returnedReason: r.returned_reason,
    })),
  };
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
        join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location
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
  const rows = await queryRows<{ id: string; at: string; actor_identity: string; handle: string | null; action: string; entity_type: string; entity_id: string; before: unknown; after: unknown; total: number }>(
    db,
    sql`select a.id::text as id, ${isoText(sql`a.at`)} as at, a.actor_identity, p.handle, a.action, a.entity_type, a.entity_id, a.before, a.after,
          count(*) over () as total
        from audit_log a left join person p on p.id = a.actor_person_id
        where a.stocktake_id = ${stocktakeId}::uuid
        order by a.id desc limit ${limit}`,
  );
  return {
    total: rows.length ? Number(rows[0]!.total) : 0,
    rows: rows.map((r) => ({ id: r.id, at: r.at, actorIdentity: r.actor_identity, actorHandle: r.handle, action: r.action, entityType: r.entity_type, entityId: r.entity_id, before: r.before, after: r.after })),
  };
}
