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
import { csv, ITEMS, moveStock, shanghai } from '../support/fixtures.ts';
import { countedStocktake, seedPeople } from '../support/flow.ts';
import { importBook } from '../../src/services/book.ts';
import { importCounts } from '../../src/services/counts.ts';
import { importItems } from '../../src/services/items.ts';
import { startStocktake } from '../../src/services/stocktakes.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { parseScope } from '../../src/domain/scope.ts';
import type { Db } from '../../db/client.ts';
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
    expect(await setPlan(db, 'WH1', { B: 60 })).toEqual({ warehouse: 'WH1', days: { A: 30, B: 60, C: 365 }, locations: [] });

    const now = new Date();
    const view = await planView(db, 'WH1', now);
    const iso = (d: Date) => d.toISOString();
    const item = (sku: string, abcClass: string, days: number, due: boolean) => ({
      sku,
      abcClass,
      lastCounted: iso(closedAt),
      nextDue: iso(new Date(closedAt.getTime() + days * DAY)),
      due,
      dueBy: due ? ['class'] : [],
      location: null,
    });
    expect(view.items).toEqual([
      item('C-400', 'A', 30, true),
      item('A-100', 'B', 60, false),
      item('A-200', 'C', 365, false),
      item('B-300', 'C', 365, false),
    ]);
    expect(view.due).toBe(1);
    expect(view.rules).toEqual([
      { kind: 'class', rule: 'A', days: 30, items: 1, due: 1 },
      { kind: 'class', rule: 'B', days: 60, items: 1, due: 0 },
      { kind: 'class', rule: 'C', days: 365, items: 2, due: 0 },
    ]);
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

  it('adds location rules: an item is due by its class or by a rule covering a location where it is held', async () => {
    const { db } = get();
    const now = new Date('2026-12-01T00:00:00.000Z');
    const t0 = new Date(now.getTime() - 40 * DAY); // a full count, everything matching
    const t1 = new Date(now.getTime() - 20 * DAY); // a partial count of zone A-01, everything matching
    const people = await zonedWarehouse(db);
    await countAndPost(db, t0, null, BOOK);
    await countAndPost(
      db,
      t1,
      ['A-01*'],
      BOOK.filter(([, location]) => location.startsWith('A-01')),
    );

    await expect(setPlan(db, 'WH1', { locations: [{ location: 'A*1', days: 14 }] }, null, now)).rejects.toThrow(
      'location "A*1" is not valid',
    );
    await expect(setPlan(db, 'WH1', { locations: [{ location: 'A-01*', days: '0' }] }, null, now)).rejects.toThrow(
      'days for location A-01* "0" is not valid',
    );
    const plan = await setPlan(
      db,
      'WH1',
      {
        locations: [
          { location: 'A-01*', days: 14 },
          { location: 'B-*', days: '30' },
          { location: 'A-02-1', days: 60 },
        ],
      },
      null,
      now,
    );
    expect(plan).toEqual({
      warehouse: 'WH1',
      days: { A: 30, B: 90, C: 365 },
      locations: [
        { location: 'A-01*', days: 14 },
        { location: 'A-02-1', days: 60 },
        { location: 'B-*', days: 30 },
      ],
    });
    // One mistake and nothing changes: the class days stay, the rule stays.
    await expect(setPlan(db, 'WH1', { A: 10, removeLocations: ['Z-*'] }, null, now)).rejects.toThrow(
      'the cycle-count plan of WH1 has no rule for location Z-*: nothing was changed',
    );
    await expect(setPlan(db, 'WH1', { locations: [{ location: 'B-*', days: 7 }], removeLocations: ['B-*'] }, null, now)).rejects.toThrow(
      'location B-* is both set and removed',
    );
    expect(await getPlan(db, 'WH1')).toEqual(plan);

    // No movements: every item is class C (365 days), none due by its class.
    const view = await planView(db, 'WH1', now);
    const at = (base: Date, days: number) => new Date(base.getTime() + days * DAY).toISOString();
    const rule = (location: string, days: number, last: Date, due: boolean) => ({
      rule: location,
      days,
      lastCounted: last.toISOString(),
      nextDue: at(last, days),
      due,
    });
    expect(view.items).toEqual([
      // At A-01-1 counted 20 days ago (A-01* due 6 days ago), at B-01-1 40 days ago (B-* due 10 days ago): B-* first.
      {
        sku: 'A-100',
        abcClass: 'C',
        lastCounted: t1.toISOString(),
        nextDue: at(t0, 30),
        due: true,
        dueBy: ['location'],
        location: rule('B-*', 30, t0, true),
      },
      {
        sku: 'A-200',
        abcClass: 'C',
        lastCounted: t1.toISOString(),
        nextDue: at(t1, 14),
        due: true,
        dueBy: ['location'],
        location: rule('A-01*', 14, t1, true),
      },
      // A-02-1 is not in zone A-01: its own rule, due in 20 days.
      {
        sku: 'B-300',
        abcClass: 'C',
        lastCounted: t0.toISOString(),
        nextDue: at(t0, 60),
        due: false,
        dueBy: [],
        location: rule('A-02-1', 60, t0, false),
      },
      {
        sku: 'C-400',
        abcClass: 'C',
        lastCounted: t0.toISOString(),
        nextDue: at(t0, 30),
        due: true,
        dueBy: ['location'],
        location: rule('B-*', 30, t0, true),
      },
    ]);
    expect(view.due).toBe(3);
    expect(view.rules).toEqual([
      { kind: 'class', rule: 'A', days: 30, items: 0, due: 0 },
      { kind: 'class', rule: 'B', days: 90, items: 0, due: 0 },
      { kind: 'class', rule: 'C', days: 365, items: 4, due: 0 },
      { kind: 'location', rule: 'A-01*', days: 14, items: 2, due: 2 },
      { kind: 'location', rule: 'A-02-1', days: 60, items: 1, due: 0 },
      { kind: 'location', rule: 'B-*', days: 30, items: 2, due: 2 },
    ]);

    // B-300 received at B-02-1, where it was never counted: due now by B-*.
    await moveStock(db, [['B-300', 'B-02-1', '5', 'receipt', 'PO-1', shanghai(new Date(now.getTime() - DAY))]]);
    const after = await planView(db, 'WH1', now);
    expect(after.items.find((i) => i.sku === 'B-300')).toEqual({
      sku: 'B-300',
      abcClass: 'C',
      lastCounted: t0.toISOString(),
      nextDue: null,
      due: true,
      dueBy: ['location'],
      location: { rule: 'B-*', days: 30, lastCounted: null, nextDue: null, due: true },
    });
    expect(after.rules.filter((r) => r.kind === 'location').map((r) => [r.rule, r.items, r.due])).toEqual([
      ['A-01*', 2, 2],
      ['A-02-1', 1, 0],
      ['B-*', 3, 3],
    ]);

    // Lengthening A-01* to 30 days and removing B-*: A-200 is no longer due, A-100 and C-400 not either.
    await setPlan(db, 'WH1', { locations: [{ location: 'A-01*', days: 30 }], removeLocations: ['B-*'] }, null, now);
    const fewer = await planView(db, 'WH1', now);
    expect(fewer.plan!.locations).toEqual([
      { location: 'A-01*', days: 30 },
      { location: 'A-02-1', days: 60 },
    ]);
    expect(fewer.items.map((i) => [i.sku, i.due, i.nextDue])).toEqual([
      ['A-100', false, at(t1, 30)],
      ['A-200', false, at(t1, 30)],
      ['B-300', false, at(t0, 60)],
      ['C-400', false, at(t0, 365)],
    ]);

    // Back to 14 days for the zone: the run starts the due items and names the rule.
    await setPlan(db, 'WH1', { locations: [{ location: 'A-01*', days: '14' }] }, null, now);
    await bindChat(db, people.sam, { platform: 'web', chatId: 'team', warehouse: 'WH1', purpose: 'team', locale: 'en' });
    const run = await startDueCycleCount(db, 'WH1', now);
    expect(run).toMatchObject({ outcome: 'started', items: 2, stocktake: { scope: { skus: ['A-100', 'A-200'] } } });
    // The whole item is counted: A-100 at both its locations.
    expect((await listVariances(db, run.outcome === 'started' ? run.stocktake.code : '')).map((l) => `${l.sku}@${l.location}`)).toEqual([
      'A-100@A-01-1',
      'A-100@B-01-1',
      'A-200@A-01-2',
    ]);
    const sent = await queryRows<{ payload: unknown }>(
      db,
      sql`select payload from outbox where chat_id = 'team' and kind = 'send' order by id`,
    );
    // The card is markdown: the rule's * is escaped.
    expect(JSON.stringify(sent)).toContain(JSON.stringify('Class C: A-100, A-200\nDue by location rule: A-01\\* 2').slice(1, -1));
  });
});

