import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { InvalidInputError } from '../domain/errors.ts';
import type { TextEncoding } from './inspect.ts';
import type { FileSource } from './source.ts';
import type { TableRow } from './table.ts';

const BATCH = 2000;

/** Decodes bytes to text chunk by chunk; multi-byte characters split across chunks are carried over. */
class DecodeStream extends Transform {
  private readonly decoder: InstanceType<typeof TextDecoder>;
  constructor(encoding: TextEncoding) {
    super({ decodeStrings: false });
    this.decoder = new TextDecoder(encoding);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    done(null, this.decoder.decode(chunk, { stream: true }));
  }
  override _flush(done: TransformCallback): void {
    done(null, this.decoder.decode());
  }
}

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
  const parser = parse({
    delimiter: sniffDelimiter(firstLine),
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
  const feeding = pipeline(source.open(), new DecodeStream(encoding), parser);
  feeding.catch(() => {}); // surfaced below through the parser's iterator
  let batch: TableRow[] = [];
  let line = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line += 1;
      batch.push({ line, cells: record.length === 1 && record[0] === '' ? [] : record });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const at = (error as CsvError & { lines?: number }).lines;
      throw new InvalidInputError(`${source.name} is not a readable CSV file${at ? ` (near line ${at})` : ''}: ${error.message}`, [
        { line: at ?? null, column: null, message: error.message },
      ]);
    }
    throw error;
  }
  if (batch.length > 0) yield batch;
  await feeding;
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
