import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { DuplicateImportError, InvalidInputError, StocktakeStateError } from '../../src/domain/errors.ts';
import { bufferSource } from '../../src/files/source.ts';
import { importCounts } from '../../src/services/counts.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { listVariances, stocktakeStatus } from '../../src/services/variances.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';

const line = async (db: Parameters<typeof listVariances>[0], code: string, sku: string, location: string) =>
  (await listVariances(db, code)).find((v) => v.sku === sku && v.location === location);

describeEachDatabase('count import', (get) => {
  it('imports a UTF-8 sheet and sums repeated lines of one (sku, location)', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const report = await importCounts(
      db,
      st.code,
      csv('scan.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '60'],
        ['A-100', 'R1', '38'],
        ['A-200', 'R2', '20'],
        ['A-100', 'R1', '0.5'],
      ]),
      { counter: 'alice' },
    );
    expect(report).toMatchObject({ rowsRead: 4, rowsAccepted: 4, rowsRejected: 0, linesCounted: 2, counter: 'alice', round: 1 });
    expect(await line(db, st.code, 'A-100', 'R1')).toMatchObject({ countedQty: '98.5', diffQty: '-1.5', countStatus: 'counted' });
  });

  it('reads a GBK sheet with Chinese headers, full-width digits and thousands separators', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const text = '物料编码,库位,实盘数量\r\nA-100,R1,"1,200"\r\nA-200,R2,１２\r\nB-300,R3,50.125\r\n';
    const report = await importCounts(db, st.code, bufferSource('盘点表.csv', iconv.encode(text, 'gbk')));
    expect(report.rowsAccepted).toBe(3);
    const variances = await listVariances(db, st.code);
    expect(variances.find((v) => v.sku === 'A-100')?.countedQty).toBe('1200');
    expect(variances.find((v) => v.sku === 'A-200')?.countedQty).toBe('12');
    expect(variances.find((v) => v.sku === 'B-300')?.countedQty).toBe('50.125');
  });

  it('reads a UTF-8 sheet with a BOM and headers in any case and spacing', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const report = await importCounts(db, st.code, bufferSource('bom.csv', '\ufeff SKU ,Location,QTY\nA-100,R1,7\n'));
    expect(report.rowsAccepted).toBe(1);
    expect((await line(db, st.code, 'A-100', 'R1'))?.countedQty).toBe('7');
  });

  it('reads the first sheet of an XLSX workbook, with numbers and date cells', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3 * 3600_000));
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('盘点');
    sheet.addRow(['商品编码', '仓位', '数量', '盘点时间']);
    const wallClock = new Date(Date.now() + 8 * 3600_000 - 3600_000); // an hour ago, Shanghai wall clock
    sheet.addRow(['A-100', 'R1', 99, wallClock]);
    sheet.addRow(['C-400', 'R4', 2.5]);
    wb.addWorksheet('notes').addRow(['sku', 'qty']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const report = await importCounts(db, st.code, bufferSource('count.xlsx', bytes));
    expect(report.rowsAccepted).toBe(2);
    expect((await line(db, st.code, 'A-100', 'R1'))?.countedQty).toBe('99');
    expect((await line(db, st.code, 'C-400', 'R4'))?.countedQty).toBe('2.5');
  });

  it('refuses the whole sheet and lists every invalid line with its line number and column', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const sheet = csv('bad.csv', [
      ['sku', 'location', '数量'],
      ['A-100', 'R1', '5'],
      ['A-100', 'R1', '-1'],
      ['', 'R1', '5'],
      ['NOPE', 'R1', '5'],
      ['A-200', 'R2', 'abc'],
      ['A-200', 'R2', ''],
      ['A-200', 'R2', '1.2345'],
    ]);
    const error = await importCounts(db, st.code, sheet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toMatchObject([
      { line: 3, column: '数量', message: 'quantity "-1" is negative' },
      { line: 4, column: 'sku', message: 'sku is blank' },
      { line: 5, column: 'sku', message: expect.stringContaining('sku NOPE is not in the item master') },
      { line: 6, column: '数量', message: 'quantity "abc" is not a number' },
      { line: 7, column: '数量', message: 'quantity is blank' },
      { line: 8, column: '数量', message: 'quantity "1.2345" has more than 3 decimal places' },
    ]);
    const status = await stocktakeStatus(db, st.code);
    expect(status.imports).toBe(0);
    expect(status.lines.counted).toBe(0);
  });

  it('refuses a quantity longer than the column holds, naming line, column and the limit, importing nothing', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const thirty = '123456789012345678901234567890';
    const error = await importCounts(
      db,
      st.code,
      csv('huge.csv', [
        ['sku', 'location', '实盘数量'],
        ['A-100', 'R1', '5'],
        ['A-200', 'R2', thirty],
      ]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toMatchObject([
      {
        line: 3,
        column: '实盘数量',
        message: `quantity "${thirty}" has 30 digits before the decimal point; at most 15 are allowed`,
        localized: expect.anything(),
      },
    ]);
    expect((error as InvalidInputError).problems[0]!.localized!['zh-CN']).toBe(`数量“${thirty}”的整数部分有 30 位，最多允许 15 位`);
    expect((await stocktakeStatus(db, st.code)).imports).toBe(0);
  });

  it('refuses lines of one SKU and location whose sum no longer fits, on the first of them', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const max = '999999999999999';
    const error = await importCounts(
      db,
      st.code,
      csv('sum.csv', [
        ['sku', 'location', 'qty'],
        ['A-200', 'R2', '1'],
        ['A-100', 'R1', max],
        ['A-100', 'R1', max],
      ]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toMatchObject([
      {
        line: 3,
        column: 'qty',
        message:
          'the 2 lines of A-100@R1 add up to 1999999999999998: more than 15 digits before the decimal point, the most a quantity may have',
        localized: expect.anything(),
      },
    ]);
    expect((await stocktakeStatus(db, st.code)).imports).toBe(0);
  });

  it('applies one decimal rule to CSV text and XLSX numbers: float noise is 0.3, a fourth decimal is refused in both', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('count');
    sheet.addRow(['sku', 'location', 'qty']);
    sheet.addRow(['A-100', 'R1', 0.1 + 0.2]);
    sheet.addRow(['A-200', 'R2', 0.0004]);
    const xlsxError = await importCounts(db, st.code, bufferSource('noise.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))).catch(
      (e: unknown) => e,
    );
    const csvError = await importCounts(
      db,
      st.code,
      bufferSource('noise.csv', 'sku,location,qty\nA-100,R1,0.30000000000000004\nA-200,R2,0.0004\n'),
    ).catch((e: unknown) => e);
    for (const error of [xlsxError, csvError]) {
      expect((error as InvalidInputError).problems).toMatchObject([
        { line: 3, column: 'qty', message: 'quantity "0.0004" has more than 3 decimal places' },
      ]);
    }
    wb.getWorksheet('count')!.spliceRows(3, 1);
    await importCounts(db, st.code, bufferSource('noise.xlsx', Buffer.from(await wb.xlsx.writeBuffer())));
    expect((await line(db, st.code, 'A-100', 'R1'))?.countedQty).toBe('0.3');
    await importCounts(db, st.code, bufferSource('noise.csv', 'sku,location,qty\nA-100,R1,0.30000000000000004\n'));
    expect(await line(db, st.code, 'A-100', 'R1')).toMatchObject({ countedQty: '0.3', countStatus: 'verified' });
  });

  it('imports UTF-16 without a byte order mark and bare-CR lines (Excel for Mac) as rows, not one row missing columns', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const utf16 = await importCounts(
      db,
      st.code,
      bufferSource('unicode.txt', Buffer.from('物料编码\t库位\t实盘数量\r\nA-100\tR1\t7\r\n', 'utf16le')),
    );
    expect(utf16).toMatchObject({ rowsRead: 1, rowsAccepted: 1 });
    const mac = await importCounts(
      db,
      st.code,
      bufferSource('mac.csv', iconv.encode('物料编码,库位,实盘数量\rA-200,R2,3\rB-300,R3,4\r', 'gbk')),
    );
    expect(mac).toMatchObject({ rowsRead: 2, rowsAccepted: 2 });
    expect((await line(db, st.code, 'A-100', 'R1'))?.countedQty).toBe('7');
    expect((await line(db, st.code, 'B-300', 'R3'))?.countedQty).toBe('4');
  });

  it('refuses a sheet whose encoding it cannot tell, naming the encodings tried, importing nothing', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const error = await importCounts(
      db,
      st.code,
      bufferSource('jp.csv', iconv.encode('sku,location,qty\nA-100,倉庫一,5\n', 'shiftjis')),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toContain('tried UTF-8, UTF-16 (LE, BE), GB18030/GBK, Windows-1252/Latin-1');
    expect((await stocktakeStatus(db, st.code)).imports).toBe(0);
  });

  it('imports the valid lines with skipInvalid and reports the rest', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const report = await importCounts(
      db,
      st.code,
      csv('bad.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '5'],
        ['A-100', 'R1', 'x'],
        ['ZZ', 'R1', '1'],
      ]),
      { skipInvalid: true },
    );
    expect(report).toMatchObject({ rowsRead: 3, rowsAccepted: 1, rowsRejected: 2 });
    expect(report.problems.map((p) => p.line)).toEqual([3, 4]);
  });

  it('counts line numbers as a spreadsheet shows them: header is 1, blank rows are rows', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const error = await importCounts(db, st.code, bufferSource('gaps.csv', 'sku,location,qty\nA-100,R1,1\n\n"A-200",R2,oops\n')).catch(
      (e: unknown) => e,
    );
    expect((error as InvalidInputError).problems).toMatchObject([{ line: 4, column: 'qty', message: 'quantity "oops" is not a number' }]);
  });

  it('names a missing column on line 1 with the accepted headers', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const error = await importCounts(
      db,
      st.code,
      csv('nosku.csv', [
        ['code', 'qty'],
        ['A-100', 'R1', '1'],
      ]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems[0]).toMatchObject({
      line: 1,
      column: 'sku',
      message: expect.stringContaining('物料编码'),
    });
  });

  it('names the columns it ignored in the report, with the header a typo was meant to be', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const report = await importCounts(
      db,
      st.code,
      csv('typo.csv', [
        ['sku', 'location', 'qty', 'conted at', 'scanner'],
        ['A-100', 'R1', '5', '2026-01-01 10:00', 'S7'],
      ]),
    );
    expect(report.sheet).toBeNull();
    expect(report.ignoredColumns).toEqual([
      {
        column: 'conted at',
        suggestion: 'counted at',
        message: 'column "conted at" was ignored: did you mean "counted at"?',
        localized: {
          en: 'column "conted at" was ignored: did you mean "counted at"?',
          'zh-CN': '列“conted at”已忽略：是不是“counted at”？',
        },
      },
      expect.objectContaining({ column: 'scanner', suggestion: null }),
    ]);
  });

  it('refuses a sheet without a location column when the book keeps stock by location', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const sheet = [
      ['sku', 'locaton', 'qty'],
      ['A-100', 'R1', '5'],
    ];
    for (const skipInvalid of [false, true]) {
      const error = await importCounts(db, st.code, csv('typo.csv', sheet), { skipInvalid }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).message).toMatch(/^typo\.csv has no location column \(is "locaton" meant to be location\?\)/);
      expect((error as InvalidInputError).localized?.['zh-CN']).toContain('没有库位列');
      expect((error as InvalidInputError).problems).toMatchObject([expect.objectContaining({ line: 1, column: 'location' })]);
    }
    expect((await stocktakeStatus(db, st.code)).imports).toBe(0);
  });

  it('refuses the identical file a second time, naming the earlier import', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const sheet = csv('a.csv', [
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '5'],
    ]);
    const first = await importCounts(db, st.code, sheet, { counter: 'alice' });
    const again = csv('renamed.csv', [
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '5'],
    ]);
    const error = await importCounts(db, st.code, again, { counter: 'bob' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateImportError);
    expect((error as DuplicateImportError).message).toContain(first.importId);
    expect((error as DuplicateImportError).message).toContain('a.csv');
    expect((await stocktakeStatus(db, st.code)).imports).toBe(1);
  });

  it('records the counter and the round of each import', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const report = await importCounts(
      db,
      st.code,
      csv('r2.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '5'],
      ]),
      { counter: '王五', round: 2 },
    );
    expect(report).toMatchObject({ counter: '王五', round: 2 });
    await expect(
      importCounts(
        db,
        st.code,
        csv('r0.csv', [
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '6'],
        ]),
        { round: 0 },
      ),
    ).rejects.toThrow(/round/);
  });

  it('refuses counts after counting is closed, unless they are a recount asked of the counter', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    await closeCounting(db, st.code);
    await expect(
      importCounts(
        db,
        st.code,
        csv('late.csv', [
          ['sku', 'qty'],
          ['A-100', '5'],
        ]),
      ),
    ).rejects.toThrow(/in review: only recounts are imported/);
  });

  it('refuses counted_at before the stocktake started or in the future, and a date without a time', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const error = await importCounts(
      db,
      st.code,
      csv('times.csv', [
        ['sku', 'qty', 'counted_at'],
        ['A-100', '1', '2020-01-01 10:00'],
        ['A-200', '1', '2999-01-01 10:00'],
        ['B-300', '1', '2026-11-25'],
      ]),
    ).catch((e: unknown) => e);
    const messages = (error as InvalidInputError).problems.map((p) => `${p.line} ${p.message}`);
    expect(messages[0]).toMatch(/^2 counted_at .* is before the stocktake started/);
    expect(messages[1]).toMatch(/^3 counted_at .* is in the future/);
    expect(messages[2]).toMatch(/^4 counted_at .* has no time of day/);
  });
});

