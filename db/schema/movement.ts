import { bigserial, index, numeric, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { warehouse } from './warehouse.ts';
import { item } from './item.ts';

export const movementKind = pgEnum('movement_kind', ['receipt', 'issue', 'transfer', 'adjustment']);

/**
 * Append-only log of stock movements. `id` orders movements by when they were recorded, which is what a
 * stocktake snapshot's watermark compares against; `occurred_at` is when the goods moved, which is what
 * the cut-off compares against a line's count time.
 */
export const movement = pgTable(
  'movement',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    sku: text('sku')
      .notNull()
      .references(() => item.sku),
    location: text('location').notNull().default(''),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    kind: movementKind('kind').notNull(),
    ref: text('ref'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('movement_line_idx').on(t.warehouseId, t.sku, t.location, t.lot, t.id)],
);
