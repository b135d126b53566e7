/**
 * The variance list of a stocktake as readers see it (the REST API and the dashboard table): filtered,
 * sorted and paged in SQL, because a stocktake may have 200,000 lines. Quantities and money stay exact
 * numerics in the database and leave it as decimal strings.
 */
import { sql, type SQL } from 'drizzle-orm';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, problemOf } from '../domain/errors.ts';
import { reviewTexts } from '../domain/texts/review.ts';
import type { CountStatus } from '../domain/stocktake.ts';
import type { Suggestion } from '../domain/suggestions.ts';
import { findPerson } from './people.ts';
import type { ReviewStatus } from './review.ts';
import { getStocktake, type StocktakeRef } from './stocktakes.ts';
import { varianceRows, type Direction, type VarianceLine } from './variances.ts';

export interface VarianceQuery {
  /** One review status, or any of several. */
  status?: ReviewStatus | readonly ReviewStatus[];
  /** gain, loss or match; lines without a variance yet (uncounted while counting, conflicts) have none. */
  direction?: Direction;
  /** A cause code, or null for lines no cause is tagged on yet. */
  cause?: string | null;
  /** The exact location; '' is the lines without one. */
  location?: string;
  /** The line's owner: handle, platform:id or person id. Nobody known by it is bad input. */
  owner?: string;
  /** Leave out the lines that match the book (lines without a variance yet stay: they are not known to match). */
  onlyDiff?: boolean;
  /** sku: by SKU and location; value: largest absolute value first, lines without a value last. */
  sort: 'value' | 'sku';
  limit: number;
  offset: number;
}

/** One line of the list: the figures, the variance and the review state, with names for people and items. */
export interface VarianceListLine extends VarianceLine {
  itemName: string | null;
  unit: string | null;
  reviewStatus: ReviewStatus;
  /** The owner's handle. */
  owner: string | null;
  /** When the review is due; null for a line with nothing to review. */
  dueAt: string | null;
  /** Due and still waiting for its owner (open or back for a recount). */
  overdue: boolean;
  causeCode: string | null;
  note: string | null;
  suggestion: Suggestion | null;
  autoConfirmed: boolean;
  /** The handle of who was asked to recount. */
  recountBy: string | null;
  returnedReason: string | null;
}

interface Row {
  sku: string;
  location: string;
  lot: string;
  expiry: string | null;
  item_name: string | null;
  unit: string | null;
  book_qty: string;
  movement_qty: string;
  expected_qty: string;
  counted_qty: string | null;
  diff_qty: string | null;
  diff_value: string | null;
  unit_cost: string;
  direction: Direction | null;
  count_status: CountStatus;
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
}

const toLine = (r: Row): VarianceListLine => ({
  sku: r.sku,
  location: r.location,
  lot: r.lot,
  expiry: r.expiry,
  itemName: r.item_name,
  unit: r.unit,
  bookQty: r.book_qty,
  movementQty: r.movement_qty,
  expectedQty: r.expected_qty,
  countedQty: r.counted_qty,
  diffQty: r.diff_qty,
  diffValue: r.diff_value,
  unitCost: r.unit_cost,
  direction: r.direction,
  countStatus: r.count_status,
  reviewStatus: r.review_status,
  owner: r.owner,
  dueAt: r.due_at,
  overdue: Boolean(r.overdue),
  causeCode: r.cause_code,
  note: r.note,
  suggestion: r.suggestion,
  autoConfirmed: Boolean(r.auto_confirmed),
  recountBy: r.recounter,
  returnedReason: r.returned_reason,
});

/**
 * A page of a stocktake's variance lines matching every filter given, and how many match in all.
 *
 * @example queryVariances(db, 'ST-2026-0001', { status: ['open', 'recount'], onlyDiff: true, sort: 'value', limit: 100, offset: 0 })
 */
export async function queryVariances(
  db: DbOrTx,
  stocktake: string | StocktakeRef,
  q: VarianceQuery,
): Promise<{ total: number; lines: VarianceListLine[] }> {
  for (const [name, value, min] of [
    ['limit', q.limit, 1],
    ['offset', q.offset, 0],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min)
      throw new InvalidInputError(reviewTexts.badNumber(name, min), [problemOf(null, name, reviewTexts.numberProblem(min))]);
  }
  // Two or three statements make a page: one snapshot, so a line confirmed meanwhile cannot be counted
  // under one status and shown under another.
  return readSnapshot(db, async (tx) => pageOf(tx, typeof stocktake === 'string' ? await getStocktake(tx, stocktake) : stocktake, q));
}

