import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only audit trail, hash-chained in `seq` order: each row's hash covers its content, its id, its
 * place in the chain and the previous row's hash, so an edited, removed or reordered row breaks the chain
 * at that point. Writers only insert (id from the identity, seq and hashes null); the sealer
 * (src/services/auditSeal.ts) gives rows their place in commit order, so no writer waits for another.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedByDefaultAsIdentity(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actorPersonId: uuid('actor_person_id'),
    actorIdentity: text('actor_identity').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    stocktakeId: uuid('stocktake_id'),
    documentId: uuid('document_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    idempotencyKey: text('idempotency_key'),
    /** Place in the chain, 1, 2, 3, …; null until sealed. */
    seq: bigint('seq', { mode: 'bigint' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  // (stocktake_id, at): the digests read a stocktake's changes in a time window.
  (t) => [
    index('audit_log_stocktake_at_idx').on(t.stocktakeId, t.at),
    index('audit_log_document_idx').on(t.documentId),
    uniqueIndex('audit_log_seq_idx').on(t.seq),
    // The sealer's work list: small, since rows leave it within a second.
    index('audit_log_unsealed_idx').on(t.id).where(sql`seq is null`),
  ],
);
