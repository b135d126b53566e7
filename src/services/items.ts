import { sql } from 'drizzle-orm';
import { BULK_BATCH, unnestColumns } from '../../db/bulk.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { item, itemBarcode, itemPack } from '../../db/schema/index.ts';
import { COST_SCALE, formatDecimal, QTY_SCALE } from '../domain/decimal.ts';
import { parsePacks, splitBarcodes, type Pack } from '../domain/packs.ts';
import { textArray } from './outbox.ts';
import { cellText, decimalCell, decimalProblem, hasControlCharacters, openTable } from '../files/table.ts';
import { ProblemList, readRecords } from '../files/records.ts';
import type { FileSource } from '../files/source.ts';
import { fileNotes, refuseIfInvalid, type ImportReport } from './importResult.ts';
import { importTexts } from '../domain/texts/imports.ts';
import { appendAudit } from './audit.ts';
import type { Actor } from '../domain/people.ts';

interface ItemRow {
  sku: string;
  name: string;
  unit: string;
  unitCost: string;
  category: string | null;
  /** Null when the file has no barcode column (the item keeps the barcodes it has). */
  barcodes: string[] | null;
  packs: Pack[] | null;
  scanAsksQty: boolean | null;
  /** Null when the file has no lot_tracked column (the item keeps its setting; a new one is not lot-tracked). */
  lotTracked: boolean | null;
}

const YES = new Set(['1', 'y', 'yes', 'true', '是', '要', '需要', '√', '✓']);
const NO = new Set(['', '0', 'n', 'no', 'false', '否', '不', '不需要', '×']);

const ITEM_COLUMNS = [
  { key: 'sku', required: true },
  { key: 'name', required: true },
  { key: 'unit', required: true },
  { key: 'unitCost', required: true },
  { key: 'category', required: false },
  { key: 'barcode', required: false },
  { key: 'packs', required: false },
  { key: 'scanAsksQty', required: false },
  { key: 'lotTracked', required: false },
] as const;

/**
 * Imports the item master (sku, name, unit, unit_cost, category, and optionally barcode, packs,
 * scan_asks_qty, lot_tracked); existing SKUs are updated. A file with a barcode (or packs) column replaces the listed
 * items' barcodes (pack units); a barcode moves to the item that lists it last.
 */
export async function importItems(
  db: Db,
  source: FileSource,
  options: { skipInvalid?: boolean; sheet?: string; by?: Actor } = {},
): Promise<ImportReport> {
  const table = await openTable(source, { sheet: options.sheet, columns: ITEM_COLUMNS });
  const problems = new ProblemList();
  const seen = new Map<string, number>();
  const barcodeLines = new Map<string, { line: number; sku: string }>();
  const rows: ItemRow[] = [];
  let rowsRead = 0;
  for await (const batch of readRecords(table, ITEM_COLUMNS, problems, (row) => {
    rowsRead += 1;
    const sku = cellText(row.cell('sku'));
    const name = cellText(row.cell('name'));
    const unit = cellText(row.cell('unit'));
    if (!sku) row.problem('sku', importTexts.skuBlank());
    else if (hasControlCharacters(row.cell('sku'))) row.problem('sku', importTexts.skuControl());
    else if (seen.has(sku)) row.problem('sku', importTexts.skuRepeated(sku, seen.get(sku)!));
    else seen.set(sku, row.line);
    if (!name) row.problem('name', importTexts.nameBlank());
    if (!unit) row.problem('unit', importTexts.unitBlank());
    const cost = decimalCell(row.cell('unitCost'), COST_SCALE);
    if (!cost.ok) row.problem('unitCost', decimalProblem('unitCost', cost));
    const category = cellText(row.cell('category'));
    let barcodes: string[] | null = null;
    if (row.has('barcode')) {
      barcodes = splitBarcodes(cellText(row.cell('barcode')));
      for (const barcode of barcodes) {
        const earlier = barcodeLines.get(barcode);
        if (earlier && earlier.sku !== sku) row.problem('barcode', importTexts.barcodeTaken(barcode, earlier.sku, earlier.line));
        else barcodeLines.set(barcode, { line: row.line, sku });
      }
    }
    let packs: Pack[] | null = null;
    if (row.has('packs')) {
      const parsed = parsePacks(cellText(row.cell('packs')), unit);
      if (parsed.ok) packs = parsed.packs;
      else row.problem('packs', { message: parsed.en, localized: { en: parsed.en, 'zh-CN': parsed.zh } });
    }
    let scanAsksQty: boolean | null = null;
    if (row.has('scanAsksQty')) {
      const flag = cellText(row.cell('scanAsksQty')).toLowerCase();
      if (YES.has(flag)) scanAsksQty = true;
      else if (NO.has(flag)) scanAsksQty = false;
      else row.problem('scanAsksQty', importTexts.notYesNo(flag));
    }
    let lotTracked: boolean | null = null;
    if (row.has('lotTracked')) {
      const flag = cellText(row.cell('lotTracked')).normalize('NFKC').toLowerCase();
      if (YES.has(flag)) lotTracked = true;
      else if (NO.has(flag)) lotTracked = false;
      else row.problem('lotTracked', importTexts.lotTrackedNotYesNo(flag));
    }
    return cost.ok
      ? {
          sku,
          name,
          unit,
          unitCost: formatDecimal(cost.value, COST_SCALE),
          category: category || null,
          barcodes,
          packs,
          scanAsksQty,
          lotTracked,
        }
      : null;
  })) {
    for (const r of batch) rows.push(r.value);
  }
  refuseIfInvalid(table.name, problems, options.skipInvalid ?? false, rows.length);

  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += BULK_BATCH) {
      const chunk = rows.slice(i, i + BULK_BATCH);
      await tx.execute(sql`
        insert into ${item} (sku, name, unit, unit_cost, category)
        select * from ${unnestColumns([
          { values: chunk.map((r) => r.sku), type: 'text' },
          { values: chunk.map((r) => r.name), type: 'text' },
          { values: chunk.map((r) => r.unit), type: 'text' },
          { values: chunk.map((r) => r.unitCost), type: 'numeric' },
          { values: chunk.map((r) => r.category), type: 'text' },
        ])}
        on conflict (sku) do update set name = excluded.name, unit = excluded.unit,
          unit_cost = excluded.unit_cost, category = excluded.category, updated_at = now()`);
      await replaceScanDetails(tx, chunk);
    }
    // An import made by a named person (the console's) is audited as theirs.
    if (options.by)
      await appendAudit(tx, options.by, null, new Date(), [
        { action: 'items.imported', entityType: 'item', entityId: table.name, after: { file: table.name, rows: rows.length } },
      ]);
  });
  return {
    fileName: table.name,
    rowsRead,
    rowsAccepted: rows.length,
    rowsRejected: problems.invalidLines,
    problems: problems.all(),
    ...fileNotes(table, problems),
  };
}

