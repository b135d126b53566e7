import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { stocktake } from './stocktake.ts';

export const countStatus = pgEnum('count_status', ['uncounted', 'counted', 'verified', 'conflict']);
/**
 * none: no variance to review (a match, or counting still open); open: waiting for its owner;
 * recount: sent back to counting; confirmed: the owner stands by the count; documented: on a document
 * being approved; posted: on the ledger.
 */
export const reviewStatus = pgEnum('review_status', ['none', 'open', 'recount', 'confirmed', 'documented', 'posted']);

/**
 * One (sku, location, lot) of a stocktake: the frozen book line (or a counted line the book did not have) and
 * the current counting result derived from its count entries. Variances are computed from these rows and
 * the movements after the stocktake's watermark.
 */
export const stocktakeLine = pgTable(
  'stocktake_line',
  {
    stocktakeId: uuid('stocktake_id')
      .notNull()
      .references(() => stocktake.id),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    /** The lot's expiry date (有效期), when known. */
    expiry: date('expiry', { mode: 'string' }),
    bookQty: numeric('book_qty', { precision: 18, scale: 3 }).notNull(),
    unitCost: numeric('unit_cost', { precision: 18, scale: 4 }).notNull(),
    inBook: boolean('in_book').notNull(),
    countStatus: countStatus('count_status').notNull().default('uncounted'),
    /** Null while uncounted or in conflict; zero for uncounted lines once counting is closed. */
    countedQty: numeric('counted_qty', { precision: 18, scale: 3 }),
    countedAt: timestamp('counted_at', { withTimezone: true }),
    countRound: integer('count_round'),
    // Review of the variance (from the close of counting on).
    reviewStatus: reviewStatus('review_status').notNull().default('none'),
    ownerId: uuid('owner_id'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    causeCode: text('cause_code'),
    note: text('note'),
    /** The top suggestion when review opened: {rule, cause, reason:{en,zh}}; never applied by itself. */
    suggestion: jsonb('suggestion'),
    /** Whether the cause tagged is the one suggested (a KPI). Null until a cause is tagged. */
    causeMatchedSuggestion: boolean('cause_matched_suggestion'),
    explainedBy: uuid('explained_by'),
    confirmedBy: uuid('confirmed_by'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    autoConfirmed: boolean('auto_confirmed').notNull().default(false),
    recountBy: uuid('recount_by'),
    /** Why the line came back: the reason of a rejected document. */
    returnedReason: text('returned_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.stocktakeId, t.sku, t.location, t.lot] }),
    // Whether a stocktake still has lines to review or approve (its status, settled after every posting):
    // without it each posting scanned the stocktake's lines past every one already done (12 ms at 30,000).
    index('stocktake_line_active_idx')
      .on(t.stocktakeId, t.reviewStatus)
      .where(sql`review_status in ('open', 'recount', 'confirmed', 'documented')`),
  ],
);
