import { boolean, integer, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { stocktake } from './stocktake.ts';

export const countStatus = pgEnum('count_status', ['uncounted', 'counted', 'verified', 'conflict']);

/**
 * One (sku, location) of a stocktake: the frozen book line (or a counted line the book did not have) and
 * the current counting result derived from its count entries. Variances are computed from these rows and
 * the movements after the stocktake's watermark.
 */
export const stocktakeLine = pgTable(
  'stocktake_line',
  {
    stocktakeId: uuid('stocktake_id').notNull().references(() => stocktake.id),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    bookQty: numeric('book_qty', { precision: 18, scale: 3 }).notNull(),
    unitCost: numeric('unit_cost', { precision: 18, scale: 4 }).notNull(),
    inBook: boolean('in_book').notNull(),
    countStatus: countStatus('count_status').notNull().default('uncounted'),
    /** Null while uncounted or in conflict; zero for uncounted lines once counting is closed. */
    countedQty: numeric('counted_qty', { precision: 18, scale: 3 }),
    countedAt: timestamp('counted_at', { withTimezone: true }),
    countRound: integer('count_round'),
  },
  (t) => [primaryKey({ columns: [t.stocktakeId, t.sku, t.location] })],
);
