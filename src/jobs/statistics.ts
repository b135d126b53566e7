/**
 * Keeps the planner's statistics in every instance whose database has no autovacuum to keep them
 * (src/services/statistics.ts): a pass when the instance starts and one a minute after each, like
 * autovacuum's own minute. Not a cron task: no slot needs claiming, the pass's try-lock lets one instance
 * analyze while the others skip. A failed pass (database gone) is logged and the next one tries again.
 */
import type { Db } from '../../db/client.ts';
import type { Logger } from '../core/log.ts';
import { needsOwnStatistics, refreshStatistics } from '../services/statistics.ts';
import { repeat, type Loop } from './loop.ts';

export const STATISTICS_INTERVAL_MS = 60_000;

export interface StatisticsKeeper extends Loop {
  /** One pass now (tests): the tables analyzed, or null when the database keeps its own statistics. */
  runOnce(): Promise<string[] | null>;
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
    return needed ? refreshStatistics(db) : null;
  };
  const loop = repeat({
    pass: async () => {
      const analyzed = await runOnce();
      if (analyzed === null) {
        log('debug', 'planner statistics are kept by autovacuum');
        return false; // nothing for this instance to do
      }
      if (analyzed.length > 0) log('debug', 'planner statistics refreshed', { tables: analyzed });
      return true;
    },
    failed: (error) => log('warn', 'refreshing the planner statistics failed; retrying', { error }),
    intervalMs: options.intervalMs ?? STATISTICS_INTERVAL_MS,
    firstAfterMs: 0,
  });
  return { ...loop, runOnce };
}
