import type { HeaderMap } from '../domain/columns.ts';
import { formatDecimal, QTY_SCALE } from '../domain/decimal.ts';
import type { PlainLine } from '../files/csvParser.ts';
import { problemAt, ProblemList, scanRecords, type FastLane, type ProblemText } from '../files/records.ts';
import { cellText, decimalCell, decimalProblem, timeCell, timeProblem, type Table } from '../files/table.ts';
import { importTexts } from '../domain/texts/imports.ts';
import type { Phrase } from '../domain/phrase.ts';
import { countedAsText } from '../domain/packs.ts';
import type { ItemScanDetails } from './itemDetails.ts';
import { expiryCell } from './lots.ts';

/**
 * A quantity in thousandths, exactly: a JS number while it is a safe integer (nearly every sum of a
 * count sheet; adding numbers is many times cheaper than adding bigints), a bigint past that.
 */
export type Thousandths = number | bigint;

/** One (sku, location, lot) of a sheet: its lines summed. */
export interface CountLine {
  sku: string;
  location: string;
  /** '' for an item that is not lot-tracked. */
  lot: string;
  /** The expiry written on the sheet (YYYY-MM-DD), if any. */
  expiry: string | null;
  /** A second, different expiry written for the same line: a problem named on it. */
  otherExpiry: string | null;
  qty: Thousandths;
  countedAt: number | null;
  firstLine: number;
  lineCount: number;
  /** The same SKU's next location or lot in this sheet. */
  next: CountLine | null;
  /**
   * What was counted in which unit (a sheet's unit column, the counting page's unit picker), in thousandths
   * of that unit, '' for the base unit; null when every row was in the base unit.
   */
  units: Map<string, bigint> | null;
  /** How it was counted, as evidence ("2 箱 + 3 个"), once the sheet is read. */
  countedAs: string | null;
}

/** The exact sum of two quantities: a number while the sum is a safe integer, else a bigint. */
function addThousandths(a: Thousandths, b: Thousandths): Thousandths {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    // Both are safe integers, so the sum is exact whenever it is safe itself.
    if (Number.isSafeInteger(sum)) return sum;
  }
  return BigInt(a) + BigInt(b);
}

/**
 * A sheet's lines summed per (sku, location, lot). Keyed by sku first, with the rare second location or
 * lot of a SKU chained behind it, so a million-line sheet builds no million concatenated keys.
 */
export class CountLines {
  private readonly bySku = new Map<string, CountLine>();
  size = 0;
  /** Whether any line names a lot (else the lot rules have nothing to check unless items are lot-tracked). */
  anyLot = false;
  /** Whether any line was written with two different expiries (checked only then). */
  expiriesDisagree = false;

  /**
   * Adds a row. `qty` is in the base unit; `counted` is the row's quantity in the unit it was counted in,
   * when that is not simply the base unit.
   */
  add(
    lineNumber: number,
    sku: string,
    location: string,
    lot: string,
    qty: Thousandths,
    countedAt: number | null,
    counted: { unit: string; qty: bigint } | null = null,
    expiry: string | null = null,
  ): void {
    const head = this.bySku.get(sku);
    let line: CountLine | null = head ?? null;
    while (line && (line.location !== location || line.lot !== lot)) line = line.next;
    if (line) {
      if (counted || line.units) {
        // The rows before the first one with a unit were in the base unit.
        line.units ??= new Map([['', BigInt(line.qty)]]);
        const unit = counted?.unit ?? '';
        line.units.set(unit, (line.units.get(unit) ?? 0n) + (counted?.qty ?? BigInt(qty)));
      }
      line.qty = addThousandths(line.qty, qty);
      line.lineCount += 1;
      if (countedAt !== null && (line.countedAt === null || countedAt > line.countedAt)) line.countedAt = countedAt;
      if (expiry !== null) {
        if (line.expiry === null) line.expiry = expiry;
        else if (line.expiry !== expiry) {
          line.otherExpiry = expiry;
          this.expiriesDisagree = true;
        }
      }
      return;
    }
    if (lot !== '') this.anyLot = true;
    const created: CountLine = {
      sku,
      location,
      lot,
      expiry,
      otherExpiry: null,
      qty,
      countedAt,
      firstLine: lineNumber,
      lineCount: 1,
      next: null,
      units: counted ? new Map([[counted.unit, counted.qty]]) : null,
      countedAs: null,
    };
    if (head) {
      created.next = head.next;
      head.next = created;
    } else this.bySku.set(sku, created);
    this.size += 1;
  }

