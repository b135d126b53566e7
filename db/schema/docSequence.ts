import { integer, pgTable, text } from 'drizzle-orm/pg-core';

/** Gapless per-key counters for human-readable numbers (ST-20261125-001, later PY-2026-0001). */
export const docSequence = pgTable('doc_sequence', {
  key: text('key').primaryKey(),
  value: integer('value').notNull(),
});
