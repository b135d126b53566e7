import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * When each chat may next receive a message, shared by every instance: a platform's per-chat limits
 * (Telegram about 1 a second and 20 a minute per group) hold for the bot, not for one process. Written by
 * the instance that just delivered the chat's head outbox row (in the transaction that marks it sent) or
 * that was told "too many" (next_at = the platform's retry-after); read by every claim, which takes only
 * rows of chats whose next_at has passed. One row per chat, so chats never wait for each other's locks.
 */
export const chatPace = pgTable(
  'chat_pace',
  {
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    /** The chat may receive its next message from then on. */
    nextAt: timestamp('next_at', { withTimezone: true }).notNull(),
    /** Deliveries of the last minute, oldest first: the per-minute budget of a group is a sliding window. */
    recent: timestamp('recent', { withTimezone: true }).array().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.platform, t.chatId] })],
);