  /**
   * Drops the lines `problem` has something against, reporting each on its first line in the sheet;
   * returns how many sheet rows were dropped.
   */
  keep(problem: (line: CountLine) => Phrase | ProblemText | null, problems: ProblemList, column = 'sku'): number {
    let dropped = 0;
    for (const [sku, head] of [...this.bySku]) {
      const kept: CountLine[] = [];
      for (let line: CountLine | null = head; line; line = line.next) {
        const message = problem(line);
        if (message) {
          problems.add(problemAt(line.firstLine, column, message));
          dropped += line.lineCount;
          this.size -= 1;
        } else kept.push(line);
      }
      if (kept.length === 0) this.bySku.delete(sku);
      else {
        kept.forEach((line, i) => (line.next = kept[i + 1] ?? null));
        this.bySku.set(sku, kept[0]!);
      }
    }
    return dropped;
  }

  has(sku: string, location: string, lot: string): boolean {
    for (let line: CountLine | null = this.bySku.get(sku) ?? null; line; line = line.next)
      if (line.location === location && line.lot === lot) return true;
    return false;
  }

  *values(): Generator<CountLine> {
    for (const head of this.bySku.values()) {
      for (let line: CountLine | null = head; line; line = line.next) yield line;
    }
  }
}

/** Digits a whole quantity may have for thousandths of it to stay a safe integer (9,007,199,254,740,991). */
const SAFE_WHOLE_DIGITS = 12;
const SCALE = 10 ** QTY_SCALE;

/**
 * True when `text` is what cellText leaves unchanged, judged by its characters alone: printable ASCII
 * with no space at either end. Anything else (a control character, a CJK location) goes the long way.
 */
function plainAscii(buf: string, start: number, end: number): boolean {
  if (start === end) return true;
  const first = buf.charCodeAt(start);
  const last = buf.charCodeAt(end - 1);
  if (first <= 32 || first >= 127 || last <= 32 || last >= 127) return false;
  for (let i = start + 1; i < end - 1; i++) {
    const c = buf.charCodeAt(i);
    if (c < 32 || c >= 127) return false;
  }
  return true;
}

/**
 * The count sheet's fast lane (see scanRecords): a plain line whose sku is a known SKU in plain ASCII,
 * whose quantity is a whole number of up to 12 digits and whose counted_at and expiry are absent or
 * empty is summed
 * straight into `lines`, with exactly the outcome the row-by-row check gives it (that check accepts
 * such a row and parses such a quantity to the same thousandths). Every other line, and every line with
 * something wrong, is left to the row-by-row check, which names the problem.
 */
