import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Who receives a bot's updates by long polling: Telegram allows one getUpdates poller per token (a second
 * gets 409), so instances elect one here. The holder renews its lease every few seconds; when it stops
 * renewing (it died, or lost the database), another instance takes the row over once lease_until passed.
 */
export const pollerLease = pgTable('poller_lease', {
  /** platform:<sha-256 of the token, truncated>: never the token itself. */
  name: text('name').primaryKey(),
  /** The instance polling: host:pid:random. */
  holder: text('holder').notNull(),
  leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
  /** When the current holder took over (a takeover shows as a new acquired_at). */
  acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull(),
  renewedAt: timestamp('renewed_at', { withTimezone: true }).notNull(),
});
