import { sql } from 'drizzle-orm';
import { BULK_BATCH, unnestColumns } from '../../db/bulk.ts';
import type { Db } from '../../db/client.ts';
import { item } from '../../db/schema/index.ts';
import { COST_SCALE, formatDecimal } from '../domain/decimal.ts';
import { cellText, decimalCell, decimalProblem, hasControlCharacters, openTable } from '../files/table.ts';
import { ProblemList, readRecords } from '../files/records.ts';
import type { FileSource } from '../files/source.ts';
import { refuseIfInvalid, type ImportReport } from './importResult.ts';

interface ItemRow {
  sku: string;
  name: string;
  unit: string;
  unitCost: string;
  category: string | null;
}

const ITEM_COLUMNS = [
  { key: 'sku', required: true },
  { key: 'name', required: true },
  { key: 'unit', required: true },
  { key: 'unitCost', required: true },
  { key: 'category', required: false },
] as const;

/** Imports the item master (sku, name, unit, unit_cost, category); existing SKUs are updated. */
export async function importItems(db: Db, source: FileSource, options: { skipInvalid?: boolean } = {}): Promise<ImportReport> {
  const table = await openTable(source);
  const problems = new ProblemList();
  const seen = new Map<string, number>();
  const rows: ItemRow[] = [];
  let rowsRead = 0;
  for await (const batch of readRecords(table, ITEM_COLUMNS, problems, (row) => {
    rowsRead += 1;
    const sku = cellText(row.cell('sku'));
    const name = cellText(row.cell('name'));
    const unit = cellText(row.cell('unit'));
    if (!sku) row.problem('sku', 'sku is blank');
    else if (hasControlCharacters(row.cell('sku'))) row.problem('sku', 'sku contains a line break or another control character');
    else if (seen.has(sku)) row.problem('sku', `sku ${sku} is already listed on line ${seen.get(sku)}`);
    else seen.set(sku, row.line);
    if (!name) row.problem('name', 'name is blank');
    if (!unit) row.problem('unit', 'unit is blank');
    const cost = decimalCell(row.cell('unitCost'), COST_SCALE);
    if (!cost.ok) row.problem('unitCost', decimalProblem('unitCost', cost));
    const category = cellText(row.cell('category'));
    return cost.ok ? { sku, name, unit, unitCost: formatDecimal(cost.value, COST_SCALE), category: category || null } : null;
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
    }
  });
  return { fileName: table.name, rowsRead, rowsAccepted: rows.length, rowsRejected: problems.invalidLines, problems: problems.all() };
}
