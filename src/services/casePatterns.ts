/** The patterns of the similar-case suggestion: variances explained by cases, read for the lines under review. */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { CasePattern } from '../domain/cases.ts';
import { textArray } from './outbox.ts';

/**
 * The variances explained by cases of a warehouse that share a SKU or a location with the given lines: the
 * patterns the similar-case suggestion scores (src/domain/cases.ts). A line's own case is left out by the
 * caller (it is the same variance, not a similar one).
 */
export async function casePatterns(
  db: DbOrTx,
  warehouseId: string,
  skus: readonly string[],
  locations: readonly string[],
): Promise<(CasePattern & { stocktakeId: string; lot: string })[]> {
  if (skus.length === 0) return [];
  const rows = await queryRows<{
    code: string;
    title: string;
    cause_code: string;
    label_en: string;
    label_zh: string;
    direction: 'gain' | 'loss';
    sku: string;
    location: string;
    lot: string;
    stocktake_id: string;
    diff_qty: string;
    created_at: string;
  }>(
    db,
    sql`select c.code, c.title, c.cause_code, k.label_en, k.label_zh, c.direction, cv.sku, cv.location, cv.lot, cv.stocktake_id::text,
               trim_scale(cv.diff_qty)::text as diff_qty, ${isoText(sql`c.created_at`)} as created_at
        from case_variance cv join incident_case c on c.id = cv.case_id join cause k on k.code = c.cause_code
        where c.warehouse_id = ${warehouseId}::uuid
          and (cv.sku = any(${textArray(skus)}::text[]) or (cv.location <> '' and cv.location = any(${textArray(locations)}::text[])))`,
  );
  return rows.map((r) => ({
    code: r.code,
    title: r.title,
    causeCode: r.cause_code,
    causeLabel: { en: r.label_en, zh: r.label_zh },
    direction: r.direction,
    sku: r.sku,
    location: r.location,
    lot: r.lot,
    stocktakeId: r.stocktake_id,
    diffQty: r.diff_qty,
    createdAt: r.created_at,
  }));
}
