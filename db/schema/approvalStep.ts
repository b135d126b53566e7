import { integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { adjustmentDocument } from './adjustmentDocument.ts';
import { person } from './person.ts';
import { role } from './roleGrant.ts';

export const stepStatus = pgEnum('step_status', ['waiting', 'pending', 'approved', 'rejected', 'cancelled']);

/** One step of a document's route. Exactly one step is pending while the document is approving. */
export const approvalStep = pgTable(
  'approval_step',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => adjustmentDocument.id),
    stepNo: integer('step_no').notNull(),
    role: role('role').notNull(),
    status: stepStatus('status').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }),
    decidedBy: uuid('decided_by').references(() => person.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.stepNo] })],
);
