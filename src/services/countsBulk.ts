/**
 * The bulk lane of a count import. A plain CSV count sheet — UTF-8, the header on the first line, no
 * quotes, no control characters, a known SKU in plain ASCII and a whole quantity on every line, nothing in
 * the unit, counted_at, expiry or lot columns — is loaded as it is by COPY into a temporary table and
 * checked and summed per (sku, location) by set-based SQL, in the import's own transaction. The CLI
 * process then only streams the file (about 0.1 s of CPU for a million lines, against about 2.2 s for
 * parsing and summing them in JavaScript, measured by `npm run bench:import`), and the database does the
 * folding it does faster.
 *
 * The lane takes exactly the sheets the row-by-row check would accept whole with the same sums; anything
 * else — a quote, a decimal, an unknown SKU, a blank line, a lot-tracked item — makes it decline
 * (NotPlain), its transaction rolls back and the sheet is read by the row-by-row check, which names every
 * problem by row and column. Tests import the same sheets both ways and expect identical results.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { copyDriver } from '../../db/copy.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { mapHeader } from '../domain/columns.ts';
import { sniffDelimiter } from '../files/csv.ts';
import { ignoredColumnNotes, type IgnoredColumnNote } from '../files/records.ts';
import type { FileSource } from '../files/source.ts';
import type { Table } from '../files/table.ts';
import { COUNT_COLUMNS } from './countSheet.ts';

/** The sheet is not one the bulk lane takes whole: read it row by row instead. */
export class NotPlain extends Error {
  constructor(readonly reason: string) {
    super(`count sheet not plain: ${reason}`);
  }
}

/** A sheet the bulk lane will try, with where its columns are. */
export interface BulkSheet {
  kind: 'bulk';
  source: FileSource;
  delimiter: string;
  /** Cells in the header (every line must have as many). */
  width: number;
  sku: number;
  location: number;
  qty: number;
  /** Columns that must be empty on every line for the lane to take the sheet. */
  empty: number[];
  qtyColumn: string;
  lotColumn: string;
  ignoredColumns: IgnoredColumnNote[];
}

/** What the lane staged: the sheet's data rows and the (sku, location) lines they sum to. */
export interface BulkStaged {
  rows: number;
  lines: number;
}

/** What String.prototype.trim removes besides control characters (which the lane never admits). */
const TRIMMED = ' \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

const HEAD_BYTES = 1 << 16;
const QUOTE = 0x22;

/**
 * The bulk plan for a table, or null when the sheet plainly is not for the lane (an XLSX, another
 * encoding, a header not on the first line, a first block of lines the lane would not take).
 */
export async function bulkSheet(table: Table, source: FileSource): Promise<BulkSheet | null> {
  if (!table.scan || table.sheet !== null || table.encoding !== 'utf-8') return null;
  let text = (await readHead(source)).toString('utf8');
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const lines = text.split('\n');
  lines.pop(); // the last may be cut short by the head's end (or is what follows the last line break)
  if (lines.length < 2) return null;
  const header = lines[0]!.endsWith('\r') ? lines[0]!.slice(0, -1) : lines[0]!;
  if (header.trim() === '' || header.includes('"') || header.includes('\r')) return null;
  const delimiter = sniffDelimiter(header);
  const cells = header.split(delimiter);
  const mapped = mapHeader(cells, COUNT_COLUMNS, 1);
  const at = mapped.map;
  if (mapped.problems.length > 0 || !at.sku || !at.qty || !at.location) return null;
  const empty = [at.unit, at.countedAt, at.expiry, at.lot].flatMap((c) => (c ? [c.index] : []));
  const plan: BulkSheet = {
    kind: 'bulk',
    source,
    delimiter,
    width: cells.length,
    sku: at.sku.index,
    location: at.location.index,
    qty: at.qty.index,
    empty,
    qtyColumn: at.qty.header,
    lotColumn: at.lot?.header ?? at.sku.header,
    ignoredColumns: ignoredColumnNotes(mapped.ignored),
  };
  // The first block of lines decides whether the copy is worth trying: most sheets the lane declines
  // show it at once (a decimal quantity, a quote, a unit column in use).
  for (const raw of lines.slice(1)) if (!plainSample(plan, raw.endsWith('\r') ? raw.slice(0, -1) : raw)) return null;
  return plan;
}

function plainSample(plan: BulkSheet, line: string): boolean {
  if (line.includes('"')) return false;
  const cells = line.split(plan.delimiter);
  if (cells.length !== plan.width) return false;
  const qty = cells[plan.qty]!;
  if (!/^[0-9]{1,12}$/.test(qty) || !/^[!-~]([ -~]*[!-~])?$/.test(cells[plan.sku]!)) return false;
  return plan.empty.every((i) => cells[i] === '');
}

