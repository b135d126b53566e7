import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Commands by idempotency key: the same key again returns the first result and changes nothing. Kept for
 * the retention window (src/domain/retention.ts).
 */
export const commandLog = pgTable(
  'command_log',
  {
    key: text('key').primaryKey(),
    command: text('command').notNull(),
    result: jsonb('result').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('command_log_created_idx').on(t.createdAt)],
);
