import { integer, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { adjustmentDocument } from './adjustmentDocument.ts';

/** A numbered line of a document: the variance as it stood when submitted. */
export const documentLine = pgTable(
  'document_line',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => adjustmentDocument.id),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    unitCost: numeric('unit_cost', { precision: 18, scale: 4 }).notNull(),
    value: numeric('value', { precision: 18, scale: 2 }).notNull(),
    causeCode: text('cause_code').notNull(),
    note: text('note'),
    /** The accounting account and cost centre of the line's cause in its warehouse when submitted (cause_account). */
    account: text('account'),
    costCentre: text('cost_centre'),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.lineNo] })],
);
