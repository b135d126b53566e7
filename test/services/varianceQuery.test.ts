import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { importCounts } from '../../src/services/counts.ts';
import { importItems } from '../../src/services/items.ts';
import { assignOwner, confirmVariance, tagCause } from '../../src/services/review.ts';
import { closeCounting, getStocktake, startStocktake } from '../../src/services/stocktakes.ts';
import { queryVariances, type VarianceQuery } from '../../src/services/varianceQuery.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { countedStocktake, seedPeople } from '../support/flow.ts';

/** WH1 closed: A-100@R1 −10 (−25.00), A-200@R2 +1 (12.00), B-300@R3 match, C-400@R4 −2 (−300.00); sam owns the three variances. */
async function inReview(db: Db, counts?: (string | number)[][]) {
  const { st, people } = await countedStocktake(db, counts);
  await closeCounting(db, st.code);
  return { st, people };
}

const page = (q: Partial<VarianceQuery> = {}): VarianceQuery => ({ sort: 'sku', limit: 100, offset: 0, ...q });
const keys = (r: { lines: { sku: string; location: string }[] }) => r.lines.map((l) => `${l.sku}@${l.location}`);

describeEachDatabase('the variance query', (get) => {
  it('returns every line by SKU with its figures, variance and review state as exact decimal strings', async () => {
    const { db } = get();
    const { st } = await inReview(db);
    const all = await queryVariances(db, st.code, page());
    expect(all.total).toBe(4);
    expect(keys(all)).toEqual(['A-100@R1', 'A-200@R2', 'B-300@R3', 'C-400@R4']);
    expect(all.lines[0]).toEqual({
      sku: 'A-100',
      location: 'R1',
      lot: '',
      expiry: null,
      itemName: 'Widget',
      unit: 'pcs',
      bookQty: '100',
      movementQty: '0',
      expectedQty: '100',
      countedQty: '90',
      diffQty: '-10',
      diffValue: '-25.00',
      unitCost: '2.5',
      direction: 'loss',
      countStatus: 'counted',
      reviewStatus: 'open',
      owner: 'sam',
      dueAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      overdue: false,
      causeCode: null,
      note: null,
      suggestion: null,
      autoConfirmed: false,
      recountBy: null,
      returnedReason: null,
    });
    expect(all.lines[2]).toMatchObject({
      sku: 'B-300',
      bookQty: '50.5',
      countedQty: '50.5',
      diffQty: '0',
      diffValue: '0.00',
      unitCost: '0.3333',
      direction: 'match',
      reviewStatus: 'none',
      dueAt: null,
    });
  });

  it('sorts by absolute value, largest first, gains and losses alike', async () => {
    const { db } = get();
    const { st } = await inReview(db);
    expect(keys(await queryVariances(db, st.code, page({ sort: 'value' })))).toEqual(['C-400@R4', 'A-100@R1', 'A-200@R2', 'B-300@R3']);
  });

  it('orders by exact value: amounts a binary float cannot tell apart keep their order', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    // Around 10^15 a double's step is 0.125: both values below would be the same number in JavaScript.
    await importItems(
      db,
      csv('items.csv', [
        ['sku', 'name', 'unit', 'unit_cost'],
        ['A-100', 'Widget', 'pcs', '10000000000000.0001'],
        ['A-200', 'Bolt', 'pcs', '10000000000000.0002'],
      ]),
    );
    const st = await startStocktake(db, 'WH1', new Date(Date.now() - 60_000));
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '200'],
        ['A-200', 'R2', '120'],
      ]),
      { counter: 'carl' },
    );
    const byValue = await queryVariances(db, st.code, page({ sort: 'value', direction: 'gain' }));
    expect(byValue.lines.map((l) => [l.sku, l.diffQty, l.diffValue])).toEqual([
      ['A-200', '100', '1000000000000000.02'],
      ['A-100', '100', '1000000000000000.01'],
    ]);
  });

  it('filters by review status (one or several), direction, cause, location and owner', async () => {
    const { db } = get();
    const { st, people } = await inReview(db);
    await confirmVariance(db, people.sam, { stocktake: st.code, line: 'A-100@R1' });
    await tagCause(db, people.sam, { stocktake: st.code, line: 'A-100@R1', cause: 'damage' });
    await assignOwner(db, people.sam, { stocktake: st.code, line: 'C-400@R4', owner: 'sue' });
    const q = async (f: Partial<VarianceQuery>) => keys(await queryVariances(db, st.code, page(f)));
    expect(await q({ status: 'confirmed' })).toEqual(['A-100@R1']);
    expect(await q({ status: ['open', 'none'] })).toEqual(['A-200@R2', 'B-300@R3', 'C-400@R4']);
    expect(await q({ status: [] })).toEqual([]);
    expect(await q({ direction: 'loss' })).toEqual(['A-100@R1', 'C-400@R4']);
    expect(await q({ direction: 'gain' })).toEqual(['A-200@R2']);
    expect(await q({ direction: 'match' })).toEqual(['B-300@R3']);
    expect(await q({ cause: 'damage' })).toEqual(['A-100@R1']);
    expect(await q({ cause: null })).toEqual(['A-200@R2', 'B-300@R3', 'C-400@R4']);
    expect(await q({ location: 'R2' })).toEqual(['A-200@R2']);
    expect(await q({ location: '' })).toEqual([]);
    expect(await q({ owner: 'sue' })).toEqual(['C-400@R4']);
    expect(await q({ owner: 'SAM' })).toEqual(['A-100@R1', 'A-200@R2']);
    expect(await q({ owner: 'sam', direction: 'loss', status: 'confirmed' })).toEqual(['A-100@R1']);
    await expect(queryVariances(db, st.code, page({ owner: 'nobody' }))).rejects.toThrow(InvalidInputError);
  });

  it('leaves out lines that match the book, but keeps lines without a variance yet', async () => {
    const { db } = get();
    // Counting still open, B-300 and C-400 not counted yet.
    const { st } = await countedStocktake(db, [
      ['A-100', 'R1', '100'],
      ['A-200', 'R2', '21'],
    ]);
    const open = await queryVariances(db, st.code, page({ onlyDiff: true, sort: 'value' }));
    expect(open.lines.map((l) => [l.sku, l.countStatus, l.diffValue])).toEqual([
      ['A-200', 'counted', '12.00'],
      ['B-300', 'uncounted', null],
      ['C-400', 'uncounted', null],
    ]);
    expect(keys(await queryVariances(db, st.code, page({ direction: 'loss' })))).toEqual([]);
  });

  it('pages with the total of all matching lines, past the last page too', async () => {
    const { db } = get();
    const { st } = await inReview(db);
    const byValue = (limit: number, offset: number) => queryVariances(db, st.code, page({ sort: 'value', onlyDiff: true, limit, offset }));
    expect(await byValue(2, 0).then((r) => [r.total, keys(r)])).toEqual([3, ['C-400@R4', 'A-100@R1']]);
    expect(await byValue(2, 2).then((r) => [r.total, keys(r)])).toEqual([3, ['A-200@R2']]);
    expect(await byValue(2, 10)).toEqual({ total: 3, lines: [] });
    const bySku = (limit: number, offset: number) => queryVariances(db, st.code, page({ limit, offset }));
    expect(await bySku(3, 0).then((r) => [r.total, keys(r)])).toEqual([4, ['A-100@R1', 'A-200@R2', 'B-300@R3']]);
    expect(await bySku(3, 3).then((r) => [r.total, keys(r)])).toEqual([4, ['C-400@R4']]);
    expect(await bySku(3, 10)).toEqual({ total: 4, lines: [] });
    expect(await queryVariances(db, st.code, page({ location: 'nowhere' }))).toEqual({ total: 0, lines: [] });
    await expect(queryVariances(db, st.code, page({ limit: 0 }))).rejects.toThrow(/limit/);
  });

  it('carries what the dashboard shows: the suggestion with its reason, and lines overdue for review', async () => {
    const { db } = get();
    // A-100 book 100 counted 10: a pack of 10 counted as one.
    const { st } = await inReview(db, [
      ['A-100', 'R1', '10'],
      ['A-200', 'R2', '20'],
      ['B-300', 'R3', '50.5'],
      ['C-400', 'R4', '1'],
    ]);
    await db.execute(sql`update stocktake_line set due_at = now() - interval '1 hour' where sku = 'C-400'`);
    const { lines } = await queryVariances(db, st.code, page({ onlyDiff: true }));
    expect(lines.map((l) => [l.sku, l.overdue])).toEqual([
      ['A-100', false],
      ['C-400', true],
    ]);
    expect(lines[0]!.suggestion).toMatchObject({
      rule: 'unit_of_measure',
      cause: 'unit_error',
      reason: { en: expect.stringContaining('100 ÷ 10'), zh: expect.any(String) },
    });
  });

  it('accepts the stocktake by id or as the reference a caller already holds', async () => {
    const { db } = get();
    const { st } = await inReview(db);
    const ref = await getStocktake(db, st.code);
    expect((await queryVariances(db, ref, page())).total).toBe(4);
    expect((await queryVariances(db, ref.id, page())).total).toBe(4);
  });
});
