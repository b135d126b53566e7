import { mapHeader, type ColumnSpec } from '../domain/columns.ts';
import { parseDecimal, type ParseResult } from '../domain/decimal.ts';
import { ChooseSheetError, InvalidInputError } from '../domain/errors.ts';
import { parseDate, parseTimestamp, type DateResult, type TimeResult } from '../domain/time.ts';
import { readCsvRows, scanCsvRows } from './csv.ts';
import type { PlainLine } from './csvParser.ts';
import type { Phrase } from '../domain/phrase.ts';
import { fileTexts, wordsOf } from '../domain/texts/files.ts';
import { inspectFile, type FileFacts } from './inspect.ts';
import type { FileSource } from './source.ts';
import { listXlsxSheets, readXlsxRows, type SheetFacts } from './xlsx.ts';

/** A cell as read: text from CSV; text, number or date from XLSX; null when empty. */
export type Cell = string | number | Date | null;

/** One row, numbered as a spreadsheet shows it (the first row is 1). */
export interface TableRow {
  line: number;
  cells: Cell[];
}

export interface Table extends FileFacts {
  name: string;
  /** The workbook sheet read (XLSX); null for CSV. */
  sheet: string | null;
  /** Rows in batches, so a million-line file costs a few thousand awaits rather than a million. */
  batches: AsyncIterable<TableRow[]>;
  /**
   * CSV only: the rows in file order, each to `visit`, a line without quotes offered to `plain` first
   * (see CsvParser.parse). A reader that can take plain lines whole skips making their cells.
   */
  scan?: (visit: (row: TableRow) => void, plain: PlainLine) => Promise<void>;
}

export interface OpenOptions {
  /** The XLSX sheet to read, by name. */
  sheet?: string | undefined;
  /** The columns the import reads: a sheet whose header names none of them is not the data. */
  columns?: readonly ColumnSpec[];
}

/**
 * Opens a CSV or XLSX file as rows; the format and encoding are detected from the content. Of a workbook,
 * the sheet named, else the one sheet with data (under a header naming a column the import reads), also
 * when it is not the first; with several such sheets the sender must choose (ChooseSheetError).
 */
export async function openTable(source: FileSource, options: OpenOptions = {}): Promise<Table> {
  const facts = await inspectFile(source);
  if (facts.bytes === 0) throw new InvalidInputError(fileTexts.empty(source.name));
  if (facts.format === 'xlsx') {
    const sheet = chooseSheet(source.name, await listXlsxSheets(source), options);
    return { ...facts, name: source.name, sheet, batches: readXlsxRows(source, sheet) };
  }
  return {
    ...facts,
    name: source.name,
    sheet: null,
    batches: readCsvRows(source, facts.encoding),
    scan: (visit, plain) => scanCsvRows(source, facts.encoding, visit, plain),
  };
}

function chooseSheet(file: string, sheets: SheetFacts[], options: OpenOptions): string | null {
  const names = sheets.map((s) => s.name);
  const list = names.map((n) => `"${n}"`).join(', ');
  if (options.sheet !== undefined) {
    const wanted = options.sheet.trim();
    const found = names.find((n) => n === wanted) ?? names.find((n) => n.trim().toLowerCase() === wanted.toLowerCase());
    if (found === undefined) {
      throw new InvalidInputError(fileTexts.sheetNotFound(file, wanted, list));
    }
    return found;
  }
  const columns = options.columns;
  const withData = sheets.filter((s) => s.hasData && (!columns || Object.keys(mapHeader(s.header!, columns).map).length > 0));
  if (withData.length === 1) return withData[0]!.name;
  if (withData.length > 1) {
    const several = withData.map((s) => `"${s.name}"`).join(', ');
    throw new ChooseSheetError(
      fileTexts.severalSheets(file, several),
      file,
      withData.map((s) => s.name),
    );
  }
  // No sheet holds recognisable data: the first that holds anything, so the header check says what is missing.
  return (sheets.find((s) => s.header !== null) ?? sheets[0])?.name ?? null;
}

/** Text of a cell for messages and text columns. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  const text = String(cell);
  // Line breaks and other control characters inside a cell are never part of a code or a name.
  return (CONTROL.test(text) ? text.replace(CONTROL_ALL, ' ') : text).trim();
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f]+/g;

/** True when a cell holds control characters (a line break inside a quoted cell, say). */
export function hasControlCharacters(cell: Cell): boolean {
  return typeof cell === 'string' && CONTROL.test(cell.trim());
}

/** A decimal from a cell (see parseDecimal); dates and blanks are refused with a reason. */
export function decimalCell(cell: Cell, scale: number, options: { allowNegative?: boolean } = {}): ParseResult {
  if (cell === null) return refused(fileTexts.cellBlank());
  if (cell instanceof Date) return refused(fileTexts.cellIsDate());
  return parseDecimal(cell, scale, options);
}

/**
 * What is wrong with a decimal cell, for a problem in the column of `field`: "quantity "abc" is not a
 * number"; a number too long for its column comes worded in every language.
 */
export function decimalProblem(field: 'qty' | 'unitCost', failure: Extract<ParseResult, { ok: false }>): Phrase {
  const tooLong = failure.tooManyDigits;
  if (tooLong) return fileTexts.tooManyDigits(field, tooLong.text, tooLong.digits, tooLong.max);
  const why = wordsOf(failure.phrase);
  return fileTexts[field](why.en, why.zh);
}

/** A refusal worded from the catalogue: `reason` is its English. */
function refused(phrase: Phrase): { ok: false; reason: string; phrase: Phrase } {
  return { ok: false, reason: phrase.words.en, phrase };
}

/** What is wrong with a time cell, for a problem in the counted_at or occurred_at column. */
export function timeProblem(field: 'countedAt' | 'occurredAt', failure: { phrase: Phrase }): Phrase {
  const why = wordsOf(failure.phrase);
  return fileTexts[field](why.en, why.zh);
}

/** A calendar date from a non-blank cell (see parseDate); a bare number (a spreadsheet serial) is refused. */
export function dateCell(cell: Cell, timezone: string): DateResult {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return refused(fileTexts.cellBlank());
  if (typeof cell === 'number') return refused(fileTexts.cellNumberNotDate(cell));
  return parseDate(cell, timezone);
}

/** A moment from a cell (see parseTimestamp). A bare number is refused: it is no date anyone typed. */
export function timeCell(cell: Cell, timezone: string): TimeResult {
  // An empty CSV cell arrives as "" (not null): it is blank, not an unreadable date.
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return refused(fileTexts.cellBlank());
  if (typeof cell === 'number') return refused(fileTexts.cellNumberNotDateTime(cell));
  return parseTimestamp(cell, timezone);
}
