import { sql } from 'drizzle-orm';
import { integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { stocktake } from './stocktake.ts';

/**
 * One imported count sheet. The content hash makes a re-import of the identical file refusable, unless the
 * earlier import was voided: a voided sheet's entries stop counting (nothing is deleted) and the same file
 * may come in again.
 */
export const countImport = pgTable(
  'count_import',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    stocktakeId: uuid('stocktake_id')
      .notNull()
      .references(() => stocktake.id),
    fileName: text('file_name').notNull(),
    contentHash: text('content_hash').notNull(),
    counter: text('counter').notNull(),
    /** The person the counter names, when it names one (segregation of duties needs it). */
    counterPersonId: uuid('counter_person_id'),
    round: integer('round').notNull(),
    rowsRead: integer('rows_read').notNull(),
    rowsAccepted: integer('rows_accepted').notNull(),
    rowsRejected: integer('rows_rejected').notNull(),
    linesCounted: integer('lines_counted').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidedBy: uuid('voided_by'),
    voidReason: text('void_reason'),
  },
  (t) => [uniqueIndex('count_import_same_file').on(t.stocktakeId, t.contentHash).where(sql`${t.voidedAt} is null`)],
);
