import { asc, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { item, movement, onHand } from '../../db/schema/index.ts';
import { InvalidInputError, NotFoundError, StocktakeStateError } from '../../src/domain/errors.ts';
import { importBook } from '../../src/services/book.ts';
import { importItems } from '../../src/services/items.ts';
import { importMovements } from '../../src/services/movements.ts';
import { startStocktake } from '../../src/services/stocktakes.ts';
import { addWarehouse, getWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, ITEMS, moveStock, seedWarehouse, shanghai } from '../support/fixtures.ts';

const MOVEMENT_HEADER = ['sku', 'location', 'qty', 'kind', 'ref', 'occurred_at'];
const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

/** On-hand of a warehouse as { "sku@location": "qty" }, quantities as Postgres returns numeric(18,3). */
async function book(db: Db, warehouseCode = 'WH1'): Promise<Record<string, string>> {
  const wh = await getWarehouse(db, warehouseCode);
  const rows = await db.select().from(onHand).where(eq(onHand.warehouseId, wh.id)).orderBy(asc(onHand.sku), asc(onHand.location));
  return Object.fromEntries(rows.map((r) => [`${r.sku}@${r.location}`, r.qty]));
}

const refusal = async (promise: Promise<unknown>): Promise<InvalidInputError> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
};

describeEachDatabase('warehouses', (get) => {
  it('adds a warehouse and finds it by code', async () => {
    const { db } = get();
    const created = await addWarehouse(db, { code: 'WH-SZ.1', name: 'Shenzhen', timezone: 'Asia/Shanghai' });
    expect(created).toMatchObject({ code: 'WH-SZ.1', name: 'Shenzhen', timezone: 'Asia/Shanghai' });
    expect(await getWarehouse(db, 'WH-SZ.1')).toMatchObject({ id: created.id, name: 'Shenzhen' });
  });

  it('names the warehouse after its code when no name is given', async () => {
    const { db } = get();
    expect(await addWarehouse(db, { code: 'WH9', timezone: 'UTC' })).toMatchObject({ code: 'WH9', name: 'WH9' });
  });

  it('refuses a blank code, a code with spaces or symbols, and a code over 32 characters', async () => {
    const { db } = get();
    for (const code of ['', '   ', 'WH 1', 'WH/1', '-WH', 'W'.repeat(33)]) {
      const error = await refusal(addWarehouse(db, { code, timezone: 'Asia/Shanghai' }));
      expect(error.problems[0]).toMatchObject({ column: 'code', message: expect.stringMatching(/^code /) });
    }
  });

  it('refuses a timezone that is not an IANA zone', async () => {
    const { db } = get();
    for (const timezone of ['Mars/Olympus', '', '+08:00']) {
      const error = await refusal(addWarehouse(db, { code: 'WH1', timezone }));
      expect(error.problems).toMatchObject([
        { line: null, column: 'timezone', message: expect.stringContaining('is not an IANA timezone') },
      ]);
    }
    await expect(getWarehouse(db, 'WH1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('updates the name and timezone when the same code is added again', async () => {
    const { db } = get();
    const first = await addWarehouse(db, { code: 'WH1', name: 'Main', timezone: 'Asia/Shanghai' });
    const again = await addWarehouse(db, { code: 'WH1', name: 'Main hall', timezone: 'Europe/Berlin' });
    expect(again).toMatchObject({ id: first.id, name: 'Main hall', timezone: 'Europe/Berlin' });
    // Without a name the earlier one is kept.
    expect(await addWarehouse(db, { code: 'WH1', timezone: 'Asia/Tokyo' })).toMatchObject({
      id: first.id,
      name: 'Main hall',
      timezone: 'Asia/Tokyo',
    });
  });

  it('answers an unknown warehouse code with NotFoundError', async () => {
    const { db } = get();
    const error = await getWarehouse(db, 'NOPE').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain('"NOPE"');
  });
});

describeEachDatabase('item import', (get) => {
  it('imports items and updates SKUs that already exist', async () => {
    const { db } = get();
    const first = await importItems(db, csv('items.csv', ITEMS));
    expect(first).toMatchObject({ rowsRead: 4, rowsAccepted: 4, rowsRejected: 0, problems: [] });
    await importItems(
      db,
      csv('update.csv', [
        ['sku', 'name', 'unit', 'unit_cost', 'category'],
        ['A-100', 'Widget v2', 'box', '3.1234', ''],
        ['D-500', 'Gear', 'pcs', '0', 'parts'],
      ]),
    );
    const items = await db.select().from(item).orderBy(asc(item.sku));
    expect(items.map((i) => [i.sku, i.name, i.unit, i.unitCost, i.category])).toEqual([
      ['A-100', 'Widget v2', 'box', '3.1234', null],
      ['A-200', '螺丝 M4', 'box', '12.0000', 'parts'],
      ['B-300', 'Copper wire', 'kg', '0.3333', 'cables'],
      ['C-400', 'Pallet', 'pcs', '150.0000', 'equipment'],
      ['D-500', 'Gear', 'pcs', '0.0000', 'parts'],
    ]);
  });

  it('reads Chinese headers 物料编码/名称/单位/单价/类别', async () => {
    const { db } = get();
    const report = await importItems(
      db,
      csv('物料.csv', [
        ['物料编码', '名称', '单位', '单价', '类别'],
        ['E-600', '胶带', '卷', '4.5', '耗材'],
      ]),
    );
    expect(report.rowsAccepted).toBe(1);
    const [row] = await db.select().from(item);
    expect(row).toMatchObject({ sku: 'E-600', name: '胶带', unit: '卷', unitCost: '4.5000', category: '耗材' });
  });

  it('refuses the whole file and lists every invalid line with its column and reason', async () => {
    const { db } = get();
    const error = await refusal(
      importItems(
        db,
        csv('bad.csv', [
          ['sku', 'name', 'unit', 'unit_cost'],
          ['A-100', 'Widget', 'pcs', '2.5'],
          ['', 'Nameless', 'pcs', '1'],
          ['A-101', '', 'pcs', '1'],
          ['A-102', 'Unitless', '', '1'],
          ['A-103', 'Costly', 'pcs', 'abc'],
          ['A-104', 'Refund', 'pcs', '-1'],
          ['A-105', 'Precise', 'pcs', '1.23456'],
          ['A-100', 'Widget again', 'pcs', '2.5'],
          ['A-106', 'Free', 'pcs', ''],
        ]),
      ),
    );
    expect(error.problems).toMatchObject([
      { line: 3, column: 'sku', message: 'sku is blank' },
      { line: 4, column: 'name', message: 'name is blank' },
      { line: 5, column: 'unit', message: 'unit is blank' },
      { line: 6, column: 'unit_cost', message: 'unit cost "abc" is not a number' },
      { line: 7, column: 'unit_cost', message: 'unit cost "-1" is negative' },
      { line: 8, column: 'unit_cost', message: 'unit cost "1.23456" has more than 4 decimal places' },
      { line: 9, column: 'sku', message: 'sku A-100 is already listed on line 2' },
      { line: 10, column: 'unit_cost', message: 'unit cost is blank' },
    ]);
    expect(await db.select().from(item)).toEqual([]);
  });

  it('refuses a SKU with a line break inside a quoted cell', async () => {
    const { db } = get();
    const error = await refusal(
      importItems(
        db,
        csv('break.csv', [
          ['sku', 'name', 'unit', 'unit_cost'],
          ['A-\n100', 'Widget', 'pcs', '1'],
          ['A-200', 'Screw', 'box', '2'],
        ]),
      ),
    );
    expect(error.problems).toMatchObject([{ line: 2, column: 'sku', message: expect.stringContaining('line break') }]);
    expect(await db.select().from(item)).toEqual([]);
  });

  it('imports the valid lines with skipInvalid and reports the rest', async () => {
    const { db } = get();
    const report = await importItems(
      db,
      csv('mixed.csv', [
        ['sku', 'name', 'unit', 'unit_cost'],
        ['A-100', 'Widget', 'pcs', '1'],
        ['A-200', '', 'box', 'x'],
      ]),
      { skipInvalid: true },
    );
    expect(report).toMatchObject({ rowsRead: 2, rowsAccepted: 1, rowsRejected: 1 });
    expect(report.problems.map((p) => `${p.line} ${p.column}`)).toEqual(['3 name', '3 unit_cost']);
    expect((await db.select().from(item)).map((i) => i.sku)).toEqual(['A-100']);
  });
});

describeEachDatabase('book import', (get) => {
  it('sets on-hand per (sku, location), negative book included', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const report = await importBook(
      db,
      'WH1',
      csv('book.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '80'],
        ['A-200', 'R5', '-2.5'],
      ]),
    );
    expect(report).toMatchObject({ warehouse: 'WH1', rowsAccepted: 2, linesCleared: 0 });
    expect(await book(db)).toEqual({
      'A-100@R1': '80.000',
      'A-200@R2': '20.000',
      'A-200@R5': '-2.500',
      'B-300@R3': '50.500',
      'C-400@R4': '3.000',
    });
  });

  it('refuses a (sku, location) listed twice, naming the earlier line', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const error = await refusal(
      importBook(
        db,
        'WH1',
        csv('dup.csv', [
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '1'],
          ['A-100', 'R2', '1'],
          ['A-100', 'R1', '2'],
        ]),
      ),
    );
    expect(error.problems).toMatchObject([{ line: 4, column: 'sku', message: 'sku A-100 at location "R1" is already listed on line 2' }]);
    expect((await book(db))['A-100@R1']).toBe('100.000');
  });

  it('refuses a SKU not in the item master, naming its line', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const error = await refusal(
      importBook(
        db,
        'WH1',
        csv('unknown.csv', [
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '1'],
          ['Z-999', 'R1', '1'],
        ]),
      ),
    );
    expect(error.problems).toMatchObject([
      { line: 3, column: 'sku', message: expect.stringContaining('sku Z-999 is not in the item master') },
    ]);
  });

  it('with replace, clears the book lines the file does not list and reports how many', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const report = await importBook(
      db,
      'WH1',
      csv('full.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '90'],
        ['B-300', 'R3', '50.5'],
      ]),
      { replace: true },
    );
    expect(report.linesCleared).toBe(2);
    expect(await book(db)).toEqual({ 'A-100@R1': '90.000', 'A-200@R2': '0.000', 'B-300@R3': '50.500', 'C-400@R4': '0.000' });
  });

  it('refuses a book import while the warehouse has an open stocktake', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const error = await importBook(
      db,
      'WH1',
      csv('book.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '1'],
      ]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StocktakeStateError);
    expect((error as StocktakeStateError).message).toContain(st.code);
    expect((await book(db))['A-100@R1']).toBe('100.000');
  });
});

