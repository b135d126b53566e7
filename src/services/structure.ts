/**
 * Stock structure of a warehouse (issue 16 §1), computed set-based in SQL from the movement history, the
 * book (on_hand) and the items' unit costs, on PGlite and Postgres alike:
 *
 * - consumption: the quantity issued (movements of kind `issue`) in the period (as-of − days, as-of],
 *   valued at the item's current unit cost (movements carry no cost of their own);
 * - ABC: items ranked by consumption value; an item is A while the value ranked above it is below the A
 *   cut-off share of the total (so the item that crosses the line is still A), B below A + B, else C; an item
 *   without consumption is C;
 * - stock at as-of: the book now minus the movements recorded as occurring after as-of;
 * - average stock: time-weighted over the period — stock(t) is the stock at as-of minus the movements after
 *   t, so its mean over the period is stock(as-of) − Σ qty × (occurred − from) ÷ period, one sum per item;
 * - turnover = consumption value ÷ average stock value; days of stock = stock at as-of ÷ (issued ÷ days);
 * - slow mover / dead stock: an item with stock whose last issue (never issued: its first movement here) is
 *   at least the warehouse's slow (dead) days before as-of; stock that never moved at all is dead.
 *
 * One pass over the warehouse's movements fills temporary tables (dropped at commit) that the summary,
 * the top lists and the per-item table are read from.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import {
  ABC_CLASSES,
  parsePeriodDays,
  periodStart,
  type AbcClass,
  type CategoryStructure,
  type ClassStructure,
  type IdleGroup,
  type ItemStructure,
  type MovementStatus,
  type StockStructure,
  type StructureSettings,
} from '../domain/structure.ts';
import { policyOf } from './policy.ts';
import { getWarehouse, type Warehouse } from './warehouses.ts';

export interface StructureRequest {
  /** Warehouse code. */
  warehouse: string;
  /** Default: now. */
  asOf?: Date;
  /** Default 365. */
  periodDays?: number;
}

interface Context {
  wh: Warehouse;
  currency: string;
  settings: StructureSettings;
  asOf: Date;
  from: Date;
  days: number;
}

/**
 * Fills `structure_item` (temporary, dropped at commit) with one row per item the warehouse holds or moved.
 * Must run inside a transaction.
 */
