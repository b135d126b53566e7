/**
 * The bulk lane of a count import. A plain CSV count sheet — UTF-8, the header on the first line, no
 * quotes, no control characters, a known SKU in plain ASCII and a whole quantity on every line, nothing in
 * the unit, counted_at, expiry or lot columns — is checked and summed per (sku, location) on its bytes as
 * it streams in, and only the sums are loaded by COPY into the import's staging table, in the import's own
 * transaction. Reading a million lines this way costs about 0.7–0.8 s in a fresh process, against about 2.2 s
 * for parsing them into rows and summing those in JavaScript, and about 1.2 s for loading every line into the database
 * and summing it there (measured by `npm run bench:import`).
 *
 * The lane takes exactly the sheets the row-by-row check would accept whole with the same sums; anything
 * else — a quote, a decimal, an unknown SKU, a lot-tracked item, a sum too large — makes it decline
 * (NotPlain), its transaction rolls back and the sheet is read by the row-by-row check, which names every
 * problem by row and column. Tests import the same sheets both ways and expect identical results.
 */
import { statSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { copyChunks } from '../../db/copy.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { mapHeader } from '../domain/columns.ts';
import { sniffDelimiter } from '../files/csv.ts';
import { ignoredColumnNotes, type IgnoredColumnNote } from '../files/records.ts';
import type { FileSource } from '../files/source.ts';
import type { Table } from '../files/table.ts';
import { COUNT_COLUMNS } from './countSheet.ts';
import { NotPlain, sumSheet, type SheetSums, type SumPlan } from './countsBulkSums.ts';

export { NotPlain };

/** A sheet the bulk lane will try, with where its columns are. */
export interface BulkSheet extends SumPlan {
  kind: 'bulk';
  source: FileSource;
  qtyColumn: string;
  lotColumn: string;
  ignoredColumns: IgnoredColumnNote[];
}

/** What the lane staged: the sheet's data rows and the (sku, location) lines they sum to. */
export interface BulkStaged {
  rows: number;
  lines: number;
  /** Whether every SKU was checked; if not, the caller calls checkStagedSkus when a line matched none of the stocktake's. */
  skusChecked: boolean;
}

const HEAD_BYTES = 1 << 16;
const QUOTE = 0x22;

/**
 * The bulk plan for a table, or null when the sheet plainly is not for the lane (an XLSX, another
 * encoding, a header not on the first line, a first block of lines the lane would not take).
 */
export async function bulkSheet(table: Table, source: FileSource): Promise<BulkSheet | null> {
  if (!table.scan || table.sheet !== null || table.encoding !== 'utf-8') return null;
  const head = await readHead(source);
  let text = head.toString('utf8');
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
    // The whole lines of the head, to size the sums' tables (countsBulkSums.ts).
    expectedLines: source.path ? Math.ceil((statSync(source.path).size * lines.length) / Math.max(1, head.length)) : undefined,
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

/** Reads, checks and sums the sheet; NotPlain when it is not one the lane takes whole. */
export async function sumBulkSheet(plan: BulkSheet): Promise<SheetSums> {
  const sheet = await sumSheet(plan, plan.source);
  if (sheet.rows === 0) throw new NotPlain('no data rows');
  return sheet;
}

/**
 * Stages a summed sheet in count_stage (which must exist, empty), inside the caller's transaction; throws
 * NotPlain when a SKU is to be checked row by row, and the caller's transaction then rolls back.
 *
 * Tried: a stocktake's first import copying the sums straight into count_entry, with count_stage a view of
 * those entries. The COPY into count_entry took about as long as this COPY plus the entries' insert, and
 * the line update reading the entries through the view about 0.1 s longer (`npm run bench:import`).
 */
export async function stageBulkSheet(tx: DbOrTx, sheet: SheetSums, options: { checkSkusNow: boolean }): Promise<BulkStaged> {
  // The other columns keep their defaults: no lot, no expiry, no time of their own, counted as entered.
  await copyChunks(
    tx,
    'count_stage',
    ['sku', 'location', 'qty', 'first_line', 'line_count'],
    (function* () {
      for (const table of sheet.sums) yield* table.copyChunks();
    })(),
  );
  // Lines of a lot-tracked item must name a lot: with any such item the SKUs are checked now. Otherwise
  // only an unknown SKU is left to find, and a staged line that updates a line of the stocktake has a known
  // SKU (the book's SKUs were checked against the item master, which never loses one): the caller checks
  // after the update, and only when some staged line updated none (checkStagedSkus). That saves a join of
  // the sheet with the whole item master, about 0.3 s for 200,000 lines, on the usual sheet.
  const [lots] = await queryRows<{ any: boolean }>(tx, sql`select exists (select 1 from item where lot_tracked) as any`);
  const checkNow = options.checkSkusNow || lots!.any;
  if (checkNow) await checkStagedSkus(tx);
  return { rows: sheet.rows, lines: sheet.sums.reduce((n, t) => n + t.size, 0), skusChecked: checkNow };
}

/** Refuses (NotPlain) the staged sheet if it has an unknown SKU or a lot-tracked item's line (without a lot). */
export async function checkStagedSkus(tx: DbOrTx): Promise<void> {
  const [checked] = await queryRows<{ unknown: number; lot_tracked: number }>(
    tx,
    sql`select count(*) filter (where i.sku is null)::int as unknown,
               count(*) filter (where i.lot_tracked)::int as lot_tracked
        from count_stage s left join item i on i.sku = s.sku`,
  );
  if (checked!.unknown > 0 || checked!.lot_tracked > 0) throw new NotPlain('a SKU to check row by row');
}
