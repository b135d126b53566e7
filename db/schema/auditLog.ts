import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only audit trail, hash-chained: each row's hash covers its content and the previous row's hash,
 * so an edited, removed or reordered row breaks the chain at that point.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey(),
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
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  // (stocktake_id, at): the digests read a stocktake's changes in a time window.
  (t) => [index('audit_log_stocktake_at_idx').on(t.stocktakeId, t.at), index('audit_log_document_idx').on(t.documentId)],
);
