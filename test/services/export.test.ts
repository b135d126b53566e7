import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { InvalidInputError, NotFoundError } from '../../src/domain/errors.ts';
import { approveDocument, rejectDocument } from '../../src/services/approvals.ts';
import { importCounts } from '../../src/services/counts.ts';
import { getDocument, submitVariances } from '../../src/services/documents.ts';
import { EXPORT_COLUMNS, exportPosted, type ExportColumn } from '../../src/services/export.ts';
import { addPerson, cliActor, grantRole } from '../../src/services/people.ts';
import { addPhoto } from '../../src/services/photos.ts';
import { confirmVariance, tagCause } from '../../src/services/review.ts';
import { closeCounting, getStocktake, startStocktake } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';

// A fixed start makes the stocktake code ST-20261125-001 (09:00 in Shanghai) whatever day the tests run.
const STARTED = new Date('2026-11-25T01:00:00.000Z');
const SUBMITTED = new Date('2026-11-25T06:00:00.000Z');
const NOTE = '叉车压坏, "外箱" 破损';
/** A 1×1 PNG attached to A-100@R1 as evidence: exports list it by its SHA-256. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PHOTO_SHA = createHash('sha256').update(PHOTO).digest('hex');

/** sam reviews and submits; bob, carol and dave approve (none of them counted or explained a line). */
const APPROVER_BY_ROLE: Record<string, string> = { supervisor: 'bob', finance: 'carol', manager: 'dave' };

async function addStaff(db: Db): Promise<void> {
  for (const [handle, role] of [
    ['sam', 'supervisor'],
    ['bob', 'supervisor'],
    ['carol', 'finance'],
    ['dave', 'manager'],
  ] as const) {
    await addPerson(db, { handle, name: handle });
    await grantRole(db, handle, role, 'WH1');
  }
}

interface Explanation {
  line: string;
  cause: 'damage' | 'unrecorded_receipt';
  note?: string;
}

/** Starts a stocktake of WH1, imports one count sheet, closes counting, and has sam confirm and tag each line. */
async function countAndExplain(db: Db, counts: string[][], explanations: Explanation[]): Promise<string> {
  const st = await startStocktake(db, 'WH1', STARTED);
  await importCounts(db, st.code, csv('count.csv', [['sku', 'location', 'qty'], ...counts]), { counter: 'alice' });
  await closeCounting(db, st.code);
  const sam = { actor: await cliActor(db, 'sam') };
  for (const e of explanations) {
    await confirmVariance(db, sam, { stocktake: st.code, line: e.line });
    await tagCause(db, sam, { stocktake: st.code, line: e.line, cause: e.cause, ...(e.note ? { note: e.note } : {}) });
  }
  return st.code;
}

async function submit(db: Db, stocktake: string): Promise<string[]> {
  const { documents } = await submitVariances(db, { actor: await cliActor(db, 'sam'), now: SUBMITTED }, { stocktake });
  return documents.map((d) => d.number);
}

/** Decides each step of the route in turn by the holder of its role, at the given times; the last one posts. */
async function approveAll(db: Db, number: string, times: string[]): Promise<void> {
  for (const at of times) {
    const pending = (await getDocument(db, number)).route.find((s) => s.status === 'pending');
    const actor = await cliActor(db, APPROVER_BY_ROLE[pending!.role]!);
    await approveDocument(db, { actor, now: new Date(at) }, { document: number });
  }
  expect((await getDocument(db, number)).status).toBe('posted');
}

/**
 * The usual case: a loss document PK-2026-0001 (A-100 −10 and B-300 −0.375, supervisor only, posted at
 * 15:45 Shanghai) and a gain document PY-2026-0001 (A-200 +100 worth 1,200.00, supervisor then finance,
 * posted at 01:30 the next day in Shanghai, still the 25th in UTC).
 */
async function postBoth(db: Db): Promise<string> {
  await seedWarehouse(db);
  await addStaff(db);
  const code = await countAndExplain(
    db,
    [
      ['A-100', 'R1', '90'],
      ['A-200', 'R2', '120'],
      ['B-300', 'R3', '50.125'],
      ['C-400', 'R4', '3'],
    ],
    [
      { line: 'A-100@R1', cause: 'damage', note: NOTE },
      { line: 'A-200@R2', cause: 'unrecorded_receipt', note: 'GRN-88 not booked' },
      { line: 'B-300@R3', cause: 'damage' },
    ],
  );
  await addPhoto(db, { actor: await cliActor(db, 'sam') }, { stocktake: code, line: 'A-100@R1', bytes: PHOTO, source: 'api' });
  expect(await submit(db, code)).toEqual(['PY-2026-0001', 'PK-2026-0001']);
  await approveAll(db, 'PK-2026-0001', ['2026-11-25T07:45:00.000Z']);
  await approveAll(db, 'PY-2026-0001', ['2026-11-25T08:00:00.000Z', '2026-11-25T17:30:00.000Z']);
  return code;
}

