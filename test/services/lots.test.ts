import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { verifyBooks } from '../../src/services/auditBooks.ts';
import { importBook } from '../../src/services/book.ts';
import { importCounts } from '../../src/services/counts.ts';
import { documentLines, submitVariances } from '../../src/services/documents.ts';
import { exportPosted } from '../../src/services/export.ts';
import { importItems } from '../../src/services/items.ts';
import { listReview } from '../../src/services/review.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { listVariances } from '../../src/services/variances.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, ITEMS, moveStock, seedWarehouse, shanghai } from '../support/fixtures.ts';
import { explainAll, seedPeople } from '../support/flow.ts';

/**
 * WH1 with a new book: A-100@R1 100 and M-500, a lot-tracked medicine (批次管理 是), in two lots at R5:
 * LOT-A 10 boxes expiring 2027-06-30 and LOT-B 5 expiring 2027-12-31.
 */
async function seedLots(db: Db) {
  await seedWarehouse(db);
  await importItems(
    db,
    csv('items.csv', [
      ['sku', 'name', 'unit', 'unit_cost', '批次管理'],
      ['M-500', '阿莫西林', 'box', '8.00', '是'],
      ...ITEMS.slice(1).map((r) => [...r.slice(0, 4), '否']),
    ]),
  );
  await importBook(
    db,
    'WH1',
    csv('book.csv', [
      ['sku', 'location', '批次', '有效期', 'qty'],
      ['A-100', 'R1', '', '', '100'],
      ['M-500', 'R5', 'LOT-A', '2027年6月30日', '10'],
      ['M-500', 'R5', 'LOT-B', '20271231', '5'],
    ]),
    { replace: true },
  );
  return seedPeople(db);
}

const lotsOf = (rows: { sku: string; location: string; lot: string }[]) => rows.map((r) => `${r.sku}@${r.location}#${r.lot}`);

