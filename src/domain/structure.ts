/**
 * Stock structure rules that need no database: the defaults, the checks of a warehouse's cut-offs and of a
 * request's period and as-of, and the shapes every surface (CLI, API, dashboard, monthly report) reads.
 * The figures themselves are computed set-based in SQL (src/services/structure.ts).
 */
import { parseDecimal } from './decimal.ts';
import { InvalidInputError } from './errors.ts';
import type { Phrase } from './phrase.ts';
import { structureTexts } from './texts/structure.ts';
import { zonedToInstant } from './time.ts';

export const DEFAULT_PERIOD_DAYS = 365;
export const MIN_PERIOD_DAYS = 7;
export const MAX_PERIOD_DAYS = 3650;
const DAY_MS = 86_400_000;

export const ABC_CLASSES = ['A', 'B', 'C'] as const;
export type AbcClass = (typeof ABC_CLASSES)[number];

/**
 * How an item moves as of the report: `moving` (issued within the slow-mover days), `slow`, `dead` (no issue
 * within the dead-stock days, or stock that never moved), or `empty` (nothing on hand, so nothing ties up money).
 */
export const MOVEMENT_STATUSES = ['moving', 'slow', 'dead', 'empty'] as const;
export type MovementStatus = (typeof MOVEMENT_STATUSES)[number];

export interface StructureSettings {
  /** Decimal strings, percent of the period's consumption value. */
  abcAPercent: string;
  abcBPercent: string;
  slowDays: number;
  deadDays: number;
}

/** What is wrong with a warehouse's cut-offs, or null: A > 0, B ≥ 0, A + B ≤ 100, 0 < slow < dead. */
export function structureSettingsProblem(s: StructureSettings): Phrase | null {
  const a = parseDecimal(s.abcAPercent, 2);
  const b = parseDecimal(s.abcBPercent, 2);
  if (!a.ok || !b.ok || a.value <= 0n || b.value < 0n || a.value + b.value > 10000n)
    return structureTexts.badCutoffs(s.abcAPercent, s.abcBPercent);
  if (!Number.isInteger(s.slowDays) || !Number.isInteger(s.deadDays) || s.slowDays < 1 || s.deadDays <= s.slowDays)
    return structureTexts.badDays(String(s.slowDays), String(s.deadDays));
  return null;
}

/** A period in whole days from text or a number (CLI flag, query parameter); default 365. */
export function parsePeriodDays(value: string | number | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PERIOD_DAYS;
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < MIN_PERIOD_DAYS || n > MAX_PERIOD_DAYS) throw new InvalidInputError(structureTexts.badPeriod(text));
  return n;
}

/**
 * The report's moment from text: a date (YYYY-MM-DD) is the end of that day in the warehouse's timezone
 * (so the day's movements are in), anything else an ISO instant. Absent: `now`. Never in the future.
 */
export function parseAsOf(value: string | undefined, timezone: string, now: Date): Date {
  if (value === undefined || value.trim() === '') return now;
  const text = value.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  let at: Date;
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d)
      throw new InvalidInputError(structureTexts.badAsOf(text));
    at = zonedToInstant([y, m, d + 1, 0, 0, 0, 0], timezone);
    // The end of today is later than now: today's report is as of now.
    if (at.getTime() > now.getTime() && at.getTime() - now.getTime() <= DAY_MS) at = now;
  } else {
    at = /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) throw new InvalidInputError(structureTexts.badAsOf(text));
  }
  if (at.getTime() > now.getTime() + 60_000) throw new InvalidInputError(structureTexts.asOfInFuture(text));
  return at;
}

/** An ABC class from text (a, B); undefined when absent. */
export function parseAbcClass(text: string | undefined): AbcClass | undefined {
  if (text === undefined || text === '') return undefined;
  const cls = text.trim().toUpperCase();
  if (!(ABC_CLASSES as readonly string[]).includes(cls)) throw new InvalidInputError(structureTexts.badClass(text));
  return cls as AbcClass;
}

