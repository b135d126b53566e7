import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ChooseSheetError, InvalidInputError } from '../../src/domain/errors.ts';
import { COUNT_COLUMNS } from '../../src/services/countSheet.ts';
import { bufferSource } from '../../src/files/source.ts';
import { openTable, type TableRow } from '../../src/files/table.ts';
import { listXlsxSheets, readXlsxRows } from '../../src/files/xlsx.ts';
import JSZip from 'jszip';
import { Readable } from 'node:stream';

async function workbookBytes(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function readRows(bytes: Uint8Array, name = 'counts.xlsx'): Promise<TableRow[]> {
  const table = await openTable(bufferSource(name, bytes));
  expect(table.format).toBe('xlsx');
  const rows: TableRow[] = [];
  for await (const batch of table.batches) rows.push(...batch);
  return rows;
}

describe('reading XLSX workbooks', () => {
  it('recognises a workbook by its content, not its name', async () => {
    const bytes = await workbookBytes((wb) => wb.addWorksheet('Counts').addRow(['sku', 'qty']));
    const table = await openTable(bufferSource('upload', bytes));
    expect(table.format).toBe('xlsx');
    expect(table.name).toBe('upload');
  });

  it('reads the one sheet whose header names a column the import reads, and says which', async () => {
    const bytes = await workbookBytes((wb) => {
      wb.addWorksheet('Counts').addRows([
        ['sku', 'qty'],
        ['A-001', 5],
      ]);
      wb.addWorksheet('Notes').addRows([['remark'], ['counted twice']]);
    });
    const table = await openTable(bufferSource('counts.xlsx', bytes), { columns: COUNT_COLUMNS });
    expect(table.sheet).toBe('Counts');
    const rows: TableRow[] = [];
    for await (const batch of table.batches) rows.push(...batch);
    expect(rows.map((r) => r.cells)).toEqual([
      ['sku', 'qty'],
      ['A-001', 5],
    ]);
  });

  it('finds the data on a later sheet when the first one is empty', async () => {
    const bytes = await workbookBytes((wb) => {
      wb.addWorksheet('Sheet1');
      wb.addWorksheet('盘点').addRows([
        ['物料编码', '实盘数量'],
        ['A-001', 5],
      ]);
    });
    const table = await openTable(bufferSource('counts.xlsx', bytes));
    expect(table.sheet).toBe('盘点');
    const rows: TableRow[] = [];
    for await (const batch of table.batches) rows.push(...batch);
    expect(rows.map((r) => r.cells)).toEqual([
      ['物料编码', '实盘数量'],
      ['A-001', 5],
    ]);
  });

  it('asks which sheet when several hold data, and reads the one named', async () => {
    const bytes = await workbookBytes((wb) => {
      wb.addWorksheet('Day 1').addRows([
        ['sku', 'qty'],
        ['A-001', 5],
      ]);
      wb.addWorksheet('Day 2').addRows([
        ['sku', 'qty'],
        ['A-001', 7],
      ]);
    });
    const error = await openTable(bufferSource('days.xlsx', bytes), { columns: COUNT_COLUMNS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChooseSheetError);
    expect((error as ChooseSheetError).sheets).toEqual(['Day 1', 'Day 2']);
    expect((error as ChooseSheetError).message).toContain('--sheet');
    expect((error as ChooseSheetError).localized?.['zh-CN']).toContain('多个工作表');
    const table = await openTable(bufferSource('days.xlsx', bytes), { columns: COUNT_COLUMNS, sheet: 'Day 2' });
    expect(table.sheet).toBe('Day 2');
    const rows: TableRow[] = [];
    for await (const batch of table.batches) rows.push(...batch);
    expect(rows[1]?.cells).toEqual(['A-001', 7]);
  });

  it('names the sheets there are when the sheet asked for is not one of them', async () => {
    const bytes = await workbookBytes((wb) => wb.addWorksheet('Counts').addRows([['sku', 'qty']]));
    const error = await openTable(bufferSource('counts.xlsx', bytes), { sheet: 'Count' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toBe('counts.xlsx has no sheet "Count"; its sheets: "Counts"');
  });

  it('gives numbers as numbers and text as text', async () => {
    const bytes = await workbookBytes((wb) =>
      wb.addWorksheet('Counts').addRows([
        ['sku', 'qty'],
        ['00123', 12.5],
        ['物料', 0],
      ]),
    );
    const rows = await readRows(bytes);
    expect(rows[1]?.cells).toEqual(['00123', 12.5]);
    expect(rows[2]?.cells).toEqual(['物料', 0]);
    expect(typeof rows[1]?.cells[1]).toBe('number');
  });

  it('gives date cells as Date values holding the wall-clock fields in UTC', async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.addRow(['sku', 'counted_at']);
      ws.addRow(['A-001', new Date(Date.UTC(2026, 10, 25, 14, 30, 0))]);
      ws.getCell('B2').numFmt = 'yyyy-mm-dd hh:mm';
    });
    const rows = await readRows(bytes);
    const cell = rows[1]?.cells[1];
    expect(cell).toBeInstanceOf(Date);
    expect((cell as Date).toISOString()).toBe('2026-11-25T14:30:00.000Z');
  });

  it("reads a workbook again when ExcelJS's streaming pass lost its workbook part (exceljs#3064), and names a file that never has one", async () => {
    const good = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.addRow(['sku', 'qty']);
      ws.addRow([{ richText: [{ text: 'A-' }, { font: { bold: true }, text: '001' }] }, 3]);
    });
    // What the race leaves ExcelJS with: the zip read without xl/workbook.xml.
    const zip = await JSZip.loadAsync(good);
    zip.remove('xl/workbook.xml');
    const lost = await zip.generateAsync({ type: 'uint8array' });
    let opened = 0;
    const flaky = { name: 'counts.xlsx', open: () => Readable.from([Buffer.from(opened++ === 0 ? lost : good)]) };
    expect(await listXlsxSheets(flaky)).toEqual([{ name: 'Counts', header: ['sku', 'qty'], hasData: true }]);
    expect(opened).toBe(2);
    opened = 0;
    const rows: TableRow[] = [];
    for await (const batch of readXlsxRows(flaky)) rows.push(...batch);
    expect(rows.map((r) => r.cells)).toEqual([
      ['sku', 'qty'],
      ['A-001', 3],
    ]);
    const never = { name: 'broken.xlsx', open: () => Readable.from([Buffer.from(lost)]) };
    await expect(listXlsxSheets(never)).rejects.toThrow(/broken\.xlsx is not a readable XLSX workbook/);
  });

  it('flattens rich text to its plain text', async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.addRow(['sku']);
      ws.addRow([{ richText: [{ text: 'A-' }, { font: { bold: true }, text: '001' }] }]);
    });
    const rows = await readRows(bytes);
    expect(rows[1]?.cells).toEqual(['A-001']);
  });

  it('gives the cached result of a formula', async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.addRow(['sku', 'qty', 'label']);
      ws.addRow(['A-001', { formula: '2+3', result: 5 }, { formula: 'A2&"x"', result: 'A-001x' }]);
    });
    const rows = await readRows(bytes);
    expect(rows[1]?.cells).toEqual(['A-001', 5, 'A-001x']);
  });

  it('gives an empty cell for a formula saved without a result', async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.addRow(['sku', 'qty']);
      ws.addRow(['A-001', { formula: '2+3' }]);
    });
    const rows = await readRows(bytes);
    expect(rows[1]?.cells).toEqual(['A-001', null]);
  });

  it('gives hyperlinks as their text, errors as their code and booleans as text', async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.addRow(['sku', 'qty', 'ok']);
      ws.addRow([{ text: 'A-001', hyperlink: 'https://example.com/A-001' }, { error: '#N/A' }, true]);
    });
    const rows = await readRows(bytes);
    expect(rows[1]?.cells).toEqual(['A-001', '#N/A', 'true']);
  });

  it('gives a skipped cell as null', async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.addRow(['sku', 'location', 'qty']);
      ws.getCell('A2').value = 'A-001';
      ws.getCell('C2').value = 4;
    });
    const rows = await readRows(bytes);
    expect(rows[1]?.cells).toEqual(['A-001', null, 4]);
  });

  it("numbers rows as the sheet's own, with gaps where rows are empty", async () => {
    const bytes = await workbookBytes((wb) => {
      const ws = wb.addWorksheet('Counts');
      ws.getCell('A3').value = 'sku';
      ws.getCell('A4').value = 'A-001';
      ws.getCell('A9').value = 'B-002';
    });
    const rows = await readRows(bytes);
    expect(rows.map((r) => [r.line, r.cells[0]])).toEqual([
      [3, 'sku'],
      [4, 'A-001'],
      [9, 'B-002'],
    ]);
  });

  it('refuses a damaged workbook with InvalidInputError naming the file', async () => {
    const bytes = await workbookBytes((wb) => wb.addWorksheet('Counts').addRow(['sku']));
    const damaged = bytes.slice(0, 200);
    const reading = (async () => {
      for await (const _batch of readXlsxRows(bufferSource('damaged.xlsx', damaged))) {
        // drain
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(InvalidInputError);
    await expect(reading).rejects.toThrow(/damaged\.xlsx is not a readable XLSX workbook/);
  });
});
