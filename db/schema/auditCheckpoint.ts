import { bigint, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Signed checkpoints of the audit chain: "at `at` the chain reached `seq` with `hash`". The signature is
 * an HMAC keyed by STOCKTAKE_AUDIT_KEY (held by the instances, not the database) over this checkpoint and
 * the previous one's signature, so someone who can write the database but lacks the key can neither
 * re-hash the chain nor shorten it past a checkpoint without verify noticing.
 */
export const auditCheckpoint = pgTable('audit_checkpoint', {
  n: integer('n').primaryKey(),
  seq: bigint('seq', { mode: 'bigint' }).notNull(),
  hash: text('hash').notNull(),
  at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
  /** Null when no key was configured: then the checkpoint proves nothing against a database writer. */
  signature: text('signature'),
});
