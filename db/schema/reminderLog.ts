import { sql } from 'drizzle-orm';
import { check, date, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { warehouse } from './warehouse.ts';

/**
 * Reminders and escalations sent, one row per item, kind and local day of the warehouse: the key is what
 * keeps an overdue item to one reminder (and one escalation) a day. Written in the transaction that
 * queues the reminder card.
 */
export const reminderLog = pgTable(
  'reminder_log',
  {
    /** line:<stocktake>:<sku>:<location>, step:<document>:<step no> or action:<case id>. */
    item: text('item').notNull(),
    /** reminder (to the owner or the step's role) or escalation (to the role above). */
    kind: text('kind').notNull(),
    /** The warehouse's calendar day the reminder belongs to. */
    localDay: date('local_day', { mode: 'string' }).notNull(),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    /** Handles of the people named. */
    recipients: text('recipients').array().notNull().default([]),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.item, t.kind, t.localDay] }),
    check('reminder_log_kind_check', sql`${t.kind} in ('reminder', 'escalation')`),
  ],
);
