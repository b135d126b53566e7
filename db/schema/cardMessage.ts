import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * A card the bot has put in a chat, with the view it shows and the entities on it, so that a change to
 * any of them updates the card in place. A prompt (Telegram ForceReply) remembers the action its answer
 * completes.
 */
export const cardMessage = pgTable(
  'card_message',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    /** The platform's id for the message; null until the send has gone through. */
    messageId: text('message_id'),
    /** What the card shows, re-rendered from current data on every update: {kind, ...ids}, or {kind:'static'}. */
    view: jsonb('view').notNull(),
    locale: text('locale').notNull(),
    /** e.g. document:<uuid>, line:<stocktake uuid>:<sku>:<location>, stocktake:<uuid>. */
    entities: text('entities').array().notNull().default([]),
    /** Set on a prompt: the token whose action the reply's text completes. */
    promptToken: text('prompt_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
  },
  (t) => [
    index('card_message_entities_idx').using('gin', t.entities),
    uniqueIndex('card_message_platform_message_idx').on(t.platform, t.chatId, t.messageId),
  ],
);
