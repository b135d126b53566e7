import { userInfo } from 'node:os';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { BULK_BATCH, isoText, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { countImport } from '../../db/schema/index.ts';
import { formatDecimal, QTY_SCALE } from '../domain/decimal.ts';
import { DuplicateImportError, InvalidInputError } from '../domain/errors.ts';
import { ProblemList, readRecords } from '../files/records.ts';
import type { FileSource } from '../files/source.ts';
import { cellText, decimalCell, openTable, timeCell } from '../files/table.ts';
import { refuseIfInvalid, type ImportReport } from './importResult.ts';
import { knownSkus, unknownSkuMessage } from './skus.ts';
import { getStocktake, requireStatus, type StocktakeRef } from './stocktakes.ts';
import { stocktakeStatus, type StocktakeProgress } from './variances.ts';

const COUNT_COLUMNS = [
  { key: 'sku', required: true },
  { key: 'location', required: false },
  { key: 'qty', required: true },
  { key: 'countedAt', required: false },
] as const;

const countImportOptions = z.object({
  counter: z.string().trim().min(1, 'counter is blank').max(100).optional(),
  round: z.number().int('round must be a whole number').min(1, 'round must be 1 or more').max(99).default(1),
  skipInvalid: z.boolean().default(false),
});

export type CountImportOptions = z.input<typeof countImportOptions>;

export interface CountImportReport extends ImportReport {
  importId: string;
  stocktake: string;
  counter: string;
  round: number;
  contentHash: string;
  /** Distinct (sku, location) lines in the sheet, after summing repeated lines. */
  linesCounted: number;
  /** Lines the book did not have (counted stock with book 0). */
  linesNotInBook: number;
  /** Lines of this sheet that now stand verified (a second count of the same round agreed). */
  linesVerified: number;
  /** Lines of this sheet that now disagree with another count of the same round. */
  linesInConflict: number;
  /** Lines where a later round already exists, so this sheet is kept as evidence only. */
  linesSuperseded: number;
  progress: StocktakeProgress;
}

/** One (sku, location) of a sheet: its lines summed. Quantities in thousandths, exactly. */
interface CountLine {
  sku: string;
  location: string;
  qty: bigint;
  countedAt: number | null;
  firstLine: number;
  lineCount: number;
}

/**
 * Imports a count sheet into a stocktake. The file is read as a stream and checked whole; lines for the
 * same (sku, location) are summed; then, in one transaction, the sheet's entries are appended and the
 * count status of every line it covers is derived again from all entries of that line's latest round:
 * one count → counted, several agreeing → verified, several disagreeing → conflict.
 */
export async function importCounts(db: Db, stocktakeKey: string, source: FileSource, options: CountImportOptions = {}): Promise<CountImportReport> {
  const parsedOptions = countImportOptions.safeParse(options);
  if (!parsedOptions.success) {
    throw new InvalidInputError(parsedOptions.error.issues.map((i) => i.message).join('; '));
  }
  const { round, skipInvalid } = parsedOptions.data;
  const counter = parsedOptions.data.counter ?? userInfo().username;
  const st = await getStocktake(db, stocktakeKey);
  requireStatus(st, ['counting'], 'import counts');
  const table = await openTable(source);
  // Refuse a re-import before reading a million lines; checked again under the lock below.
  await refuseDuplicate(db, st, table.sha256);

  const skus = await knownSkus(db);
  const problems = new ProblemList();
  const lines = new Map<string, CountLine>();
  let rowsRead = 0;
  let rowsAccepted = 0;
  const snapshotAt = st.snapshotAt.getTime();
  const latestAllowed = Date.now() + 10 * 60_000;
  for await (const batch of readRecords(table, COUNT_COLUMNS, problems, (row) => {
    rowsRead += 1;
    const sku = cellText(row.cell('sku'));
    if (!sku) row.problem('sku', 'sku is blank');
    else if (!skus.has(sku)) row.problem('sku', unknownSkuMessage(sku));
    const qty = decimalCell(row.cell('qty'), QTY_SCALE);
    if (!qty.ok) row.problem('qty', `quantity ${qty.reason}`);
    let countedAt: number | null = null;
    const atCell = row.cell('countedAt');
    if (atCell !== null && cellText(atCell) !== '') {
      const at = timeCell(atCell, st.timezone);
      if (!at.ok) row.problem('countedAt', `counted_at ${at.reason}`);
      else if (at.value.getTime() < snapshotAt) {
        row.problem('countedAt', `counted_at ${at.value.toISOString()} is before the stocktake started (${st.snapshotAt.toISOString()})`);
      } else if (at.value.getTime() > latestAllowed) {
        row.problem('countedAt', `counted_at ${at.value.toISOString()} is in the future`);
      } else countedAt = at.value.getTime();
    }
    return qty.ok ? { sku, location: cellText(row.cell('location')), qty: qty.value, countedAt } : null;
  })) {
    for (const { line, value } of batch) {
      rowsAccepted += 1;
      const key = `${value.sku}\u0000${value.location}`;
      const existing = lines.get(key);
      if (existing) {
        existing.qty += value.qty;
        existing.lineCount += 1;
        if (value.countedAt !== null && (existing.countedAt === null || value.countedAt > existing.countedAt)) existing.countedAt = value.countedAt;
      } else {
        lines.set(key, { ...value, firstLine: line, lineCount: 1 });
      }
    }
  }
  refuseIfInvalid(table.name, problems, skipInvalid, rowsAccepted);

  const result = await db.transaction(async (tx) => {
    // Imports into one stocktake are serialised: each derives line statuses from all earlier entries.
    const locked = await getStocktake(tx, st.id, { forUpdate: true });
    requireStatus(locked, ['counting'], 'import counts');
    await refuseDuplicate(tx, locked, table.sha256);
    const [created] = await tx
      .insert(countImport)
      .values({
        stocktakeId: st.id,
        fileName: table.name,
        contentHash: table.sha256,
        counter,
        round,
        rowsRead,
        rowsAccepted,
        rowsRejected: problems.invalidLines,
        linesCounted: lines.size,
      })
      .returning({ id: countImport.id, importedAt: countImport.importedAt });
    const importId = created!.id;
    const importedAt = created!.importedAt.toISOString();
    await appendEntries(tx, importId, st.id, round, importedAt, lines.values());
    lines.clear();
    return { importId, ...(await applyEntries(tx, st.id, importId, round)) };
  });

  return {
    importId: result.importId,
    stocktake: st.code,
    counter,
    round,
    contentHash: table.sha256,
    fileName: table.name,
    rowsRead,
    rowsAccepted,
    rowsRejected: problems.invalidLines,
    problems: problems.all(),
    linesCounted: result.linesCounted,
    linesNotInBook: result.linesNotInBook,
    linesVerified: result.linesVerified,
    linesInConflict: result.linesInConflict,
    linesSuperseded: result.linesSuperseded,
    progress: await stocktakeStatus(db, st.id),
  };
}

async function refuseDuplicate(db: DbOrTx, st: StocktakeRef, sha256: string): Promise<void> {
  const [earlier] = await queryRows<{ id: string; file_name: string; counter: string; imported_at: string }>(
    db,
    sql`select id, file_name, counter, ${isoText(sql`imported_at`)} as imported_at
        from count_import where stocktake_id = ${st.id} and content_hash = ${sha256}`,
  );
  if (earlier) {
    throw new DuplicateImportError({ id: earlier.id, fileName: earlier.file_name, counter: earlier.counter, importedAt: earlier.imported_at });
  }
}

async function appendEntries(tx: DbOrTx, importId: string, stocktakeId: string, round: number, importedAt: string, lines: Iterable<CountLine>): Promise<void> {
  let chunk: CountLine[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    await tx.execute(sql`
      insert into count_entry (import_id, stocktake_id, round, sku, location, qty, counted_at, first_line, line_count)
      select ${importId}::uuid, ${stocktakeId}::uuid, ${round}::int, * from ${unnestColumns([
        { values: chunk.map((l) => l.sku), type: 'text' },
        { values: chunk.map((l) => l.location), type: 'text' },
        { values: chunk.map((l) => formatDecimal(l.qty, QTY_SCALE)), type: 'numeric' },
        { values: chunk.map((l) => (l.countedAt === null ? importedAt : new Date(l.countedAt).toISOString())), type: 'timestamptz' },
        { values: chunk.map((l) => String(l.firstLine)), type: 'int' },
        { values: chunk.map((l) => String(l.lineCount)), type: 'int' },
      ])}`);
    chunk = [];
  };
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length >= BULK_BATCH) await flush();
  }
  await flush();
}

