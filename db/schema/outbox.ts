import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const outboxKind = pgEnum('outbox_kind', ['send', 'update', 'prompt']);
export const outboxStatus = pgEnum('outbox_status', ['pending', 'sending', 'sent', 'failed', 'superseded']);

/**
 * Messages and card updates waiting to go out, written in the transaction of the change that causes them.
 * A sender claims rows (FOR UPDATE SKIP LOCKED, a lease in claimed_until), renders the view from current
 * data, delivers within the platform's limits and marks the row sent; a failed attempt waits for
 * next_attempt_at.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    kind: outboxKind('kind').notNull(),
    /** For updates: the card to update; for sends: the card row created when it is first attempted. */
    cardMessageId: uuid('card_message_id'),
    /** {view} to render at send time, or {card} for a fixed card, plus {locale}. */
    payload: jsonb('payload').notNull(),
    status: outboxStatus('status').notNull().default('pending'),
    /** Failed attempts that count toward giving up (a platform's "too many" never does). */
    attempts: integer('attempts').notNull().default(0),
    /**
     * Messages of a multi-message send already delivered (Telegram posts a card's charts as photos before
     * its text): a retry, on any instance, goes on from there instead of posting them again.
     */
    partsSent: integer('parts_sent').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_due_idx').on(t.platform, t.nextAttemptAt).where(sql`status in ('pending', 'sending')`),
    index('outbox_card_idx').on(t.cardMessageId),
    /** The retention job's: finished rows by status and age. */
    index('outbox_status_created_idx').on(t.status, t.createdAt),
    // The claim looks at each chat's oldest unfinished row (its head): per-chat order across instances.
    index('outbox_chat_head_idx').on(t.platform, t.chatId, t.id).where(sql`status in ('pending', 'sending')`),
  ],
);
