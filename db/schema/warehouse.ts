import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A warehouse: the unit a stocktake covers. Its timezone dates stocktake codes and reads naive count times. */
export const warehouse = pgTable('warehouse', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
