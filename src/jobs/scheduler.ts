/**
 * The scheduler: node-cron fires two tasks in every instance, and the run coordinator (Postgres, table
 * job_run) lets one instance run each fire —
 *
 * - `stocktake:digests`, every minute: which (digest chat, report) slots are due — each chat's own cron in
 *   its own timezone (src/services/schedules.ts) — and sends each once: a slot is claimed in job_run, the
 *   report built, and the slot finished in the transaction that queues its card;
 * - `stocktake:reminders`, hourly: overdue variances and approval steps (src/jobs/reminders.ts);
 * - `stocktake:cycle-counts`, daily at 01:05 UTC: due cycle counts started and announced (src/jobs/cycleCounts.ts);
 * - `stocktake:retention`, hourly: old event ids, idempotency keys, buttons and outbox rows pruned
 *   (src/jobs/retention.ts).
 *
 * A slot is looked for over the last minutes, not only at its minute, so a fire lost to a busy or crashed
 * instance is taken up at the next minute by whoever runs it. At start, slots missed while every instance
 * was down are caught up within each report's window (dailyDigest.catchUpMs, weeklyReport.catchUpMs),
 * once; older ones are let go.
 *
 * `tick(now)` does what the tasks do at `now`, through the same coordinator: tests drive the scheduler
 * with it and an explicit clock instead of waiting for node-cron.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../core/log.ts';
import type { RetentionPolicy } from '../domain/retention.ts';
import type { PruneResult } from '../services/retention.ts';
import { listSchedules, type ScheduleJob } from '../services/schedules.ts';
import type { ReminderRun } from '../services/reminders.ts';
import { PgRunCoordinator, instanceName } from './coordinator.ts';
import { firesAt, floorMinute, latestFire } from './cron.ts';
import * as dailyDigest from './dailyDigest.ts';
import { digestSlotKey, type DigestOutcome, type JobDeps } from './digest.ts';
import * as reminders from './reminders.ts';
import * as retention from './retention.ts';
import * as cycleCounts from './cycleCounts.ts';
import type { PlanRun } from '../services/cyclePlans.ts';
import type { Report, ReportRequest, ReportSource } from './reports.ts';
import * as weeklyReport from './weeklyReport.ts';
import * as monthlyReport from './monthlyReport.ts';

export const DIGESTS_TASK = 'stocktake:digests';
export const REMINDERS_TASK = 'stocktake:reminders';
export const RETENTION_TASK = 'stocktake:retention';
export const CYCLE_COUNTS_TASK = 'stocktake:cycle-counts';
/** node-cron fires the digest task every minute; each tick asks which chats' slots are due. */
const DIGESTS_CRON = '* * * * *';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const JOBS = { daily: dailyDigest, weekly: weeklyReport, monthly: monthlyReport } as const;

export interface SchedulerOptions {
  db: Db;
  log: Logger;
  reports: ReportSource;
  onOutbox?: () => void;
  /** How long bookkeeping rows are kept (STOCKTAKE_RETENTION_*). Default: DEFAULT_RETENTION. */
  retention?: RetentionPolicy;
  /** This process in job_run.claimed_by. */
  instance?: string;
  clock?: () => Date;
  /** How long a claimed slot is this instance's before another may take it over (a crash mid-run). */
  leaseMs?: number;
  /** How far back each tick looks for a digest slot not yet sent. */
  lookbackMs?: number;
}

export interface SlotResult {
  job: ScheduleJob;
  chat: string;
  slot: string;
  /** taken: another instance has it (or it was sent); failed: released for a later tick. */
  outcome: DigestOutcome | 'taken' | 'failed';
  error?: string;
}

export interface TickResult {
  /** Null when another instance ran this minute's digest task. */
  digests: SlotResult[] | null;
  /** Null when the reminders did not fire at this minute or another instance ran them. */
  reminders: ReminderRun | null;
  /** Null when the retention task did not fire at this minute or another instance ran it. */
  retention: PruneResult | null;
  /** Null when the cycle-count task did not fire at this minute or another instance ran it. */
  cycleCounts?: PlanRun[] | null;
}