describeEachDatabase('lots (批次) and expiry', (get) => {
  it('books each lot of a lot-tracked item with its expiry, and a snapshot keeps them', async () => {
    const { db } = get();
    await seedLots(db);
    const book = await queryRows<{ sku: string; location: string; lot: string; expiry: string | null; qty: string }>(
      db,
      sql`select sku, location, lot, expiry::text as expiry, trim_scale(qty)::text as qty from on_hand where qty <> 0 order by sku, lot`,
    );
    expect(book).toEqual([
      { sku: 'A-100', location: 'R1', lot: '', expiry: null, qty: '100' },
      { sku: 'M-500', location: 'R5', lot: 'LOT-A', expiry: '2027-06-30', qty: '10' },
      { sku: 'M-500', location: 'R5', lot: 'LOT-B', expiry: '2027-12-31', qty: '5' },
    ]);
    const st = await startStocktake(db, 'WH1');
    const lines = (await listVariances(db, st.code)).filter((l) => l.sku === 'M-500');
    expect(lines.map((l) => [l.lot, l.expiry, l.bookQty])).toEqual([
      ['LOT-A', '2027-06-30', '10'],
      ['LOT-B', '2027-12-31', '5'],
    ]);
  });

  it('refuses a book line of a lot-tracked item without a lot, and a lot on an item that has none, naming the line', async () => {
    const { db } = get();
    await seedLots(db);
    const refused = importBook(
      db,
      'WH1',
      csv('book2.csv', [
        ['sku', 'location', 'lot', 'expiry', 'qty'],
        ['M-500', 'R5', '', '', '3'],
        ['A-100', 'R1', 'X1', '', '100'],
        ['M-500', 'R6', 'LOT-C', '2027-02-30', '1'],
      ]),
    );
    const error = await refused.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const { problems } = error as InvalidInputError;
    expect(problems).toMatchObject([
      { line: 2, column: 'lot', message: expect.stringContaining('M-500 is lot-tracked') },
      { line: 3, column: 'lot', message: expect.stringContaining('A-100 is not lot-tracked, yet lot "X1"') },
      { line: 4, column: 'expiry', message: expect.stringContaining('expiry "2027-02-30" is not a date') },
    ]);
    expect(problems[0]!.localized?.['zh-CN']).toContain('按批次管理');
  });

  it('counts per lot: the same SKU and location with one lot short and one over are two variances', async () => {
    const { db } = get();
    const people = await seedLots(db);
    const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
    const report = await importCounts(
      db,
      st.code,
      csv('count.csv', [
        ['sku', 'location', 'batch', 'best_before', 'qty'],
        ['A-100', 'R1', '', '', '100'],
        ['M-500', 'R5', 'LOT-A', '', '4'],
        ['M-500', 'R5', 'LOT-A', '2027-06-30', '3'],
        ['M-500', 'R5', 'LOT-B', '2027-12-31', '8'],
        ['M-500', 'R5', 'LOT-N', '2028-01-15', '2'],
      ]),
      { counter: 'carl' },
    );
    expect(report).toMatchObject({ rowsAccepted: 5, linesCounted: 4, linesNotInBook: 1 });
    const entries = await queryRows<{ lot: string; expiry: string | null; qty: string }>(
      db,
      sql`select lot, expiry::text as expiry, trim_scale(qty)::text as qty from count_entry where sku = 'M-500' order by lot`,
    );
    expect(entries).toEqual([
      { lot: 'LOT-A', expiry: '2027-06-30', qty: '7' },
      { lot: 'LOT-B', expiry: '2027-12-31', qty: '8' },
      { lot: 'LOT-N', expiry: '2028-01-15', qty: '2' },
    ]);
    await closeCounting(db, st.code);
    const m500 = (await listVariances(db, st.code)).filter((l) => l.sku === 'M-500');
    expect(m500.map((l) => [l.lot, l.expiry, l.expectedQty, l.countedQty, l.diffQty, l.diffValue])).toEqual([
      ['LOT-A', '2027-06-30', '10', '7', '-3', '-24.00'],
      ['LOT-B', '2027-12-31', '5', '8', '3', '24.00'],
      ['LOT-N', '2028-01-15', '0', '2', '2', '16.00'],
    ]);
    expect(lotsOf((await listReview(db, st.code)).filter((l) => l.sku === 'M-500'))).toEqual([
      'M-500@R5#LOT-A',
      'M-500@R5#LOT-B',
      'M-500@R5#LOT-N',
    ]);
    // A reference without the lot names three lines: the refusal says how to name one.
    await expect(
      import('../../src/services/review.ts').then((r) => r.confirmVariance(db, people.sam, { stocktake: st.code, line: 'M-500@R5' })),
    ).rejects.toThrow(/names 3 lines.*SKU@LOCATION#LOT/);
  });

  it('refuses a lot-tracked item counted without a lot, and a lot on an item that has none, on their sheet lines', async () => {
    const { db } = get();
    await seedLots(db);
    const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
    const sheet = csv('count.csv', [
      ['sku', 'location', '批号', 'qty'],
      ['A-100', 'R1', '', '100'],
      ['M-500', 'R5', '', '9'],
      ['A-100', 'R1', 'L9', '1'],
    ]);
    const refused = await importCounts(db, st.code, sheet, { counter: 'carl' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    const problems = [...(refused as InvalidInputError).problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    expect(problems).toMatchObject([
      { line: 3, column: '批号', message: 'M-500 is lot-tracked: give its lot (批次) in the lot column' },
      { line: 4, column: '批号', message: expect.stringContaining('A-100 is not lot-tracked, yet lot "L9"') },
    ]);
    // Without a lot column at all, the problem is named in the sku column.
    const noColumn = await importCounts(
      db,
      st.code,
      csv('count2.csv', [
        ['sku', 'location', 'qty'],
        ['M-500', 'R5', '9'],
      ]),
      { counter: 'carl' },
    ).catch((e: unknown) => e);
    expect((noColumn as InvalidInputError).problems).toMatchObject([
      { line: 2, column: 'sku', message: expect.stringContaining('lot-tracked') },
    ]);
  });

  it('keeps the lot through documents, posting (ledger and on-hand per lot), the export and audit books', async () => {
    const { db } = get();
    const people = await seedLots(db);
    const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
    await importCounts(
      db,
      st.code,
      csv('count.csv', [
        ['sku', 'location', 'lot', 'expiry', 'qty'],
        ['A-100', 'R1', '', '', '100'],
        ['M-500', 'R5', 'LOT-A', '', '7'],
        ['M-500', 'R5', 'LOT-B', '', '8'],
        ['M-500', 'R5', 'LOT-N', '2028-01-15', '2'],
      ]),
      { counter: 'carl' },
    );
    await closeCounting(db, st.code);
    // A movement of one lot during review does not touch the other lots' variances.
    await moveStock(db, [['A-100', 'R1', '-1', 'issue', 'SO-1', shanghai(new Date())]]);
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    const gain = documents.find((d) => d.kind === 'gain')!;
    const loss = documents.find((d) => d.kind === 'loss')!;
    expect((await documentLines(db, loss.id)).map((l) => [l.sku, l.lot, l.qty])).toEqual([['M-500', 'LOT-A', '-3']]);
    expect((await documentLines(db, gain.id)).map((l) => [l.sku, l.lot, l.qty])).toEqual([
      ['M-500', 'LOT-B', '3'],
      ['M-500', 'LOT-N', '2'],
    ]);
    for (const doc of [loss, gain]) {
      let status = doc.status;
      for (const who of [people.sue, people.fay, people.mo]) {
        if (status === 'posted') break;
        status = (await approveDocument(db, who, { document: doc.number })).status;
      }
      expect(status).toBe('posted');
    }
    const ledger = await queryRows<{ lot: string; qty: string }>(
      db,
      sql`select lot, trim_scale(qty)::text as qty from ledger_entry where sku = 'M-500' order by lot`,
    );
    expect(ledger).toEqual([
      { lot: 'LOT-A', qty: '-3' },
      { lot: 'LOT-B', qty: '3' },
      { lot: 'LOT-N', qty: '2' },
    ]);
    const onHand = await queryRows<{ lot: string; expiry: string | null; qty: string }>(
      db,
      sql`select lot, expiry::text as expiry, trim_scale(qty)::text as qty from on_hand where sku = 'M-500' order by lot`,
    );
    expect(onHand).toEqual([
      { lot: 'LOT-A', expiry: '2027-06-30', qty: '7' },
      { lot: 'LOT-B', expiry: '2027-12-31', qty: '8' },
      { lot: 'LOT-N', expiry: '2028-01-15', qty: '2' },
    ]);

    const exported = await exportPosted(db, st.code, 'csv');
    const [header, ...rows] = String(exported.body).trim().split('\r\n');
    const columns = header!.split(',');
    const at = (name: string) => columns.indexOf(name);
    expect(at('lot')).toBe(at('location') + 1);
    expect(rows.map((r) => r.split(',')).map((c) => [c[at('sku')], c[at('lot')], c[at('expiry')], c[at('qty_delta')]])).toEqual(
      expect.arrayContaining([
        ['M-500', 'LOT-A', '2027-06-30', '-3'],
        ['M-500', 'LOT-B', '2027-12-31', '3'],
        ['M-500', 'LOT-N', '2028-01-15', '2'],
      ]),
    );
    const json = JSON.parse(String((await exportPosted(db, st.code, 'json')).body)) as {
      documents: { lines: { sku: string; lot: string; expiry: string | null }[] }[];
    };
    expect(json.documents.flatMap((d) => d.lines).find((l) => l.lot === 'LOT-N')).toMatchObject({ sku: 'M-500', expiry: '2028-01-15' });

    // audit books compares each lot on its own: an edit to one lot is named with its lot.
    expect(await verifyBooks(db)).toMatchObject({ ok: true, differing: 0 });
    await db.execute(sql`update on_hand set qty = qty + 1 where sku = 'M-500' and lot = 'LOT-B'`);
    expect((await verifyBooks(db)).problems).toEqual([
      { kind: 'books', warehouse: 'WH1', sku: 'M-500', location: 'R5', lot: 'LOT-B', expected: '8', actual: '9' },
    ]);
  });

  it('reads lot_tracked from the item master as 是/否, yes/no, true/false, 1/0 and refuses anything else', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const refused = await importItems(
      db,
      csv('items.csv', [
        ['sku', 'name', 'unit', 'unit_cost', 'lot_tracked'],
        ['N-1', 'a', 'pcs', '1', 'yes'],
        ['N-2', 'b', 'pcs', '1', 'TRUE'],
        ['N-3', 'c', 'pcs', '1', '0'],
        ['N-4', 'd', 'pcs', '1', 'maybe'],
      ]),
    ).catch((e: unknown) => e);
    expect((refused as InvalidInputError).problems).toMatchObject([
      { line: 5, column: 'lot_tracked', message: expect.stringContaining('"maybe"') },
    ]);
    // An import without the column keeps what each item was.
    await importItems(
      db,
      csv('items.csv', [
        ['sku', 'name', 'unit', 'unit_cost', '批次管理'],
        ['A-100', 'Widget', 'pcs', '2.50', '1'],
      ]),
    );
    await importItems(db, csv('items.csv', ITEMS));
    const [row] = await queryRows<{ lot_tracked: boolean }>(db, sql`select lot_tracked from item where sku = 'A-100'`);
    expect(row!.lot_tracked).toBe(true);
  });
});