const HEADER =
  'document_no,type,posting_date,posted_at,warehouse,stocktake,sku,location,lot,expiry,qty_delta,unit_cost,value,currency,cause_code,cause_label_en,cause_label_zh,note,approvers,photos,account,cost_centre';
const LOSS_1 = `PK-2026-0001,loss,2026-11-25,2026-11-25T07:45:00.000Z,WH1,ST-20261125-001,A-100,R1,,,-10,2.5,-25.00,CNY,damage,Damage / scrap,报损,"叉车压坏, ""外箱"" 破损",supervisor:bob@2026-11-25T07:45:00.000Z,${PHOTO_SHA},,`;
const LOSS_2 =
  'PK-2026-0001,loss,2026-11-25,2026-11-25T07:45:00.000Z,WH1,ST-20261125-001,B-300,R3,,,-0.375,0.3333,-0.12,CNY,damage,Damage / scrap,报损,,supervisor:bob@2026-11-25T07:45:00.000Z,,,';
const GAIN_1 =
  'PY-2026-0001,gain,2026-11-26,2026-11-25T17:30:00.000Z,WH1,ST-20261125-001,A-200,R2,,,100,12,1200.00,CNY,unrecorded_receipt,Unrecorded receipt,收货漏记,GRN-88 not booked,supervisor:bob@2026-11-25T08:00:00.000Z; finance:carol@2026-11-25T17:30:00.000Z,,,';

const csvText = (body: Buffer | string) => (typeof body === 'string' ? body : body.toString('utf8'));

async function readSheet(body: Buffer | string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(body as Buffer) as never);
  expect(workbook.worksheets.map((s) => s.name)).toEqual(['export']);
  return workbook.getWorksheet('export')!;
}