async function readHead(source: FileSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const stream = source.open();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= HEAD_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

/**
 * Passes the file through unchanged, refusing it (NotPlain) at the first quote, control character or
 * line end unlike the first's (a bare CR, an LF in a CRLF file): what the row-by-row check would read
 * differently from COPY (quoted cells, line breaks inside them, a 12" pipe) never reaches the lane's
 * sums, and COPY itself is never refused mid-stream (postgres.js leaves a COPY the server refused
 * waiting forever). `lines` counts the line breaks seen, which the rows COPY loaded must match.
 */
class PlainBytes extends Transform {
  lines = 0;
  /** A tab is the delimiter of a tab-separated sheet, and a control character in any other. */
  constructor(private readonly tab: boolean) {
    super();
  }

  private crlf: boolean | null = null;
  private last = -1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.indexOf(QUOTE) >= 0) return done(new NotPlain('a quote'));
    let last = this.last;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a) {
        const crlf = last === 0x0d;
        if (this.crlf === null) this.crlf = crlf;
        else if (crlf !== this.crlf) return done(new NotPlain('mixed line ends'));
        this.lines += 1;
      } else if (last === 0x0d) return done(new NotPlain('a bare CR'));
      else if (b < 0x20 ? b !== 0x0d && !(b === 0x09 && this.tab) : b === 0x7f) return done(new NotPlain('a control character'));
      last = b;
    }
    this.last = last;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.last === 0x0d) return done(new NotPlain('a bare CR'));
    if (this.last !== 0x0a && this.last !== -1) this.lines += 1; // a last line without its line break
    done();
  }
}

/**
 * Loads and sums the sheet into count_stage (which must exist, empty), inside the caller's transaction.
 * Throws NotPlain when the sheet is not one the lane takes whole; the caller's transaction then rolls back.
 */
export async function stageBulkSheet(tx: DbOrTx, plan: BulkSheet): Promise<BulkStaged> {
  // Each line whole as one text cell: CSV mode with a delimiter and a quote that cannot occur (the bytes
  // are checked for control characters on the way in) never refuses a line; a blank line is a null.
  await tx.execute(sql`create temporary table count_raw (n bigint generated always as identity, line text) on commit drop`);
  // The sums of a million lines are hashed in memory rather than spilled to disk in batches.
  await tx.execute(sql.raw(`set local work_mem = '256MB'`));
  const copy = `copy count_raw (line) from stdin with (format csv, header true, delimiter E'\\x01', quote E'\\x02')`;
  const driver = copyDriver(tx);
  const bytes = new PlainBytes(plan.delimiter === '\t');
  if ('postgres' in driver) {
    await pipeline(plan.source.open(), bytes, await driver.postgres.unsafe(copy).writable());
  } else {
    const parts: Buffer[] = [];
    await pipeline(plan.source.open(), bytes, async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) parts.push(chunk);
    });
    await driver.pglite.query(copy.replace('from stdin', `from '/dev/blob'`), [], { blob: new Blob(parts) });
  }
  const d = plan.delimiter;
  const cell = (i: number) => sql`split_part(line, ${d}, ${i + 1})`;
  const [sku, location, qty] = [cell(plan.sku), cell(plan.location), cell(plan.qty)];
  // A line the row-by-row check takes unchanged: as many cells as the header, a whole quantity of up to 12
  // digits, a SKU in plain ASCII without surrounding spaces, a location with nothing to trim, and nothing
  // in the columns the lane does not read. A blank line (null) is skipped, as there.
  const plain = sql.join(
    [
      sql`char_length(line) - char_length(replace(line, ${d}, '')) = ${plan.width - 1}`,
      sql`char_length(qty) between 1 and 12 and translate(qty, '0123456789', '') = ''`,
      sql`sku <> '' and octet_length(sku) = char_length(sku) and sku = btrim(sku)`,
      sql`location = btrim(location, ${TRIMMED})`,
      ...plan.empty.map((i) => sql`${cell(i)} = ''`),
    ],
    sql` and `,
  );
  const [staged] = await queryRows<{ odd: number; lines: number; rows: number; loaded: number }>(
    tx,
    sql`with cells as (
          select n, line, ${sku} as sku, ${location} as location, ${qty} as qty from count_raw where line is not null
        ), grouped as (
          select sku, location, sum(case when ${plain} then qty::numeric end) as qty,
                 min(n) + 1 as first_line, count(*) as line_count, bool_and(${plain}) as plain
          from cells group by 1, 2
        ), staged as (
          insert into count_stage (sku, location, lot, expiry, qty, counted_ms, first_line, line_count, counted_as)
          select sku, location, '', null, qty, null, first_line, line_count, null from grouped where plain
          returning line_count
        )
        select (select count(*)::int from grouped where not plain) as odd,
               (select count(*)::int from staged) as lines,
               (select coalesce(sum(line_count), 0)::int from staged) as rows,
               (select count(*)::int from count_raw) as loaded`,
  );
  // Every line of the file after the header reached the table (COPY's end-of-data marker, a line
  // holding only \., would have stopped it short).
  if (staged!.loaded !== bytes.lines - 1) throw new NotPlain('lines missing from the copy');
  if (staged!.odd > 0) throw new NotPlain('lines the row-by-row check reads differently');
  if (staged!.rows === 0) throw new NotPlain('no data rows');
  // Every SKU known, no item lot-tracked (its lines must name a lot), and every sum fits the column.
  const [checked] = await queryRows<{ unknown: number; lot_tracked: number; too_large: number }>(
    tx,
    sql`select count(*) filter (where i.sku is null)::int as unknown,
               count(*) filter (where i.lot_tracked)::int as lot_tracked,
               count(*) filter (where s.qty >= 1e15)::int as too_large
        from count_stage s left join item i on i.sku = s.sku`,
  );
  if (checked!.unknown > 0 || checked!.lot_tracked > 0 || checked!.too_large > 0) throw new NotPlain('a SKU to check row by row');
  return { rows: staged!.rows, lines: staged!.lines };
}