export function countFastLane(
  header: HeaderMap<'sku' | 'location' | 'lot' | 'qty' | 'countedAt' | 'expiry' | 'unit' | 'barcode'>,
  skus: ReadonlySet<string>,
  lines: CountLines,
  taken: () => void,
): PlainLine {
  const skuAt = header.sku?.index ?? -1;
  const qtyAt = header.qty?.index ?? -1;
  const locationAt = header.location?.index ?? -1;
  const countedAtAt = header.countedAt?.index ?? -1;
  // A quantity in a pack unit needs the item's packs: such lines go the long way.
  const unitAt = header.unit?.index ?? -1;
  const lotAt = header.lot?.index ?? -1;
  const expiryAt = header.expiry?.index ?? -1;
  const last = Math.max(skuAt, qtyAt, locationAt, countedAtAt, unitAt, lotAt, expiryAt);
  // Cell bounds of the current line, reused: [start, end) per column, -1 for a cell the line lacks.
  const starts = new Int32Array(last + 1);
  const ends = new Int32Array(last + 1);
  return (buf, start, end, lineNumber, delimiter) => {
    if (skuAt < 0 || qtyAt < 0) return false;
    const d = delimiter.charCodeAt(0);
    let at = start;
    for (let c = 0; c <= last; c++) {
      if (at > end) {
        starts[c] = -1;
        continue;
      }
      // Searched within the line only: indexOf would run on through the following lines when this one
      // lacks the delimiter, over and over in a sheet of such lines.
      let stop = at;
      while (stop < end && buf.charCodeAt(stop) !== d) stop++;
      starts[c] = at;
      ends[c] = stop;
      at = stop + 1;
    }
    if (countedAtAt >= 0 && starts[countedAtAt]! >= 0 && ends[countedAtAt]! > starts[countedAtAt]!) return false;
    if (unitAt >= 0 && starts[unitAt]! >= 0 && ends[unitAt]! > starts[unitAt]!) return false;
    if (expiryAt >= 0 && starts[expiryAt]! >= 0 && ends[expiryAt]! > starts[expiryAt]!) return false;
    const qs = starts[qtyAt]!;
    const qe = ends[qtyAt]!;
    if (qs < 0 || qe === qs || qe - qs > SAFE_WHOLE_DIGITS) return false;
    let whole = 0;
    for (let i = qs; i < qe; i++) {
      const digit = buf.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return false;
      whole = whole * 10 + digit;
    }
    const ss = starts[skuAt]!;
    if (ss < 0 || !plainAscii(buf, ss, ends[skuAt]!)) return false;
    const sku = buf.slice(ss, ends[skuAt]);
    if (sku === '' || !skus.has(sku)) return false;
    let location = '';
    if (locationAt >= 0 && starts[locationAt]! >= 0) {
      const ls = starts[locationAt]!;
      const le = ends[locationAt]!;
      location = buf.slice(ls, le);
      if (!plainAscii(buf, ls, le)) location = cellText(location);
    }
    let lot = '';
    if (lotAt >= 0 && starts[lotAt]! >= 0) {
      const ls = starts[lotAt]!;
      const le = ends[lotAt]!;
      lot = buf.slice(ls, le);
      if (!plainAscii(buf, ls, le)) lot = cellText(lot);
    }
    lines.add(lineNumber, sku, location, lot, whole * SCALE, null);
    taken();
    return true;
  };
}

/** The columns a count sheet is read by. */
export const COUNT_COLUMNS = [
  { key: 'sku', required: true, or: 'barcode' },
  { key: 'barcode', required: false },
  { key: 'location', required: false },
  { key: 'qty', required: true },
  { key: 'unit', required: false },
  { key: 'countedAt', required: false },
  { key: 'lot', required: false },
  { key: 'expiry', required: false },
] as const;
type CountColumn = (typeof COUNT_COLUMNS)[number]['key'];

/** What a sheet is checked against. */
export interface CountSheetContext {
  skus: ReadonlySet<string>;
  /** Barcodes and pack units of the item master, for a barcode column and a unit column. */
  details?: ItemScanDetails;
  /** The warehouse's timezone, for counted_at written without one. */
  timezone: string;
  /** counted_at must fall between the stocktake's snapshot and this. */
  snapshotAt: Date;
  latestAllowed: Date;
}

export interface CountSheet {
  lines: CountLines;
  problems: ProblemList;
  rowsRead: number;
  rowsAccepted: number;
  /** The quantity column as the file's header names it (problems with sums name it). */
  qtyColumn: string;
  /** The column a lot problem is named in: the lot column as the header names it, else the sku column. */
  lotColumn: string;
  /** Rows the fast lane took (the rest were checked row by row). */
  rowsInFastLane: number;
  /** Whether the sheet has a location column at all. */
  hasLocation: boolean;
}

/**
 * Reads a count sheet whole: every row checked (unknown SKU, bad quantity, counted_at outside the
 * count, an unreadable expiry), problems collected with their row and column, accepted rows summed per
 * (sku, location, lot).
 * Plain CSV lines take the fast lane unless `fastLane` is false (tests compare both ways).
 */
