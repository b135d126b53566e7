/**
 * The daily digest, per digest chat, at the chat's own schedule (default 09:00 in the warehouse's
 * timezone): where each stocktake in progress stands. The scheduler decides which chats are due; run()
 * sends one chat's slot once.
 */
import { DEFAULT_CRON } from '../services/schedules.ts';
import { runDigest, type DigestOutcome, type DigestSlot, type JobDeps } from './digest.ts';

/** Default schedule of a digest chat (minute hour day-of-month month day-of-week): 09:00 every day. */
export const schedule = DEFAULT_CRON.daily;

/** A slot missed while every instance was down is still sent at start within this window, never later. */
export const catchUpMs = 6 * 3600_000;

export function run(deps: JobDeps, slot: DigestSlot): Promise<DigestOutcome> {
  return runDigest('daily', deps, slot);
}
