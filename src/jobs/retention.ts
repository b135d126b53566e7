/**
 * Hourly: deletes event ids, idempotency keys, card button intents and finished outbox rows older than the
 * retention policy (src/services/retention.ts), in bounded batches. Once per slot across instances through
 * the run coordinator, like the other tasks; safe to run any number of times.
 */
import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/retention.ts';
import { pruneExpired, type PruneOptions, type PruneResult } from '../services/retention.ts';
import type { JobDeps } from './digest.ts';

/** Every hour at minute 45 (UTC), away from the digests and reminders on the hour. */
export const schedule = '45 * * * *';

export interface RetentionDeps extends Pick<JobDeps, 'db' | 'log'> {
  policy?: RetentionPolicy;
  prune?: PruneOptions;
}

export interface RetentionSlot {
  scheduledAt: Date;
  /** The clock at the run (rows are aged against it). Default: scheduledAt. */
  now?: Date;
}

export async function run(deps: RetentionDeps, slot: RetentionSlot): Promise<PruneResult> {
  const result = await pruneExpired(deps.db, deps.policy ?? DEFAULT_RETENTION, slot.now ?? slot.scheduledAt, deps.prune);
  const pruned =
    result.inboundEvents + result.commandLog + result.cardActions + result.outboxDelivered + result.outboxFailed + result.platformMedia;
  deps.log(
    result.complete ? (pruned > 0 ? 'info' : 'debug') : 'warn',
    result.complete ? 'retention run' : 'retention run left rows for the next run',
    {
      slot: slot.scheduledAt.toISOString(),
      ...result,
    },
  );
  return result;
}
