import { index, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * One scan (or +/−, or typed quantity) on the counting page, kept as it was made. The id is made by the
 * phone, so an entry sent twice (a queue flushed after a dropped connection) is stored once. Entries of a
 * person at a location stay open until they mark the location done; that turns them into one count import
 * (`import_id`), counted like a sheet's lines.
 */
export const scanEntry = pgTable(
  'scan_entry',
  {
    id: uuid('id').primaryKey(),
    stocktakeId: uuid('stocktake_id').notNull(),
    personId: uuid('person_id').notNull(),
    location: text('location').notNull(),
    sku: text('sku').notNull(),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    /** Signed, in the item's base unit: +1 for a scan, −1 for a correction, n × factor for a typed count. */
    qty: numeric('qty', { precision: 18, scale: 3 }).notNull(),
    /** The unit as counted (a pack unit or the base unit) and the quantity in it, as evidence. */
    unit: text('unit').notNull(),
    unitQty: numeric('unit_qty', { precision: 18, scale: 3 }).notNull(),
    /** What was scanned or typed: a barcode or a SKU. */
    code: text('code').notNull(),
    scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    importId: uuid('import_id'),
  },
  (t) => [index('scan_entry_open_idx').on(t.stocktakeId, t.personId, t.location).where(sql`import_id is null`)],
);
