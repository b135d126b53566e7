import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { verifyBooks } from '../../src/services/auditBooks.ts';
import { importBook } from '../../src/services/book.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, moveStock, seedWarehouse, shanghai } from '../support/fixtures.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';

/** WH1 counted, a movement during review, and the loss document (A-100 −10, C-400 −2) posted. */
async function postedStocktake(db: Db) {
  const { st, people } = await countedStocktake(db);
  await closeCounting(db, st.code);
  await moveStock(db, [['B-300', 'R3', '-0.5', 'issue', 'SO-1', shanghai(new Date())]]);
  await explainAll(db, st.code, people.sam);
  const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
  const loss = documents.find((d) => d.kind === 'loss')!;
  expect((await approveDocument(db, people.sue, { document: loss.number })).status).toBe('posted');
  return { loss };
}

describeEachDatabase('audit books: on-hand against the book, the movements and the posted ledger', (get) => {
  it('agrees after a book import, movements and a posting', async () => {
    const { db } = get();
    await postedStocktake(db);
    expect(await verifyBooks(db)).toMatchObject({ ok: true, lines: 4, differing: 0, problems: [] });
  });

  it('names the line whose on-hand was edited directly, with expected and actual quantities', async () => {
    const { db } = get();
    await postedStocktake(db);
    await db.execute(sql`update on_hand set qty = 95 where sku = 'A-100' and location = 'R1'`);
    expect(await verifyBooks(db)).toMatchObject({
      ok: false,
      differing: 1,
      problems: [{ kind: 'books', warehouse: 'WH1', sku: 'A-100', location: 'R1', expected: '90', actual: '95' }],
    });
  });

  it('names the line whose posted ledger entry was edited or deleted', async () => {
    const { db } = get();
    const { loss } = await postedStocktake(db);
    await db.execute(sql`update ledger_entry set qty = -1 where sku = 'C-400'`);
    expect((await verifyBooks(db)).problems).toEqual([
      { kind: 'books', warehouse: 'WH1', sku: 'C-400', location: 'R4', expected: '2', actual: '1' },
    ]);
    await db.execute(
      sql`delete from ledger_entry where document_id = (select id from adjustment_document where number = ${loss.number}) and sku = 'A-100'`,
    );
    expect((await verifyBooks(db)).problems).toEqual([
      { kind: 'books', warehouse: 'WH1', sku: 'A-100', location: 'R1', expected: '100', actual: '90' },
      { kind: 'books', warehouse: 'WH1', sku: 'C-400', location: 'R4', expected: '2', actual: '1' },
    ]);
  });

  it('takes a new book import as the new baseline for the lines it sets, and only those', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await moveStock(db, [['A-200', 'R2', '5', 'receipt', 'PO-1', shanghai(new Date())]]);
    await db.execute(sql`update on_hand set qty = 7 where sku = 'A-200'`);
    await importBook(
      db,
      'WH1',
      csv('book.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '80'],
      ]),
    );
    // A-100 starts again from the imported 80; A-200's edit is not hidden by an import that did not list it.
    expect((await verifyBooks(db)).problems).toEqual([
      { kind: 'books', warehouse: 'WH1', sku: 'A-200', location: 'R2', expected: '25', actual: '7' },
    ]);
    await importBook(
      db,
      'WH1',
      csv('book.csv', [
        ['sku', 'location', 'qty'],
        ['A-200', 'R2', '7'],
      ]),
    );
    expect(await verifyBooks(db)).toMatchObject({ ok: true });
  });
});
