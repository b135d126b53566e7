import { InvalidInputError } from '../domain/errors.ts';
import type { FileSource } from './source.ts';
import type { Cell, TableRow } from './table.ts';

const BATCH = 2000;

/** Flattens ExcelJS cell values (rich text, formulas, hyperlinks, errors) to a plain cell. */
function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((r) => r.text).join('');
    // A formula saved without a cached result (written by a library, not Excel) has no value to read.
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) return toCell(v.result);
    if ('text' in v) return toCell(v.text);
    if ('error' in v) return String(v.error);
  }
  return String(value);
}

/** Streams the first worksheet's rows in batches; row numbers are the sheet's own. */
export async function* readXlsxRows(source: FileSource): AsyncGenerator<TableRow[]> {
  // Loaded on first use: ExcelJS takes ~0.4 s to load, which every CLI command would otherwise pay.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source.open(), {
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const worksheet of reader) {
      let batch: TableRow[] = [];
      for await (const row of worksheet) {
        const values = (row.values as unknown[]).slice(1); // ExcelJS rows are 1-based
        batch.push({ line: row.number, cells: Array.from(values, toCell) });
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
      return; // the first sheet only
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`${source.name} is not a readable XLSX workbook: ${(error as Error).message}`);
  }
}
