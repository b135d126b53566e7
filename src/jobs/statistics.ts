/**
 * Keeps the planner's statistics in every instance whose database has no autovacuum to keep them
 * (src/services/statistics.ts): a pass when the instance starts and one a minute after each, like
 * autovacuum's own minute. Not a cron task: no slot needs claiming, the pass's try-lock lets one instance
 * analyze while the others skip. A failed pass (database gone) is logged and the next one tries again.
 */
import type { Db } from '../../db/client.ts';
import type { Logger } from '../core/log.ts';
import { needsOwnStatistics, refreshStatistics } from '../services/statistics.ts';

export const STATISTICS_INTERVAL_MS = 60_000;

export interface StatisticsKeeper {
  start(): void;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
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
  const interval = options.intervalMs ?? STATISTICS_INTERVAL_MS;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  let needed: boolean | null = null;

  const runOnce = async () => {
    needed ??= await needsOwnStatistics(db, kind);
    return needed ? refreshStatistics(db) : null;
  };

  const loop = () => {
    running = runOnce()
      .then((analyzed) => {
        if (analyzed === null) {
          stopped = true; // autovacuum keeps them: nothing for this instance to do
          log('debug', 'planner statistics are kept by autovacuum');
        } else if (analyzed.length > 0) log('debug', 'planner statistics refreshed', { tables: analyzed });
      })
      .catch((error: unknown) => log('warn', 'refreshing the planner statistics failed; retrying', { error }))
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(loop, interval);
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
    runOnce,
  };
}
