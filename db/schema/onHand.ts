import { date, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { warehouse } from './warehouse.ts';
import { item } from './item.ts';

/**
 * Book quantity per (warehouse, sku, location). Changed only together with an appended movement
 * (or a book import while no stocktake is open), so the book always equals its history.
 * An empty location means the warehouse keeps no locations for that item.
 */
export const onHand = pgTable(
  'on_hand',
  {
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    sku: text('sku')
      .notNull()
      .references(() => item.sku),
    location: text('location').notNull().default(''),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    /** The lot's expiry date (有效期), when known. */
    expiry: date('expiry', { mode: 'string' }),
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.sku, t.location, t.lot] })],
);
