import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { person } from './person.ts';
import { warehouse } from './warehouse.ts';

/**
 * A group or direct chat on a platform: its language, and the warehouse it is bound to with what for
 * (team: counting and review cards; approvals: approval cards; digest: reports). One chat, one warehouse.
 */
export const chat = pgTable(
  'chat',
  {
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    locale: text('locale').notNull().default('zh-CN'),
    warehouseId: uuid('warehouse_id').references(() => warehouse.id),
    purposes: text('purposes').array().notNull().default([]),
    boundBy: uuid('bound_by').references(() => person.id),
    boundAt: timestamp('bound_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.chatId] })],
);
