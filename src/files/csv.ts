import { InvalidInputError, problemOf } from '../domain/errors.ts';
import { fileTexts } from '../domain/texts/files.ts';
import { CsvParser, UnterminatedQuoteError, type PlainLine } from './csvParser.ts';
import type { TextEncoding } from './inspect.ts';
import type { FileSource } from './source.ts';
import type { TableRow } from './table.ts';

const BATCH = 5000;

/** The delimiter the header line uses most: comma, tab (Excel's "Unicode text") or semicolon. */
export function sniffDelimiter(firstLine: string): string {
  const candidates = [',', '\t', ';'];
  let best = ',';
  let bestCount = 0;
  for (const d of candidates) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Streams CSV rows in batches. Row numbers count every record including blank ones, which is the row
 * number a spreadsheet shows for the same file; a quoted cell spanning lines is one row, as there.
 */
export async function* readCsvRows(source: FileSource, encoding: TextEncoding): AsyncGenerator<TableRow[]> {
  let rows: TableRow[] = [];
  for await (const _ of csvChunks(source, encoding, (cells, line) => rows.push({ line, cells }))) {
    for (let i = 0; i < rows.length; i += BATCH) yield rows.slice(i, i + BATCH);
    rows = [];
  }
}

/**
 * Reads CSV rows in file order, handing each to `visit`, or a line without quotes to `plain` first (see
 * CsvParser.parse): what a reader that can take a plain line without its cells uses.
 */
export async function scanCsvRows(
  source: FileSource,
  encoding: TextEncoding,
  visit: (row: TableRow) => void,
  plain?: PlainLine,
): Promise<void> {
  for await (const _ of csvChunks(source, encoding, (cells, line) => visit({ line, cells }), plain)) {
    // each chunk's records were handed over as it was parsed
  }
}

/** Parses the file chunk by chunk, yielding after each so a caller can hand on what it collected. */
async function* csvChunks(
  source: FileSource,
  encoding: TextEncoding,
  record: (cells: string[], line: number) => void,
  plain?: PlainLine,
): AsyncGenerator<void> {
  const { firstLine, newline } = await peekFirstLine(source, encoding);
  const parser = new CsvParser(sniffDelimiter(firstLine), newline);
  const decoder = new TextDecoder(encoding); // strips a BOM of its own encoding
  try {
    for await (const chunk of source.open() as AsyncIterable<Buffer>) {
      parser.parse(decoder.decode(chunk, { stream: true }), false, record, plain);
      yield;
    }
    parser.parse(decoder.decode(), true, record, plain);
    yield;
  } catch (error) {
    if (error instanceof UnterminatedQuoteError) {
      throw new InvalidInputError(fileTexts.csvUnreadable(source.name, error.line), [
        problemOf(error.line, null, fileTexts.unterminatedQuote(error.line)),
      ]);
    }
    throw error;
  }
}

/**
 * The header line, and how lines end: a bare CR after it (not CRLF) means the file's lines end in CR,
 * which would otherwise read as one long row with a misleading "missing column".
 */
export async function peekFirstLine(source: FileSource, encoding: TextEncoding): Promise<{ firstLine: string; newline: '\n' | '\r' }> {
  const decoder = new TextDecoder(encoding);
  let text = '';
  const stream = source.open();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += decoder.decode(chunk, { stream: true });
      // Blank lines above the header would sniff as comma-separated; the header is what counts.
      const start = text.search(/[^\r\n]/);
      const end = start < 0 ? -1 : text.slice(start).search(/\r|\n/);
      // A CR as the last character read may still be followed by LF.
      if (end >= 0 && start + end + 1 < text.length)
        return { firstLine: text.slice(start, start + end), newline: lineEnd(text, start + end) };
      if (text.length > 65536) break;
    }
  } finally {
    stream.destroy();
  }
  const start = text.search(/[^\r\n]/);
  if (start < 0) return { firstLine: '', newline: '\n' };
  const end = text.slice(start).search(/\r|\n/);
  return end < 0
    ? { firstLine: text.slice(start), newline: '\n' }
    : { firstLine: text.slice(start, start + end), newline: lineEnd(text, start + end) };
}

function lineEnd(text: string, at: number): '\n' | '\r' {
  return text[at] === '\r' && text[at + 1] !== '\n' && at + 1 < text.length ? '\r' : '\n';
}
