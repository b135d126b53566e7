import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The web console's chat history: what people typed and the cards the bot sent, per console chat. The web
 * adapter writes it when the outbox delivers to platform 'web', and browsers follow it live.
 */
export const webMessage = pgTable(
  'web_message',
  {
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    chatId: text('chat_id').notNull(),
    /** The id the outbox knows the message by (card updates address it). */
    messageId: text('message_id').notNull().unique(),
    /** 'user' (typed or uploaded by a person), 'card' (sent by the bot), 'prompt' (a question to reply to). */
    kind: text('kind').notNull(),
    authorPersonId: uuid('author_person_id'),
    text: text('text'),
    card: jsonb('card'),
    /**
     * The card in every language, by locale, for cards re-rendered from their view: each browser shows the
     * one of its own language (the console's language switch). Null for a card that exists in one language.
     */
    cards: jsonb('cards'),
    replyTo: text('reply_to'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('web_message_chat_idx').on(t.chatId, t.seq)],
);
