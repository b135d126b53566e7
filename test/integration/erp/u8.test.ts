import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { U8_COLUMNS } from '../../../src/integration/erp/u8.ts';
import { documentSync, saveErpConnector, testErpConnector } from '../../../src/services/erp.ts';
import { describeEachDatabase } from '../../support/db.ts';
import { postedDocuments, runErpDeliveries } from '../../support/erp.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'u8-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeEachDatabase('U8 connector (import files)', (get) => {
  it('writes each posted document as a CheckVouch/CheckVouchs import file named by its voucher code', async () => {
    const { db } = get();
    const out = join(dir, `csv-${Date.now()}`);
    const { gain, loss } = await postedDocuments(db, () =>
      saveErpConnector(db, null, {
        warehouse: 'WH1',
        kind: 'u8',
        config: { directory: out, format: 'csv', warehouse: '01', skuMap: { 'C-400': '0400' } },
      }),
    );
    await runErpDeliveries(db);
    expect((await readdir(out)).sort()).toEqual([`WH1_${gain.number}.csv`, `WH1_${loss.number}.csv`].sort());
    const text = await readFile(join(out, `WH1_${loss.number}.csv`), 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const [header, ...rows] = text
      .slice(1)
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(header).toEqual([...U8_COLUMNS]);
    const row = (r: string[]) => Object.fromEntries(header!.map((h, i) => [h, r[i]]));
    expect(rows.map(row)).toEqual([
      expect.objectContaining({
        cCVCode: loss.number,
        cWhCode: '01',
        cInvCode: 'A-100',
        cPosition: 'R1',
        iCVQuantity: '100',
        iCVCQuantity: '90',
        cCVType: '盘亏',
      }),
      expect.objectContaining({ cCVCode: loss.number, cInvCode: '0400', cPosition: 'R4', iCVQuantity: '3', iCVCQuantity: '1' }),
    ]);
    expect(await documentSync(db, loss.id)).toEqual([
      expect.objectContaining({ state: 'synced', externalRef: `${loss.number} (WH1_${loss.number}.csv)` }),
    ]);
  });

  it('writes XLSX by default with every cell as text', async () => {
    const { db } = get();
    const out = join(dir, `xlsx-${Date.now()}`);
    const { gain } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'u8', config: { directory: out } }),
    );
    expect(await testErpConnector(db, null, { warehouse: 'WH1', kind: 'u8' })).toMatchObject({ ok: true });
    await runErpDeliveries(db);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, `WH1_${gain.number}.xlsx`));
    const sheet = book.getWorksheet('CheckVouchs')!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...U8_COLUMNS]);
    expect(sheet.getRow(2).getCell(U8_COLUMNS.indexOf('iCVCQuantity') + 1).value).toBe('21');
    expect(sheet.getRow(2).getCell(U8_COLUMNS.indexOf('cWhCode') + 1).value).toBe('WH1');
  });
});
