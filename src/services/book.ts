import { and, eq, sql } from 'drizzle-orm';
import { BULK_BATCH, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type Db } from '../../db/client.ts';
import { onHand, stocktake } from '../../db/schema/index.ts';
import { formatDecimal, QTY_SCALE } from '../domain/decimal.ts';
import { StocktakeStateError } from '../domain/errors.ts';
import { importTexts } from '../domain/texts/imports.ts';
import { ProblemList, readRecords } from '../files/records.ts';
import type { FileSource } from '../files/source.ts';
import { cellText, decimalCell, decimalProblem, openTable } from '../files/table.ts';
import { setBookBaseline } from './auditBooks.ts';
import { appendAudit } from './audit.ts';
import type { Actor } from '../domain/people.ts';
import { expiryCell, lotProblem, lotTrackedSkus } from './lots.ts';
import { fileNotes, refuseIfInvalid, type ImportReport } from './importResult.ts';
import { knownSkus } from './skus.ts';
import { getWarehouse, lockWarehouse } from './warehouses.ts';

const BOOK_COLUMNS = [
  { key: 'sku', required: true },
  { key: 'location', required: false },
  { key: 'qty', required: true },
  { key: 'lot', required: false },
  { key: 'expiry', required: false },
] as const;

export interface BookImportReport extends ImportReport {
  warehouse: string;
  /** Book lines set to zero because --replace was given and the file did not list them. */
  linesCleared: number;
}

/**
 * Loads book quantities (on-hand) from the ERP: sku, location, qty, and lot and expiry for lot-tracked
 * items. Listed lines are set to the file's
 * quantity; with `replace`, lines the file does not list are cleared. Refused while a stocktake of the
 * warehouse is open: the book may then change only through movements, or the variances would lie.
 */
export async function importBook(
  db: Db,
  warehouseCode: string,
  source: FileSource,
  options: { replace?: boolean; skipInvalid?: boolean; sheet?: string; by?: Actor } = {},
): Promise<BookImportReport> {
  const wh = await getWarehouse(db, warehouseCode);
  const skus = await knownSkus(db);
  const lotTracked = await lotTrackedSkus(db);
  const table = await openTable(source, { sheet: options.sheet, columns: BOOK_COLUMNS });
  const problems = new ProblemList();
  const seen = new Map<string, number>();
  const rows: { sku: string; location: string; lot: string; expiry: string | null; qty: string }[] = [];
  let rowsRead = 0;
  for await (const batch of readRecords(table, BOOK_COLUMNS, problems, (row) => {
    rowsRead += 1;
    const sku = cellText(row.cell('sku'));
    const location = cellText(row.cell('location'));
    const lot = cellText(row.cell('lot'));
    if (!sku) row.problem('sku', importTexts.skuBlank());
    else if (!skus.has(sku)) row.problem('sku', importTexts.unknownSku(sku));
    else {
      const wrongLot = lotProblem(sku, lot, lotTracked);
      if (wrongLot) row.problem(row.has('lot') ? 'lot' : 'sku', wrongLot);
    }
    const expiry = expiryCell(row.cell('expiry'), wh.timezone);
    if (!expiry.ok) row.problem('expiry', expiry.problem);
    const key = `${sku}\u0000${location}\u0000${lot}`;
    if (sku && seen.has(key)) row.problem('sku', importTexts.bookLineRepeated(sku, location, lot, seen.get(key)!));
    else seen.set(key, row.line);
    // Negative book stock exists in real ERPs (issued before received); a stocktake is what corrects it.
    const qty = decimalCell(row.cell('qty'), QTY_SCALE, { allowNegative: true });
    if (!qty.ok) row.problem('qty', decimalProblem('qty', qty));
    return qty.ok && expiry.ok ? { sku, location, lot, expiry: expiry.value, qty: formatDecimal(qty.value, QTY_SCALE) } : null;
  })) {
    for (const r of batch) rows.push(r.value);
  }
  refuseIfInvalid(table.name, problems, options.skipInvalid ?? false, rows.length);

  const linesCleared = await db.transaction(async (tx) => {
    await lockWarehouse(tx, wh.id);
    const [open] = await tx
      .select({ code: stocktake.code })
      .from(stocktake)
      .where(and(eq(stocktake.warehouseId, wh.id), sql`${stocktake.status} in ('counting', 'reviewing', 'approving')`));
    if (open) {
      throw new StocktakeStateError(importTexts.bookWhileOpen(wh.code, open.code));
    }
    let cleared = 0;
    if (options.replace) {
      // Compare against the file in the database, not in a NOT IN list of 200,000 parameters.
      await tx.execute(sql`create temporary table book_keep (sku text, location text, lot text) on commit drop`);
      for (let i = 0; i < rows.length; i += BULK_BATCH) {
        const chunk = rows.slice(i, i + BULK_BATCH);
        await tx.execute(
          sql`insert into book_keep select * from ${unnestColumns([
            { values: chunk.map((r) => r.sku), type: 'text' },
            { values: chunk.map((r) => r.location), type: 'text' },
            { values: chunk.map((r) => r.lot), type: 'text' },
          ])}`,
        );
      }
      const clearedRows = await queryRows(
        tx,
        sql`
        update ${onHand} set qty = 0, updated_at = now()
        where warehouse_id = ${wh.id} and qty <> 0
          and not exists (select 1 from book_keep k where k.sku = on_hand.sku and k.location = on_hand.location and k.lot = on_hand.lot)
        returning 1`,
      );
      cleared = clearedRows.length;
    }
    for (let i = 0; i < rows.length; i += BULK_BATCH) {
      const chunk = rows.slice(i, i + BULK_BATCH);
      await tx.execute(sql`
        insert into ${onHand} (warehouse_id, sku, location, lot, expiry, qty)
        select ${wh.id}::uuid, * from ${unnestColumns([
          { values: chunk.map((r) => r.sku), type: 'text' },
          { values: chunk.map((r) => r.location), type: 'text' },
          { values: chunk.map((r) => r.lot), type: 'text' },
          { values: chunk.map((r) => r.expiry), type: 'date' },
          { values: chunk.map((r) => r.qty), type: 'numeric' },
        ])}
        on conflict (warehouse_id, sku, location, lot) do update set qty = excluded.qty,
          expiry = coalesce(excluded.expiry, ${onHand}.expiry), updated_at = now()`);
    }
    // What `audit books` holds on-hand to from now on, for the lines this import set.
    await setBookBaseline(tx, wh.id);
    // An import made by a named person (the console's) is audited as theirs.
    if (options.by)
      await appendAudit(tx, options.by, null, new Date(), [
        {
          action: 'book.imported',
          entityType: 'warehouse',
          entityId: wh.id,
          after: { warehouse: wh.code, file: table.name, rows: rows.length, replace: options.replace ?? false, cleared },
        },
      ]);
    return cleared;
  });
  return {
    warehouse: wh.code,
    fileName: table.name,
    rowsRead,
    rowsAccepted: rows.length,
    rowsRejected: problems.invalidLines,
    linesCleared,
    problems: problems.all(),
    ...fileNotes(table, problems),
  };
}
