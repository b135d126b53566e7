/**
 * The run coordinator every instance shares through Postgres (table job_run): node-cron 4 asks it, for a
 * `distributed` task, whether this instance should run a fire (`shouldRun(key, ttlMs)`, the key being
 * `<task name>:<slot as ISO>`), and the scheduler asks it the same for each digest chat's slot.
 *
 * A claim is `insert … on conflict do update … where` the slot is unfinished and its lease has run out,
 * so of any number of instances asking at once exactly one gets the slot, and an instance that died
 * holding one loses it when its lease ends. Finishing is separate and conditional (`finished_at is null`)
 * and happens in the transaction that queues the run's messages: a finished slot is never sent again even
 * if two instances both ended up running it (a lease outlived by a slow run).
 */
import { sql } from 'drizzle-orm';
import type { RunCoordinator } from 'node-cron';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { instanceName } from '../core/instance.ts';

/** Identifies this process in job_run.claimed_by (one home: src/core/instance.ts). */
export { instanceName };

/** node-cron's coordination key: `${name}:${slot.toISOString()}`. */
const KEY = /^(.+):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/;

export class PgRunCoordinator implements RunCoordinator {
  constructor(
    private readonly db: DbOrTx,
    readonly instance: string = instanceName(),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** node-cron's question for a distributed task's fire: claims job = task name, slot = the fire's ISO time. */
  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    const { job, slot, scheduledAt } = parseKey(key);
    return this.claim(job, slot, scheduledAt, ttlMs);
  }

  /** node-cron's "the run is over": a task's slot is finished whatever its handler did (it logs its own failures). */
  async onComplete(key: string): Promise<void> {
    const { job, slot, scheduledAt } = parseKey(key);
    await this.finish(this.db, job, slot, scheduledAt, 'done');
  }

  /**
   * Claims a slot for `ttlMs`: true for exactly one caller while the slot is unfinished and nobody's lease
   * on it is running. `now` is the caller's clock (the scheduler passes its own, tests a fake one).
   */
  async claim(job: string, slot: string, scheduledAt: Date, ttlMs: number, now: Date = this.clock()): Promise<boolean> {
    const until = new Date(now.getTime() + ttlMs);
    const rows = await queryRows(
      this.db,
      sql`insert into job_run (job, slot, scheduled_at, claimed_by, claimed_at, lease_until, attempts)
          values (${job}, ${slot}, ${scheduledAt.toISOString()}::timestamptz, ${this.instance}, ${now.toISOString()}::timestamptz, ${until.toISOString()}::timestamptz, 1)
          on conflict (job, slot) do update set
            claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until, attempts = job_run.attempts + 1
          where job_run.finished_at is null and (job_run.lease_until is null or job_run.lease_until <= excluded.claimed_at)
          returning 1 as one`,
    );
    return rows.length === 1;
  }

  /**
   * Marks a slot finished, inside the caller's transaction (the one writing the outbox rows): true when this
   * call finished it, false when it already was — then the caller must roll back what it was about to send.
   * Works without a prior claim (a manual `stocktake report`).
   */
  async finish(tx: DbOrTx, job: string, slot: string, scheduledAt: Date, outcome: string, now: Date = this.clock()): Promise<boolean> {
    const rows = await queryRows(
      tx,
      sql`insert into job_run (job, slot, scheduled_at, claimed_by, claimed_at, attempts, finished_at, outcome)
          values (${job}, ${slot}, ${scheduledAt.toISOString()}::timestamptz, ${this.instance}, ${now.toISOString()}::timestamptz, 1, ${now.toISOString()}::timestamptz, ${outcome})
          on conflict (job, slot) do update set finished_at = excluded.finished_at, outcome = excluded.outcome, claimed_by = excluded.claimed_by
          where job_run.finished_at is null
          returning 1 as one`,
    );
    return rows.length === 1;
  }

  /** Gives a slot back after a failed attempt, so that another tick (or instance) may try it again. */
  async release(job: string, slot: string, reason: string): Promise<void> {
    await this.db.execute(sql`update job_run set lease_until = null, outcome = ${reason.slice(0, 500)}
                              where job = ${job} and slot = ${slot} and claimed_by = ${this.instance} and finished_at is null`);
  }

  /** Forgets finished runs of node-cron's own ticks older than `before` (one row a minute adds up). */
  async prune(job: string, before: Date): Promise<void> {
    await this.db.execute(
      sql`delete from job_run where job = ${job} and scheduled_at < ${before.toISOString()}::timestamptz and finished_at is not null`,
    );
  }
}

function parseKey(key: string): { job: string; slot: string; scheduledAt: Date } {
  const match = KEY.exec(key);
  if (!match) throw new Error(`not a node-cron coordination key: ${key}`);
  return { job: match[1]!, slot: match[2]!, scheduledAt: new Date(match[2]!) };
}
