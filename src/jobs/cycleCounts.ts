/**
 * Daily: for every warehouse with a cycle-count plan, starts the items that are due as a partial stocktake
 * and announces it in the team chats with what to count (src/services/cyclePlans.ts). Once per slot across
 * instances through the run coordinator like the other tasks; a second run the same day starts nothing
 * (the stocktake is open), and a warehouse with a stocktake open is tried again the next day.
 */
import { startDueCycleCount, plannedWarehouses, type PlanRun } from '../services/cyclePlans.ts';
import type { JobDeps } from './digest.ts';

/** Every day at 01:05 UTC (09:05 in China): after the morning digest, before the day's counting. */
export const schedule = '5 1 * * *';

export interface CycleCountSlot {
  scheduledAt: Date;
  /** The clock at the run. Default: scheduledAt. */
  now?: Date;
}

export async function run(deps: Pick<JobDeps, 'db' | 'log' | 'onOutbox'>, slot: CycleCountSlot): Promise<PlanRun[]> {
  const now = slot.now ?? slot.scheduledAt;
  const runs: PlanRun[] = [];
  for (const warehouse of await plannedWarehouses(deps.db)) {
    try {
      runs.push(await startDueCycleCount(deps.db, warehouse, now));
    } catch (error) {
      // One warehouse's failure (its book being imported) does not keep the others from their counts.
      deps.log('error', 'cycle count could not start', { warehouse, error });
    }
  }
  if (runs.some((r) => r.outcome === 'started')) deps.onOutbox?.();
  deps.log('info', 'cycle counts run', {
    slot: slot.scheduledAt.toISOString(),
    runs: runs.map((r) => ({
      warehouse: r.warehouse,
      outcome: r.outcome,
      ...(r.outcome === 'started' ? { stocktake: r.stocktake.code, items: r.items } : {}),
    })),
  });
  return runs;
}
