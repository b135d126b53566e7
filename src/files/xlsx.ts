import { InvalidInputError } from '../domain/errors.ts';
import { fileTexts } from '../domain/texts/files.ts';
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

/** What a workbook's sheet holds, enough to tell which sheet has the data. */
export interface SheetFacts {
  name: string;
  /** Its first non-blank row (the header, when the sheet is a table), as text; null for an empty sheet. */
  header: string[] | null;
  /** Whether a non-blank row follows the header. */
  hasData: boolean;
}

/** A streamed worksheet's name: set by ExcelJS from workbook.xml, though its typings leave it out. */
function sheetName(worksheet: object): string {
  return (worksheet as { name?: string }).name ?? '';
}

function blank(cell: Cell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

function openWorkbook(ExcelJS: typeof import('exceljs'), source: FileSource) {
  return new ExcelJS.stream.xlsx.WorkbookReader(source.open(), {
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
}

async function workbookError(source: FileSource, error: unknown): Promise<never> {
  if (error instanceof InvalidInputError) throw error;
  throw new InvalidInputError(fileTexts.xlsxUnreadable(source.name, (error as Error).message));
}

/**
 * The workbook's sheets in order, each with its header and whether data follows it. A sheet is read only
 * as far as its second non-blank row.
 */
export async function listXlsxSheets(source: FileSource): Promise<SheetFacts[]> {
  // Loaded on first use: ExcelJS takes ~0.4 s to load, which every CLI command would otherwise pay.
  const { default: ExcelJS } = await import('exceljs');
  for (let attempt = 1; ; attempt++) {
    const sheets: SheetFacts[] = [];
    try {
      for await (const worksheet of openWorkbook(ExcelJS, source)) {
        const facts: SheetFacts = { name: sheetName(worksheet), header: null, hasData: false };
        sheets.push(facts);
        for await (const row of worksheet) {
          const cells = Array.from((row.values as unknown[]).slice(1), toCell);
          if (cells.every(blank)) continue;
          if (facts.header) {
            facts.hasData = true;
            break;
          }
          facts.header = cells.map((c) => (c === null ? '' : c instanceof Date ? c.toISOString() : String(c)));
        }
      }
      return sheets;
    } catch (error) {
      if (lostWorkbookPart(error) && attempt < READ_ATTEMPTS) continue;
      return workbookError(source, error);
    }
  }
}

/**
 * ExcelJS's streaming reader sometimes loses the workbook part (xl/workbook.xml, which its own writer
 * stores last) in its single pass over the zip, and then fails on the first sheet with this TypeError
 * (exceljs/exceljs#3064, a race in the unzipping; seen here once in a full test run, on a workbook that
 * reads fine every other time). The file is read again from its start, up to READ_ATTEMPTS times, when it
 * failed so before anything was read from it.
 */
function lostWorkbookPart(error: unknown): boolean {
  return error instanceof TypeError && error.message.includes("reading 'sheets'");
}

const READ_ATTEMPTS = 3;

/** Streams one worksheet's rows in batches (by name; null: the first); row numbers are the sheet's own. */
export async function* readXlsxRows(source: FileSource, sheet: string | null = null): AsyncGenerator<TableRow[]> {
  const { default: ExcelJS } = await import('exceljs');
  for (let attempt = 1; ; attempt++) {
    let yielded = false;
    try {
      for await (const worksheet of openWorkbook(ExcelJS, source)) {
        if (sheet !== null && sheetName(worksheet) !== sheet) continue;
        let batch: TableRow[] = [];
        for await (const row of worksheet) {
          const values = (row.values as unknown[]).slice(1); // ExcelJS rows are 1-based
          batch.push({ line: row.number, cells: Array.from(values, toCell) });
          if (batch.length >= BATCH) {
            yielded = true;
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) {
          yielded = true;
          yield batch;
        }
        return; // one sheet only
      }
      return;
    } catch (error) {
      if (!yielded && lostWorkbookPart(error) && attempt < READ_ATTEMPTS) continue;
      await workbookError(source, error);
    }
  }
}