describeEachDatabase('movement import', (get) => {
  it('changes on-hand by the signed quantities, with kinds in English and Chinese', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const at = shanghai(ago(1));
    await moveStock(db, [
      ['A-100', 'R1', '10', 'receipt', 'PO-1', at],
      ['A-100', 'R1', '-4', '出库', 'SO-1', at],
      ['A-200', 'R2', '5', '入库', 'PO-2', at],
      ['B-300', 'R3', '-0.5', '调拨', 'TR-1', at],
      ['B-300', 'R9', '0.5', 'transfer', 'TR-1', at],
      ['C-400', 'R4', '-1', '调整', 'ADJ-1', at],
      ['C-400', 'R4', '2', 'adjustment', 'ADJ-2', at],
      ['A-200', 'R2', '-1', 'issue', 'SO-2', at],
    ]);
    expect(await book(db)).toEqual({
      'A-100@R1': '106.000',
      'A-200@R2': '24.000',
      'B-300@R3': '50.000',
      'B-300@R9': '0.500',
      'C-400@R4': '4.000',
    });
    const kinds = (await db.select().from(movement).orderBy(asc(movement.id))).map((m) => m.kind);
    expect(kinds).toEqual(['receipt', 'issue', 'receipt', 'transfer', 'transfer', 'adjustment', 'adjustment', 'issue']);
  });

  it('refuses a sign against the kind, a zero quantity and an unknown kind, listing the accepted kinds', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const at = shanghai(ago(1));
    const error = await refusal(
      importMovements(
        db,
        'WH1',
        csv('bad.csv', [
          MOVEMENT_HEADER,
          ['A-100', 'R1', '-10', 'receipt', 'PO-1', at],
          ['A-100', 'R1', '10', '出库', 'SO-1', at],
          ['A-100', 'R1', '0', 'adjustment', 'ADJ-1', at],
          ['A-100', 'R1', '1', 'gift', 'X-1', at],
          ['A-100', 'R1', '1', 'receipt', 'PO-2', at],
        ]),
      ),
    );
    expect(error.problems).toMatchObject([
      { line: 2, column: 'qty', message: 'a receipt must have a positive quantity' },
      { line: 3, column: 'qty', message: expect.stringContaining('an issue must have a negative quantity') },
      { line: 4, column: 'qty', message: expect.stringContaining('quantity is zero') },
      {
        line: 5,
        column: 'kind',
        message: expect.stringMatching(/kind "gift" is not one of receipt, issue, transfer, adjustment.*入库.*出库.*调拨.*调整/),
      },
    ]);
    expect((await book(db))['A-100@R1']).toBe('100.000');
    expect(await db.select().from(movement)).toEqual([]);
  });

  it('refuses occurred_at that is blank, unreadable, without a time of day or in the future', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const error = await refusal(
      importMovements(
        db,
        'WH1',
        csv('times.csv', [
          MOVEMENT_HEADER,
          ['A-100', 'R1', '1', 'receipt', 'PO-1', ''],
          ['A-100', 'R1', '1', 'receipt', 'PO-2', 'yesterday'],
          ['A-100', 'R1', '1', 'receipt', 'PO-3', '2026-02-30 10:00'],
          ['A-100', 'R1', '1', 'receipt', 'PO-4', '2026-01-05'],
          ['A-100', 'R1', '1', 'receipt', 'PO-5', shanghai(new Date(Date.now() + 2 * HOUR))],
        ]),
      ),
    );
    expect(error.problems.map((p) => `${p.line} ${p.column} ${p.message}`)).toEqual([
      '2 occurred_at occurred_at is blank',
      expect.stringMatching(/^3 occurred_at occurred_at "yesterday" is not a date and time/),
      expect.stringMatching(/^4 occurred_at occurred_at "2026-02-30 10:00" is not a valid date and time/),
      expect.stringMatching(/^5 occurred_at occurred_at "2026-01-05" has no time of day/),
      expect.stringMatching(/^6 occurred_at occurred_at .* is in the future/),
    ]);
  });

  it('refuses a file without an occurred_at column on line 1', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const error = await refusal(
      importMovements(
        db,
        'WH1',
        csv('notime.csv', [
          ['sku', 'location', 'qty', 'kind'],
          ['A-100', 'R1', '1', 'receipt'],
        ]),
      ),
    );
    expect(error.problems).toMatchObject([
      {
        line: 1,
        column: 'occurred_at',
        message: expect.stringContaining('missing column occurred_at'),
        localized: { en: expect.stringContaining('missing column occurred_at'), 'zh-CN': expect.stringContaining('缺少列 occurred_at') },
      },
    ]);
  });

  it("reads an occurred_at without offset as wall-clock time in the warehouse's timezone", async () => {
    const { db } = get();
    await seedWarehouse(db);
    await addWarehouse(db, { code: 'NY', timezone: 'America/New_York' });
    const rows = [
      MOVEMENT_HEADER,
      ['A-100', 'R1', '1', 'receipt', 'PO-1', '2026-01-10 08:00'],
      ['A-100', 'R1', '1', 'receipt', 'PO-2', '2026-01-10 08:00+00:00'],
    ];
    await importMovements(db, 'WH1', csv('sh.csv', rows));
    await importMovements(db, 'NY', csv('ny.csv', rows));
    const times = (await db.select().from(movement).orderBy(asc(movement.id))).map((m) => m.occurredAt.toISOString());
    expect(times).toEqual(['2026-01-10T00:00:00.000Z', '2026-01-10T08:00:00.000Z', '2026-01-10T13:00:00.000Z', '2026-01-10T08:00:00.000Z']);
    expect(await book(db, 'NY')).toEqual({ 'A-100@R1': '2.000' });
  });
});
