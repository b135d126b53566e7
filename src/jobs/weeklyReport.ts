/**
 * The weekly report, per digest chat, at the chat's own schedule (default Monday 09:00 in the warehouse's
 * timezone): the week's KPIs and the trend over the last weeks.
 */
import { DEFAULT_CRON } from '../services/schedules.ts';
import { runDigest, type DigestOutcome, type DigestSlot, type JobDeps } from './digest.ts';

/** Default schedule of a digest chat: Mondays at 09:00. */
export const schedule = DEFAULT_CRON.weekly;

/** A missed weekly slot is still sent at start within a day of it, never later. */
export const catchUpMs = 24 * 3600_000;

export function run(deps: JobDeps, slot: DigestSlot): Promise<DigestOutcome> {
  return runDigest('weekly', deps, slot);
}
