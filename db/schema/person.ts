import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Someone who counts, reviews or approves. `handle` is the short name used on the CLI (`--as alice`). */
export const person = pgTable('person', {
  id: uuid('id').primaryKey().defaultRandom(),
  handle: text('handle').notNull().unique(),
  name: text('name').notNull(),
  /**
   * Where reminders and approval requests reach this person: null for the warehouse's group chats (the
   * default), or a platform (feishu, dingtalk, telegram) whose identity of theirs gets a direct message.
   */
  directPlatform: text('direct_platform'),
  /** 'HH:MM-HH:MM' in the warehouse's timezone: direct messages due in it wait until it ends. */
  quietHours: text('quiet_hours'),
  /**
   * The language this person chose ('zh-CN' or 'en'): answers to them, their direct messages and the console
   * they sign in to. Null: the chat's language (and for direct messages the warehouse's chats').
   */
  locale: text('locale'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
