/**
 * The history every pattern reads, as SQL fragments: one home for "the last N posted stocktakes of a
 * warehouse and the variances posted in them" (the recurring suggestion rule, the recurring-variance,
 * rising-cause and loss-cluster detectors) and for "who counted each line first" (the counters' recount
 * detector and the accuracy figures).
 */
import { sql, type SQL } from 'drizzle-orm';

/**
 * `recent(id, code, closed_at, rn)`: the warehouse's last `n` posted stocktakes, rn 1 the newest (by the
 * close of counting, then code), leaving out `exclude` (the stocktake being reviewed).
 */
export function recentPosted(warehouseId: string, n: number, exclude: string | null = null): SQL {
  return sql`select id, code, counting_closed_at as closed_at,
               row_number() over (order by counting_closed_at desc nulls last, code desc)::int as rn
             from stocktake
             where warehouse_id = ${warehouseId}::uuid and status = 'posted' ${exclude ? sql`and id <> ${exclude}::uuid` : sql``}
             order by counting_closed_at desc nulls last, code desc limit ${n}`;
}

/**
 * `posted_line(stocktake_id, code, closed_at, rn, sku, location, lot, qty, value, cause_code)`: the non-zero
 * lines of posted documents of the stocktakes in `recent` (a CTE named so). Value is signed: a loss is negative.
 */
export const POSTED_LINES = sql`
  select r.id as stocktake_id, r.code, r.closed_at, r.rn, dl.sku, dl.location, dl.lot, dl.qty, dl.value, dl.cause_code
  from recent r
  join adjustment_document d on d.stocktake_id = r.id and d.status = 'posted'
  join document_line dl on dl.document_id = d.id
  where dl.qty <> 0`;

/**
 * `closed(id, code, closed_at, rn)`: the warehouse's last `n` stocktakes whose counting is closed (not
 * cancelled), rn 1 the newest.
 */
export function recentClosed(warehouseId: string, n: number): SQL {
  return sql`select id, code, counting_closed_at as closed_at,
               row_number() over (order by counting_closed_at desc, code desc)::int as rn
             from stocktake
             where warehouse_id = ${warehouseId}::uuid and counting_closed_at is not null and status <> 'cancelled'
             order by counting_closed_at desc, code desc limit ${n}`;
}

/**
 * CTEs after `closed`: `entry` (every count entry of a live sheet in those stocktakes, with its counter),
 * `line_rounds` (per line the first and last round counted) and `first_count` (the entries of a line's
 * first round: who counted it first, what they found, whether that equals the final figure and whether a
 * later round recounted it). A line counted by two sheets in its first round has two first counts.
 * The counter is the person the sheet names, else the name written on it.
 */
export const FIRST_COUNT_CTES = sql`
  entry as (
    select e.stocktake_id, c.code, c.rn, e.sku, e.location, e.lot, e.round, e.qty, e.counted_at, i.id as import_id,
           coalesce(p.handle, i.counter) as counter, p.id as person_id, coalesce(p.name, i.counter) as counter_name
    from closed c
    join count_entry e on e.stocktake_id = c.id
    join count_import i on i.id = e.import_id and i.voided_at is null
    left join person p on p.id = i.counter_person_id),
  line_rounds as (
    select stocktake_id, sku, location, lot, min(round) as first_round, max(round) as last_round
    from entry group by stocktake_id, sku, location, lot),
  first_count as (
    select e.*, lr.last_round > lr.first_round as recounted,
           coalesce(e.qty = sl.counted_qty, false) as matched_final, sl.counted_qty as final_qty
    from entry e
    join line_rounds lr on lr.stocktake_id = e.stocktake_id and lr.sku = e.sku and lr.location = e.location and lr.lot = e.lot
      and e.round = lr.first_round
    join stocktake_line sl on sl.stocktake_id = e.stocktake_id and sl.sku = e.sku and sl.location = e.location and sl.lot = e.lot)`;
