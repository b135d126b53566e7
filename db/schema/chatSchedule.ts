import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { chat } from './chat.ts';
import { person } from './person.ts';

/**
 * When a digest chat gets its daily digest or weekly report: a cron expression read in a timezone. A
 * digest chat without a row gets the defaults (daily 09:00, weekly Monday 09:00, in its warehouse's
 * timezone); `enabled = false` turns that report off for the chat.
 */
export const chatSchedule = pgTable(
  'chat_schedule',
  {
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    /** daily, weekly or monthly (the stock structure report). */
    job: text('job').notNull(),
    cron: text('cron').notNull(),
    timezone: text('timezone').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    updatedBy: uuid('updated_by').references(() => person.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.chatId, t.job] }),
    foreignKey({ columns: [t.platform, t.chatId], foreignColumns: [chat.platform, chat.chatId] }),
    check('chat_schedule_job_check', sql`${t.job} in ('daily', 'weekly', 'monthly')`),
  ],
);
