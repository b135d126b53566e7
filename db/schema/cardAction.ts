import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * What a button means. The button carries only `<id>.<signature>`; the intent (action and target) is
 * here, so tokens stay far below Telegram's 64 bytes whatever the SKU, and a restart loses nothing. Kept
 * for the button retention window; a tap on a pruned button refreshes its card (src/core/dispatcher.ts).
 */
export const cardAction = pgTable(
  'card_action',
  {
    id: text('id').primaryKey(),
    intent: jsonb('intent').notNull(),
    cardMessageId: uuid('card_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('card_action_created_idx').on(t.createdAt)],
);