export interface Scheduler {
  readonly coordinator: PgRunCoordinator;
  /** What node-cron's tasks do at `now`, each fire claimed through the coordinator. */
  tick(now: Date): Promise<TickResult>;
  /** Slots missed while no instance ran: digests within their catch-up windows, this hour's reminders. */
  catchUp(now: Date): Promise<TickResult>;
  /** Catches up (in the background) and starts the node-cron tasks. */
  start(): void;
  /** Stops the tasks and waits for runs in progress. */
  stop(): Promise<void>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, log } = options;
  const clock = options.clock ?? (() => new Date());
  const leaseMs = options.leaseMs ?? 5 * MINUTE;
  const lookbackMs = options.lookbackMs ?? 10 * MINUTE;
  const coordinator = new PgRunCoordinator(db, options.instance ?? instanceName(), clock);
  const inFlight = new Set<Promise<unknown>>();
  let tasks: ScheduledTask[] = [];
  let catching: Promise<unknown> | null = null;

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };

  /** Each report once per (kind, warehouse, language) and run, however many chats share it. */
  function memoized(source: ReportSource): ReportSource {
    const built = new Map<string, Promise<Report>>();
    return (d, request: ReportRequest) => {
      const key = `${request.kind}|${request.warehouse}|${request.locale}|${request.now.toISOString()}`;
      if (!built.has(key)) built.set(key, source(d, request));
      return built.get(key)!;
    };
  }

  /** Sends every enabled digest slot whose latest fire in (now − window, now] is not sent yet. */
  async function runDueDigests(now: Date, windowOf: (job: ScheduleJob) => number): Promise<SlotResult[]> {
    const deps: JobDeps = {
      db,
      log,
      coordinator,
      reports: memoized(options.reports),
      ...(options.onOutbox ? { onOutbox: options.onOutbox } : {}),
    };
    const results: SlotResult[] = [];
    for (const s of await listSchedules(db)) {
      if (!s.enabled) continue;
      const chat = `${s.platform}:${s.chatId}`;
      // Never a slot from before the chat asked for this schedule (bound, or schedule changed).
      const after = new Date(Math.max(now.getTime() - windowOf(s.job), s.since.getTime() - 1));
      let at: Date | null;
      try {
        at = latestFire(s.cron, s.timezone, after, now);
      } catch (error) {
        log('warn', 'schedule cannot be read', { chat, job: s.job, cron: s.cron, timezone: s.timezone, error });
        continue;
      }
      if (!at) continue;
      const key = digestSlotKey(s.platform, s.chatId, at, s.timezone);
      if (!(await coordinator.claim(s.job, key, at, leaseMs, now))) {
        results.push({ job: s.job, chat, slot: key, outcome: 'taken' });
        continue;
      }
      try {
        const outcome = await JOBS[s.job].run(deps, { platform: s.platform, chatId: s.chatId, scheduledAt: at, key, now });
        results.push({ job: s.job, chat, slot: key, outcome });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await coordinator.release(s.job, key, `failed: ${message}`).catch(() => {});
        log('error', `${s.job} report failed`, { chat, slot: key, error });
        results.push({ job: s.job, chat, slot: key, outcome: 'failed', error: message });
      }
    }
    return results;
  }

  /** The digest task's work for one minute: due slots over the lookback; on the hour, old tick rows pruned. */
  async function digestsAt(slot: Date, now: Date): Promise<SlotResult[]> {
    const results = await runDueDigests(now, () => lookbackMs);
    if (slot.getUTCMinutes() === 0) {
      await coordinator.prune(DIGESTS_TASK, new Date(now.getTime() - 48 * HOUR));
      await coordinator.prune(REMINDERS_TASK, new Date(now.getTime() - 30 * 24 * HOUR));
      await coordinator.prune(RETENTION_TASK, new Date(now.getTime() - 30 * 24 * HOUR));
      await coordinator.prune(CYCLE_COUNTS_TASK, new Date(now.getTime() - 90 * 24 * HOUR));
    }
    return results;
  }

  function remindersAt(slot: Date, now: Date): Promise<ReminderRun> {
    return reminders.run(
      { db, log, coordinator, reports: options.reports, ...(options.onOutbox ? { onOutbox: options.onOutbox } : {}) },
      { scheduledAt: slot, now },
    );
  }

  function retentionAt(slot: Date, now: Date): Promise<PruneResult> {
    return retention.run({ db, log, ...(options.retention ? { policy: options.retention } : {}) }, { scheduledAt: slot, now });
  }

  function cycleCountsAt(slot: Date, now: Date): Promise<PlanRun[]> {
    return cycleCounts.run({ db, log, ...(options.onOutbox ? { onOutbox: options.onOutbox } : {}) }, { scheduledAt: slot, now });
  }

  /** One fire of a task, as node-cron runs a distributed one: claim the slot, run, mark it done. */
  async function fire<T>(task: string, slot: Date, now: Date, body: () => Promise<T>): Promise<T | null> {
    const iso = slot.toISOString();
    if (!(await coordinator.claim(task, iso, slot, leaseMs, now))) return null;
    try {
      return await body();
    } finally {
      await db
        .transaction((tx) => coordinator.finish(tx, task, iso, slot, 'done', now))
        .catch((error: unknown) => log('warn', 'could not finish a task slot', { task, slot: iso, error }));
    }
  }

  /** node-cron's handler for a task: errors are logged here (node-cron would only print them). */
  const handler = (task: string, body: (slot: Date, now: Date) => Promise<unknown>) => (ctx: { date: Date }) =>
    track(
      body(ctx.date, clock()).catch((error: unknown) =>
        log('error', 'scheduled task failed', { task, slot: ctx.date.toISOString(), error }),
      ),
    );

  const cronLogger = {
    info: (message: string) => log('debug', `node-cron: ${message}`),
    warn: (message: string) => log('warn', `node-cron: ${message}`),
    error: (message: string | Error, error?: Error) =>
      log('error', `node-cron: ${message instanceof Error ? message.message : message}`, { error: error ?? message }),
    debug: (message: string | Error) => log('debug', `node-cron: ${message instanceof Error ? message.message : message}`),
  };

  return {
    coordinator,

    async tick(now) {
      const minute = floorMinute(now);
      const digests = await track(fire(DIGESTS_TASK, minute, now, () => digestsAt(minute, now)));
      const due = firesAt(reminders.schedule, 'UTC', minute);
      const reminded = due ? await track(fire(REMINDERS_TASK, minute, now, () => remindersAt(minute, now))) : null;
      const pruning = firesAt(retention.schedule, 'UTC', minute);
      const pruned = pruning ? await track(fire(RETENTION_TASK, minute, now, () => retentionAt(minute, now))) : null;
      const planned = firesAt(cycleCounts.schedule, 'UTC', minute)
        ? await track(fire(CYCLE_COUNTS_TASK, minute, now, () => cycleCountsAt(minute, now)))
        : null;
      return { digests, reminders: reminded, retention: pruned, ...(planned ? { cycleCounts: planned } : {}) };
    },

    async catchUp(now) {
      const digests = await track(runDueDigests(now, (job) => JOBS[job].catchUpMs));
      const hour = latestFire(reminders.schedule, 'UTC', new Date(now.getTime() - HOUR), now);
      const reminded = hour ? await track(fire(REMINDERS_TASK, hour, now, () => remindersAt(hour, now))) : null;
      return { digests, reminders: reminded, retention: null };
    },

    start() {
      if (tasks.length > 0) return;
      catching = this.catchUp(clock()).catch((error: unknown) => log('error', 'catching up missed slots failed', { error }));
      const taskOptions = (name: string) => ({
        name,
        timezone: 'UTC',
        distributed: true,
        runCoordinator: coordinator,
        distributedLease: leaseMs,
        noOverlap: true,
        logger: cronLogger,
        // A fire delayed by a busy event loop (a report being built) still runs rather than counting as missed.
        missedExecutionTolerance: 30_000,
      });
      tasks = [
        cron.schedule(DIGESTS_CRON, handler(DIGESTS_TASK, digestsAt), taskOptions(DIGESTS_TASK)),
        cron.schedule(reminders.schedule, handler(REMINDERS_TASK, remindersAt), taskOptions(REMINDERS_TASK)),
        cron.schedule(retention.schedule, handler(RETENTION_TASK, retentionAt), taskOptions(RETENTION_TASK)),
        cron.schedule(cycleCounts.schedule, handler(CYCLE_COUNTS_TASK, cycleCountsAt), taskOptions(CYCLE_COUNTS_TASK)),
      ];
      log('info', 'scheduler started', { instance: coordinator.instance, tasks: tasks.map((t) => t.name) });
    },

    async stop() {
      for (const t of tasks) await t.destroy();
      tasks = [];
      await catching;
      await Promise.allSettled([...inFlight]);
    },
  };
}
