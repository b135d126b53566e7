import { index, integer, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { countImport } from './countImport.ts';

/**
 * Append-only evidence of counting: one row per (import, sku, location), the sum of that sheet's lines.
 * `first_line` is the spreadsheet line where the sheet first lists it, for tracing back to the paper.
 */
export const countEntry = pgTable(
  'count_entry',
  {
    importId: uuid('import_id').notNull().references(() => countImport.id),
    stocktakeId: uuid('stocktake_id').notNull(),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    round: integer('round').notNull(),
    countedAt: timestamp('counted_at', { withTimezone: true }).notNull(),
    firstLine: integer('first_line').notNull(),
    lineCount: integer('line_count').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.sku, t.location] }),
    index('count_entry_line_idx').on(t.stocktakeId, t.sku, t.location, t.round),
  ],
);
