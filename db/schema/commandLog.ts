import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Commands by idempotency key: the same key again returns the first result and changes nothing. Kept for
 * the retention window (src/domain/retention.ts). The fingerprint (a hash of the command and its request)
 * tells a retry from a key reused for another action, which is refused; rows stored before it existed
 * compare by command only.
 */
export const commandLog = pgTable(
  'command_log',
  {
    key: text('key').primaryKey(),
    command: text('command').notNull(),
    fingerprint: text('fingerprint'),
    result: jsonb('result').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('command_log_created_idx').on(t.createdAt)],
);
