/**
 * Keeps the approval centres (src/services/approvalCentres.ts) in line with our approval steps: a pass
 * every `intervalMs` and one soon after each nudge (a decision anywhere, a submitted document). One pass at
 * a time across instances: the pass holds a lease in job_run through the run coordinator, so two instances
 * never push the same document at once; a nudge that finds the lease taken tries again shortly, so a
 * decision made on another instance is not left waiting for the next period. A failed push stays unsynced
 * and is tried again by the next pass.
 */
import type { Db } from '../../db/client.ts';
import type { Logger } from '../core/log.ts';
import { reconcileCentres, type ApprovalCentre, type ReconcileResult } from '../services/approvalCentres.ts';
import { PgRunCoordinator } from './coordinator.ts';

export const CENTRES_JOB = 'stocktake:approval-centres';
const LEASE_SLOT = 'lease';
const LEASE_EPOCH = new Date(0);

export interface CentreSync {
  start(): void;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
  /** Asks for a pass soon (after a decision): coalesced, retried while another instance holds the lease. */
  nudge(): void;
  /** One pass now, if this instance gets the lease (null when another instance holds it). */
  runOnce(now?: Date): Promise<ReconcileResult | null>;
  /** Resolves when no pass is running or asked for (tests). */
  idle(): Promise<void>;
}

export interface CentreSyncOptions {
  db: Db;
  log: Logger;
  centres: readonly ApprovalCentre[];
  /** Period of the background pass (default a minute). */
  intervalMs?: number;
  /** How soon a nudge that found the lease taken tries again. */
  retryMs?: number;
  /** How long one pass may hold the lease before another instance may take over (a crashed instance). */
  leaseMs?: number;
  instance?: string;
}

export function createCentreSync(options: CentreSyncOptions): CentreSync {
  const { db, log, centres } = options;
  const intervalMs = options.intervalMs ?? 60_000;
  const retryMs = options.retryMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 120_000;
  const coordinator = new PgRunCoordinator(db, ...(options.instance ? [options.instance] : []));
  const prepared = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let retry: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let wanted = false;
  let stopped = true;

  async function prepare() {
    for (const c of centres) {
      if (!c.prepare || prepared.has(c.platform)) continue;
      await c.prepare();
      prepared.add(c.platform);
      log('info', 'approval centre ready', { platform: c.platform });
    }
  }

  async function runOnce(now = new Date()): Promise<ReconcileResult | null> {
    if (centres.length === 0) return null;
    if (!(await coordinator.claim(CENTRES_JOB, LEASE_SLOT, LEASE_EPOCH, leaseMs, now))) return null;
    try {
      await prepare();
      const result = await reconcileCentres(db, centres, now);
      for (const f of result.failed) log('warn', 'approval centre push failed; retried next pass', f);
      if (result.created || result.moved || result.pushed)
        log('debug', 'approval centres synced', { created: result.created, moved: result.moved, pushed: result.pushed });
      return result;
    } finally {
      await coordinator.release(CENTRES_JOB, LEASE_SLOT, 'done').catch(() => {});
    }
  }

  /** Runs passes while one is wanted; a pass that could not get the lease is tried again after retryMs. */
  function pump() {
    if (running) return;
    running = (async () => {
      while (wanted) {
        wanted = false;
        let got: ReconcileResult | null = null;
        try {
          got = await runOnce();
        } catch (error) {
          log('warn', 'approval centre pass failed; retrying', { error });
        }
        if (got === null && centres.length > 0 && !stopped) {
          retry ??= setTimeout(() => {
            retry = null;
            wanted = true;
            pump();
          }, retryMs);
          break;
        }
      }
    })().finally(() => {
      running = null;
      if (wanted) pump();
    });
  }

  function tick() {
    wanted = true;
    pump();
    if (!stopped) timer = setTimeout(tick, intervalMs);
  }

  return {
    start() {
      if (!stopped || centres.length === 0) return;
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      timer = retry = null;
      wanted = false;
      await running;
    },
    nudge() {
      if (centres.length === 0) return;
      wanted = true;
      pump();
    },
    runOnce,
    async idle() {
      while (running || wanted || retry) await (running ?? new Promise((r) => setTimeout(r, 20)));
    },
  };
}
