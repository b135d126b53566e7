/**
 * Read models for cards: a few variances with everything a reviewer needs to decide, without reading the
 * whole stocktake (which may have 200,000 lines).
 */
import { sql, type SQL } from 'drizzle-orm';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { Suggestion } from '../domain/suggestions.ts';
import type { ReviewStatus } from './review.ts';
import { getStocktake, type StocktakeRef } from './stocktakes.ts';
import { varianceRows } from './variances.ts';
import { policyOf } from './policy.ts';

export interface ReviewDetail {
  sku: string;
  location: string;
  /** '' for an item that is not lot-tracked. */
  lot: string;
  expiry: string | null;
  itemName: string | null;
  unit: string | null;
  bookQty: string;
  movementQty: string;
  expectedQty: string;
  countedQty: string | null;
  diffQty: string | null;
  diffValue: string | null;
  direction: 'gain' | 'loss' | 'match' | null;
  reviewStatus: ReviewStatus;
  owner: string | null;
  dueAt: string | null;
  overdue: boolean;
  causeCode: string | null;
  note: string | null;
  suggestion: Suggestion | null;
  autoConfirmed: boolean;
  recountBy: string | null;
  returnedReason: string | null;
  /** Photos attached to the line as evidence. */
  photos: number;
}

interface Row {
  sku: string;
  location: string;
  lot: string;
  expiry: string | null;
  name: string | null;
  unit: string | null;
  book_qty: string;
  movement_qty: string;
  expected_qty: string;
  counted_qty: string | null;
  diff_qty: string | null;
  diff_value: string | null;
  review_status: ReviewStatus;
  owner: string | null;
  due_at: string | null;
  overdue: boolean;
  cause_code: string | null;
  note: string | null;
  suggestion: Suggestion | null;
  auto_confirmed: boolean;
  recounter: string | null;
  returned_reason: string | null;
  photos: number;
}

function detailQuery(st: StocktakeRef, filter: SQL, tail: SQL): SQL {
  return sql`select v.sku, v.location, v.lot, v.expiry, i.name, i.unit, trim_scale(v.book_qty)::text as book_qty, trim_scale(v.movement_qty)::text as movement_qty,
      trim_scale(v.expected_qty)::text as expected_qty, trim_scale(v.counted_qty)::text as counted_qty, trim_scale(v.diff_qty)::text as diff_qty,
      v.diff_value::text as diff_value, l.review_status, o.handle as owner, ${isoText(sql`l.due_at`)} as due_at,
      (l.due_at < now() and l.review_status in ('open', 'recount')) as overdue, l.cause_code, l.note, l.suggestion, l.auto_confirmed,
      r.handle as recounter, l.returned_reason,
      (select count(*)::int from evidence_photo e where e.stocktake_id = l.stocktake_id and e.sku = l.sku and e.location = l.location and e.lot = l.lot) as photos
    from (${varianceRows(st, filter)}) v
    join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
    left join item i on i.sku = v.sku
    left join person o on o.id = l.owner_id
    left join person r on r.id = l.recount_by
    ${tail}`;
}

const toDetail = (r: Row): ReviewDetail => ({
  sku: r.sku,
  location: r.location,
  lot: r.lot,
  expiry: r.expiry,
  itemName: r.name,
  unit: r.unit,
  bookQty: r.book_qty,
  movementQty: r.movement_qty,
  expectedQty: r.expected_qty,
  countedQty: r.counted_qty,
  diffQty: r.diff_qty,
  diffValue: r.diff_value,
  direction: r.diff_qty === null ? null : r.diff_qty.startsWith('-') ? 'loss' : /[1-9]/.test(r.diff_qty) ? 'gain' : 'match',
  reviewStatus: r.review_status,
  owner: r.owner,
  dueAt: r.due_at,
  overdue: Boolean(r.overdue),
  causeCode: r.cause_code,
  note: r.note,
  suggestion: r.suggestion,
  autoConfirmed: r.auto_confirmed,
  recountBy: r.recounter,
  returnedReason: r.returned_reason,
  photos: Number(r.photos ?? 0),
});

/** The named lines of a stocktake, in the order asked; lines that do not exist are left out. */
export async function reviewDetails(
  db: DbOrTx,
  stocktakeId: string,
  lines: readonly { sku: string; location: string; lot?: string }[],
): Promise<ReviewDetail[]> {
  if (lines.length === 0) return [];
  const st = await getStocktake(db, stocktakeId);
  const keys = unnestColumns([
    { values: lines.map((l) => l.sku), type: 'text' },
    { values: lines.map((l) => l.location), type: 'text' },
    { values: lines.map((l) => l.lot ?? ''), type: 'text' },
  ]);
  const rows = await queryRows<Row>(
    db,
    detailQuery(st, sql`and (l.sku, l.location, l.lot) in (select k.sku, k.location, k.lot from ${keys} as k(sku, location, lot))`, sql``),
  );
  const key = (l: { sku: string; location: string; lot?: string }) => `${l.sku}\u0000${l.location}\u0000${l.lot ?? ''}`;
  const bykey = new Map(rows.map((r) => [key(r), toDetail(r)]));
  return lines.map((l) => bykey.get(key(l))).filter((d): d is ReviewDetail => d !== undefined);
}

/**
 * A page of the lines waiting for review (open, or back for a recount), largest value first, so that the
 * first page is where the money is. Returns the page, the number of pages and the count waiting.
 */
export async function reviewPage(
  db: DbOrTx,
  stocktakeId: string,
  page: number,
  pageSize = 10,
): Promise<{ lines: ReviewDetail[]; pages: number; waiting: number }> {
  const st = await getStocktake(db, stocktakeId);
  const [count] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from stocktake_line where stocktake_id = ${st.id} and review_status in ('open', 'recount')`,
  );
  const waiting = Number(count!.n);
  const pages = Math.max(1, Math.ceil(waiting / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const rows = await queryRows<Row>(
    db,
    detailQuery(
      st,
      sql`and l.review_status in ('open', 'recount')`,
      sql`order by abs(v.diff_value) desc nulls last, v.sku, v.location limit ${pageSize} offset ${(current - 1) * pageSize}`,
    ),
  );
  return { lines: rows.map(toDetail), pages, waiting };
}

/** Review counts of a stocktake for the status card. */
export async function reviewCounts(
  db: DbOrTx,
  stocktakeId: string,
): Promise<{ open: number; recount: number; confirmed: number; documented: number; posted: number; overdue: number }> {
  const [r] = await queryRows<Record<string, number>>(
    db,
    sql`select count(*) filter (where review_status = 'open')::int as open, count(*) filter (where review_status = 'recount')::int as recount,
          count(*) filter (where review_status = 'confirmed')::int as confirmed, count(*) filter (where review_status = 'documented')::int as documented,
          count(*) filter (where review_status = 'posted')::int as posted,
          count(*) filter (where review_status in ('open', 'recount') and due_at < now())::int as overdue
        from stocktake_line where stocktake_id = ${stocktakeId}::uuid`,
  );
  return {
    open: Number(r!.open),
    recount: Number(r!.recount),
    confirmed: Number(r!.confirmed),
    documented: Number(r!.documented),
    posted: Number(r!.posted),
    overdue: Number(r!.overdue),
  };
}

/** The currency the warehouse of a stocktake reports in. */
export async function currencyOf(db: DbOrTx, warehouseId: string): Promise<string> {
  return (await policyOf(db, warehouseId)).currency;
}
