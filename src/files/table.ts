import { parseDecimal, type ParseResult } from '../domain/decimal.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { parseDate, parseTimestamp, type DateResult, type TimeResult } from '../domain/time.ts';
import { readCsvRows, scanCsvRows } from './csv.ts';
import type { PlainLine } from './csvParser.ts';
import { fileProblemText } from './problemText.ts';
import type { ProblemText } from './records.ts';
import { inspectFile, type FileFacts } from './inspect.ts';
import type { FileSource } from './source.ts';
import { readXlsxRows } from './xlsx.ts';

/** A cell as read: text from CSV; text, number or date from XLSX; null when empty. */
export type Cell = string | number | Date | null;

/** One row, numbered as a spreadsheet shows it (the first row is 1). */
export interface TableRow {
  line: number;
  cells: Cell[];
}

export interface Table extends FileFacts {
  name: string;
  /** Rows in batches, so a million-line file costs a few thousand awaits rather than a million. */
  batches: AsyncIterable<TableRow[]>;
  /**
   * CSV only: the rows in file order, each to `visit`, a line without quotes offered to `plain` first
   * (see CsvParser.parse). A reader that can take plain lines whole skips making their cells.
   */
  scan?: (visit: (row: TableRow) => void, plain: PlainLine) => Promise<void>;
}

/** Opens a CSV or XLSX file as rows; the format and encoding are detected from the content. */
export async function openTable(source: FileSource): Promise<Table> {
  const facts = await inspectFile(source);
  if (facts.bytes === 0) throw new InvalidInputError(`${source.name} is empty`);
  if (facts.format === 'xlsx') return { ...facts, name: source.name, batches: readXlsxRows(source) };
  return {
    ...facts,
    name: source.name,
    batches: readCsvRows(source, facts.encoding),
    scan: (visit, plain) => scanCsvRows(source, facts.encoding, visit, plain),
  };
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
  if (cell === null) return { ok: false, reason: 'is blank' };
  if (cell instanceof Date) return { ok: false, reason: 'is a date, not a number' };
  return parseDecimal(cell, scale, options);
}

/**
 * What is wrong with a decimal cell, for a problem in the column of `field`: "quantity "abc" is not a
 * number"; a number too long for its column comes worded in every language.
 */
export function decimalProblem(field: 'qty' | 'unitCost', failure: Extract<ParseResult, { ok: false }>): ProblemText {
  const tooLong = failure.tooManyDigits;
  if (tooLong) return fileProblemText((c) => c.tooManyDigits(c.fields[field], tooLong.text, tooLong.digits, tooLong.max));
  return { message: `${field === 'qty' ? 'quantity' : 'unit cost'} ${failure.reason}` };
}

/** A calendar date from a non-blank cell (see parseDate); a bare number (a spreadsheet serial) is refused. */
export function dateCell(cell: Cell, timezone: string): DateResult {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return { ok: false, reason: 'is blank' };
  if (typeof cell === 'number') return { ok: false, reason: `${cell} is not a date (use e.g. 2027-06-30)` };
  return parseDate(cell, timezone);
}

/** A moment from a cell (see parseTimestamp). A bare number is refused: it is no date anyone typed. */
export function timeCell(cell: Cell, timezone: string): TimeResult {
  // An empty CSV cell arrives as "" (not null): it is blank, not an unreadable date.
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return { ok: false, reason: 'is blank' };
  if (typeof cell === 'number') return { ok: false, reason: `${cell} is not a date and time (use e.g. 2026-11-25 14:30)` };
  return parseTimestamp(cell, timezone);
}
