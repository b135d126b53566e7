/**
 * When each digest chat gets its reports: a cron expression read in a timezone, per report (daily digest,
 * weekly report). A digest chat with no schedule of its own gets the defaults — daily 09:00 and weekly
 * Monday 09:00 in its warehouse's timezone. The scheduler (src/jobs) reads `dueSchedules`; people set
 * them with the chat command `schedule` or `stocktake schedule set`.
 */
import { sql } from 'drizzle-orm';
import cron from 'node-cron';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { SUPERVISING_ROLES, type Actor } from '../domain/people.ts';
import { isValidTimezone } from '../domain/time.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { requireRole } from './people.ts';
import { render, type Phrase } from '../domain/phrase.ts';
import { scheduleTexts } from '../domain/texts/schedules.ts';

export const SCHEDULE_JOBS = ['daily', 'weekly', 'monthly'] as const;
export type ScheduleJob = (typeof SCHEDULE_JOBS)[number];

/** Daily 09:00; weekly Monday 09:00; monthly (stock structure) the 1st at 09:00 (minute hour day-of-month month day-of-week). */
export const DEFAULT_CRON: Record<ScheduleJob, string> = { daily: '0 9 * * *', weekly: '0 9 * * 1', monthly: '0 9 1 * *' };

/** The fields the cron problems name (src/domain/texts/schedules.ts words each). */
const FIELD_RANGES = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];
const FIVE_FIELDS = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];

/**
 * Checks a cron expression for a report and returns it with single spaces. Five fields (minute hour
 * day-of-month month day-of-week), or six with a leading seconds field of 0; the minute must be one number,
 * so a report goes out at most once an hour. The message names the field that is wrong.
 */
export function parseCron(text: string): string {
  const expression = text.trim().replace(/\s+/g, ' ');
  const fields = expression ? expression.split(' ') : [];
  if (fields.length !== 5 && fields.length !== 6) {
    throw new InvalidInputError(scheduleTexts.fieldCount(expression, fields.length));
  }
  if (fields.length === 6 && fields[0] !== '0') {
    throw new InvalidInputError(scheduleTexts.secondsNotZero(expression));
  }
  const result = cron.validateDetailed(expression);
  if (!result.valid) {
    const named = fields.length === 6 ? ['second', ...FIVE_FIELDS] : FIVE_FIELDS;
    const problems: Phrase[] = result.errors.map((e) => {
      const at = named.indexOf(e.field);
      const value = e.value ?? (at >= 0 ? fields[at] : undefined);
      return FIELD_RANGES.includes(e.field)
        ? scheduleTexts.badField(e.field, String(value ?? ''), /impossible/.test(e.message) ? 'impossible' : '')
        : scheduleTexts.otherProblem(e.message);
    });
    const en = problems.map((p) => render(p, 'en', 'cli')).join('; ');
    const zh = problems.map((p) => render(p, 'zh-CN', 'chat')).join('；');
    throw new InvalidInputError(scheduleTexts.invalid(expression, en, zh));
  }
  const minute = fields[fields.length - 5]!;
  if (!/^\d{1,2}$/.test(minute)) {
    throw new InvalidInputError(scheduleTexts.minuteNotNumber(expression, minute));
  }
  return expression;
}

/** Checks an IANA timezone name (Asia/Shanghai, Europe/Berlin, UTC). */
export function parseTimezone(text: string): string {
  const timezone = text.trim();
  if (!timezone || !isValidTimezone(timezone)) {
    throw new InvalidInputError(scheduleTexts.badTimezone(timezone));
  }
  return timezone;
}

export function parseScheduleJob(text: string): ScheduleJob {
  const job = text.trim().toLowerCase();
  if (!(SCHEDULE_JOBS as readonly string[]).includes(job)) throw new InvalidInputError(scheduleTexts.badJob(text));
  return job as ScheduleJob;
}

/** A digest chat's schedule for one report, as the scheduler uses it. */
export interface ChatSchedule {
  platform: string;
  chatId: string;
  warehouseId: string;
  warehouse: string;
  locale: string;
  job: ScheduleJob;
  cron: string;
  timezone: string;
  enabled: boolean;
  /** True when the chat has set nothing for this report (the default applies). */
  isDefault: boolean;
  /**
   * Slots before this are not the chat's: when it was bound as a digest chat or its schedule last
   * changed. Catching up never sends a slot from before the chat asked for it.
   */
  since: Date;
}

interface ScheduleRow {
  platform: string;
  chat_id: string;
  warehouse_id: string;
  code: string;
  warehouse_timezone: string;
  locale: string;
  job: ScheduleJob;
  cron: string | null;
  timezone: string | null;
  enabled: boolean | null;
  since: string;
}

