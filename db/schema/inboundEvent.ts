import { index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Platform events already handled, by the platform's id: a redelivered event is answered, not re-run. Kept
 * for the retention window (src/domain/retention.ts), longer than any platform redelivers.
 */
export const inboundEvent = pgTable(
  'inbound_event',
  {
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.eventId] }), index('inbound_event_received_idx').on(t.receivedAt)],
);
