import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The app-wide send budget of one bot (Telegram about 30 messages a second, Feishu 50), shared by every
 * instance. A sender reserves the next slot with one conditional upsert (next_at moves on by one interval)
 * and waits for it outside any transaction, so the row is locked for a statement, never for a send.
 */
export const appPace = pgTable(
  'app_pace',
  {
    platform: text('platform').notNull(),
    /** The bot or app within the platform (Telegram bot id, Feishu app id, DingTalk robot code). */
    app: text('app').notNull(),
    /** The next free slot: a reservation takes greatest(next_at, now()) and moves next_at one interval on. */
    nextAt: timestamp('next_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.app] })],
);
