import { localDay } from './time.ts';

export const STOCKTAKE_STATUSES = ['counting', 'reviewing', 'approving', 'posted', 'cancelled'] as const;
export type StocktakeStatus = (typeof STOCKTAKE_STATUSES)[number];
export const OPEN_STATUSES: readonly StocktakeStatus[] = ['counting', 'reviewing', 'approving'];

/**
 * A blind count (盲盘) hides book figures (book and expected quantities, variances, values, unit costs)
 * while counting is open; from the close of counting on, everything shows as in any stocktake.
 */
export const hidesBookFigures = (st: { blind: boolean; status: StocktakeStatus }): boolean => st.blind && st.status === 'counting';

export const COUNT_STATUSES = ['counted', 'verified', 'conflict', 'uncounted'] as const;
export type CountStatus = (typeof COUNT_STATUSES)[number];

/**
 * Where a line stands in review. `none`: not in review — counting is still open, or the line has no
 * variance; `open` waits for its owner, `recount` for a recount, `confirmed` for a cause; `documented` is on
 * a document being approved, `posted` on a posted one.
 */
export const REVIEW_STATUSES = ['none', 'open', 'recount', 'confirmed', 'documented', 'posted'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const DOCUMENT_STATUSES = ['approving', 'posted', 'rejected', 'withdrawn'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** An approval step: `waiting` for the step before it, `pending` a decision, then decided or cancelled. */
export const STEP_STATUSES = ['waiting', 'pending', 'approved', 'rejected', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** "20261125": the warehouse's local day as stocktake codes (and their sequences) write it. */
export const codeDay = (instant: Date, timezone: string): string => localDay(instant, timezone).replaceAll('-', '');

/** ST-20261125-001: the warehouse's local day and that day's sequence number. */
export function stocktakeCode(day: string, sequence: number): string {
  return `ST-${day}-${String(sequence).padStart(3, '0')}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (text: string) => UUID.test(text);

/**
 * A line as people name it: `SKU`, `SKU@LOCATION` or, for a lot, `SKU@LOCATION#LOT` (`SKU@#LOT` when
 * the line has no location). The last @ splits the SKU off (so a SKU may contain one), then the first #
 * after it the lot. Location and lot are null when not given.
 */
export function parseLineRef(ref: string): { sku: string; location: string | null; lot: string | null } {
  const at = ref.lastIndexOf('@');
  if (at < 0) return { sku: ref.trim(), location: null, lot: null };
  const rest = ref.slice(at + 1);
  const hash = rest.indexOf('#');
  return {
    sku: ref.slice(0, at).trim(),
    location: (hash < 0 ? rest : rest.slice(0, hash)).trim(),
    lot: hash < 0 ? null : rest.slice(hash + 1).trim(),
  };
}

/** The name parseLineRef reads back: `SKU@LOCATION`, with `#LOT` when the line has a lot. */
export function lineRef(line: { sku: string; location: string; lot?: string }): string {
  return `${line.sku}@${line.location}${line.lot ? `#${line.lot}` : ''}`;
}

/** A line as messages show it: `SKU@LOCATION#LOT`, '-' for no location. */
export function lineLabel(line: { sku: string; location: string; lot?: string }): string {
  return `${line.sku}@${line.location || '-'}${line.lot ? `#${line.lot}` : ''}`;
}
