/**
 * The monthly stock structure report (issue 16 §1), per digest chat, at the chat's own schedule (default
 * the 1st of the month at 09:00 in the warehouse's timezone): ABC classes, turnover, slow movers and dead
 * stock as of the slot, with its chart (src/services/structure.ts, cards/templates/structure.ts).
 */
import { DEFAULT_CRON } from '../services/schedules.ts';
import { runDigest, type DigestOutcome, type DigestSlot, type JobDeps } from './digest.ts';

/** Default schedule of a digest chat: the 1st of each month at 09:00. */
export const schedule = DEFAULT_CRON.monthly;

/** A missed monthly slot is still sent at start within three days of it (a long weekend), never later. */
export const catchUpMs = 3 * 24 * 3600_000;

export function run(deps: JobDeps, slot: DigestSlot): Promise<DigestOutcome> {
  return runDigest('monthly', deps, slot);
}
