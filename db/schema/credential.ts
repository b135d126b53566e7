import { pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { person } from './person.ts';

export const credentialKind = pgEnum('credential_kind', ['api_key', 'login']);

/**
 * API keys and console sign-in tokens, created with the CLI, each acting as one person (so roles and
 * segregation of duties apply). Only a SHA-256 of the secret is stored; `prefix` lets a person tell keys apart.
 */
export const credential = pgTable('credential', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: credentialKind('kind').notNull(),
  personId: uuid('person_id')
    .notNull()
    .references(() => person.id),
  label: text('label').notNull(),
  prefix: text('prefix').notNull(),
  secretHash: text('secret_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