/** Every digest chat's schedule for both reports (defaults filled in), optionally of one chat. */
export async function listSchedules(db: DbOrTx, chat?: { platform: string; chatId: string }): Promise<ChatSchedule[]> {
  const rows = await queryRows<ScheduleRow>(
    db,
    sql`select c.platform, c.chat_id, c.warehouse_id::text as warehouse_id, w.code, w.timezone as warehouse_timezone, c.locale, j.job,
               s.cron, s.timezone, s.enabled,
               to_char(greatest(coalesce(c.bound_at, c.created_at), coalesce(s.updated_at, c.bound_at, c.created_at)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as since
        from chat c
        join warehouse w on w.id = c.warehouse_id
        cross join (values ('daily'), ('weekly'), ('monthly')) as j(job)
        left join chat_schedule s on s.platform = c.platform and s.chat_id = c.chat_id and s.job = j.job
        where 'digest' = any(c.purposes)
          ${chat ? sql`and c.platform = ${chat.platform} and c.chat_id = ${chat.chatId}` : sql``}
        order by c.platform, c.chat_id, j.job`,
  );
  return rows.map((r) => ({
    platform: r.platform,
    chatId: r.chat_id,
    warehouseId: r.warehouse_id,
    warehouse: r.code,
    locale: r.locale,
    job: r.job,
    cron: r.cron ?? DEFAULT_CRON[r.job],
    timezone: r.timezone ?? r.warehouse_timezone,
    enabled: r.enabled ?? true,
    isDefault: r.cron === null,
    since: new Date(r.since),
  }));
}

export interface ScheduleChange {
  platform: string;
  chatId: string;
  job: ScheduleJob;
  /** A new cron expression; absent: keep the current one (turning a report on or off). */
  cron?: string;
  /** Absent: the chat's current timezone for this report, else its warehouse's. */
  timezone?: string;
  enabled: boolean;
}

/**
 * Sets one report's schedule of a digest chat. `actor` must be a supervisor, manager or admin of the
 * chat's warehouse; null is the local operator (the CLI without --as). Audited as schedule.set.
 */
export async function setSchedule(db: Db, actor: Actor | null, change: ScheduleChange, now: Date = new Date()): Promise<ChatSchedule> {
  const cronText = change.cron === undefined ? undefined : parseCron(change.cron);
  const timezone = change.timezone === undefined ? undefined : parseTimezone(change.timezone);
  return db.transaction(async (tx) => {
    const [current] = (await listSchedules(tx, change)).filter((s) => s.job === change.job);
    if (!current) throw new InvalidInputError(await notDigestChat(tx, change.platform, change.chatId));
    if (actor) await requireRole(tx, actor, current.warehouseId, current.warehouse, SUPERVISING_ROLES, 'change the report schedule');
    const next = { cron: cronText ?? current.cron, timezone: timezone ?? current.timezone, enabled: change.enabled };
    await tx.execute(sql`
      insert into chat_schedule (platform, chat_id, job, cron, timezone, enabled, updated_by, updated_at)
      values (${change.platform}, ${change.chatId}, ${change.job}, ${next.cron}, ${next.timezone}, ${next.enabled}, ${actor?.personId ?? null}::uuid, ${now.toISOString()}::timestamptz)
      on conflict (platform, chat_id, job) do update set
        cron = excluded.cron, timezone = excluded.timezone, enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
    const before = { cron: current.cron, timezone: current.timezone, enabled: current.enabled, isDefault: current.isDefault };
    await appendAudit(tx, actor ?? OPERATOR, null, now, [
      {
        action: 'schedule.set',
        entityType: 'chat',
        entityId: `${change.platform}:${change.chatId}`,
        before: { job: change.job, ...before },
        after: { job: change.job, ...next },
      },
    ]);
    const [after] = (await listSchedules(tx, change)).filter((s) => s.job === change.job);
    return after!;
  });
}

async function notDigestChat(db: DbOrTx, platform: string, chatId: string): Promise<Phrase> {
  const [row] = await queryRows<{ purposes: string[]; code: string | null }>(
    db,
    sql`select c.purposes, w.code from chat c left join warehouse w on w.id = c.warehouse_id where c.platform = ${platform} and c.chat_id = ${chatId}`,
  );
  const chat = `${platform}:${chatId}`;
  if (!row) return scheduleTexts.chatUnknown(chat);
  if (!row.code) return scheduleTexts.chatUnbound(chat);
  return scheduleTexts.notDigestChat(chat, row.code);
}

/** When a schedule next fires (from the clock), or null. */
export function nextRun(s: Pick<ChatSchedule, 'cron' | 'timezone' | 'enabled'>): Date | null {
  if (!s.enabled) return null;
  const matcher = cron.createTask(s.cron, () => {}, { timezone: s.timezone });
  try {
    return matcher.getNextRuns(1)[0] ?? null;
  } catch {
    return null;
  } finally {
    void matcher.destroy();
  }
}

/** "platform:chat id" (the chat id may itself hold colons, as DingTalk's user:… does). */
export function parseChatRef(text: string): { platform: string; chatId: string } {
  const match = /^([a-z]+):(.+)$/.exec(text.trim());
  if (!match) throw new InvalidInputError(scheduleTexts.badChatRef(text));
  return { platform: match[1]!, chatId: match[2]! };
}
