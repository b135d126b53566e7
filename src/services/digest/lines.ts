import { sql, type SQL } from 'drizzle-orm';
import type { StocktakeRef } from '../stocktakes.ts';

/**
 * Every line of a stocktake with its live variance and review columns, for aggregating over all of them.
 * The cut-off rule is varianceRows' (src/services/variances.ts): movements recorded after the snapshot
 * (id above the watermark) that occurred up to the line's count time, or up to the close of counting
 * (now while counting is open). varianceRows applies it with a lookup per line, which suits a page of
 * lines; a digest reads every line, so here the movements after the watermark — few, as they are only
 * those since the snapshot — are summed per line first and hash-joined to the lines: at 250,000 lines
 * that is a few hundred milliseconds instead of a quarter of a million index probes. The digest tests
 * check both give the same figures.
 */
export function digestLineRows(st: StocktakeRef): SQL {
  const openCutoff = st.countingClosedAt ? sql`${st.countingClosedAt.toISOString()}::timestamptz` : sql`now()`;
  return sql`
    select l.sku, l.location, l.count_status, l.counted_at, l.in_book, l.review_status, l.owner_id, l.due_at, l.cause_code,
           l.suggestion->>'cause' as suggested, l.recount_by, l.confirmed_at,
           l.counted_qty - (l.book_qty + coalesce(m.qty, 0)) as diff_qty,
           round((l.counted_qty - (l.book_qty + coalesce(m.qty, 0))) * l.unit_cost, 2) as diff_value
    from stocktake_line l
    left join (
      select ml.sku, ml.location, sum(mv.qty) as qty
      from movement mv
      join stocktake_line ml on ml.stocktake_id = ${st.id}::uuid and ml.sku = mv.sku and ml.location = mv.location
      where mv.warehouse_id = ${st.warehouseId}::uuid and mv.id > ${st.movementWatermark.toString()}::bigint
        and mv.occurred_at <= coalesce(ml.counted_at, ${openCutoff})
      group by ml.sku, ml.location
    ) m on m.sku = l.sku and m.location = l.location
    where l.stocktake_id = ${st.id}::uuid`;
}
