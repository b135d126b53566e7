import { InvalidInputError } from '../domain/errors.ts';
import { CsvParser, UnterminatedQuoteError } from './csvParser.ts';
import type { TextEncoding } from './inspect.ts';
import type { FileSource } from './source.ts';
import type { TableRow } from './table.ts';

const BATCH = 5000;

/** The delimiter the header line uses most: comma, tab (Excel's "Unicode text") or semicolon. */
function sniffDelimiter(firstLine: string): string {
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
  const firstLine = await peekFirstLine(source, encoding);
  const parser = new CsvParser(sniffDelimiter(firstLine));
  const decoder = new TextDecoder(encoding); // strips a BOM of its own encoding
  let line = 0;
  const toRows = (records: string[][]): TableRow[] => records.map((cells) => ({ line: ++line, cells }));
  try {
    for await (const chunk of source.open() as AsyncIterable<Buffer>) {
      const records = parser.push(decoder.decode(chunk, { stream: true }));
      for (let i = 0; i < records.length; i += BATCH) yield toRows(records.slice(i, i + BATCH));
    }
    const rest = parser.push(decoder.decode(), true);
    if (rest.length > 0) yield toRows(rest);
  } catch (error) {
    if (error instanceof UnterminatedQuoteError) {
      throw new InvalidInputError(`${source.name} is not a readable CSV file: ${error.message}`, [
        { line: error.line, column: null, message: error.message },
      ]);
    }
    throw error;
  }
}

async function peekFirstLine(source: FileSource, encoding: TextEncoding): Promise<string> {
  const decoder = new TextDecoder(encoding);
  let text = '';
  const stream = source.open();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += decoder.decode(chunk, { stream: true });
      // Blank lines above the header would sniff as comma-separated; the header is what counts.
      const start = text.search(/[^\r\n]/);
      const end = start < 0 ? -1 : text.slice(start).search(/\r|\n/);
      if (end >= 0) return text.slice(start, start + end);
      if (text.length > 65536) break;
    }
  } finally {
    stream.destroy();
  }
  return text.replace(/^[\r\n]+/, '');
}
