/**
 * Sends one report (daily digest or weekly report) to one digest chat for one slot: the report is built
 * first, then the slot is finished and the card queued in one transaction, so a slot's card is queued
 * exactly once — a second run of the same slot (another instance, a retry) finds it finished and queues
 * nothing, and a crash before the commit leaves the slot unfinished for a later tick to send.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { parseLocale, type Locale } from '../../cards/i18n/index.ts';
import type { Logger } from '../core/log.ts';
import { enqueueMessages } from '../services/outbox.ts';
import type { PgRunCoordinator } from './coordinator.ts';
import { localMinute } from '../domain/time.ts';
import type { ReportKind, ReportSource } from './reports.ts';

/** What every job's run() needs. */
export interface JobDeps {
  db: Db;
  log: Logger;
  coordinator: PgRunCoordinator;
  reports: ReportSource;
  /** Called after outbox rows were written, so the sender need not wait for its next poll. */
  onOutbox?: () => void;
}

/** One report due in one chat. */
export interface DigestSlot {
  platform: string;
  chatId: string;
  /** When the slot fell due (the schedule's fire time). */
  scheduledAt: Date;
  /** The slot's key in job_run: the chat and the local scheduled time (see `digestSlotKey`). */
  key: string;
  /** The clock at the run: the report shows the state as of then. Default: scheduledAt. */
  now?: Date;
}

export type DigestOutcome = 'sent' | 'nothing to report' | 'already sent' | 'not a digest chat';

/** `web:demo-digest@2026-11-26T09:00`: a chat's slot by its local wall-clock time, so its day is the chat's day. */
export function digestSlotKey(platform: string, chatId: string, scheduledAt: Date, timezone: string): string {
  return `${platform}:${chatId}@${localMinute(scheduledAt, timezone)}`;
}

/** A slot for a report sent by hand (`stocktake report`): never one of the schedule's. */
export function manualSlot(platform: string, chatId: string, now: Date): DigestSlot {
  return { platform, chatId, scheduledAt: now, now, key: `${platform}:${chatId}@manual:${now.toISOString()}` };
}

/**
 * When the chat's previous scheduled daily digest went out, if within two days: "what changed since
 * yesterday" then covers exactly the time since the last digest, also after a day off or a schedule change.
 */
async function previousDigest(db: Db, slot: DigestSlot, now: Date): Promise<Date | null> {
  const prefix = `${slot.platform}:${slot.chatId}@`;
  const [row] = await queryRows<{ at: string }>(
    db,
    sql`select to_char(scheduled_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at from job_run
        where job = 'daily' and left(slot, ${prefix.length}) = ${prefix} and slot <> ${slot.key} and finished_at is not null and outcome = 'sent'
          and strpos(slot, '@manual:') = 0
          and scheduled_at < ${slot.scheduledAt.toISOString()}::timestamptz and scheduled_at >= ${new Date(now.getTime() - 48 * 3600_000).toISOString()}::timestamptz
        order by scheduled_at desc limit 1`,
  );
  return row ? new Date(row.at) : null;
}

export async function runDigest(kind: ReportKind, deps: JobDeps, slot: DigestSlot): Promise<DigestOutcome> {
  const { db, coordinator } = deps;
  const now = slot.now ?? slot.scheduledAt;
  const [chat] = await queryRows<{ code: string; locale: string; team: boolean }>(
    db,
    sql`select w.code, c.locale, 'team' = any(c.purposes) as team from chat c join warehouse w on w.id = c.warehouse_id
        where c.platform = ${slot.platform} and c.chat_id = ${slot.chatId} and 'digest' = any(c.purposes)`,
  );
  if (!chat) {
    await db.transaction((tx) => coordinator.finish(tx, kind, slot.key, slot.scheduledAt, 'not a digest chat', now));
    return 'not a digest chat';
  }
  const locale: Locale = parseLocale(chat.locale) ?? 'zh-CN';
  const since = kind === 'daily' ? await previousDigest(db, slot, now) : null;
  // A digest chat that is also a team chat is read by counters: it gets no blind count still counting.
  const report = await deps.reports(db, {
    kind,
    warehouse: chat.code,
    now,
    locale,
    ...(since ? { since } : {}),
    ...(chat.team ? { withoutBlindCounting: true } : {}),
  });
  const outcome = await db.transaction(async (tx): Promise<DigestOutcome> => {
    const result: DigestOutcome = report.empty ? 'nothing to report' : 'sent';
    // The race this settles: two instances (or a retry) built the same slot's report; the first to commit
    // finishes the slot with its card, the other finds it finished and queues nothing.
    if (!(await coordinator.finish(tx, kind, slot.key, slot.scheduledAt, result, now))) return 'already sent';
    if (!report.empty)
      await enqueueMessages(tx, [{ platform: slot.platform, chatId: slot.chatId, locale, view: { kind: 'static', card: report.card } }]);
    return result;
  });
  if (outcome === 'sent') deps.onOutbox?.();
  deps.log('info', `${kind} report ${outcome}`, { chat: `${slot.platform}:${slot.chatId}`, slot: slot.key, warehouse: chat.code });
  return outcome;
}
