/**
 * How numbers and times look wherever a person reads them (cards, pages, the CLI, charts): one way, so a
 * value reads the same in a chat and on the command line.
 * - Numbers: thousands grouped with "," (zh-CN and en write them alike), on the exact decimal string, never
 *   through a binary float: '-2592.00' → '-2,592.00'.
 * - Times: the warehouse's wall clock, "2026-11-25 14:03", never UTC ISO; the zone is named where the reader
 *   may be elsewhere (the CLI), not on a warehouse's own cards.
 */
import { wallClock } from './time.ts';

/** Thousands separators on a decimal string, leaving its digits alone; anything else is returned as it is. */
export function groupDigits(decimal: string): string {
  const match = /^([+-]?)(\d+)(\.\d+)?$/.exec(decimal);
  if (!match) return decimal;
  const [, sign, whole, fraction = ''] = match;
  return `${sign}${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}

/** An instant as the warehouse's wall clock: "2026-11-25 14:03"; '—' for none. */
export function localWallClock(instant: string | Date | null | undefined, timezone: string): string {
  if (instant === null || instant === undefined) return '—';
  return wallClock(instant instanceof Date ? instant : new Date(instant), timezone);
}
