import { mapHeader, type ColumnKey, type ColumnSpec, type HeaderMap, type IgnoredColumn } from '../domain/columns.ts';
import type { PlainLine } from './csvParser.ts';
import { InvalidInputError, problemOf, type InputProblem, type LocalizedText } from '../domain/errors.ts';
import { isPhrase, render, renderAll, type Phrase } from '../domain/phrase.ts';
import { fileTexts } from '../domain/texts/files.ts';
import type { Cell, Table, TableRow } from './table.ts';

/** At most this many problems are listed; past it one more problem says how many were left out. */
export const MAX_LISTED_PROBLEMS = 10_000;

/** A column of the file that was not read, worded for the import summary ("did you mean location?"). */
export interface IgnoredColumnNote {
  column: string;
  /** The accepted header it is probably a misspelling of. */
  suggestion: string | null;
  message: string;
  localized: LocalizedText;
}

/**
 * Collects problems up to MAX_LISTED_PROBLEMS and counts every invalid line; also what the reader has to
 * say about the file as a whole (the columns it ignored), for the import summary.
 */
export class ProblemList {
  readonly listed: InputProblem[] = [];
  ignoredColumns: IgnoredColumnNote[] = [];
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
    return this.overflow === 0 ? this.listed : [...this.listed, problemOf(null, null, fileTexts.moreProblems(this.overflow))];
  }
}

/**
 * A problem's text worded outside the catalogues (src/domain/packs.ts words its own): English, and in
 * every language. Everything else is a Phrase (src/domain/texts).
 */
export interface ProblemText {
  message: string;
  localized?: LocalizedText;
}

/** A problem at a line and column, from a phrase (see problemOf) or a text worded in both languages. */
export function problemAt(line: number | null, column: string | null, text: Phrase | ProblemText): InputProblem {
  return isPhrase(text) ? problemOf(line, column, text) : { line, column, ...text };
}

export interface RowContext<K extends ColumnKey> {
  line: number;
  /** The cell of a column (null when the file has no such column or the cell is empty). */
  cell(key: K): Cell;
  /** A column's name as the file's header writes it (problems name it so). */
  column(key: K): string;
  /** Whether the file has the column at all. */
  has(key: K): boolean;
  /** Records a problem in a column of this row, worded from a catalogue; the row is then dropped. */
  problem(key: K | null, text: Phrase | ProblemText): void;
}

/** A note's words: English for the CLI, every language for chats and pages. */
function noteOf(phrase: Phrase): { message: string; localized: LocalizedText } {
  return { message: render(phrase, 'en', 'cli'), localized: renderAll(phrase, 'chat') };
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
  const reader = new RecordReader(table.name, specs, problems, parse);
  for await (const batch of table.batches) {
    const out: { line: number; value: T }[] = [];
    for (const current of batch) {
      const value = reader.take(current);
      if (value !== NOT_TAKEN) out.push({ line: current.line, value });
    }
    if (out.length > 0) yield out;
  }
  reader.finish();
}

/**
 * A fast lane for plain CSV lines (see CsvParser.parse), made once the header is known: it takes a line
 * whole when it can give exactly the outcome `parse` would, and leaves every other line to `parse`.
 */
export type FastLane<K extends ColumnKey> = (header: HeaderMap<K>) => PlainLine;

/**
 * readRecords with each accepted record handed to `accept` in file order. With a CSV table and a fast
 * lane, plain lines go through the lane first; the rest (and every XLSX row) go through `parse`.
 */
export async function scanRecords<K extends ColumnKey, T>(
  table: Table,
  specs: readonly ColumnSpec<K>[],
  problems: ProblemList,
  parse: (row: RowContext<K>) => T | null,
  accept: (line: number, value: T) => void,
  fastLane?: FastLane<K>,
): Promise<void> {
  if (!table.scan || !fastLane) {
    for await (const batch of readRecords(table, specs, problems, parse)) for (const { line, value } of batch) accept(line, value);
    return;
  }
  const reader = new RecordReader(table.name, specs, problems, parse);
  let lane: PlainLine | null = null;
  await table.scan(
    (row) => {
      const value = reader.take(row);
      if (value !== NOT_TAKEN) accept(row.line, value);
      else if (!lane && reader.header) lane = fastLane(reader.header);
    },
    (buf, start, end, line, delimiter) => lane !== null && lane(buf, start, end, line, delimiter),
  );
  reader.finish();
}

const NOT_TAKEN = Symbol('not taken');

/** The notes an import reports for header columns it does not read (with the column it may have meant). */
export function ignoredColumnNotes(ignored: readonly IgnoredColumn[]): IgnoredColumnNote[] {
  return ignored.map((c) => ({
    column: c.header,
    suggestion: c.suggestion?.alias ?? null,
    ...noteOf(fileTexts.columnIgnored(c.header, c.suggestion?.alias ?? null)),
  }));
}

/** The header and the row parsing readRecords and scanRecords share. */
class RecordReader<K extends ColumnKey, T> {
  header: HeaderMap<K> | null = null;
  // One context reused for every row (parse must not keep it): a million rows should not mean a
  // million closures for the garbage collector.
  private row: TableRow = { line: 0, cells: [] };
  private failed = false;
  private readonly context: RowContext<K>;

  constructor(
    private readonly tableName: string,
    private readonly specs: readonly ColumnSpec<K>[],
    private readonly problems: ProblemList,
    private readonly parse: (row: RowContext<K>) => T | null,
  ) {
    const self = this;
    const context: RowContext<K> = {
      line: 0,
      cell(key) {
        const column = self.header![key];
        return column ? (self.row.cells[column.index] ?? null) : null;
      },
      column(key) {
        return self.header![key]?.header ?? key;
      },
      has(key) {
        return self.header![key] !== undefined;
      },
      problem(key, text) {
        self.failed = true;
        problems.add(problemAt(self.row.line, key ? context.column(key) : null, text));
      },
    };
    this.context = context;
  }

  /** The row's record, or NOT_TAKEN for a blank row, the header or a row with problems. */
  take(current: TableRow): T | typeof NOT_TAKEN {
    if (isBlank(current)) return NOT_TAKEN;
    if (!this.header) {
      const mapped = mapHeader(
        current.cells.map((c) => (c === null ? '' : String(c))),
        this.specs,
        current.line,
      );
      if (mapped.problems.length > 0) throw new InvalidInputError(fileTexts.headerUnusable(this.tableName, current.line), mapped.problems);
      this.header = mapped.map;
      this.problems.ignoredColumns = ignoredColumnNotes(mapped.ignored);
      return NOT_TAKEN;
    }
    this.row = current;
    this.failed = false;
    this.context.line = current.line;
    const value = this.parse(this.context);
    return this.failed || value === null ? NOT_TAKEN : value;
  }

  finish(): void {
    if (!this.header) throw new InvalidInputError(fileTexts.noHeader(this.tableName));
  }
}
