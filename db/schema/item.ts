import { boolean, check, index, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/** The item master, shared by all warehouses. Unit cost carries four decimals; values are rounded to two. */
export const item = pgTable('item', {
  sku: text('sku').primaryKey(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  unitCost: numeric('unit_cost', { precision: 18, scale: 4 }).notNull(),
  category: text('category'),
  /** On the counting page a scan of this item asks how many instead of adding one (bulk goods, cases). */
  scanAsksQty: boolean('scan_asks_qty').notNull().default(false),
  /** Counted and booked per lot (批次), each lot with an optional expiry date. */
  lotTracked: boolean('lot_tracked').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Barcodes of an item (EAN-13, UPC, Code 128, a QR text…): several per item, each naming one item. */
export const itemBarcode = pgTable(
  'item_barcode',
  {
    barcode: text('barcode').primaryKey(),
    sku: text('sku')
      .notNull()
      .references(() => item.sku),
  },
  (t) => [index('item_barcode_sku_idx').on(t.sku)],
);

/**
 * Pack units of an item (箱 = 12 of the base unit, 托 = 576): the factor is in base units, so a count in
 * any pack unit is stored as base quantity.
 */
export const itemPack = pgTable(
  'item_pack',
  {
    sku: text('sku')
      .notNull()
      .references(() => item.sku),
    unit: text('unit').notNull(),
    factor: numeric('factor', { precision: 18, scale: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sku, t.unit] }), check('item_pack_factor_positive', sql`${t.factor} > 0`)],
);
