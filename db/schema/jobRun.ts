import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One run of a scheduled job for one time slot, shared by every instance on the database: the row's key
 * is what makes a slot run once. Claiming inserts the row (or takes over a lease that ran out); a run that
 * sends marks it finished in the transaction that writes its outbox rows, so a finished slot is never sent
 * again and a claimed one whose instance died is taken over, not lost.
 */
export const jobRun = pgTable(
  'job_run',
  {
    /** daily, weekly, reminders, or a node-cron task name (stocktake:digests). */
    job: text('job').notNull(),
    /**
     * The slot: for a digest the chat and the local scheduled time (web:demo-digest@2026-11-26T09:00, so
     * a daily slot is keyed by the chat's local day); for a node-cron task the UTC instant it fired for.
     */
    slot: text('slot').notNull(),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull(),
    /** The instance holding (or last holding) the slot: host:pid:random. */
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** Until then the claim is the holder's; after it, another instance may take the slot over. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** What the run did: sent, nothing to report, or the error of a failed attempt. */
    outcome: text('outcome'),
  },
  (t) => [primaryKey({ columns: [t.job, t.slot] }), index('job_run_scheduled_idx').on(t.scheduledAt)],
);
