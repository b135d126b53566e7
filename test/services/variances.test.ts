import { expect, it } from 'vitest';
import { importCounts } from '../../src/services/counts.ts';
import { startStocktake } from '../../src/services/stocktakes.ts';
import { listVariances, stocktakeStatus } from '../../src/services/variances.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, moveStock, seedWarehouse, shanghai } from '../support/fixtures.ts';

const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

describeEachDatabase('cut-off and variances', (get) => {
  it('applies movements recorded after the snapshot up to the moment the line was counted', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', ago(5));
    await moveStock(db, [
      ['A-100', 'R1', '10', 'receipt', 'PO-1', shanghai(ago(4))], // before the count: applied
      ['A-100', 'R1', '-3', '出库', 'SO-1', shanghai(ago(3))], // before the count: applied
      ['A-100', 'R1', '-50', 'issue', 'SO-2', shanghai(ago(1))], // after the count: not applied
    ]);
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty', 'counted_at'],
        ['A-100', 'R1', '105', shanghai(ago(2))],
      ]),
    );
    const [v] = (await listVariances(db, st.code)).filter((x) => x.sku === 'A-100');
    expect(v).toEqual({
      sku: 'A-100',
      location: 'R1',
      lot: '',
      expiry: null,
      bookQty: '100',
      movementQty: '7',
      expectedQty: '107',
      countedQty: '105',
      diffQty: '-2',
      diffValue: '-5.00',
      unitCost: '2.5',
      direction: 'loss',
      countStatus: 'counted',
    });
  });

  it('uses the import time as the count time of rows without counted_at', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', ago(5));
    await moveStock(db, [['A-200', 'R2', '5', 'receipt', 'PO-2', shanghai(ago(1))]]);
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty'],
        ['A-200', 'R2', '25'],
      ]),
    );
    expect((await listVariances(db, st.code)).find((x) => x.sku === 'A-200')).toMatchObject({
      movementQty: '5',
      expectedQty: '25',
      diffQty: '0',
      direction: 'match',
    });
  });

  it('does not apply a movement the frozen book already contains', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await moveStock(db, [['A-100', 'R1', '10', 'receipt', 'PO-0', shanghai(ago(1))]]); // on-hand 110
    const st = await startStocktake(db, 'WH1', ago(2)); // its occurred_at is after the snapshot time, but it is in the book
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '110'],
      ]),
    );
    expect((await listVariances(db, st.code)).find((x) => x.sku === 'A-100')).toMatchObject({
      bookQty: '110',
      movementQty: '0',
      diffQty: '0',
    });
  });

  it('applies a movement recorded late but dated before the count', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', ago(5));
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty', 'counted_at'],
        ['A-100', 'R1', '90', shanghai(ago(2))],
      ]),
    );
    expect((await listVariances(db, st.code)).find((x) => x.sku === 'A-100')?.diffQty).toBe('-10');
    // The issue happened before the count but was keyed in afterwards: the variance explains itself.
    await moveStock(db, [['A-100', 'R1', '-10', 'issue', 'SO-9', shanghai(ago(3))]]);
    expect((await listVariances(db, st.code)).find((x) => x.sku === 'A-100')).toMatchObject({
      movementQty: '-10',
      expectedQty: '90',
      diffQty: '0',
      direction: 'match',
    });
  });

  it('rounds the variance value to 2 decimals from exact quantities and costs', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    // B-300: book 50.5 kg at 0.3333 → counted 49.125: diff -1.375 × 0.3333 = -0.45828... → -0.46
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty'],
        ['B-300', 'R3', '49.125'],
        ['A-200', 'R2', '21'],
      ]),
    );
    const variances = await listVariances(db, st.code);
    expect(variances.find((x) => x.sku === 'B-300')).toMatchObject({
      diffQty: '-1.375',
      diffValue: '-0.46',
      direction: 'loss',
      unitCost: '0.3333',
    });
    expect(variances.find((x) => x.sku === 'A-200')).toMatchObject({ diffQty: '1', diffValue: '12.00', direction: 'gain' });
    const status = await stocktakeStatus(db, st.code);
    expect(status.variances).toEqual({ gain: 1, loss: 1, match: 0, gainValue: '12.00', lossValue: '-0.46', netValue: '11.54' });
  });

  it('lists every line, matched lines included, with exactly the documented fields', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '100'],
      ]),
    );
    const variances = await listVariances(db, st.code);
    expect(variances.map((v) => `${v.sku}@${v.location}:${v.countStatus}:${v.direction}`)).toEqual([
      'A-100@R1:counted:match',
      'A-200@R2:uncounted:null',
      'B-300@R3:uncounted:null',
      'C-400@R4:uncounted:null',
    ]);
    expect(Object.keys(variances[0]!).sort()).toEqual(
      [
        'bookQty',
        'countStatus',
        'countedQty',
        'diffQty',
        'diffValue',
        'direction',
        'expectedQty',
        'expiry',
        'location',
        'lot',
        'movementQty',
        'sku',
        'unitCost',
      ].sort(),
    );
  });
});
