import { index, integer, numeric, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { person } from './person.ts';
import { stocktake } from './stocktake.ts';
import { warehouse } from './warehouse.ts';

export const documentKind = pgEnum('document_kind', ['gain', 'loss']);
export const documentStatus = pgEnum('document_status', ['approving', 'posted', 'rejected', 'withdrawn']);

/** A gain (盘盈单, PY-…) or loss (盘亏单, PK-…) document, numbered per warehouse and year. */
export const adjustmentDocument = pgTable(
  'adjustment_document',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull(),
    kind: documentKind('kind').notNull(),
    stocktakeId: uuid('stocktake_id')
      .notNull()
      .references(() => stocktake.id),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    status: documentStatus('status').notNull().default('approving'),
    lineCount: integer('line_count').notNull(),
    totalQty: numeric('total_qty', { precision: 18, scale: 3 }).notNull(),
    totalValue: numeric('total_value', { precision: 18, scale: 2 }).notNull(),
    currency: text('currency').notNull(),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => person.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    rejectedReason: text('rejected_reason'),
    /** Withdrawn by its submitter (or a manager, or with its stocktake cancelled) before any approval. */
    withdrawnBy: uuid('withdrawn_by'),
    withdrawnReason: text('withdrawn_reason'),
  },
  // Numbers are unique per warehouse; a document is looked up by its number alone (the API's
  // /documents/PK-2026-0001, a chat's "approve PK-2026-0001"), which the unique key, led by the warehouse,
  // cannot serve: every approval read every document (6,000 in \`npm run bench:writes\`, 1.7 ms).
  (t) => [unique('adjustment_document_number').on(t.warehouseId, t.number), index('adjustment_document_number_idx').on(t.number)],
);
