import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { settleOpenStocktakes } from '../../src/services/documents.ts';
import { bindChat } from '../../src/services/chats.ts';
import { getPlan, planView, setPlan, startDueCycleCount } from '../../src/services/cyclePlans.ts';
import { closeCounting, getStocktake } from '../../src/services/stocktakes.ts';
import { listVariances } from '../../src/services/variances.ts';
import { describeEachDatabase } from '../support/db.ts';
import { moveStock, shanghai } from '../support/fixtures.ts';
import { countedStocktake } from '../support/flow.ts';
import { fourStocktakes } from '../support/history.ts';

const DAY = 24 * 3600_000;

describeEachDatabase('cycle-count plans (周期盘点)', (get) => {
  it('knows each item’s last count and next due date, and starts and announces the due items', async () => {
    const { db } = get();
    // A full count where everything matches.
    const { st, people } = await countedStocktake(db, [
      ['A-100', 'R1', '100'],
      ['A-200', 'R2', '20'],
      ['B-300', 'R3', '50.5'],
      ['C-400', 'R4', '3'],
    ]);
    const closedAt = new Date(Date.now() - 40 * DAY);
    await closeCounting(db, st.code, { now: closedAt });
    await settleOpenStocktakes(db); // what the hourly run does: nothing left to review, so posted
    expect((await getStocktake(db, st.code)).status).toBe('posted');
    // Consumption makes C-400 class A (2 × 150) and A-100 class B; A-200 and B-300 stay C.
    await moveStock(db, [
      ['C-400', 'R4', '-2', 'issue', 'SO-1', shanghai(new Date(Date.now() - DAY))],
      ['A-100', 'R1', '-10', 'issue', 'SO-2', shanghai(new Date(Date.now() - DAY))],
    ]);

    expect(await getPlan(db, 'WH1')).toBeNull();
    await expect(setPlan(db, 'WH1', { A: '0' })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await setPlan(db, 'WH1', { B: 60 })).toEqual({ warehouse: 'WH1', days: { A: 30, B: 60, C: 365 } });

    const now = new Date();
    const view = await planView(db, 'WH1', now);
    const iso = (d: Date) => d.toISOString();
    expect(view.items).toEqual([
      { sku: 'C-400', abcClass: 'A', lastCounted: iso(closedAt), nextDue: iso(new Date(closedAt.getTime() + 30 * DAY)), due: true },
      { sku: 'A-100', abcClass: 'B', lastCounted: iso(closedAt), nextDue: iso(new Date(closedAt.getTime() + 60 * DAY)), due: false },
      { sku: 'A-200', abcClass: 'C', lastCounted: iso(closedAt), nextDue: iso(new Date(closedAt.getTime() + 365 * DAY)), due: false },
      { sku: 'B-300', abcClass: 'C', lastCounted: iso(closedAt), nextDue: iso(new Date(closedAt.getTime() + 365 * DAY)), due: false },
    ]);
    expect(view.due).toBe(1);
    expect(view.suggestions).toEqual([]);

    await bindChat(db, people.sam, { platform: 'web', chatId: 'team', warehouse: 'WH1', purpose: 'team', locale: 'en' });
    const run = await startDueCycleCount(db, 'WH1', now);
    expect(run).toMatchObject({ outcome: 'started', items: 1, stocktake: { bookLines: 1, scope: { skus: ['C-400'] } } });
    expect((await listVariances(db, run.outcome === 'started' ? run.stocktake.code : '')).map((l) => l.sku)).toEqual(['C-400']);
    const sent = await queryRows<{ payload: { view: { kind: string; card?: unknown } } }>(
      db,
      sql`select payload from outbox where chat_id = 'team' and kind = 'send' order by id`,
    );
    const announcement = JSON.stringify(sent.map((s) => s.payload.view));
    expect(announcement).toContain('The cycle-count plan of WH1 started');
    expect(announcement).toContain('Class A: C-400');
    expect(sent.some((s) => s.payload.view.kind === 'status')).toBe(true);
    // A second run while it is open starts nothing.
    expect(await startDueCycleCount(db, 'WH1', now)).toEqual({ warehouse: 'WH1', outcome: 'stocktake open' });
  });

  it('suggests counting more often the items with variances in two or more counts', async () => {
    const { db } = get();
    await fourStocktakes(db);
    const view = await planView(db, 'WH1', new Date('2026-11-30T00:00:00Z'));
    expect(view.suggestions.map((s) => [s.sku, s.withVariance, s.counts, s.currentDays, s.suggestedDays])).toEqual([
      ['A-100', 3, 4, 365, 182], // S1, S2, S3; S4 matched
    ]);
    // C-400 had variances in S2 and S4 too, but S4 posted its book to zero: the plan counts only what is held.
    expect(view.items.map((i) => i.sku)).toEqual(['A-100', 'A-200', 'B-300']);
    // Counted on 11-23 (S4's close of counting): a class C item is next due a year later.
    expect(view.items.find((i) => i.sku === 'A-200')).toMatchObject({ abcClass: 'C', lastCounted: '2026-11-23T02:00:00.000Z', due: false });
  });
});
