/**
 * Shared by the job tests: WH1 (Asia/Shanghai) and its people with a digest chat bound, a report source
 * that records what it was asked for, and the outbox rows a run queued.
 */
import { sql } from 'drizzle-orm';
import { PNG } from 'pngjs';
import { queryRows, type Db } from '../../db/client.ts';
import { card } from '../../cards/model.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { CommandContext } from '../../src/domain/people.ts';
import { bindChat, type ChatPurpose } from '../../src/services/chats.ts';
import { localMinute } from '../../src/domain/time.ts';
import { createScheduler, type SchedulerOptions } from '../../src/jobs/scheduler.ts';
import type { ReportRequest, ReportSource } from '../../src/jobs/reports.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';

/** Long before any fake clock of the tests: chats bound "then" own every slot the tests tick. */
export const LONG_AGO = '2026-01-01T00:00:00Z';

/** Seeds WH1 and the cast; binds `chats` (platform:chat → purpose) as sam, dated LONG_AGO. */
export async function seedChats(
  db: Db,
  chats: Record<string, ChatPurpose | ChatPurpose[]> = { 'web:digest': 'digest' },
): Promise<Awaited<ReturnType<typeof seedPeople>>> {
  await seedWarehouse(db);
  const people = await seedPeople(db);
  for (const [ref, purposes] of Object.entries(chats)) {
    const [platform, chatId] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
    for (const purpose of [purposes].flat())
      await bindChat(db, people.sam, { platform: platform!, chatId: chatId!, warehouse: 'WH1', purpose, locale: 'en' });
  }
  await db.execute(sql`update chat set bound_at = ${LONG_AGO}::timestamptz`);
  return people;
}

/** A 4×2 PNG, base64: enough for an image element the renderers and adapters handle as a chart. */
export function tinyPng(): string {
  const png = new PNG({ width: 4, height: 2 });
  png.data.fill(200);
  return PNG.sync.write(png).toString('base64');
}

/** A report source that records its requests; `fail` makes the next n calls throw. */
export function recordingReports(options: { empty?: boolean } = {}) {
  const requests: ReportRequest[] = [];
  let failures = 0;
  const source: ReportSource = async (_db, request) => {
    requests.push(request);
    if (failures > 0) {
      failures--;
      throw new Error('the digest query timed out');
    }
    const title = `${request.kind} report ${request.warehouse} ${request.now.toISOString()}`;
    return {
      empty: options.empty ?? false,
      card: card({
        header: { title },
        elements: [
          { type: 'markdown', text: `as of ${request.now.toISOString()}` },
          { type: 'image', alt: 'chart', png: tinyPng() },
        ],
      }),
      text: title,
      charts: [],
    };
  };
  return { source, requests, failNext: (n = 1) => (failures = n) };
}

export function scheduler(db: Db, reports: ReportSource, extra: Partial<SchedulerOptions> = {}) {
  return createScheduler({ db, log: silentLogger, reports, ...extra });
}

export interface QueuedCard {
  platform: string;
  chatId: string;
  title: string;
  card: { header: { title: string }; elements: { type: string; text?: string }[] };
}

/** The static cards queued in the outbox, oldest first. */
export async function queuedCards(db: Db): Promise<QueuedCard[]> {
  const rows = await queryRows<{ platform: string; chat_id: string; payload: { view: { kind: string; card: QueuedCard['card'] } } }>(
    db,
    sql`select platform, chat_id, payload from outbox where kind = 'send' order by id`,
  );
  return rows
    .filter((r) => r.payload.view.kind === 'static')
    .map((r) => ({ platform: r.platform, chatId: r.chat_id, title: r.payload.view.card.header.title, card: r.payload.view.card }));
}

export async function jobRuns(db: Db, job?: string) {
  return queryRows<{
    job: string;
    slot: string;
    claimed_by: string | null;
    finished_at: string | null;
    outcome: string | null;
    attempts: number;
  }>(
    db,
    sql`select job, slot, claimed_by, finished_at::text as finished_at, outcome, attempts from job_run ${job ? sql`where job = ${job}` : sql``} order by job, slot`,
  );
}

export type People = Record<string, CommandContext>;

/**
 * The first minute after `after` at which the wall clock in `timezone` shows hh:mm (and, when given, the
 * weekday: 1 Monday … 7 Sunday). Tests whose chats are bound "now" tick at such future times.
 */
export function nextLocal(after: Date, hh: number, mm: number, timezone = 'Asia/Shanghai', weekday?: number): Date {
  const want = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
  const dayOf = (d: Date) =>
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(
      new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short' }).format(d),
    ) + 1;
  let t = Math.ceil((after.getTime() + 1) / 60_000) * 60_000;
  for (let i = 0; i < 8 * 1440; i++, t += 60_000) {
    const d = new Date(t);
    if (localMinute(d, timezone).slice(11) === want && (weekday === undefined || dayOf(d) === weekday)) return d;
  }
  throw new Error(`no ${want} within 8 days`);
}
