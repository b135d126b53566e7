/**
 * Hourly: reminds owners of overdue variances and holders of overdue approval steps, and escalates what is
 * overdue by as long again as it was given (src/services/reminders.ts). Safe to run any number of times:
 * the reminder log keeps each item to one reminder and one escalation per local day. First it settles the
 * status of open stocktakes, in case a process died between a posting and its settling (documents.ts).
 */
import { settleOpenStocktakes } from '../services/documents.ts';
import { sendReminders, type ReminderRun } from '../services/reminders.ts';
import type { JobDeps } from './digest.ts';

/** Every hour, on the hour (UTC; the per-day limit is each warehouse's local day). */
export const schedule = '0 * * * *';

export interface ReminderSlot {
  /** The hour the run is for. */
  scheduledAt: Date;
  /** The clock at the run. Default: scheduledAt. */
  now?: Date;
}

export async function run(deps: JobDeps, slot: ReminderSlot): Promise<ReminderRun> {
  const settled = await settleOpenStocktakes(deps.db);
  const result = await sendReminders(deps.db, slot.now ?? slot.scheduledAt);
  if (result.cards > 0 || settled > 0) deps.onOutbox?.();
  deps.log('info', 'reminders run', { slot: slot.scheduledAt.toISOString(), ...result });
  return result;
}
