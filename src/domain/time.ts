/**
 * Time as a warehouse reads it, the one home of every timezone conversion: wall-clock fields, local days
 * and minutes of an instant, and times read from files. A time written without an offset
 * ("2026-11-25 14:30") is wall-clock time in the warehouse's timezone, which is how counters and ERPs
 * write them.
 */

import type { Phrase } from './phrase.ts';
import { fileTexts } from './texts/files.ts';

/** A refusal's `reason` in English, its `phrase` in every language (src/domain/texts/files.ts). */
export type TimeResult = { ok: true; value: Date } | { ok: false; reason: string; phrase: Phrase };

/** A refusal worded from the catalogue: `reason` is its English. */
function refused(phrase: Phrase): { ok: false; reason: string; phrase: Phrase } {
  return { ok: false, reason: phrase.words.en, phrase };
}

/** A calendar date (no timezone: the day as a wall calendar shows it). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock reading: the date and the time of day, to the second. */
export interface WallClockFields extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

// Chinese dates run straight on after 日 ("2026年11月25日14时30分"), and 分 may end the time without seconds.
const PATTERN =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:[ T]+|(?<=日))(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2})(?:\.(\d{1,6}))?秒?|分)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

// Building an Intl.DateTimeFormat costs far more than using one; a process meets few timezones.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields an instant shows in `timezone` (an IANA name; an unknown one throws RangeError). */
export function wallClockFields(instant: Date | number, timezone: string): WallClockFields {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "2026-11-25". */
export const dateText = (d: LocalDate): string => `${d.year}-${two(d.month)}-${two(d.day)}`;

/** The calendar date of an instant in a timezone. */
export function localDate(instant: Date, timezone: string): LocalDate {
  const { year, month, day } = wallClockFields(instant, timezone);
  return { year, month, day };
}

/** "2026-11-25": the calendar day of an instant in a timezone. */
export const localDay = (instant: Date, timezone: string): string => dateText(localDate(instant, timezone));

/** "2026-11-26T09:00": the wall-clock minute of an instant in a timezone (keys of scheduled runs). */
export function localMinute(instant: Date, timezone: string): string {
  const f = wallClockFields(instant, timezone);
  return `${dateText(f)}T${two(f.hour)}:${two(f.minute)}`;
}

/** "2026-11-25 14:30" (with `seconds`, "2026-11-25 14:30:05"): an instant as the warehouse's clock shows it. */
export function wallClock(instant: Date, timezone: string, options: { seconds?: boolean } = {}): string {
  const f = wallClockFields(instant, timezone);
  return `${dateText(f)} ${two(f.hour)}:${two(f.minute)}${options.seconds ? `:${two(f.second)}` : ''}`;
}

/** The IANA name the runtime uses for `timezone` ("asia/shanghai" → "Asia/Shanghai"); throws RangeError when unknown. */
export function canonicalTimezone(timezone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
}

/** True when `timezone` is an IANA zone name this runtime knows (e.g. Asia/Shanghai). */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The instant at which the wall clock in `timezone` shows the given fields. */
export function zonedToInstant(fields: [number, number, number, number, number, number, number], timezone: string): Date {
  const [y, mo, d, h, mi, s, ms] = fields;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Two passes settle on the right offset also next to a DST switch.
  let guess = asUtc - offsetAt(asUtc, timezone);
  guess = asUtc - offsetAt(guess, timezone);
  return new Date(guess);
}

function offsetAt(instant: number, timezone: string): number {
  const f = wallClockFields(instant, timezone);
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * Parses a date-time cell. Spreadsheet date cells arrive as Date values holding the wall-clock fields in
 * UTC (spreadsheets have no timezone), so they are read as wall-clock time too. A date without a time of
 * day is refused: the cut-off needs the moment, and a whole day would misplace that day's movements.
 */
export function parseTimestamp(cell: string | Date, timezone: string): TimeResult {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return refused(fileTexts.cellInvalidDate());
    return {
      ok: true,
      value: zonedToInstant(
        [
          cell.getUTCFullYear(),
          cell.getUTCMonth() + 1,
          cell.getUTCDate(),
          cell.getUTCHours(),
          cell.getUTCMinutes(),
          cell.getUTCSeconds(),
          cell.getUTCMilliseconds(),
        ],
        timezone,
      ),
    };
  }
  const text = cell.normalize('NFKC').trim();
  const m = PATTERN.exec(text);
  if (!m) return refused(fileTexts.cellNotDateTime(text));
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  if (h === undefined) {
    return refused(fileTexts.cellNoTimeOfDay(text, `${y}-${mo}-${d}`));
  }
  const fields: [number, number, number, number, number, number, number] = [
    Number(y),
    Number(mo),
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? 0),
    Number((frac ?? '0').padEnd(3, '0').slice(0, 3)),
  ];
  const [, month, day, hour, minute, second] = fields;
  const probe = new Date(Date.UTC(fields[0], month - 1, day));
  if (month < 1 || month > 12 || day < 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return refused(fileTexts.cellInvalidDateTime(text));
  }
  if (offset) {
    const utc = Date.UTC(fields[0], month - 1, day, hour, minute, second, fields[6]);
    if (offset.toUpperCase() === 'Z') return { ok: true, value: new Date(utc) };
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    return { ok: true, value: new Date(utc - sign * minutes * 60_000) };
  }
  return { ok: true, value: zonedToInstant(fields, timezone) };
}

export type DateResult = { ok: true; value: string } | { ok: false; reason: string; phrase: Phrase };

/**
 * Parses a calendar date (an expiry, 有效期) as YYYY-MM-DD: the formats parseTimestamp reads, a date alone
 * ("2027-06-30", "2027年6月30日", "2027/6/30") or the compact "20270630" printed on lot labels. A time of
 * day is allowed and dropped after placing the moment in the warehouse's timezone (an offset given with it
 * counts); a spreadsheet date cell is its calendar date.
 */
export function parseDate(cell: string | Date, timezone: string): DateResult {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return refused(fileTexts.cellInvalidDate());
    return { ok: true, value: dateText({ year: cell.getUTCFullYear(), month: cell.getUTCMonth() + 1, day: cell.getUTCDate() }) };
  }
  const text = cell.normalize('NFKC').trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const m = compact ?? PATTERN.exec(text);
  if (!m) return refused(fileTexts.cellNotDate(text));
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || day < 1 || probe.getUTCDate() !== day) return refused(fileTexts.cellInvalidDateText(text));
  if (compact || m[4] === undefined) return { ok: true, value: dateText({ year, month, day }) };
  const at = parseTimestamp(text, timezone);
  return at.ok ? { ok: true, value: localDay(at.value, timezone) } : at;
}
