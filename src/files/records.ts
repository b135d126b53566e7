import { mapHeader, type ColumnKey, type ColumnSpec } from '../domain/columns.ts';
import { InvalidInputError, type InputProblem, type LocalizedText } from '../domain/errors.ts';
import type { Cell, Table, TableRow } from './table.ts';

/** At most this many problems are listed; past it one more problem says how many were left out. */
export const MAX_LISTED_PROBLEMS = 10_000;

/** Collects problems up to MAX_LISTED_PROBLEMS and counts every invalid line. */
export class ProblemList {
  readonly listed: InputProblem[] = [];
  private readonly lines = new Set<number>();
  private overflow = 0;
  add(problem: InputProblem): void {
    if (problem.line !== null) this.lines.add(problem.line);
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(problem);
    else this.overflow += 1;
  }
  get invalidLines(): number {
    return this.lines.size;
  }
  get isEmpty(): boolean {
    return this.listed.length === 0;
  }
  /** The listed problems, closed by a note on how many more there were. */
  all(): InputProblem[] {
    return this.overflow === 0
      ? this.listed
      : [...this.listed, { line: null, column: null, message: `${this.overflow} more problems not listed` }];
  }
}

/** A problem's text: English, and in every language when it comes from the catalogue. */
export interface ProblemText {
  message: string;
  localized?: LocalizedText;
}

export interface RowContext<K extends ColumnKey> {
  line: number;
  /** The cell of a column (null when the file has no such column or the cell is empty). */
  cell(key: K): Cell;
  /** A column's name as the file's header writes it (problems name it so). */
  column(key: K): string;
  /** Records a problem in a column of this row; the row is then dropped. */
  problem(key: K | null, message: string | ProblemText): void;
}

function isBlank(row: TableRow): boolean {
  for (const c of row.cells) if (c !== null && !(typeof c === 'string' && c.trim() === '')) return false;
  return true;
}

/**
 * Reads a table's records: finds the header (the first non-blank row), maps its columns, and hands each
 * non-blank row to `parse`. Rows with problems are left out and their problems collected, so a whole file
 * is checked in one pass. A missing column stops at once: no row could be read without it.
 */
export async function* readRecords<K extends ColumnKey, T>(
  table: Table,
  specs: readonly ColumnSpec<K>[],
  problems: ProblemList,
  parse: (row: RowContext<K>) => T | null,
): AsyncGenerator<{ line: number; value: T }[]> {
  let header: ReturnType<typeof mapHeader<K>>['map'] | null = null;
  // One context reused for every row (parse must not keep it): a million rows should not mean a
  // million closures for the garbage collector.
  let row: TableRow = { line: 0, cells: [] };
  let failed = false;
  const context: RowContext<K> = {
    line: 0,
    cell(key) {
      const column = header![key];
      return column ? (row.cells[column.index] ?? null) : null;
    },
    column(key) {
      return header![key]?.header ?? key;
    },
    problem(key, text) {
      failed = true;
      problems.add({ line: row.line, column: key ? context.column(key) : null, ...(typeof text === 'string' ? { message: text } : text) });
    },
  };
  for await (const batch of table.batches) {
    const out: { line: number; value: T }[] = [];
    for (const current of batch) {
      if (isBlank(current)) continue;
      if (!header) {
        const mapped = mapHeader(
          current.cells.map((c) => (c === null ? '' : String(c))),
          specs,
          current.line,
        );
        if (mapped.problems.length > 0) {
          throw new InvalidInputError(`${table.name}: the header row (line ${current.line}) is not usable`, mapped.problems);
        }
        header = mapped.map;
        continue;
      }
      row = current;
      failed = false;
      context.line = current.line;
      const value = parse(context);
      if (!failed && value !== null) out.push({ line: current.line, value });
    }
    if (out.length > 0) yield out;
  }
  if (!header) throw new InvalidInputError(`${table.name} has no header row and no data`);
}