/** The barcodes, pack units, scan setting and lot tracking of items whose rows carry them (their columns were in the file). */
async function replaceScanDetails(tx: DbOrTx, chunk: readonly ItemRow[]): Promise<void> {
  const withBarcodes = chunk.filter((r) => r.barcodes !== null);
  if (withBarcodes.length > 0) {
    await tx.execute(sql`delete from ${itemBarcode} where sku = any(${textArray(withBarcodes.map((r) => r.sku))}::text[])`);
    const pairs = withBarcodes.flatMap((r) => r.barcodes!.map((barcode) => [barcode, r.sku] as const));
    if (pairs.length > 0)
      await tx.execute(sql`
        insert into ${itemBarcode} (barcode, sku)
        select * from ${unnestColumns([
          { values: pairs.map((p) => p[0]), type: 'text' },
          { values: pairs.map((p) => p[1]), type: 'text' },
        ])}
        on conflict (barcode) do update set sku = excluded.sku`);
  }
  const withPacks = chunk.filter((r) => r.packs !== null);
  if (withPacks.length > 0) {
    await tx.execute(sql`delete from ${itemPack} where sku = any(${textArray(withPacks.map((r) => r.sku))}::text[])`);
    const packs = withPacks.flatMap((r) => r.packs!.map((p) => ({ sku: r.sku, unit: p.unit, factor: formatDecimal(p.factor, QTY_SCALE) })));
    if (packs.length > 0)
      await tx.execute(sql`
        insert into ${itemPack} (sku, unit, factor)
        select * from ${unnestColumns([
          { values: packs.map((p) => p.sku), type: 'text' },
          { values: packs.map((p) => p.unit), type: 'text' },
          { values: packs.map((p) => p.factor), type: 'numeric' },
        ])}`);
  }
  const lots = chunk.filter((r) => r.lotTracked !== null);
  if (lots.length > 0)
    await tx.execute(sql`
      update ${item} set lot_tracked = u.tracked
      from ${unnestColumns([
        { values: lots.map((r) => r.sku), type: 'text' },
        { values: lots.map((r) => String(r.lotTracked)), type: 'bool' },
      ])} as u(sku, tracked)
      where ${item}.sku = u.sku`);
  const asks = chunk.filter((r) => r.scanAsksQty !== null);
  if (asks.length > 0)
    await tx.execute(sql`
      update ${item} set scan_asks_qty = u.asks
      from ${unnestColumns([
        { values: asks.map((r) => r.sku), type: 'text' },
        { values: asks.map((r) => String(r.scanAsksQty)), type: 'bool' },
      ])} as u(sku, asks)
      where ${item}.sku = u.sku`);
}
