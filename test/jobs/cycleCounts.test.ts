import { expect, it } from 'vitest';
import { setPlan } from '../../src/services/cyclePlans.ts';
import { getStocktake } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { recordingReports, scheduler } from './support.ts';

describeEachDatabase('the cycle-count task', (get) => {
  it('starts the due items once across instances, daily at 01:05 UTC', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await setPlan(db, 'WH1', {});
    const reports = recordingReports();
    const [a, b] = [scheduler(db, reports.source, { instance: 'a' }), scheduler(db, reports.source, { instance: 'b' })];
    expect((await a!.tick(new Date('2026-11-26T01:04:00Z'))).cycleCounts).toBeUndefined();
    const at = new Date('2026-11-26T01:05:00Z');
    const [first, second] = await Promise.all([a!.tick(at), b!.tick(at)]);
    const runs = [first!.cycleCounts, second!.cycleCounts].filter((r) => r !== undefined);
    expect(runs).toHaveLength(1);
    // Never counted: every held item is due.
    expect(runs[0]).toMatchObject([{ warehouse: 'WH1', outcome: 'started', items: 4, stocktake: { bookLines: 4 } }]);
    const code = runs[0]![0]!.outcome === 'started' ? runs[0]![0]!.stocktake.code : '';
    expect((await getStocktake(db, code)).scope).toEqual({ skus: ['A-100', 'A-200', 'B-300', 'C-400'] });
    // The next day it is still open: nothing new.
    expect((await a!.tick(new Date('2026-11-27T01:05:00Z'))).cycleCounts).toEqual([{ warehouse: 'WH1', outcome: 'stocktake open' }]);
  });
});