async function fillItems(tx: DbOrTx, c: Context): Promise<void> {
  const { wh, asOf, from, days, settings } = c;
  const at = asOf.toISOString();
  const start = from.toISOString();
  // The one pass over the movements is the cost (5M rows: seconds). CREATE TABLE AS may run it in parallel
  // where INSERT … SELECT may not, and the hash aggregate fits in memory with a larger work_mem.
  await tx.execute(sql`set local work_mem = '64MB'`);
  await tx.execute(sql`
    create temporary table structure_movement on commit drop as
    select m.sku,
      coalesce(sum(m.qty) filter (where m.occurred_at > ${at}::timestamptz), 0) as after_qty,
      coalesce(sum(m.qty * extract(epoch from (m.occurred_at - ${start}::timestamptz))::numeric)
        filter (where m.occurred_at > ${start}::timestamptz and m.occurred_at <= ${at}::timestamptz), 0) as weighted_seconds,
      coalesce(-sum(m.qty) filter (where m.kind = 'issue' and m.occurred_at > ${start}::timestamptz and m.occurred_at <= ${at}::timestamptz), 0.000) as issue_qty,
      max(m.occurred_at) filter (where m.kind = 'issue' and m.occurred_at <= ${at}::timestamptz) as last_issue_at,
      min(m.occurred_at) filter (where m.occurred_at <= ${at}::timestamptz) as first_at
    from movement m
    where m.warehouse_id = ${wh.id}::uuid
    group by m.sku`);
  // Without statistics the planner guesses a temporary table's size and may join it by nested loops.
  await tx.execute(sql`analyze structure_movement`);
  await tx.execute(sql`
    create temporary table structure_item on commit drop as
    with book as (
      select o.sku, sum(o.qty) as qty from on_hand o where o.warehouse_id = ${wh.id}::uuid group by o.sku
    ), per as (
      select i.sku, i.name, i.unit, i.category, i.unit_cost,
        coalesce(book.qty, 0) - coalesce(mv.after_qty, 0) as stock_qty,
        coalesce(mv.issue_qty, 0.000) as issue_qty,
        round(coalesce(book.qty, 0) - coalesce(mv.after_qty, 0) - coalesce(mv.weighted_seconds, 0) / ${days * 86400}::numeric, 3) as average_qty,
        mv.last_issue_at,
        coalesce(mv.last_issue_at, mv.first_at) as idle_since
      from book full join structure_movement mv on mv.sku = book.sku
      join item i on i.sku = coalesce(book.sku, mv.sku)
    ), valued as (
      select per.*,
        round(issue_qty * unit_cost, 2) as issue_value,
        round(stock_qty * unit_cost, 2) as stock_value,
        round(average_qty * unit_cost, 2) as average_value,
        floor(extract(epoch from (${at}::timestamptz - idle_since)) / 86400)::integer as days_idle
      from per
    ), ranked as (
      select valued.*,
        coalesce(sum(issue_value) over (order by issue_value desc, sku collate "C" rows between unbounded preceding and 1 preceding), 0) as before_value,
        sum(issue_value) over () as total_value
      from valued
    )
    select sku, name, unit, category, unit_cost, issue_qty, issue_value,
      case when total_value > 0 and issue_value > 0 then round((before_value + issue_value) * 100 / total_value, 2) end as cumulative_pct,
      case
        when issue_value <= 0 then 'C'
        when before_value * 100 < ${settings.abcAPercent}::numeric * total_value then 'A'
        when before_value * 100 < (${settings.abcAPercent}::numeric + ${settings.abcBPercent}::numeric) * total_value then 'B'
        else 'C'
      end as abc,
      stock_qty, stock_value, average_qty, average_value,
      case when average_value > 0 then round(issue_value / average_value, 2) end as turnover,
      case when issue_qty > 0 then round(stock_qty * ${days}::numeric / issue_qty, 1) end as days_of_stock,
      last_issue_at, days_idle,
      case
        when stock_qty <= 0 then 'empty'
        when idle_since is null or days_idle >= ${settings.deadDays}::integer then 'dead'
        when days_idle >= ${settings.slowDays}::integer then 'slow'
        else 'moving'
      end as status
    from ranked`);
}

interface ItemRow {
  sku: string;
  name: string;
  unit: string;
  category: string | null;
  unit_cost: string;
  abc: AbcClass;
  issue_qty: string;
  issue_value: string;
  cumulative_pct: string | null;
  stock_qty: string;
  stock_value: string;
  average_qty: string;
  average_value: string;
  turnover: string | null;
  days_of_stock: string | null;
  last_issue_at: string | null;
  days_idle: number | null;
  status: MovementStatus;
}

const ITEM_COLUMNS = sql.raw(`sku, name, unit, category, unit_cost::text as unit_cost, abc,
  issue_qty::text as issue_qty, issue_value::text as issue_value, cumulative_pct::text as cumulative_pct,
  stock_qty::text as stock_qty, stock_value::text as stock_value, average_qty::text as average_qty,
  average_value::text as average_value, turnover::text as turnover, days_of_stock::text as days_of_stock,
  to_char(last_issue_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_issue_at, days_idle, status`);

function toItem(r: ItemRow): ItemStructure {
  return {
    sku: r.sku,
    name: r.name,
    unit: r.unit,
    category: r.category,
    unitCost: r.unit_cost,
    abcClass: r.abc,
    issueQty: r.issue_qty,
    issueValue: r.issue_value,
    cumulativePercent: r.cumulative_pct,
    stockQty: r.stock_qty,
    stockValue: r.stock_value,
    averageQty: r.average_qty,
    averageValue: r.average_value,
    turnover: r.turnover,
    daysOfStock: r.days_of_stock,
    lastIssueAt: r.last_issue_at,
    daysIdle: r.days_idle === null ? null : Number(r.days_idle),
    status: r.status,
  };
}

