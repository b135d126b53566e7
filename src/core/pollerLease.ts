/**
 * One poller per bot among all instances (table poller_lease), for platforms that allow a single receiver
 * per credential (Telegram's getUpdates answers a second poller 409). The holder renews its lease every
 * few seconds; the others look every few seconds and take the row over once the lease has run out, so
 * when the poller dies (or loses the database) another instance polls within about `ttlMs` plus one look.
 * Like the cron slots (src/jobs/coordinator.ts), a claim is one conditional upsert: of instances asking at
 * once exactly one gets the lease. Times are the database's, so clocks of instances need not agree.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { instanceName } from './instance.ts';
import type { Logger } from './log.ts';

/** The lease's name for a bot: the platform and a hash of its credential (never the credential itself). */
export function pollerLeaseName(platform: string, credential: string): string {
  return `${platform}:${createHash('sha256').update(credential).digest('hex').slice(0, 32)}`;
}

export interface PollerHolder {
  holder: string;
  leaseUntil: string;
  /** False when the lease has run out (the holder stopped renewing). */
  live: boolean;
}

export class PollerLease {
  constructor(
    private readonly db: DbOrTx,
    readonly name: string,
    readonly instance: string = instanceName(),
    readonly ttlMs = 20_000,
  ) {}

  /** Takes the lease when nobody holds a live one (or renews ours); true when this instance holds it. */
  async acquire(): Promise<boolean> {
    const ttl = `${this.ttlMs} milliseconds`;
    const rows = await queryRows(
      this.db,
      sql`insert into poller_lease (name, holder, lease_until, acquired_at, renewed_at)
          values (${this.name}, ${this.instance}, now() + ${ttl}::interval, now(), now())
          on conflict (name) do update set
            holder = excluded.holder, lease_until = excluded.lease_until, renewed_at = excluded.renewed_at,
            acquired_at = case when poller_lease.holder = excluded.holder then poller_lease.acquired_at else excluded.acquired_at end
          where poller_lease.holder = excluded.holder or poller_lease.lease_until < now()
          returning 1 as one`,
    );
    return rows.length === 1;
  }

  /** Gives the lease up at once (a clean stop), so another instance need not wait for it to run out. */
  async release(): Promise<void> {
    await this.db.execute(
      sql`update poller_lease set lease_until = now() - interval '1 millisecond' where name = ${this.name} and holder = ${this.instance}`,
    );
  }

  /** Who polls now, or null when nobody ever did. */
  async holder(): Promise<PollerHolder | null> {
    const [row] = await queryRows<{ holder: string; lease_until: string; live: boolean }>(
      this.db,
      sql`select holder, to_char(lease_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as lease_until, lease_until >= now() as live
          from poller_lease where name = ${this.name}`,
    );
    return row ? { holder: row.holder, leaseUntil: row.lease_until, live: row.live } : null;
  }
}

export interface PollerElectionOptions {
  lease: PollerLease;
  /** Starts receiving; resolves once it runs. Rejects when it could not start (tried again at the next look). */
  begin(): Promise<void>;
  /** Stops receiving (lost the lease, or stopping). */
  end(): Promise<void>;
  log: Logger;
  /** How often the holder renews and the others look. Default a quarter of the lease's ttl. */
  everyMs?: number;
}

export interface PollerElection {
  /** True while this instance holds the lease and receives. */
  readonly polling: boolean;
  /** The lease as last seen by a look that did not get it (who polls instead), for health checks. */
  readonly seen: PollerHolder | null;
  /** The receiver stopped on its own (409, network): give the lease up so that someone polls again soon. */
  lost(): void;
  stop(): Promise<void>;
}

/**
 * Runs the election: looks at once, then every `everyMs`. While holding the lease it renews it; when a
 * renewal fails, or the lease would run out before the next renewal could land (the database is away),
 * it stops receiving first, so two instances never poll past a lease's end.
 */
export function runPollerElection(options: PollerElectionOptions): PollerElection {
  const { lease, log } = options;
  const everyMs = options.everyMs ?? Math.max(1000, Math.floor(lease.ttlMs / 4));
  let polling = false;
  let seen: PollerHolder | null = null;
  let stopped = false;
  let validUntil = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  async function endPolling(reason: string) {
    if (!polling) return;
    polling = false;
    log('info', 'poller: stopped receiving', { lease: lease.name, instance: lease.instance, reason });
    await options.end().catch((error: unknown) => log('warn', 'poller: stopping the receiver failed', { error }));
  }

  async function look() {
    const askedAt = Date.now();
    let held: boolean;
    try {
      held = await lease.acquire();
    } catch (error) {
      log('warn', 'poller: could not reach the lease', { lease: lease.name, error });
      // Without the database we cannot tell whether another instance took over: stop before our lease ends.
      if (polling && Date.now() + everyMs >= validUntil) await endPolling('lease could not be renewed');
      return;
    }
    if (held) validUntil = askedAt + lease.ttlMs;
    if (!held) {
      await endPolling('another instance holds the lease');
      seen = await lease.holder().catch(() => null);
      return;
    }
    seen = null;
    if (polling || stopped) return;
    try {
      await options.begin();
      polling = true;
      log('info', 'poller: this instance receives updates', { lease: lease.name, instance: lease.instance });
    } catch (error) {
      log('warn', 'poller: could not start receiving; trying again', { lease: lease.name, error });
      await lease.release().catch(() => {});
    }
  }

  function schedule(ms: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = look().finally(() => schedule(everyMs));
    }, ms);
  }
  schedule(0);

  return {
    get polling() {
      return polling;
    },
    get seen() {
      return seen;
    },
    lost() {
      if (!polling) return;
      polling = false;
      log('warn', 'poller: receiving stopped on its own; the lease is given up', { lease: lease.name, instance: lease.instance });
      // Given up, not kept: an instance whose polling keeps failing lets another one try.
      void lease.release().catch(() => {});
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await endPolling('stopping');
      await lease.release().catch(() => {});
    },
  };
}
