import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { bufferSource } from '../../src/files/source.ts';
import { importBook } from '../../src/services/book.ts';
import { importCounts } from '../../src/services/counts.ts';
import { importItems } from '../../src/services/items.ts';
import { startStocktake } from '../../src/services/stocktakes.ts';
import { listVariances } from '../../src/services/variances.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';

const SKUS = 3000;
const LINES = 30_000;
const sku = (i: number) => `S-${String(i).padStart(5, '0')}`;
// A backslash and a CJK name travel through COPY's text format unchanged.
const location = (i: number) => (i % 3 === 0 ? `R\\${i % 10}` : i % 3 === 1 ? `库位${i % 10}` : `R${i % 10}`);

async function seed(db: Db): Promise<string> {
  await addWarehouse(db, { code: 'BULK', timezone: 'Asia/Shanghai' });
  const items = Array.from({ length: SKUS }, (_, i) => `${sku(i)},Item ${i},pcs,1.50`);
  await importItems(db, bufferSource('items.csv', `sku,name,unit,unit_cost\n${items.join('\n')}\n`));
  const book = Array.from({ length: SKUS }, (_, i) => `${sku(i)},"${location(i)}",10`);
  await importBook(db, 'BULK', bufferSource('book.csv', `sku,location,qty\n${book.join('\n')}\n`));
  return (await startStocktake(db, 'BULK')).code;
}

/** Line i of the sheet (numbered from 2, after the header): SKU i mod SKUS at its book location. */
const sheetRow = (i: number) => `${sku(i % SKUS)},${location(i % SKUS)},${(i % 7) + 1}`;

describeEachDatabase('count import in bulk', (get) => {
  it('imports a 30,000-line sheet through COPY with every line summed exactly', async () => {
    const { db } = get();
    const code = await seed(db);
    const rows = Array.from({ length: LINES }, (_, i) => sheetRow(i));
    const report = await importCounts(db, code, bufferSource('scan.csv', `sku,location,qty\n${rows.join('\n')}\n`), { counter: 'bulk' });
    expect(report).toMatchObject({ rowsRead: LINES, rowsAccepted: LINES, rowsRejected: 0, linesCounted: SKUS, linesNotInBook: 0 });
    const expected = new Map<string, number>();
    for (let i = 0; i < LINES; i++) expected.set(sku(i % SKUS), (expected.get(sku(i % SKUS)) ?? 0) + (i % 7) + 1);
    const variances = await listVariances(db, code);
    expect(variances).toHaveLength(SKUS);
    for (const v of variances) {
      const i = Number(v.sku.slice(2));
      expect([v.location, v.countedQty, v.countStatus]).toEqual([location(i), String(expected.get(v.sku)), 'counted']);
    }
    const [entries] = await queryRows<{ n: number; lines: number; first: number }>(
      db,
      sql`select count(*)::int as n, sum(line_count)::int as lines, min(first_line)::int as first from count_entry where import_id = ${report.importId}`,
    );
    expect(entries).toEqual({ n: SKUS, lines: LINES, first: 2 });
  });

  it('refuses a sheet with one bad row deep inside, naming its row and column, and stores nothing', async () => {
    const { db } = get();
    const code = await seed(db);
    const rows = Array.from({ length: LINES }, (_, i) => sheetRow(i));
    rows[24_998] = `${sku(5)},${location(5)},12x`; // row 25,000 of the file
    rows[29_998] = `NOPE-1,R1,1`;
    const importing = importCounts(db, code, bufferSource('scan.csv', `sku,location,qty\n${rows.join('\n')}\n`), { counter: 'bulk' });
    await expect(importing).rejects.toBeInstanceOf(InvalidInputError);
    const error = (await importing.catch((e: unknown) => e)) as InvalidInputError;
    expect(error.problems).toMatchObject([
      { line: 25_000, column: 'qty', message: 'quantity "12x" is not a number' },
      { line: 30_000, column: 'sku', message: expect.stringContaining('sku NOPE-1 is not in the item master') },
    ]);
    const [stored] = await queryRows<{ imports: number; entries: number; counted: number }>(
      db,
      sql`select (select count(*)::int from count_import) as imports, (select count(*)::int from count_entry) as entries,
                 (select count(*)::int from stocktake_line where count_status <> 'uncounted') as counted`,
    );
    expect(stored).toEqual({ imports: 0, entries: 0, counted: 0 });
  });

  it('leaves nothing behind when the database refuses the sheet after the COPY', async () => {
    const { db } = get();
    const code = await seed(db);
    // A check added for this test refuses the one line not in the book, after COPY loaded count_stage
    // and count_entry was written: the rollback must take all of it.
    const rows = Array.from({ length: 5000 }, (_, i) => sheetRow(i));
    rows.push(`${sku(7)},ELSEWHERE,1`);
    await db.execute(sql`alter table stocktake_line add constraint test_no_elsewhere check (location <> 'ELSEWHERE')`);
    const importing = importCounts(db, code, bufferSource('scan.csv', `sku,location,qty\n${rows.join('\n')}\n`), { counter: 'bulk' });
    await expect(importing).rejects.toThrow();
    const [stored] = await queryRows<{ imports: number; entries: number; counted: number }>(
      db,
      sql`select (select count(*)::int from count_import) as imports, (select count(*)::int from count_entry) as entries,
                 (select count(*)::int from stocktake_line where count_status <> 'uncounted') as counted`,
    );
    expect(stored).toEqual({ imports: 0, entries: 0, counted: 0 });
  });
});
