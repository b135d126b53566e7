import { expect, it } from 'vitest';
import { NotFoundError, StocktakeAlreadyOpenError, StocktakeStateError } from '../../src/domain/errors.ts';
import { importItems } from '../../src/services/items.ts';
import { closeCounting, getStocktake, listStocktakes, startStocktake } from '../../src/services/stocktakes.ts';
import { listVariances } from '../../src/services/variances.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, moveStock, seedWarehouse, shanghai } from '../support/fixtures.ts';

const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);
/** 01:30 on 25 November 2026 in Shanghai, still the 24th in UTC. */
const SHANGHAI_EARLY_25TH = new Date('2026-11-24T17:30:00Z');

describeEachDatabase('starting a stocktake', (get) => {
  it('freezes the non-zero on-hand lines with their unit costs', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await moveStock(db, [['C-400', 'R4', '-3', 'issue', 'SO-1', shanghai(ago(3))]]); // C-400@R4 is now 0
    const at = ago(2);
    const st = await startStocktake(db, 'WH1', at);
    expect(st).toEqual({
      id: expect.any(String),
      code: expect.stringMatching(/^ST-\d{8}-001$/),
      warehouse: 'WH1',
      status: 'counting',
      snapshotAt: at.toISOString(),
      bookLines: 3,
      blind: false,
    });
    const lines = await listVariances(db, st.code);
    expect(lines.map((l) => [`${l.sku}@${l.location}`, l.bookQty, l.unitCost])).toEqual([
      ['A-100@R1', '100', '2.5'],
      ['A-200@R2', '20', '12'],
      ['B-300@R3', '50.5', '0.3333'],
    ]);
  });

  it('keeps the frozen book and unit cost when stock moves or the item cost changes afterwards', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', ago(2));
    await moveStock(db, [
      ['A-100', 'R1', '10', 'receipt', 'PO-1', shanghai(ago(1))],
      ['A-200', 'R2', '-4', '出库', 'SO-1', shanghai(ago(1))],
    ]);
    await importItems(
      db,
      csv('costs.csv', [
        ['sku', 'name', 'unit', 'unit_cost'],
        ['A-100', 'Widget', 'pcs', '9.99'],
        ['A-200', '螺丝 M4', 'box', '1'],
      ]),
    );
    const lines = await listVariances(db, st.code);
    expect(lines.find((l) => l.sku === 'A-100')).toMatchObject({ bookQty: '100', unitCost: '2.5', movementQty: '10', expectedQty: '110' });
    expect(lines.find((l) => l.sku === 'A-200')).toMatchObject({ bookQty: '20', unitCost: '12', movementQty: '-4', expectedQty: '16' });
    expect(lines.find((l) => l.sku === 'B-300')).toMatchObject({ bookQty: '50.5', movementQty: '0', expectedQty: '50.5' });
  });

  it("codes it ST-YYYYMMDD-NNN by the warehouse's local day", async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH);
    expect(st.code).toBe('ST-20261125-001');
    expect(st.snapshotAt).toBe('2026-11-24T17:30:00.000Z');
  });

  it('dates a stocktake started just before local midnight on that local day', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await addWarehouse(db, { code: 'NY', timezone: 'America/New_York' });
    // 23:59 on the 24th in Shanghai; 10:59 on the 24th in New York.
    expect((await startStocktake(db, 'WH1', new Date('2026-11-24T15:59:00Z'))).code).toBe('ST-20261124-001');
    // 19:30 on the 24th in New York, already the 25th in UTC.
    expect((await startStocktake(db, 'NY', new Date('2026-11-25T00:30:00Z'))).code).toBe('ST-20261124-002');
  });

  it('refuses a second open stocktake in the same warehouse, naming the open one, even after counting closed', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const first = await startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH);
    await closeCounting(db, first.code);
    const error = await startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StocktakeAlreadyOpenError);
    expect(error).toMatchObject({ warehouseCode: 'WH1', openCode: 'ST-20261125-001' });
    expect((error as Error).message).toContain('ST-20261125-001');
    expect(await listStocktakes(db)).toHaveLength(1);
  });

  it('numbers stocktakes of the same local day one after another across warehouses', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await addWarehouse(db, { code: 'WH2', name: 'Annex', timezone: 'Asia/Shanghai' });
    const first = await startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH);
    // A refused start takes no number.
    await expect(startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH)).rejects.toBeInstanceOf(StocktakeAlreadyOpenError);
    const second = await startStocktake(db, 'WH2', new Date('2026-11-25T09:00:00Z'));
    expect([first.code, second.code]).toEqual(['ST-20261125-001', 'ST-20261125-002']);
    expect(second).toMatchObject({ warehouse: 'WH2', bookLines: 0 });
  });

  it('refuses to start in an unknown warehouse', async () => {
    const { db } = get();
    await expect(startStocktake(db, 'NOPE')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describeEachDatabase('finding and closing stocktakes', (get) => {
  it('finds a stocktake by its id or by its code in any case', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH);
    const expected = {
      id: st.id,
      code: 'ST-20261125-001',
      status: 'counting',
      warehouseCode: 'WH1',
      timezone: 'Asia/Shanghai',
      countingClosedAt: null,
    };
    expect(await getStocktake(db, st.id)).toMatchObject(expected);
    expect(await getStocktake(db, st.id.toUpperCase())).toMatchObject(expected);
    expect(await getStocktake(db, 'ST-20261125-001')).toMatchObject(expected);
    expect(await getStocktake(db, ' st-20261125-001 ')).toMatchObject(expected);
    expect((await getStocktake(db, 'St-20261125-001')).snapshotAt.toISOString()).toBe('2026-11-24T17:30:00.000Z');
  });

  it('answers an unknown id or code with NotFoundError', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH);
    for (const key of ['ST-20261125-002', '00000000-0000-4000-8000-000000000000', 'not-a-code', '']) {
      const error = await getStocktake(db, key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ entity: 'stocktake' });
    }
  });

  it('moves a counting stocktake to reviewing and refuses to close it again', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', ago(2));
    const closedAt = ago(1);
    const closed = await closeCounting(db, st.id, { now: closedAt });
    // Nobody counted: all four book lines are taken as zero, so all four are losses to review, with no owner
    // because WH1 has no supervisor yet.
    expect(closed).toEqual({
      code: st.code,
      status: 'reviewing',
      countingClosedAt: closedAt.toISOString(),
      uncountedAsZero: 4,
      openVariances: 4,
      autoConfirmed: 0,
      owner: null,
    });
    expect(await getStocktake(db, st.code)).toMatchObject({ status: 'reviewing', countingClosedAt: closedAt });
    const error = await closeCounting(db, st.code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StocktakeStateError);
    expect((error as Error).message).toMatch(/is reviewing \(needs counting\)/);
  });

  it('takes movements up to the close of counting into uncounted lines, not later ones', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', ago(5));
    await moveStock(db, [
      ['A-100', 'R1', '7', 'receipt', 'PO-1', shanghai(ago(4))],
      ['A-100', 'R1', '-2', 'issue', 'SO-1', shanghai(ago(1))],
    ]);
    await closeCounting(db, st.code, { now: ago(3) });
    expect((await listVariances(db, st.code)).find((l) => l.sku === 'A-100')).toMatchObject({
      bookQty: '100',
      movementQty: '7',
      expectedQty: '107',
      countedQty: '0',
      diffQty: '-107',
      diffValue: '-267.50',
      direction: 'loss',
    });
  });

  it('lists stocktakes with their warehouse and status', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await addWarehouse(db, { code: 'WH2', timezone: 'Asia/Shanghai' });
    const a = await startStocktake(db, 'WH1', SHANGHAI_EARLY_25TH);
    const b = await startStocktake(db, 'WH2', SHANGHAI_EARLY_25TH);
    await closeCounting(db, a.code);
    expect(await listStocktakes(db)).toEqual([
      {
        id: a.id,
        code: 'ST-20261125-001',
        warehouse: 'WH1',
        timezone: 'Asia/Shanghai',
        status: 'reviewing',
        snapshotAt: SHANGHAI_EARLY_25TH,
        blind: false,
      },
      {
        id: b.id,
        code: 'ST-20261125-002',
        warehouse: 'WH2',
        timezone: 'Asia/Shanghai',
        status: 'counting',
        snapshotAt: SHANGHAI_EARLY_25TH,
        blind: false,
      },
    ]);
  });

  it('lists nothing before any stocktake started', async () => {
    const { db } = get();
    expect(await listStocktakes(db)).toEqual([]);
  });
});