/** `order` names columns as `i.…`: a bare name would sort the text output column of the same name. */
async function itemsWhere(tx: DbOrTx, where: SQL, order: SQL, limit: number | null, offset = 0): Promise<ItemStructure[]> {
  const rows = await queryRows<ItemRow>(
    tx,
    // The page is picked first and only its rows are turned into text (the casts over every row cost more
    // than the top-N sort itself).
    sql`select ${ITEM_COLUMNS} from (
          select * from structure_item i where ${where} order by ${order} ${limit === null ? sql`` : sql`limit ${limit}`} offset ${offset}
        ) i order by ${order}`,
  );
  return rows.map(toItem);
}

async function contextOf(db: DbOrTx, request: StructureRequest): Promise<Context> {
  const wh = await getWarehouse(db, request.warehouse);
  const policy = await policyOf(db, wh.id);
  const asOf = request.asOf ?? new Date();
  const days = parsePeriodDays(request.periodDays);
  return {
    wh,
    currency: policy.currency,
    settings: {
      abcAPercent: trimPercent(policy.abcAPercent),
      abcBPercent: trimPercent(policy.abcBPercent),
      slowDays: policy.slowDays,
      deadDays: policy.deadDays,
    },
    asOf,
    from: periodStart(asOf, days),
    days,
  };
}

