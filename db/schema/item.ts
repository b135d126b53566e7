import { numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The item master, shared by all warehouses. Unit cost carries four decimals; values are rounded to two. */
export const item = pgTable('item', {
  sku: text('sku').primaryKey(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  unitCost: numeric('unit_cost', { precision: 18, scale: 4 }).notNull(),
  category: text('category'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
