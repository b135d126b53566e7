/**
 * The running list of a location as the phone shows it: what the server has counted there, plus the
 * entries still waiting on the phone, each turned into the item's base unit with exact decimals.
 */
import { formatDecimal, parseDecimal, QTY_SCALE } from '../../domain/decimal.ts';
import type { Lookup, ScanLine } from './api.ts';
import type { QueuedEntry } from './queue.ts';

const ONE = 10n ** BigInt(QTY_SCALE);

/** A decimal text as a scaled bigint (3 decimals), null when it is not one. */
export function toScaled(text: string, allowNegative = true): bigint | null {
  const parsed = parseDecimal(text, QTY_SCALE, { allowNegative });
  return parsed.ok ? parsed.value : null;
}

export const fromScaled = (value: bigint): string => formatDecimal(value, QTY_SCALE);

/** How many base units one `unit` of the item holds (scaled), null for a unit the item does not have. */
export function factorOf(item: Lookup, unit: string | undefined): bigint | null {
  if (!unit || unit === item.unit) return ONE;
  const pack = item.packs.find((p) => p.unit === unit);
  return pack ? toScaled(pack.factor, false) : null;
}

export const times = (qty: bigint, factor: bigint): bigint => (qty * factor) / ONE;

export interface ShownLine {
  /** The SKU, or the code as scanned while the server has not said which item it is. */
  key: string;
  sku: string | null;
  name: string | null;
  unit: string | null;
  /** Base units: counted on the server plus waiting on the phone. */
  qty: bigint;
  countedAs: string | null;
  expected: string | null;
  waiting: number;
  item: Lookup | null;
}

/** The server's lines with the phone's waiting entries of `location` added in, in the server's order. */
export function shownLines(
  server: readonly ScanLine[],
  waiting: readonly QueuedEntry[],
  location: string,
  itemOf: (code: string) => Lookup | undefined,
): ShownLine[] {
  const lines = new Map<string, ShownLine>();
  for (const l of server) {
    lines.set(l.sku, {
      key: l.sku,
      sku: l.sku,
      name: l.name,
      unit: l.unit,
      qty: toScaled(l.qty) ?? 0n,
      countedAs: l.countedAs,
      expected: l.expected,
      waiting: 0,
      item: itemOf(l.sku) ?? null,
    });
  }
  for (const e of waiting) {
    if (e.location !== location) continue;
    const item = itemOf(e.code);
    const key = item?.sku ?? e.code;
    const line =
      lines.get(key) ??
      ({
        key,
        sku: item?.sku ?? null,
        name: item?.name ?? null,
        unit: item?.unit ?? null,
        qty: 0n,
        countedAs: null,
        expected: null,
        waiting: 0,
        item: item ?? null,
      } satisfies ShownLine);
    const qty = toScaled(e.qty) ?? 0n;
    const factor = item ? (factorOf(item, e.unit) ?? ONE) : ONE;
    line.qty += times(qty, factor);
    line.waiting++;
    line.item ??= item ?? null;
    lines.set(key, line);
  }
  return [...lines.values()];
}

/**
 * The entry that makes a line's total `typed` units of `unit` when it holds `current` base units: in that
 * unit when the difference is a whole number of them (the unit as counted is kept as evidence), else in
 * the base unit. Null when nothing changes. `current`, `typed` and `factor` are scaled (3 decimals).
 */
export function entryForTotal(current: bigint, typed: bigint, factor: bigint): { qty: string; inUnit: boolean } | null {
  const delta = times(typed, factor) - current;
  if (delta === 0n) return null;
  const whole = delta % factor === 0n;
  return whole ? { qty: fromScaled((delta / factor) * ONE), inUnit: true } : { qty: fromScaled(delta), inUnit: false };
}

/** A base quantity in units of `factor` base units, when that is exact to 3 decimals; else null. */
export function inUnit(qty: bigint, factor: bigint): string | null {
  return (qty * ONE) % factor === 0n ? fromScaled((qty * ONE) / factor) : null;
}
