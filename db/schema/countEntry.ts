import { date, index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only evidence of counting: one row per (import, sku, location, lot), the sum of that sheet's lines.
 * `first_line` is the spreadsheet line where the sheet first lists it, for tracing back to the paper.
 */
export const countEntry = pgTable(
  'count_entry',
  {
    /**
     * The count_import row. No foreign key: the import writes that row and its entries in one transaction
     * and nothing deletes either, so the key would only be checked, row by row: about 0.9 s of a 1.7 s
     * insert of a 200,000-line sheet on Postgres (explain analyze).
     */
    importId: uuid('import_id').notNull(),
    stocktakeId: uuid('stocktake_id').notNull(),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    /** The expiry date as counted (written on the sheet), if any. */
    expiry: date('expiry', { mode: 'string' }),
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    round: integer('round').notNull(),
    countedAt: timestamp('counted_at', { withTimezone: true }).notNull(),
    firstLine: integer('first_line').notNull(),
    lineCount: integer('line_count').notNull(),
    /** How it was counted when not simply in the base unit: "3 箱 + 2 个" (pack units), as evidence. */
    countedAs: text('counted_as'),
  },
  // No primary key: rows are unique per (import, sku, location, lot) by construction (a sheet's lines are summed
  // before they are written). An import's rows are written by one statement, so they lie together on
  // disk: a BRIN index (a summary per 16 pages; minmax-multi, so ranges holding several small imports
  // still tell them apart) finds them for an undo at almost no cost to the import. The btree it replaced
  // (migration 0028) cost about 0.11–0.15 s of the entries' 0.33 s for a 200,000-line sheet.
  (t) => [
    index('count_entry_import_idx')
      .using('brin', t.importId.op('uuid_minmax_multi_ops'))
      .with({ pages_per_range: 16, autosummarize: true }),
  ],
);
