import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { parseScope } from '../../src/domain/scope.ts';
import { render } from '../../src/domain/phrase.ts';
import { importCounts } from '../../src/services/counts.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { closeCounting, getStocktake, startStocktake } from '../../src/services/stocktakes.ts';
import { listVariances } from '../../src/services/variances.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, moveStock, seedWarehouse, shanghai } from '../support/fixtures.ts';
import { explainAll, seedPeople } from '../support/flow.ts';

const hourAgo = () => new Date(Date.now() - 3600_000);

describeEachDatabase('a partial stocktake (scope)', (get) => {
  it('freezes only the lines in its scope and records the scope', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', hourAgo(), null, {
      scope: parseScope({ locations: ['R1', 'R3*'], categories: ['parts,cables'] }),
    });
    expect(st.bookLines).toBe(2);
    expect(st.scopeSummary).toEqual({ en: 'locations R1, R3*; categories parts, cables', zh: '库位 R1, R3*；品类 parts, cables' });
    expect((await listVariances(db, st.code)).map((l) => `${l.sku}@${l.location}`)).toEqual(['A-100@R1', 'B-300@R3']);
    expect((await getStocktake(db, st.code)).scope).toEqual({ locations: ['R1', 'R3*'], categories: ['parts', 'cables'] });
  });

  it('scopes by a list of items and by category alone', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', hourAgo(), null, { scope: parseScope({ skus: ['C-400', 'A-200'] }) });
    expect((await listVariances(db, st.code)).map((l) => l.sku)).toEqual(['A-200', 'C-400']);
  });

  it('scopes by ABC class as classified when it starts', async () => {
    const { db } = get();
    await seedWarehouse(db);
    // Consumption: C-400 2 × 150 = 300 (A), A-100 10 × 2.50 = 25 (B: 92 % of the value ranks above it).
    await moveStock(db, [
      ['C-400', 'R4', '-2', 'issue', 'SO-1', shanghai(new Date(Date.now() - 3 * 3600_000))],
      ['A-100', 'R1', '-10', 'issue', 'SO-2', shanghai(new Date(Date.now() - 3 * 3600_000))],
    ]);
    const st = await startStocktake(db, 'WH1', hourAgo(), null, { scope: parseScope({ classes: ['a'] }) });
    expect((await listVariances(db, st.code)).map((l) => `${l.sku}@${l.location}`)).toEqual(['C-400@R4']);
    expect(st.scope).toEqual({ classes: ['A'], classSkus: ['C-400'] });
    expect((await getStocktake(db, st.code)).scope).toEqual({ classes: ['A'] });
    const outside = csv('count.csv', [
      ['sku', 'location', 'qty'],
      ['C-400', 'R9', '1'],
      ['B-300', 'R3', '50.5'],
    ]);
    await expect(importCounts(db, st.code, outside, { counter: 'carl' })).rejects.toThrow('row 3: B-300@R3 is outside the scope');
    await importCounts(
      db,
      st.code,
      csv('count.csv', [
        ['sku', 'location', 'qty'],
        ['C-400', 'R9', '1'],
      ]),
      { counter: 'carl' },
    );
    expect((await listVariances(db, st.code)).map((l) => `${l.sku}@${l.location}`)).toEqual(['C-400@R4', 'C-400@R9']);
    expect(st.scopeSummary).toEqual({ en: 'class A', zh: 'A 类' });
  });

  it('refuses a scope that covers nothing, and starts nothing', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const err = await startStocktake(db, 'WH1', hourAgo(), null, { scope: parseScope({ locations: ['Z-*'] }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(render((err as InvalidInputError).phrase!, 'zh-CN', 'cli')).toContain('Z-*');
    const again = await startStocktake(db, 'WH1', hourAgo());
    expect(again.bookLines).toBe(4);
  });

  it('refuses a count sheet with a line outside the scope, naming the row, and records nothing of it', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', hourAgo(), null, { scope: parseScope({ categories: ['parts'] }) });
    const sheet = csv('count.csv', [
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '90'],
      ['A-100', 'R9', '1'], // a new line, but of a category in scope: accepted
      ['B-300', 'R3', '50'],
    ]);
    const err = await importCounts(db, st.code, sheet, { counter: 'carl' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const e = err as InvalidInputError;
    expect(render(e.phrase!, 'en', 'cli')).toContain('row 4: B-300@R3 is outside the scope of stocktake');
    expect(render(e.phrase!, 'zh-CN', 'chat')).toContain('第 4 行：B-300@R3 不在盘点任务');
    expect(e.problems[0]).toMatchObject({ line: 4 });
    expect((await listVariances(db, st.code)).every((l) => l.countedQty === null)).toBe(true);
  });

  it('counts, reviews and submits a scoped stocktake as before', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const people = await seedPeople(db);
    const st = await startStocktake(db, 'WH1', hourAgo(), null, { scope: parseScope({ locations: ['R1', 'R4'] }) });
    await importCounts(
      db,
      st.code,
      csv('count.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '90'],
        ['C-400', 'R4', '3'],
      ]),
      { counter: 'carl' },
    );
    const closed = await closeCounting(db, st.code);
    expect(closed).toMatchObject({ uncountedAsZero: 0, openVariances: 1 });
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    expect(documents.map((d) => [d.kind, d.totalValue])).toEqual([['loss', '-25.00']]);
  });
});
