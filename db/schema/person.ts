import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Someone who counts, reviews or approves. `handle` is the short name used on the CLI (`--as alice`). */
export const person = pgTable('person', {
  id: uuid('id').primaryKey().defaultRandom(),
  handle: text('handle').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