export async function readCountSheet(table: Table, context: CountSheetContext, options: { fastLane?: boolean } = {}): Promise<CountSheet> {
  const { skus, timezone, snapshotAt } = context;
  const problems = new ProblemList();
  const lines = new CountLines();
  let rowsRead = 0;
  let rowsAccepted = 0;
  let qtyColumn = 'qty';
  let lotColumn = 'sku';
  let rowsInFastLane = 0;
  let hasLocation = false;
  const fastLane: FastLane<CountColumn> = (header) => {
    hasLocation = header.location !== undefined;
    // What row.column('qty') gives the row-by-row check, for when the lane takes the first row.
    qtyColumn = header.qty?.header ?? 'qty';
    lotColumn = header.lot?.header ?? header.sku?.header ?? 'sku';
    return countFastLane(header, skus, lines, () => {
      rowsInFastLane += 1;
      rowsRead += 1;
      rowsAccepted += 1;
    });
  };
  await scanRecords(
    table,
    COUNT_COLUMNS,
    problems,
    (row) => {
      rowsRead += 1;
      if (rowsRead === 1) {
        qtyColumn = row.column('qty');
        lotColumn = row.has('lot') ? row.column('lot') : row.column('sku');
        hasLocation = row.has('location');
      }
      let sku = cellText(row.cell('sku'));
      if (!sku && row.has('barcode')) {
        const code = cellText(row.cell('barcode'));
        sku = context.details?.barcodes.get(code) ?? (skus.has(code) ? code : '');
        if (!code) row.problem('barcode', importTexts.barcodeBlank());
        else if (!sku) row.problem('barcode', importTexts.unknownBarcode(code));
      } else if (!sku) row.problem('sku', importTexts.skuBlank());
      else if (!skus.has(sku)) row.problem('sku', importTexts.unknownSku(sku));
      let qty = decimalCell(row.cell('qty'), QTY_SCALE);
      if (!qty.ok) row.problem('qty', decimalProblem('qty', qty));
      const unit = cellText(row.cell('unit'));
      let counted: { unit: string; qty: bigint } | null = null;
      if (unit !== '' && qty.ok) {
        counted = { unit, qty: qty.value };
        const pack = context.details?.packs.get(sku)?.find((p) => p.unit === unit);
        // A unit that is no pack unit must be the base unit: checked once the sheet is read (checkUnits).
        if (pack) qty = { ok: true, value: (qty.value * pack.factor) / 10n ** BigInt(QTY_SCALE) };
      }
      let countedAt: number | null = null;
      const atCell = row.cell('countedAt');
      if (atCell !== null && cellText(atCell) !== '') {
        const at = timeCell(atCell, timezone);
        if (!at.ok) row.problem('countedAt', timeProblem('countedAt', at));
        else if (at.value.getTime() < snapshotAt.getTime()) {
          row.problem('countedAt', importTexts.countedBeforeStart(at.value.toISOString(), snapshotAt.toISOString()));
        } else if (at.value.getTime() > context.latestAllowed.getTime()) {
          row.problem('countedAt', importTexts.countedInFuture(at.value.toISOString()));
        } else countedAt = at.value.getTime();
      }
      const expiry = expiryCell(row.cell('expiry'), timezone);
      if (!expiry.ok) row.problem('expiry', expiry.problem);
      return qty.ok && expiry.ok
        ? {
            sku,
            location: cellText(row.cell('location')),
            lot: cellText(row.cell('lot')),
            qty: qty.value,
            countedAt,
            counted,
            expiry: expiry.value,
          }
        : null;
    },
    (line, value) => {
      rowsAccepted += 1;
      lines.add(line, value.sku, value.location, value.lot, value.qty, value.countedAt, value.counted, value.expiry);
    },
    options.fastLane === false ? undefined : fastLane,
  );
  return { lines, problems, rowsRead, rowsAccepted, qtyColumn, lotColumn, rowsInFastLane, hasLocation };
}

/**
 * Checks the units of lines counted in a unit column: a unit must be the item's base unit or one of its
 * pack units. Drops the lines with another unit, naming it and the units there are, and writes how each
 * remaining line was counted ("2 箱 + 3 个"); returns how many sheet rows were dropped.
 */
export function checkUnits(
  lines: CountLines,
  baseUnits: ReadonlyMap<string, string>,
  details: ItemScanDetails,
  problems: ProblemList,
): number {
  return lines.keep(
    (line) => {
      if (!line.units) return null;
      const base = baseUnits.get(line.sku) ?? '';
      const packs = details.packs.get(line.sku) ?? [];
      const unknown = [...line.units.keys()].find((u) => u !== '' && u !== base && !packs.some((p) => p.unit === u));
      if (unknown !== undefined) {
        const known = [base, ...packs.map((p) => `${p.unit} (${formatDecimal(p.factor, QTY_SCALE)} ${base})`)].join(', ');
        return importTexts.notAUnit(unknown, line.sku, known);
      }
      line.countedAs = countedAsText(line.units, base);
      return null;
    },
    problems,
    'unit',
  );
}
