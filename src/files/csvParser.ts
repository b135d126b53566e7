import { fileTexts } from '../domain/texts/files.ts';

/**
 * An RFC 4180 CSV parser fed with text chunks. Lines without a quote, nearly all of a count sheet, are
 * split directly; a line with a quote goes through a small state machine that allows quoted delimiters,
 * doubled quotes and line breaks inside quotes. Quotes inside an unquoted cell (12" pipe) are kept as
 * text, the way spreadsheets read them. A blank line is a record with no cells, so record numbers stay
 * the row numbers a spreadsheet shows.
 */
export class CsvParser {
  private carry = '';
  /** Records emitted so far (the next record is number `records + 1`). */
  records = 0;

  /**
   * `newline` is '\r' for files whose lines end in a bare CR (Excel for Mac's "CSV (Macintosh)", classic
   * Mac OS): a CR followed by LF still ends one line there, and quoted cells take either as before.
   */
  constructor(
    private readonly delimiter: string,
    private readonly newline: '\n' | '\r' = '\n',
  ) {}

  /** Parses what `text` completes; a partial last record waits for the next chunk (or `final`). */
  push(text: string, final = false): string[][] {
    const out: string[][] = [];
    this.parse(text, final, (cells) => out.push(cells));
    return out;
  }

  /**
   * Like push, handing each record to `record` with its number, in file order. A line without quotes is
   * first offered to `plain` as its bounds in `buf` (no line break): when that takes it (returns true),
   * no cells are made for it. A million-line sheet then costs no million arrays.
   */
  parse(text: string, final: boolean, record: (cells: string[], line: number) => void, plain?: PlainLine): void {
    const buf = this.carry + text;
    const d = this.delimiter;
    let i = 0;
    // Where the next quote is, found once and reused: searching afresh on every line would rescan the
    // whole rest of the chunk each time in a file without quotes.
    let quote = buf.indexOf('"');
    const cr = this.newline === '\r';
    while (i < buf.length) {
      let nl = buf.indexOf(this.newline, i);
      // A CR at the end of the chunk may be the first half of a CRLF.
      if ((nl < 0 || (cr && nl === buf.length - 1)) && !final) break;
      if (nl < 0) nl = buf.length;
      if (quote >= 0 && quote < i) quote = buf.indexOf('"', i);
      if (quote < 0 || quote > nl) {
        let end = nl;
        if (!cr && end > i && buf.charCodeAt(end - 1) === 13) end -= 1; // \r\n
        this.records += 1;
        if (end === i) record([], this.records);
        else if (!plain?.(buf, i, end, this.records, d)) record(buf.slice(i, end).split(d), this.records);
        i = cr && buf.charCodeAt(nl + 1) === 10 ? nl + 2 : nl + 1;
        continue;
      }
      const parsed = this.parseQuoted(buf, i, final);
      if (!parsed) break; // the quoted record continues in the next chunk
      this.records += 1;
      record(parsed.record, this.records);
      i = parsed.next;
    }
    this.carry = buf.slice(Math.min(i, buf.length));
  }

  private parseQuoted(buf: string, start: number, final: boolean): { record: string[]; next: number } | null {
    const d = this.delimiter;
    const record: string[] = [];
    let field = '';
    let i = start;
    let atFieldStart = true;
    let inQuotes = false;
    while (i < buf.length) {
      const ch = buf[i]!;
      if (inQuotes) {
        if (ch === '"') {
          if (buf[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          if (i + 1 >= buf.length && !final) return null; // cannot tell "" from " yet
          inQuotes = false;
          i += 1;
          continue;
        }
        field += ch;
        i += 1;
        continue;
      }
      if (ch === '"' && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
        i += 1;
        continue;
      }
      if (ch === d) {
        record.push(field);
        field = '';
        atFieldStart = true;
        i += 1;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        record.push(field);
        const next = ch === '\r' && buf[i + 1] === '\n' ? i + 2 : i + 1;
        if (ch === '\r' && i + 1 >= buf.length && !final) return null;
        return { record, next };
      }
      field += ch;
      atFieldStart = false;
      i += 1;
    }
    if (!final) return null;
    if (inQuotes) throw new UnterminatedQuoteError(this.records + 1);
    record.push(field);
    return { record, next: buf.length };
  }
}

/**
 * A line without quotes, offered whole: `buf` from `start` to `end` (no line break) is record number
 * `line`, its cells separated by `delimiter`. Returns true when it took the line.
 */
export type PlainLine = (buf: string, start: number, end: number, line: number, delimiter: string) => boolean;

/** A quoted cell that never closes: the rest of the file would be one cell. */
export class UnterminatedQuoteError extends Error {
  constructor(readonly line: number) {
    super(fileTexts.unterminatedQuote(line).words.en);
  }
}
