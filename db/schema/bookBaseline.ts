import { bigint, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { warehouse } from './warehouse.ts';

/**
 * The book as last set wholesale (a book import from the ERP), per line, with the movement and ledger
 * watermarks at that moment: on-hand must equal this plus the movements and posted ledger entries after
 * it (`audit books`). Lines never imported start from zero.
 */
export const bookBaseline = pgTable(
  'book_baseline',
  {
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    /** Movements of the warehouse with a higher id came after it. */
    movementId: bigint('movement_id', { mode: 'bigint' }).notNull(),
    /** Ledger entries of the warehouse with a higher id came after it. */
    ledgerId: bigint('ledger_id', { mode: 'bigint' }).notNull(),
    setAt: timestamp('set_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.sku, t.location, t.lot] })],
);
