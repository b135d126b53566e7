import { sql, type SQL } from 'drizzle-orm';
import type { StocktakeRef } from '../stocktakes.ts';
import { VARIANCE_COLUMNS, withinCutoff } from '../variances.ts';

/**
 * Every line of a stocktake with its live variance and review columns, for aggregating over all of them.
 * The cut-off is varianceRows' (`withinCutoff` in src/services/variances.ts), applied to another join:
 * varianceRows looks the movements up per line, which suits a page of lines; a digest reads every line,
 * so here the movements after the watermark — few, as they are only those since the snapshot — are summed
 * per line first and hash-joined to the lines: at 250,000 lines that is a few hundred milliseconds
 * instead of a quarter of a million index probes. The digest tests check both give the same figures.
 */
export function digestLineRows(st: StocktakeRef): SQL {
  return sql`
    select l.sku, l.location, l.lot, l.count_status, l.counted_at, l.in_book, l.review_status, l.owner_id, l.due_at, l.cause_code,
           l.suggestion->>'cause' as suggested, l.recount_by, l.confirmed_at,
           ${VARIANCE_COLUMNS}
    from stocktake_line l
    left join (
      select ml.sku, ml.location, ml.lot, sum(mv.qty) as qty
      from movement mv
      join stocktake_line ml on ml.stocktake_id = ${st.id}::uuid and ${withinCutoff(st, 'mv', 'ml')}
      group by ml.sku, ml.location, ml.lot
    ) m on m.sku = l.sku and m.location = l.location and m.lot = l.lot
    where l.stocktake_id = ${st.id}::uuid`;
}
