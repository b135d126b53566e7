export const STOCKTAKE_STATUSES = ['counting', 'reviewing', 'approving', 'posted', 'cancelled'] as const;
export type StocktakeStatus = (typeof STOCKTAKE_STATUSES)[number];
export const OPEN_STATUSES: readonly StocktakeStatus[] = ['counting', 'reviewing', 'approving'];

export const COUNT_STATUSES = ['counted', 'verified', 'conflict', 'uncounted'] as const;
export type CountStatus = (typeof COUNT_STATUSES)[number];

/** The calendar day of an instant in a timezone, as YYYYMMDD (stocktake codes use the warehouse's day). */
export function localDay(instant: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    instant,
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** ST-20261125-001: the warehouse's local day and that day's sequence number. */
export function stocktakeCode(day: string, sequence: number): string {
  return `ST-${day}-${String(sequence).padStart(3, '0')}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (text: string) => UUID.test(text);