/**
 * Derives the count status of every line the import covers from all entries of the line's latest round,
 * creating stocktake lines for counted stock the book did not have. Set-based: two statements whatever
 * the sheet's size.
 */
async function applyEntries(tx: DbOrTx, stocktakeId: string, importId: string, round: number) {
  const created = await queryRows(
    tx,
    sql`insert into stocktake_line (stocktake_id, sku, location, book_qty, unit_cost, in_book)
        select e.stocktake_id, e.sku, e.location, 0, i.unit_cost, false
        from count_entry e join item i on i.sku = e.sku
        where e.import_id = ${importId}
        on conflict (stocktake_id, sku, location) do nothing
        returning 1`,
  );
  const [counts] = await queryRows<{ lines: number; verified: number; conflict: number; superseded: number }>(
    tx,
    sql`with covered as (
          select sku, location, round from count_entry where import_id = ${importId}
        ),
        entries as (
          select e.sku, e.location, e.round, e.qty, e.counted_at,
                 max(e.round) over (partition by e.sku, e.location) as top_round
          from count_entry e join covered c on c.sku = e.sku and c.location = e.location
          where e.stocktake_id = ${stocktakeId}
        ),
        latest as (
          select sku, location, max(round) as round, count(*) as n, min(qty) as lo, max(qty) as hi, max(counted_at) as at
          from entries where round = top_round
          group by sku, location
        ),
        updated as (
          update stocktake_line l
          set count_status = (case when x.n = 1 then 'counted' when x.lo = x.hi then 'verified' else 'conflict' end)::count_status,
              counted_qty = case when x.lo = x.hi then x.lo end,
              counted_at = x.at,
              count_round = x.round
          from latest x
          where l.stocktake_id = ${stocktakeId} and l.sku = x.sku and l.location = x.location
          returning l.count_status, l.count_round
        )
        select count(*)::int as lines,
               count(*) filter (where count_status = 'verified' and count_round = ${round})::int as verified,
               count(*) filter (where count_status = 'conflict' and count_round = ${round})::int as conflict,
               (select count(*)::int from covered c join latest x on x.sku = c.sku and x.location = c.location where x.round > c.round) as superseded
        from updated`,
  );
  return {
    linesCounted: Number(counts!.lines),
    linesNotInBook: created.length,
    linesVerified: Number(counts!.verified),
    linesInConflict: Number(counts!.conflict),
    linesSuperseded: Number(counts!.superseded),
  };
}