describeEachDatabase('export of posted documents', (get) => {
  it('writes a stocktake as UTF-8 CSV with a BOM, CRLF line ends and RFC 4180 quoting, one row per ledger entry', async () => {
    const { db } = get();
    const code = await postBoth(db);
    const result = await exportPosted(db, code, 'csv');
    expect(result).toMatchObject({ fileName: 'ST-20261125-001-posted.csv', contentType: 'text/csv; charset=utf-8', rows: 3 });
    expect(Buffer.isBuffer(result.body)).toBe(true);
    const bytes = result.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvText(bytes)).toBe(`\ufeff${HEADER}\r\n${LOSS_1}\r\n${LOSS_2}\r\n${GAIN_1}\r\n`);
    expect(HEADER.split(',')).toEqual([...EXPORT_COLUMNS]);
  });

  it('lists the approvers of every approved step in step order, with their times', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await addStaff(db);
    // 1,234,567,890,023.456 more A-100 than expected: worth more than 10,000, so all three steps.
    const code = await countAndExplain(
      db,
      [
        ['A-100', 'R1', '1234567890123.456'],
        ['A-200', 'R2', '20'],
        ['B-300', 'R3', '50.5'],
        ['C-400', 'R4', '3'],
      ],
      [{ line: 'A-100@R1', cause: 'unrecorded_receipt' }],
    );
    expect(await submit(db, code)).toEqual(['PY-2026-0001']);
    await approveAll(db, 'PY-2026-0001', ['2026-11-25T08:00:00.000Z', '2026-11-25T09:10:00.000Z', '2026-11-25T10:20:30.123Z']);
    const json = JSON.parse(csvText((await exportPosted(db, 'PY-2026-0001', 'json')).body));
    expect(json.documents[0].approvers).toEqual([
      { step: 1, role: 'supervisor', person: 'bob', at: '2026-11-25T08:00:00.000Z' },
      { step: 2, role: 'finance', person: 'carol', at: '2026-11-25T09:10:00.000Z' },
      { step: 3, role: 'manager', person: 'dave', at: '2026-11-25T10:20:30.123Z' },
    ]);
    const row = csvText((await exportPosted(db, code, 'csv')).body)
      .split('\r\n')[1]!
      .split(',');
    expect(row[EXPORT_COLUMNS.indexOf('approvers')]).toBe(
      'supervisor:bob@2026-11-25T08:00:00.000Z; finance:carol@2026-11-25T09:10:00.000Z; manager:dave@2026-11-25T10:20:30.123Z',
    );
    expect(row[EXPORT_COLUMNS.indexOf('qty_delta')]).toBe('1234567890023.456');
    expect(row[EXPORT_COLUMNS.indexOf('value')]).toBe('3086419725058.64');

    // 16 significant digits do not survive a double: the quantity stays text; the 15-digit value is a number.
    const sheet = await readSheet((await exportPosted(db, code, 'xlsx')).body);
    const cell = (name: ExportColumn) => sheet.getRow(2).getCell(EXPORT_COLUMNS.indexOf(name) + 1).value;
    expect(cell('qty_delta')).toBe('1234567890023.456');
    expect(cell('value')).toBe(3086419725058.64);
  });

  it('writes the same rows to the XLSX sheet "export": bold header, exact numbers, Chinese labels intact', async () => {
    const { db } = get();
    const code = await postBoth(db);
    const result = await exportPosted(db, code, 'xlsx');
    expect(result).toMatchObject({
      fileName: 'ST-20261125-001-posted.xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      rows: 3,
    });
    const sheet = await readSheet(result.body);
    expect(sheet.rowCount).toBe(4);
    const header = sheet.getRow(1);
    expect((header.values as unknown[]).slice(1)).toEqual([...EXPORT_COLUMNS]);
    expect(header.getCell(1).font?.bold).toBe(true);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([
      'PK-2026-0001',
      'loss',
      '2026-11-25',
      '2026-11-25T07:45:00.000Z',
      'WH1',
      'ST-20261125-001',
      'A-100',
      'R1',
      '',
      '',
      -10,
      2.5,
      -25,
      'CNY',
      'damage',
      'Damage / scrap',
      '报损',
      NOTE,
      'supervisor:bob@2026-11-25T07:45:00.000Z',
      PHOTO_SHA,
      '',
      '',
    ]);
    const value = sheet.getRow(3).getCell(EXPORT_COLUMNS.indexOf('value') + 1);
    expect(value.value).toBe(-0.12);
    expect(value.numFmt).toBe('0.00');
    const gain = sheet.getRow(4);
    expect(gain.getCell(EXPORT_COLUMNS.indexOf('unit_cost') + 1).value).toBe(12);
    expect(gain.getCell(EXPORT_COLUMNS.indexOf('value') + 1).value).toBe(1200);
    expect(gain.getCell(EXPORT_COLUMNS.indexOf('cause_label_zh') + 1).value).toBe('收货漏记');
    expect(gain.getCell(EXPORT_COLUMNS.indexOf('posting_date') + 1).value).toBe('2026-11-26');
  });

  it('writes JSON as documents with totals, approvers and lines, decimals as strings', async () => {
    const { db } = get();
    const code = await postBoth(db);
    const result = await exportPosted(db, code, 'json');
    expect(result).toMatchObject({ fileName: 'ST-20261125-001-posted.json', contentType: 'application/json; charset=utf-8', rows: 3 });
    expect(JSON.parse(csvText(result.body))).toEqual({
      documents: [
        {
          number: 'PK-2026-0001',
          type: 'loss',
          postingDate: '2026-11-25',
          postedAt: '2026-11-25T07:45:00.000Z',
          warehouse: 'WH1',
          stocktake: 'ST-20261125-001',
          currency: 'CNY',
          totalQty: '-10.375',
          totalValue: '-25.12',
          approvers: [{ step: 1, role: 'supervisor', person: 'bob', at: '2026-11-25T07:45:00.000Z' }],
          lines: [
            {
              lineNo: 1,
              sku: 'A-100',
              location: 'R1',
              lot: '',
              expiry: null,
              qtyDelta: '-10',
              unitCost: '2.5',
              value: '-25.00',
              causeCode: 'damage',
              causeLabelEn: 'Damage / scrap',
              causeLabelZh: '报损',
              note: NOTE,
              photos: [PHOTO_SHA],
              account: null,
              costCentre: null,
            },
            {
              lineNo: 2,
              sku: 'B-300',
              location: 'R3',
              lot: '',
              expiry: null,
              qtyDelta: '-0.375',
              unitCost: '0.3333',
              value: '-0.12',
              causeCode: 'damage',
              causeLabelEn: 'Damage / scrap',
              causeLabelZh: '报损',
              note: null,
              photos: [],
              account: null,
              costCentre: null,
            },
          ],
        },
        {
          number: 'PY-2026-0001',
          type: 'gain',
          postingDate: '2026-11-26',
          postedAt: '2026-11-25T17:30:00.000Z',
          warehouse: 'WH1',
          stocktake: 'ST-20261125-001',
          currency: 'CNY',
          totalQty: '100',
          totalValue: '1200.00',
          approvers: [
            { step: 1, role: 'supervisor', person: 'bob', at: '2026-11-25T08:00:00.000Z' },
            { step: 2, role: 'finance', person: 'carol', at: '2026-11-25T17:30:00.000Z' },
          ],
          lines: [
            {
              lineNo: 1,
              sku: 'A-200',
              location: 'R2',
              lot: '',
              expiry: null,
              qtyDelta: '100',
              unitCost: '12',
              value: '1200.00',
              causeCode: 'unrecorded_receipt',
              causeLabelEn: 'Unrecorded receipt',
              causeLabelZh: '收货漏记',
              note: 'GRN-88 not booked',
              photos: [],
              account: null,
              costCentre: null,
            },
          ],
        },
      ],
    });
  });

  it('exports one document by number, by WAREHOUSE/number and by id, and a stocktake by its id', async () => {
    const { db } = get();
    const code = await postBoth(db);
    for (const ref of ['PK-2026-0001', 'pk-2026-0001', 'WH1/PK-2026-0001', (await getDocument(db, 'PK-2026-0001')).id]) {
      const result = await exportPosted(db, ref, 'csv');
      expect(result).toMatchObject({ fileName: 'PK-2026-0001.csv', rows: 2 });
      expect(csvText(result.body)).toBe(`\ufeff${HEADER}\r\n${LOSS_1}\r\n${LOSS_2}\r\n`);
    }
    expect((await exportPosted(db, 'PY-2026-0001', 'xlsx')).fileName).toBe('PY-2026-0001.xlsx');
    const byId = await exportPosted(db, (await getStocktake(db, code)).id, 'json');
    expect(byId).toMatchObject({ fileName: 'ST-20261125-001-posted.json', rows: 3 });
  });

  it('leaves out rejected and approving documents of the stocktake, and refuses to export them alone', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await addStaff(db);
    const code = await countAndExplain(
      db,
      [
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '120'],
        ['B-300', 'R3', '50.5'],
        ['C-400', 'R4', '3'],
      ],
      [
        { line: 'A-100@R1', cause: 'damage' },
        { line: 'A-200@R2', cause: 'unrecorded_receipt' },
      ],
    );
    expect(await submit(db, code)).toEqual(['PY-2026-0001', 'PK-2026-0001']);
    await approveAll(db, 'PK-2026-0001', ['2026-11-25T07:45:00.000Z']);
    await rejectDocument(db, { actor: await cliActor(db, 'bob') }, { document: 'PY-2026-0001', reason: 'check the GRN first' });
    await confirmVariance(db, { actor: await cliActor(db, 'sam') }, { stocktake: code, line: 'A-200@R2' });
    expect(await submit(db, code)).toEqual(['PY-2026-0002']);

    const json = JSON.parse(csvText((await exportPosted(db, code, 'json')).body));
    expect(json.documents.map((d: { number: string }) => d.number)).toEqual(['PK-2026-0001']);
    const csvResult = await exportPosted(db, code, 'csv');
    expect(csvResult.rows).toBe(1);
    expect(csvText(csvResult.body)).not.toMatch(/PY-2026/);

    await expect(exportPosted(db, 'PY-2026-0001', 'csv')).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: 'document PY-2026-0001 is rejected, not posted; there is nothing to export yet',
    });
    await expect(exportPosted(db, 'PY-2026-0002', 'xlsx')).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: 'document PY-2026-0002 is approving, not posted; there is nothing to export yet',
    });
  });

  it('refuses a stocktake with nothing posted yet, saying what its documents are', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await addStaff(db);
    const counting = await startStocktake(db, 'WH1', STARTED);
    const error = await exportPosted(db, counting.code, 'csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toBe(
      'nothing is posted yet in stocktake ST-20261125-001: it has no documents yet (the stocktake is counting)',
    );

    await importCounts(
      db,
      counting.code,
      csv('count.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '21'],
        ['B-300', 'R3', '50.5'],
        ['C-400', 'R4', '3'],
      ]),
      { counter: 'alice' },
    );
    await closeCounting(db, counting.code);
    const sam = { actor: await cliActor(db, 'sam') };
    for (const [line, cause] of [
      ['A-100@R1', 'damage'],
      ['A-200@R2', 'unrecorded_receipt'],
    ] as const) {
      await confirmVariance(db, sam, { stocktake: counting.code, line });
      await tagCause(db, sam, { stocktake: counting.code, line, cause });
    }
    await submit(db, counting.code);
    await expect(exportPosted(db, counting.code, 'json')).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: 'nothing is posted yet in stocktake ST-20261125-001: PK-2026-0001 is approving, PY-2026-0001 is approving',
    });
  });

  it('answers an unknown stocktake or document with NotFoundError', async () => {
    const { db } = get();
    await postBoth(db);
    for (const ref of ['PK-2026-0099', 'ST-20990101-001', 'WH9/PK-2026-0001', randomUUID()]) {
      const error = await exportPosted(db, ref, 'csv').catch((e: unknown) => e);
      expect(error, ref).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toContain(ref);
    }
  });
});
