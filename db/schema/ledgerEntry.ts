import { bigserial, integer, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { adjustmentDocument } from './adjustmentDocument.ts';
import { warehouse } from './warehouse.ts';

/** Append-only stock ledger: one entry per posted document line, never two (the unique key). */
export const ledgerEntry = pgTable(
  'ledger_entry',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => adjustmentDocument.id),
    lineNo: integer('line_no').notNull(),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    unitCost: numeric('unit_cost', { precision: 18, scale: 4 }).notNull(),
    value: numeric('value', { precision: 18, scale: 2 }).notNull(),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('ledger_entry_once_per_line').on(t.documentId, t.lineNo)],
);