/** WH1's items at zoned locations: A-100 in two zones, B-300 in zone A-02, C-400 in zone B-01. */
const BOOK: [string, string, string][] = [
  ['A-100', 'A-01-1', '100'],
  ['A-100', 'B-01-1', '10'],
  ['A-200', 'A-01-2', '20'],
  ['B-300', 'A-02-1', '50.5'],
  ['C-400', 'B-01-2', '3'],
];

async function zonedWarehouse(db: Db) {
  await addWarehouse(db, { code: 'WH1', name: 'Main', timezone: 'Asia/Shanghai' });
  await importItems(db, csv('items.csv', ITEMS));
  await importBook(db, 'WH1', csv('book.csv', [['sku', 'location', 'qty'], ...BOOK]));
  return seedPeople(db);
}

/** A stocktake (of the given locations, or everything) counted as booked, closed at `closedAt` and posted. */
async function countAndPost(db: Db, closedAt: Date, locations: string[] | null, counts: [string, string, string][]): Promise<void> {
  const st = await startStocktake(db, 'WH1', new Date(closedAt.getTime() - 3600_000), null, {
    scope: locations ? parseScope({ locations }) : null,
  });
  await importCounts(db, st.code, csv('count.csv', [['sku', 'location', 'qty'], ...counts]), { counter: 'carl' });
  await closeCounting(db, st.code, { now: closedAt });
  await settleOpenStocktakes(db);
  expect((await getStocktake(db, st.code)).status).toBe('posted');
}
