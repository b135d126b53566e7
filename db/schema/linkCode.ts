import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { person } from './person.ts';

/**
 * One-time codes an admin makes in the console to link a chat account to a person: the person sends the
 * code to the bot, and the identity that sent it becomes theirs. Only a SHA-256 of the code is kept; a code
 * works once (`used_at`) and only until `expires_at`.
 */
export const linkCode = pgTable('link_code', {
  id: uuid('id').primaryKey().defaultRandom(),
  personId: uuid('person_id')
    .notNull()
    .references(() => person.id),
  codeHash: text('code_hash').notNull().unique(),
  createdBy: uuid('created_by').references(() => person.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  /** The identity the code linked ("telegram:12345"), once used. */
  usedBy: text('used_by'),
});

/**
 * Every code sent by an account the bot does not know, kept for the guessing limit (src/services/linkCodes.ts):
 * an account that sent too many wrong codes, or too many wrong codes from anyone, in the last 15 minutes is
 * refused before its code is looked at. Rows older than a day are deleted as new ones come.
 */
export const linkAttempt = pgTable(
  'link_attempt',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    identity: text('identity').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    ok: boolean('ok').notNull(),
  },
  (t) => [index('link_attempt_at_idx').on(t.at)],
);
