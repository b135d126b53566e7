import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { hidesBookFigures } from '../../src/domain/stocktake.ts';
import { blindLine, progressFor, showsBookFigures } from '../../src/services/blind.ts';
import { importCounts } from '../../src/services/counts.ts';
import { closeCounting, getStocktake, startStocktake } from '../../src/services/stocktakes.ts';
import { queryVariances } from '../../src/services/varianceQuery.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { bookFiguresIn } from '../support/blind.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';

describeEachDatabase('blind counts (盲盘)', (get) => {
  /** WH1 counted by carl in a stocktake started blind (or not), still counting; two counts of C-400 disagree. */
  async function counting(blind: boolean) {
    const { db } = get();
    await seedWarehouse(db);
    const people = await seedPeople(db);
    const started = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000), people.sam.actor, { blind });
    const sheet = [
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '90'],
      ['A-200', 'R2', '21'],
      ['B-300', 'R3', '50.5'],
      ['C-400', 'R4', '1'],
    ];
    await importCounts(db, started.code, csv('count.csv', sheet), { counter: 'carl' });
    return { db, people, started, st: await getStocktake(db, started.code) };
  }

  it('records the choice on the stocktake and in the audit entry of its start; not blind by default', async () => {
    const { db, started, st } = await counting(true);
    expect(started.blind).toBe(true);
    expect(st.blind).toBe(true);
    const [entry] = await queryRows<{ after: { blind: boolean } }>(
      db,
      sql`select after from audit_log where action = 'stocktake.started' and entity_id = ${st.id}`,
    );
    expect(entry!.after.blind).toBe(true);
    await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
    const plain = await startStocktake(db, 'WH2');
    expect(plain.blind).toBe(false);
    expect((await getStocktake(db, plain.code)).blind).toBe(false);
  });

  it('gives a counter of a blind count progress and lines without any book, expected or variance figure', async () => {
    const { db, people, st } = await counting(true);
    expect(hidesBookFigures(st)).toBe(true);
    expect(await showsBookFigures(db, people.carl.actor, st)).toBe(false);
    const progress = await progressFor(db, people.carl.actor, st);
    expect(progress).toMatchObject({ blind: true, bookFiguresHidden: true, lines: { total: 4, counted: 4, uncounted: 0 } });
    expect(progress).not.toHaveProperty('variances');
    expect(bookFiguresIn(progress)).toEqual([]);
    const lines = (await queryVariances(db, st, { sort: 'sku', limit: 100, offset: 0 })).lines.map(blindLine);
    expect(lines.map((l) => [l.sku, l.countStatus, l.recountNeeded])).toEqual([
      ['A-100', 'counted', false],
      ['A-200', 'counted', false],
      ['B-300', 'counted', false],
      ['C-400', 'counted', false],
    ]);
    expect(bookFiguresIn(lines)).toEqual([]);
  });

  it('shows supervisors, finance, managers, admins and the local operator the figures of a blind count', async () => {
    const { db, people, st } = await counting(true);
    for (const who of [people.sam, people.fay, people.mo, people.ann]) {
      const progress = await progressFor(db, who.actor, st);
      expect(progress).toMatchObject({ blind: true, bookFiguresHidden: false, variances: { netValue: '-313.00' } });
    }
    expect(await progressFor(db, null, st)).toMatchObject({ variances: { netValue: '-313.00' } });
  });

  it('shows a counter everything once counting is closed', async () => {
    const blind = await counting(true);
    await closeCounting(blind.db, blind.st.id);
    const after = await progressFor(blind.db, blind.people.carl.actor, blind.st.code);
    expect(after).toMatchObject({ status: 'reviewing', bookFiguresHidden: false, variances: { netValue: '-313.00' } });
  });

  it('shows a counter the figures of a stocktake not started blind (the default)', async () => {
    const { db, people, st } = await counting(false);
    expect(await showsBookFigures(db, people.carl.actor, st)).toBe(true);
    expect(await progressFor(db, people.carl.actor, st)).toMatchObject({ blind: false, variances: { netValue: '-313.00' } });
  });

  it('tells a counter which lines need a recount without their counts', async () => {
    const { db, st } = await counting(true);
    const second = [
      ['sku', 'location', 'qty'],
      ['C-400', 'R4', '2'],
    ];
    await importCounts(db, st.code, csv('second.csv', second), { counter: 'sam', round: 1 });
    const lines = (await queryVariances(db, st, { sort: 'sku', limit: 100, offset: 0 })).lines.map(blindLine);
    expect(lines.find((l) => l.sku === 'C-400')).toEqual({
      sku: 'C-400',
      location: 'R4',
      lot: '',
      itemName: 'Pallet',
      unit: 'pcs',
      countStatus: 'conflict',
      recountNeeded: true,
    });
  });
});
