/**
 * Does autovacuum's work in every instance whose database has no autovacuum (src/services/statistics.ts):
 * vacuums the tables with many dead rows, then analyzes the ones whose statistics went stale. A pass when
 * the instance starts and one a minute after each, like autovacuum's own minute. (Every 15 s was tried: in
 * `npm run bench:writes` the vacuums of the audit log, rewritten by the sealer, and of the lines cost
 * Postgres more CPU an action than the dead index entries they cleared had.) Not a cron task: no slot
 * needs claiming; instances skip a table another is vacuuming, and the analyze's try-lock lets one
 * instance analyze while the others skip. A failed pass (database gone) is logged and the next one tries
 * again.
 */
import type { Db } from '../../db/client.ts';
import type { Logger } from '../core/log.ts';
import { maintainTables, needsOwnStatistics } from '../services/statistics.ts';
import { repeat, type Loop } from './loop.ts';

export const STATISTICS_INTERVAL_MS = 60_000;

export interface StatisticsKeeper extends Loop {
  /** One pass now (tests): the tables vacuumed and analyzed, or null when the database does it itself. */
  runOnce(): Promise<{ vacuumed: string[]; analyzed: string[] } | null>;
}

export function createStatisticsKeeper(options: {
  db: Db;
  kind: 'postgres' | 'pglite';
  log: Logger;
  intervalMs?: number;
}): StatisticsKeeper {
  const { db, kind, log } = options;
  let needed: boolean | null = null;
  const runOnce = async () => {
    needed ??= await needsOwnStatistics(db, kind);
    return needed ? maintainTables(db) : null;
  };
  const loop = repeat({
    pass: async () => {
      const done = await runOnce();
      if (done === null) {
        log('debug', 'planner statistics and dead rows are kept by autovacuum');
        return false; // nothing for this instance to do
      }
      if (done.vacuumed.length > 0) log('debug', 'dead rows vacuumed', { tables: done.vacuumed });
      if (done.analyzed.length > 0) log('debug', 'planner statistics refreshed', { tables: done.analyzed });
      return true;
    },
    failed: (error) => log('warn', 'refreshing the planner statistics failed; retrying', { error }),
    intervalMs: options.intervalMs ?? STATISTICS_INTERVAL_MS,
    firstAfterMs: 0,
  });
  return { ...loop, runOnce };
}