describeEachDatabase('counting rules', (get) => {
  it('marks a line verified when two sheets of the same round agree', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    await importCounts(
      db,
      st.code,
      csv('alice.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '98'],
      ]),
      { counter: 'alice' },
    );
    const second = await importCounts(
      db,
      st.code,
      csv('bob.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '90'],
        ['A-100', 'R1', '8'],
      ]),
      { counter: 'bob' },
    );
    expect(second.linesVerified).toBe(1);
    expect(await line(db, st.code, 'A-100', 'R1')).toMatchObject({ countStatus: 'verified', countedQty: '98', diffQty: '-2' });
  });

  it('marks a conflict with no counted quantity when two sheets of the same round disagree', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    await importCounts(
      db,
      st.code,
      csv('alice.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '98'],
      ]),
      { counter: 'alice' },
    );
    const second = await importCounts(
      db,
      st.code,
      csv('bob.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '97'],
      ]),
      { counter: 'bob' },
    );
    expect(second.linesInConflict).toBe(1);
    expect(await line(db, st.code, 'A-100', 'R1')).toMatchObject({
      countStatus: 'conflict',
      countedQty: null,
      diffQty: null,
      diffValue: null,
      direction: null,
    });
    await expect(closeCounting(db, st.code)).rejects.toThrow(/A-100@R1.*recount/);
  });

  it('lets a later round supersede earlier rounds for the lines it covers', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    await importCounts(
      db,
      st.code,
      csv('a.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '98'],
        ['A-200', 'R2', '19'],
      ]),
      { counter: 'alice' },
    );
    await importCounts(
      db,
      st.code,
      csv('b.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '97'],
      ]),
      { counter: 'bob' },
    );
    await importCounts(
      db,
      st.code,
      csv('recount.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '96'],
      ]),
      { counter: 'carol', round: 2 },
    );
    expect(await line(db, st.code, 'A-100', 'R1')).toMatchObject({ countStatus: 'counted', countedQty: '96' });
    expect(await line(db, st.code, 'A-200', 'R2')).toMatchObject({ countStatus: 'counted', countedQty: '19' });
    // A round-1 sheet arriving late stays evidence only: round 2 still decides that line.
    const late = await importCounts(
      db,
      st.code,
      csv('late.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '50'],
      ]),
      { counter: 'dave' },
    );
    expect(late.linesSuperseded).toBe(1);
    expect(await line(db, st.code, 'A-100', 'R1')).toMatchObject({ countStatus: 'counted', countedQty: '96' });
  });

  it('takes a sheet given no round that covers a line in conflict as its recount (chat uploads have no round)', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    await importCounts(
      db,
      st.code,
      csv('a.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '98'],
        ['A-200', 'R2', '19'],
      ]),
      { counter: 'alice' },
    );
    await importCounts(
      db,
      st.code,
      csv('b.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '97'],
        ['A-200', 'R2', '19'],
      ]),
      { counter: 'bob' },
    );
    const recount = await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '96'],
      ]),
      { counter: 'carol' },
    );
    expect(recount.round).toBe(2);
    expect(await line(db, st.code, 'A-100', 'R1')).toMatchObject({ countStatus: 'counted', countedQty: '96' });
    expect(await line(db, st.code, 'A-200', 'R2')).toMatchObject({ countStatus: 'verified', countedQty: '19' });
    // A sheet covering no conflicted line stays in round 1 and double-counts as before.
    const plain = await importCounts(
      db,
      st.code,
      csv('d.csv', [
        ['sku', 'location', 'qty'],
        ['B-300', 'R3', '50.5'],
      ]),
      { counter: 'dave' },
    );
    expect(plain.round).toBe(1);
  });

  it('keeps book lines nobody counted as uncounted until counting closes, then takes them as zero', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    await importCounts(
      db,
      st.code,
      csv('a.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '100'],
      ]),
    );
    const before = await stocktakeStatus(db, st.code);
    expect(before.lines).toMatchObject({ total: 4, counted: 1, uncounted: 3 });
    expect(await line(db, st.code, 'C-400', 'R4')).toMatchObject({ countStatus: 'uncounted', countedQty: null, diffQty: null });
    const closed = await closeCounting(db, st.code);
    expect(closed).toMatchObject({ status: 'reviewing', uncountedAsZero: 3 });
    expect(await line(db, st.code, 'C-400', 'R4')).toMatchObject({
      countStatus: 'uncounted',
      countedQty: '0',
      diffQty: '-3',
      diffValue: '-450.00',
      direction: 'loss',
    });
    await expect(closeCounting(db, st.code)).rejects.toBeInstanceOf(StocktakeStateError);
  });

  it('gives a counted SKU with no book line a book of 0', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const st = await startStocktake(db, 'WH1');
    const report = await importCounts(
      db,
      st.code,
      csv('a.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R9', '4'],
      ]),
    );
    expect(report.linesNotInBook).toBe(1);
    expect(await line(db, st.code, 'A-100', 'R9')).toMatchObject({
      bookQty: '0',
      expectedQty: '0',
      countedQty: '4',
      diffQty: '4',
      diffValue: '10.00',
      direction: 'gain',
      unitCost: '2.5',
    });
  });
});
