import { mapHeader } from '../domain/columns.ts';
import { ChooseSheetError } from '../domain/errors.ts';
import { bufferSource } from './source.ts';
import { cellText, openTable } from './table.ts';

/** File names a count sheet is sent under: what a scanner or a spreadsheet exports. */
const SHEET_EXTENSIONS = new Set(['csv', 'txt', 'tsv', 'xlsx']);

/** The columns that make a table a count sheet: naming one of them is enough. */
const SNIFFED = [
  { key: 'sku', required: false },
  { key: 'qty', required: false },
] as const;

/** The first rows searched for a header (a title or a blank line may come before it). */
const HEADER_ROWS = 5;

/** Whether a file's name says it is a table a count sheet can be sent as (a PDF, an image, a .docx are not). */
export function hasSheetName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && SHEET_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/**
 * Whether a file posted in a group chat is meant as a count sheet, by name and content: a CSV/XLSX whose
 * header row (within its first rows) names the SKU or the quantity column. A sheet that names one of them
 * is imported and its problems reported (a typo in the other header deserves an answer); a table that
 * names neither (a price list, a delivery note exported to Excel) is not a count sheet, and neither is a
 * file that cannot be read as a table at all.
 */
export async function looksLikeCountSheet(name: string, bytes: Uint8Array): Promise<boolean> {
  if (!hasSheetName(name)) return false;
  let table;
  try {
    table = await openTable(bufferSource(name, bytes), { columns: SNIFFED });
  } catch (error) {
    // Count data on several sheets of a workbook: a count sheet all right, which one is asked next.
    return error instanceof ChooseSheetError;
  }
  let seen = 0;
  try {
    for await (const batch of table.batches) {
      for (const row of batch) {
        const { map } = mapHeader(row.cells.map(cellText), SNIFFED);
        if (map.sku || map.qty) return true;
        if (++seen >= HEADER_ROWS) return false;
      }
    }
  } catch {
    return false;
  }
  return false;
}