/** "80.00" → "80", "12.50" → "12.5": cut-offs as people write them. */
function trimPercent(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

const share = (part: string, whole: string): SQL => sql.raw(`case when ${whole} > 0 then round(${part} * 100 / ${whole}, 2)::text end`);

/**
 * The warehouse's stock structure as of a moment: totals, ABC classes, categories, slow and dead stock, and
 * the top items of each list (`top`, default 10).
 */
export async function stockStructure(db: Db, request: StructureRequest & { top?: number }): Promise<StockStructure> {
  const top = request.top ?? 10;
  return db.transaction(async (tx) => {
    const c = await contextOf(tx, request);
    await fillItems(tx, c);
    const [totals] = await queryRows<{
      items: number;
      issue_value: string;
      stock_value: string;
      average_value: string;
      turnover: string | null;
      days_of_stock: string | null;
    }>(
      tx,
      sql`select count(*)::int as items, coalesce(sum(issue_value), 0.00)::text as issue_value,
            coalesce(sum(stock_value), 0.00)::text as stock_value, coalesce(sum(average_value), 0.00)::text as average_value,
            case when sum(average_value) > 0 then round(sum(issue_value) / sum(average_value), 2)::text end as turnover,
            case when sum(issue_value) > 0 then round(sum(stock_value) * ${c.days}::numeric / sum(issue_value), 1)::text end as days_of_stock
          from structure_item`,
    );
    const classRows = await queryRows<{
      abc: AbcClass;
      items: number;
      issue_value: string;
      issue_pct: string | null;
      stock_value: string;
      stock_pct: string | null;
    }>(
      tx,
      sql`with t as (select sum(issue_value) as issue_total, sum(stock_value) as stock_total from structure_item)
          select s.abc, count(*)::int as items, sum(s.issue_value)::text as issue_value, ${share('sum(s.issue_value)', 'max(t.issue_total)')} as issue_pct,
                 sum(s.stock_value)::text as stock_value, ${share('sum(s.stock_value)', 'max(t.stock_total)')} as stock_pct
          from structure_item s cross join t group by s.abc`,
    );
    const classes: ClassStructure[] = ABC_CLASSES.map((abcClass) => {
      const r = classRows.find((x) => x.abc === abcClass);
      return {
        abcClass,
        items: r ? Number(r.items) : 0,
        issueValue: r?.issue_value ?? '0.00',
        issuePercent: r ? r.issue_pct : null,
        stockValue: r?.stock_value ?? '0.00',
        stockPercent: r ? r.stock_pct : null,
      };
    });
    const idleRows = await queryRows<{ status: MovementStatus; items: number; stock_value: string; stock_pct: string | null }>(
      tx,
      sql`with t as (select sum(stock_value) as stock_total from structure_item)
          select s.status, count(*)::int as items, sum(s.stock_value)::text as stock_value, ${share('sum(s.stock_value)', 'max(t.stock_total)')} as stock_pct
          from structure_item s cross join t where s.status in ('slow', 'dead') group by s.status`,
    );
    const idle = (status: MovementStatus): IdleGroup => {
      const r = idleRows.find((x) => x.status === status);
      return r
        ? { items: Number(r.items), stockValue: r.stock_value, stockPercent: r.stock_pct }
        : { items: 0, stockValue: '0.00', stockPercent: null };
    };
    const categoryRows = await queryRows<{
      category: string | null;
      items: number;
      issue_value: string;
      stock_value: string;
      average_value: string;
      turnover: string | null;
      days_of_stock: string | null;
    }>(
      tx,
      sql`select category, count(*)::int as items, sum(issue_value)::text as issue_value, sum(stock_value)::text as stock_value,
            sum(average_value)::text as average_value,
            case when sum(average_value) > 0 then round(sum(issue_value) / sum(average_value), 2)::text end as turnover,
            case when sum(issue_value) > 0 then round(sum(stock_value) * ${c.days}::numeric / sum(issue_value), 1)::text end as days_of_stock
          from structure_item group by category order by sum(issue_value) desc, category nulls last`,
    );
    const categories: CategoryStructure[] = categoryRows.map((r) => ({
      category: r.category,
      items: Number(r.items),
      issueValue: r.issue_value,
      stockValue: r.stock_value,
      averageValue: r.average_value,
      turnover: r.turnover,
      daysOfStock: r.days_of_stock,
    }));
    const byValue = sql`i.stock_value desc, i.sku collate "C"`;
    return {
      warehouse: { code: c.wh.code, name: c.wh.name, timezone: c.wh.timezone, currency: c.currency },
      asOf: c.asOf.toISOString(),
      from: c.from.toISOString(),
      periodDays: c.days,
      settings: c.settings,
      totals: {
        items: Number(totals!.items),
        issueValue: totals!.issue_value,
        stockValue: totals!.stock_value,
        averageValue: totals!.average_value,
        turnover: totals!.turnover,
        daysOfStock: totals!.days_of_stock,
      },
      classes,
      categories,
      slow: idle('slow'),
      dead: idle('dead'),
      topConsumers: await itemsWhere(tx, sql`issue_value > 0`, sql`i.issue_value desc, i.sku collate "C"`, top),
      topSlow: await itemsWhere(tx, sql`status = 'slow'`, byValue, top),
      topDead: await itemsWhere(tx, sql`status = 'dead'`, byValue, top),
    };
  });
}

export interface StructureItemsRequest extends StructureRequest {
  abcClass?: AbcClass;
  status?: MovementStatus;
  /** Default: all. */
  limit?: number;
  offset?: number;
}

/** The per-item table, ranked by consumption value (the ABC order), optionally of one class or status. */
export async function structureItems(db: Db, request: StructureItemsRequest): Promise<{ total: number; items: ItemStructure[] }> {
  return db.transaction(async (tx) => {
    const c = await contextOf(tx, request);
    await fillItems(tx, c);
    const where = sql.join(
      [
        sql`true`,
        ...(request.abcClass ? [sql`abc = ${request.abcClass}`] : []),
        ...(request.status ? [sql`status = ${request.status}`] : []),
      ],
      sql` and `,
    );
    const [count] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from structure_item where ${where}`);
    const items = await itemsWhere(
      tx,
      where,
      sql`i.issue_value desc, i.stock_value desc, i.sku collate "C"`,
      request.limit ?? null,
      request.offset ?? 0,
    );
    return { total: Number(count!.n), items };
  });
}
