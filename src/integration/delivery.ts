/**
 * Delivers integration events to their targets (webhook subscriptions, ERP connectors), shared by every
 * instance on the database, like the outbox sender (src/core/sender.ts):
 * - A claim takes due deliveries (FOR UPDATE SKIP LOCKED, then a lease in claimed_until) whose subject
 *   has no earlier unfinished delivery (pending, sending or failed) to the same target: each target sees
 *   a document's events in order (created before posted), and a failed one holds the later ones back
 *   until it is retried, instead of letting `posted` arrive at a receiver that never saw `created`.
 * - A lost lease (a crash mid-send) is taken over once it expires; the finishing update is conditional
 *   on the lease the worker claimed with, so a worker that overran its lease cannot overwrite another's
 *   result.
 * - A failure waits with exponential backoff and jitter (1 min doubling to 1 h by default) and after
 *   `maxAttempts` is `failed` until `retryDelivery` puts it back. A non-retryable failure fails at once.
 * Targets are handlers registered by kind (`registerDeliveryTarget`); an unregistered kind fails the
 * attempt with a message saying so, never a silent drop.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import type { Logger } from '../core/log.ts';
import type { IntegrationEventType } from './payload.ts';

export type DeliveryTargetKind = 'webhook' | 'erp';
export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/** What a handler is given: the event as written (payload: the IntegrationEnvelope) and the target's id. */
export interface DeliveryContext {
  db: Db;
  event: { seq: string; id: string; type: IntegrationEventType; subject: string; warehouseId: string; payload: unknown };
  /** The webhook_subscription id or the erp_connector id. */
  targetId: string;
}

/** Sends one event to one target; resolves when the target accepted it (externalRef: e.g. the ERP's number). */
export type DeliveryHandler = (ctx: DeliveryContext) => Promise<{ externalRef?: string }>;

/**
 * A target refused or could not be reached. `retryable: false` fails the delivery at once (a refusal no
 * retry fixes); `retryAfterMs` asks for a later next attempt than the backoff (a Retry-After header).
 * The message is stored as last_error and shown to operators: it must never hold a secret.
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

const handlers = new Map<DeliveryTargetKind, DeliveryHandler>();

/**
 * Registers the handler of a target kind (the last registration wins, so tests may swap one in).
 *
 * @example registerDeliveryTarget('erp', async ({ db, event, targetId }) => ({ externalRef: 'PY00012' }));
 */
export function registerDeliveryTarget(target: DeliveryTargetKind, handler: DeliveryHandler): void {
  handlers.set(target, handler);
}

/** The registered handler of a kind, if any (for tests and health). */
export function deliveryHandler(target: DeliveryTargetKind): DeliveryHandler | undefined {
  return handlers.get(target);
}

export interface DeliveryWorkerDeps {
  db: Db;
  log: Logger;
  /** How long a claimed delivery is ours before another instance may take it over (default 2 min). */
  leaseMs?: number;
  /** Attempts after which a delivery is failed (default 12: about 7 hours with the default backoff). */
  maxAttempts?: number;
  /** Deliveries this instance sends at once (default 8). */
  batchSize?: number;
  /** Wait before the next attempt after `attempts` failed ones (default: 1 min doubling to 1 h, ±20 % jitter). */
  backoffMs?: (attempts: number) => number;
}

export interface DeliveryWorker {
  /** Sends what is due now; resolves with the number of attempts made. */
  drainOnce(): Promise<number>;
  /** Drains until nothing is due or `timeoutMs` passes (tests, shutdown). */
  drainUntilIdle(timeoutMs?: number): Promise<void>;
  /** Starts delivering in the background, looking every `pollMs` (default 2 s); `kick()` looks at once. */
  start(pollMs?: number): void;
  kick(): void;
  stop(): Promise<void>;
}