/** slow or dead from text; undefined when absent. */
export function parseIdleStatus(text: string | undefined): 'slow' | 'dead' | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'slow' || text === 'dead') return text;
  throw new InvalidInputError(structureTexts.badStatus(text));
}

/** The first instant of the period that ends at `asOf`: exactly `days` × 24 hours before it. */
export function periodStart(asOf: Date, days: number): Date {
  return new Date(asOf.getTime() - days * DAY_MS);
}

/** One item's structure figures. Quantities and money are decimal strings; instants ISO strings. */
export interface ItemStructure {
  sku: string;
  name: string;
  unit: string;
  category: string | null;
  unitCost: string;
  abcClass: AbcClass;
  /** Issued in the period (positive). */
  issueQty: string;
  /** issueQty × unit cost, 2 decimals. */
  issueValue: string;
  /** Share of the period's consumption value of this item and every item ranked above it; null with no consumption. */
  cumulativePercent: string | null;
  /** On hand at as-of. */
  stockQty: string;
  stockValue: string;
  /** Time-weighted average on hand over the period. */
  averageQty: string;
  averageValue: string;
  /** issueValue ÷ averageValue, 2 decimals; null when the average stock is not positive. */
  turnover: string | null;
  /** stockQty ÷ (issueQty ÷ period days), 1 decimal; null without issues. */
  daysOfStock: string | null;
  lastIssueAt: string | null;
  /** Whole days since the last issue (or, never issued, since the first movement here); null when neither. */
  daysIdle: number | null;
  status: MovementStatus;
}

export interface ClassStructure {
  abcClass: AbcClass;
  items: number;
  issueValue: string;
  /** Of all consumption value, 2 decimals; null when there was none. */
  issuePercent: string | null;
  stockValue: string;
  stockPercent: string | null;
}

export interface CategoryStructure {
  /** null: items without a category. */
  category: string | null;
  items: number;
  issueValue: string;
  stockValue: string;
  averageValue: string;
  turnover: string | null;
  daysOfStock: string | null;
}

export interface IdleGroup {
  items: number;
  stockValue: string;
  stockPercent: string | null;
}

export interface StockStructure {
  warehouse: { code: string; name: string; timezone: string; currency: string };
  asOf: string;
  from: string;
  periodDays: number;
  settings: StructureSettings;
  totals: {
    items: number;
    issueValue: string;
    stockValue: string;
    averageValue: string;
    turnover: string | null;
    daysOfStock: string | null;
  };
  classes: ClassStructure[];
  categories: CategoryStructure[];
  slow: IdleGroup;
  dead: IdleGroup;
  /** The first `top` items by consumption value (none without consumption). */
  topConsumers: ItemStructure[];
  /** The first `top` slow movers and dead items by stock value. */
  topSlow: ItemStructure[];
  topDead: ItemStructure[];
}

/** The per-item table's CSV columns: stable English keys for spreadsheets and scripts. */
export const STRUCTURE_CSV_COLUMNS = [
  'sku',
  'name',
  'category',
  'unit',
  'unit_cost',
  'abc_class',
  'issue_qty',
  'issue_value',
  'cumulative_percent',
  'stock_qty',
  'stock_value',
  'average_qty',
  'average_value',
  'turnover',
  'days_of_stock',
  'last_issue_at',
  'days_idle',
  'status',
] as const;

/** The per-item table as CSV (RFC 4180, CRLF), figures as exact decimal strings. */
export function structureCsv(items: readonly ItemStructure[]): string {
  const cell = (v: string | number | null) => {
    const text = v === null ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = items.map((i) =>
    [
      i.sku,
      i.name,
      i.category,
      i.unit,
      i.unitCost,
      i.abcClass,
      i.issueQty,
      i.issueValue,
      i.cumulativePercent,
      i.stockQty,
      i.stockValue,
      i.averageQty,
      i.averageValue,
      i.turnover,
      i.daysOfStock,
      i.lastIssueAt,
      i.daysIdle,
      i.status,
    ]
      .map(cell)
      .join(','),
  );
  return `${[STRUCTURE_CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