async function pageOf(db: DbOrTx, st: StocktakeRef, q: VarianceQuery): Promise<{ total: number; lines: VarianceListLine[] }> {
  const ownerId = q.owner === undefined ? undefined : await ownerIdOf(db, q.owner);

  // Conditions on the stored line go inside varianceRows, before the movements are summed for it.
  const line: SQL[] = [];
  const statuses = q.status === undefined ? [] : typeof q.status === 'string' ? [q.status] : [...q.status];
  if (q.status !== undefined) {
    line.push(
      statuses.length
        ? sql`and l.review_status in (${sql.join(
            statuses.map((s) => sql`${s}::review_status`),
            sql`, `,
          )})`
        : sql`and false`,
    );
  }
  if (q.cause === null) line.push(sql`and l.cause_code is null`);
  else if (q.cause !== undefined) line.push(sql`and l.cause_code = ${q.cause}`);
  if (q.location !== undefined) line.push(sql`and l.location = ${q.location}`);
  if (ownerId !== undefined) line.push(sql`and l.owner_id = ${ownerId}::uuid`);
  // Conditions on the variance itself.
  const variance: SQL[] = [];
  if (q.direction) variance.push({ gain: sql`v.diff_qty > 0`, loss: sql`v.diff_qty < 0`, match: sql`v.diff_qty = 0` }[q.direction]);
  if (q.onlyDiff) variance.push(sql`v.diff_qty is distinct from 0`);
  const where = variance.length ? sql`where ${sql.join(variance, sql` and `)}` : sql``;
  // diff_value is numeric: abs() orders exactly; the key ends in the primary key, so pages never overlap.
  const order = q.sort === 'sku' ? sql`v.sku, v.location, v.lot` : sql`abs(v.diff_value) desc nulls last, v.sku, v.location, v.lot`;

  const matching = sql`select v.sku, v.location, v.lot, v.diff_value from (${varianceRows(st, sql.join(line, sql` `))}) v ${where}`;
  const cut = (extra: SQL) =>
    sql`select v.sku, v.location, v.lot ${extra} from (${matching}) v order by ${order} limit ${q.limit} offset ${q.offset}`;

  // Step 1, the page's keys and the total. A filter on the variance needs every line's movements summed
  // anyway, so one pass counts and pages (a window count). Without one, the count reads stocktake_line
  // alone and the page can stop after its last line (by SKU it walks the primary key).
  let page: { sku: string; location: string; lot: string }[];
  let total: number;
  if (variance.length > 0) {
    const rows = await queryRows<{ sku: string; location: string; lot: string; total: number | string }>(
      db,
      cut(sql`, count(*) over () as total`),
    );
    page = rows;
    total =
      rows.length > 0
        ? Number(rows[0]!.total)
        : q.offset === 0
          ? 0
          : await countOf(db, sql`select count(*)::int as n from (${matching}) v`);
  } else {
    page = await queryRows<{ sku: string; location: string; lot: string }>(db, cut(sql``));
    total =
      page.length > 0 && page.length < q.limit
        ? q.offset + page.length
        : await countOf(db, sql`select count(*)::int as n from stocktake_line l where l.stocktake_id = ${st.id} ${sql.join(line, sql` `)}`);
  }
  if (page.length === 0) return { total, lines: [] };

  // Step 2, the page's lines in full, with the names of their items and people.
  const only = unnestColumns([
    { values: page.map((k) => k.sku), type: 'text' },
    { values: page.map((k) => k.location), type: 'text' },
    { values: page.map((k) => k.lot), type: 'text' },
  ]);
  const rows = await queryRows<Row>(
    db,
    sql`select v.sku, v.location, v.lot, v.expiry, i.name as item_name, i.unit,
          trim_scale(v.book_qty)::text as book_qty, trim_scale(v.movement_qty)::text as movement_qty, trim_scale(v.expected_qty)::text as expected_qty,
          trim_scale(v.counted_qty)::text as counted_qty, trim_scale(v.diff_qty)::text as diff_qty, v.diff_value::text as diff_value,
          trim_scale(v.unit_cost)::text as unit_cost,
          case when v.diff_qty > 0 then 'gain' when v.diff_qty < 0 then 'loss' when v.diff_qty = 0 then 'match' end as direction,
          v.count_status, l.review_status, o.handle as owner,
          case when l.review_status <> 'none' then ${isoText(sql`l.due_at`)} end as due_at,
          coalesce(l.due_at < now() and l.review_status in ('open', 'recount'), false) as overdue,
          l.cause_code, l.note, l.suggestion, l.auto_confirmed, r.handle as recounter, l.returned_reason
        from (${varianceRows(st, sql`and (l.sku, l.location, l.lot) in (select k.sku, k.location, k.lot from ${only} as k(sku, location, lot))`)}) v
        join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
        left join item i on i.sku = v.sku
        left join person o on o.id = l.owner_id
        left join person r on r.id = l.recount_by
        order by ${order}`,
  );
  return { total, lines: rows.map(toLine) };
}

/** Runs the reads in one read-only repeatable-read transaction; inside a caller's transaction, there. */
function readSnapshot<T>(db: DbOrTx, body: (tx: DbOrTx) => Promise<T>): Promise<T> {
  if (db instanceof PgTransaction) return body(db);
  return (db as Db).transaction(
    async (tx) => {
      // Summing movements line by line makes a 200,000-line pass look costly enough to the planner that
      // Postgres JIT-compiles it, which costs more than it saves (100–250 ms of a ~500 ms page, measured with
      // bench/varianceQuery.ts). PGlite has no JIT but knows the setting. Local to this transaction.
      await tx.execute(sql`set local jit = off`);
      return body(tx);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

async function countOf(db: DbOrTx, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db, query);
  return Number(row!.n);
}

async function ownerIdOf(db: DbOrTx, ref: string): Promise<string> {
  const person = await findPerson(db, ref);
  if (!person) throw new InvalidInputError(reviewTexts.unknownOwner(ref), [problemOf(null, 'owner', reviewTexts.unknownOwnerProblem(ref))]);
  return person.id;
}