/** 1 min, 2, 4, … capped at 1 h, each ±20 % so that a receiver's outage does not bring every retry back at once. */
export function defaultBackoffMs(attempts: number): number {
  const base = Math.min(3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

interface ClaimedRow {
  id: string;
  target: DeliveryTargetKind;
  target_id: string;
  attempts: number;
  claimed_until: string;
  seq: string;
  event_id: string;
  type: IntegrationEventType;
  subject: string;
  warehouse_id: string;
  payload: unknown;
}

const interval = (ms: number) => `${Math.max(0, Math.ceil(ms))} milliseconds`;
/** What is stored as last_error: one line, bounded. */
const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 1000) || 'failed without a message';

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { db, log } = deps;
  const leaseMs = deps.leaseMs ?? 120_000;
  const maxAttempts = deps.maxAttempts ?? 12;
  const batchSize = deps.batchSize ?? 8;
  const backoff = deps.backoffMs ?? defaultBackoffMs;

  async function claim(limit: number): Promise<ClaimedRow[]> {
    return db.transaction(async (tx) => {
      // The status test is re-checked on the locked row; the not-exists sees an earlier delivery that is
      // still pending, sending or failed (in this statement's snapshot), so the later one waits for it.
      const rows = await queryRows<{ id: string }>(
        tx,
        sql`select d.id::text as id from integration_delivery d
            where ((d.status = 'pending' and d.next_attempt_at <= now()) or (d.status = 'sending' and d.claimed_until < now()))
              and not exists (select 1 from integration_delivery e
                where e.target = d.target and e.target_id = d.target_id and e.subject = d.subject and e.id < d.id
                  and e.status in ('pending', 'sending', 'failed'))
            order by d.id limit ${limit}
            for update of d skip locked`,
      );
      if (rows.length === 0) return [];
      return queryRows<ClaimedRow>(
        tx,
        sql`update integration_delivery d set status = 'sending', claimed_until = clock_timestamp() + ${interval(leaseMs)}::interval
            from integration_event ev
            where ev.seq = d.event_seq and d.id in (${sql.join(
              rows.map((r) => sql`${r.id}::bigint`),
              sql`, `,
            )})
            returning d.id::text as id, d.target::text as target, d.target_id::text as target_id, d.attempts, d.claimed_until::text as claimed_until,
              ev.seq::text as seq, ev.id as event_id, ev.type, ev.subject, ev.warehouse_id::text as warehouse_id, ev.payload`,
      );
    });
  }

  async function attempt(row: ClaimedRow): Promise<void> {
    const handler = handlers.get(row.target);
    const attempts = Number(row.attempts) + 1;
    const mine = sql`id = ${row.id}::bigint and status = 'sending' and claimed_until = ${row.claimed_until}::timestamptz`;
    try {
      if (!handler)
        throw new DeliveryError(`no delivery handler is registered for target "${row.target}" in this process`, { retryable: true });
      const result = await handler({
        db,
        event: {
          seq: row.seq,
          id: row.event_id,
          type: row.type,
          subject: row.subject,
          warehouseId: row.warehouse_id,
          payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
        },
        targetId: row.target_id,
      });
      await db.execute(
        sql`update integration_delivery set status = 'delivered', attempts = ${attempts}, delivered_at = now(), claimed_until = null,
              last_error = null, external_ref = ${result?.externalRef ?? null}
            where ${mine}`,
      );
    } catch (error) {
      const retryable = error instanceof DeliveryError ? error.retryable : true;
      const message = errorText(error);
      if (!retryable || attempts >= maxAttempts) {
        await db.execute(
          sql`update integration_delivery set status = 'failed', attempts = ${attempts}, claimed_until = null, last_error = ${message} where ${mine}`,
        );
        log('warn', 'integration delivery failed', { delivery: row.id, target: row.target, event: row.event_id, attempts, error: message });
        return;
      }
      const wait = Math.max(backoff(attempts), error instanceof DeliveryError && error.retryAfterMs !== null ? error.retryAfterMs : 0);
      await db.execute(
        sql`update integration_delivery set status = 'pending', attempts = ${attempts}, claimed_until = null, last_error = ${message},
              next_attempt_at = now() + ${interval(wait)}::interval
            where ${mine}`,
      );
      log('info', 'integration delivery will be retried', {
        delivery: row.id,
        target: row.target,
        attempts,
        retryInMs: wait,
        error: message,
      });
    }
  }

  async function drainOnce(): Promise<number> {
    const rows = await claim(batchSize);
    await Promise.all(rows.map(attempt));
    return rows.length;
  }

  /** Milliseconds until some delivery may be claimed (null: nothing left but deliveries held back by a failed one). */
  async function nextDueMs(): Promise<number | null> {
    const [row] = await queryRows<{ ms: string | null }>(
      db,
      sql`select (extract(epoch from min(case when d.status = 'sending' then d.claimed_until else d.next_attempt_at end) - now()) * 1000)::float8::text as ms
          from integration_delivery d where d.status in ('pending', 'sending')
            and not exists (select 1 from integration_delivery e
              where e.target = d.target and e.target_id = d.target_id and e.subject = d.subject and e.id < d.id and e.status = 'failed')`,
    );
    if (row?.ms === null || row?.ms === undefined) return null;
    return Math.max(0, Math.ceil(Number(row.ms)));
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let again = false;
  let pollEvery = 2000;

  async function loop(): Promise<void> {
    do {
      again = false;
      try {
        while (!stopped && (await drainOnce()) > 0) {}
      } catch (error) {
        log('error', 'integration delivery loop failed; trying again', { error });
      }
    } while (again && !stopped);
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      kick();
    }, pollEvery);
    timer.unref?.();
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    running = loop().finally(() => {
      running = null;
      schedule();
    });
  }

  return {
    drainOnce,
    async drainUntilIdle(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const done = await drainOnce();
        if (done > 0) continue;
        const due = await nextDueMs();
        if (due === null || due > until - Date.now()) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(due + 5, 1000)));
      }
    },
    start(pollMs = 2000) {
      pollEvery = pollMs;
      stopped = false;
      kick();
    },
    kick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

/**
 * Puts failed deliveries back to pending, due now, with a fresh count of attempts (ids as listed by
 * `stocktake webhooks deliveries` / GET /api/v1/webhooks/deliveries). Returns the ids put back; a
 * delivery that is not failed is left as it is.
 */
export async function retryDeliveries(db: DbOrTx, ids: readonly string[]): Promise<string[]> {
  const wanted = ids.filter((id) => /^\d{1,18}$/.test(id));
  if (wanted.length === 0) return [];
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update integration_delivery set status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = null
        where status = 'failed' and id in (${sql.join(
          wanted.map((id) => sql`${id}::bigint`),
          sql`, `,
        )})
        returning id::text as id`,
  );
  return rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
}

/** One failed delivery back to pending (see retryDeliveries); true when it was failed. */
export async function retryDelivery(db: DbOrTx, id: string): Promise<boolean> {
  return (await retryDeliveries(db, [id])).length === 1;
}
