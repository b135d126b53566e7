/**
 * Times read from files. A time written without an offset ("2026-11-25 14:30") is wall-clock time in the
 * warehouse's timezone, which is how counters and ERPs write them.
 */

export type TimeResult = { ok: true; value: Date } | { ok: false; reason: string };

// Chinese dates run straight on after 日 ("2026年11月25日14时30分"), and 分 may end the time without seconds.
const PATTERN =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:[ T]+|(?<=日))(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2})(?:\.(\d{1,6}))?秒?|分)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

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
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * Parses a date-time cell. Spreadsheet date cells arrive as Date values holding the wall-clock fields in
 * UTC (spreadsheets have no timezone), so they are read as wall-clock time too. A date without a time of
 * day is refused: the cut-off needs the moment, and a whole day would misplace that day's movements.
 */
export function parseTimestamp(cell: string | Date, timezone: string): TimeResult {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, reason: 'is not a valid date' };
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
  if (!m) return { ok: false, reason: `"${text}" is not a date and time (use e.g. 2026-11-25 14:30)` };
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  if (h === undefined) {
    return { ok: false, reason: `"${text}" has no time of day (use e.g. ${y}-${mo}-${d} 14:30)` };
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
    return { ok: false, reason: `"${text}" is not a valid date and time` };
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
