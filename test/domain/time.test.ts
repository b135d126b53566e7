import { describe, expect, it } from 'vitest';
import { codeDay } from '../../src/domain/stocktake.ts';
import {
  canonicalTimezone,
  isValidTimezone,
  localDate,
  localDay,
  localMinute,
  parseTimestamp,
  wallClock,
  zonedToInstant,
  type TimeResult,
} from '../../src/domain/time.ts';

const SHANGHAI = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';

/** The instant of a parse that must succeed, as an ISO string. */
function instant(result: TimeResult): string {
  if (!result.ok) throw new Error(`expected a time, got refusal: ${result.reason}`);
  return result.value.toISOString();
}

/** The reason of a parse that must be refused. */
function reason(result: TimeResult): string {
  if (result.ok) throw new Error(`expected a refusal, got ${result.value.toISOString()}`);
  return result.reason;
}

describe('isValidTimezone', () => {
  it('knows IANA zone names', () => {
    expect(isValidTimezone(SHANGHAI)).toBe(true);
    expect(isValidTimezone(BERLIN)).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
  });

  it('refuses names that are no timezone', () => {
    expect(isValidTimezone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimezone('')).toBe(false);
    expect(isValidTimezone('+08:00 China')).toBe(false);
  });
});

describe('the wall clock of an instant', () => {
  // 16:30 UTC on 25 November is 00:30 on the 26th in Shanghai.
  const late = new Date('2026-11-25T16:30:05.250Z');

  it("gives the local day, minute and wall clock in the warehouse's zone, each in its one format", () => {
    expect(localDate(late, SHANGHAI)).toEqual({ year: 2026, month: 11, day: 26 });
    expect(localDay(late, SHANGHAI)).toBe('2026-11-26');
    expect(codeDay(late, SHANGHAI)).toBe('20261126');
    expect(localMinute(late, SHANGHAI)).toBe('2026-11-26T00:30');
    expect(wallClock(late, SHANGHAI)).toBe('2026-11-26 00:30');
    expect(wallClock(late, SHANGHAI, { seconds: true })).toBe('2026-11-26 00:30:05');
    expect(localDay(late, 'UTC')).toBe('2026-11-25');
  });

  it('writes midnight as 00, never 24', () => {
    expect(wallClock(new Date('2026-11-25T16:00:00Z'), SHANGHAI)).toBe('2026-11-26 00:00');
  });

  it('follows daylight saving', () => {
    expect(wallClock(new Date('2026-07-01T12:00:00Z'), BERLIN)).toBe('2026-07-01 14:00');
    expect(wallClock(new Date('2026-12-01T12:00:00Z'), BERLIN)).toBe('2026-12-01 13:00');
  });

  it('spells a zone the way the runtime does', () => {
    expect(canonicalTimezone('asia/shanghai')).toBe(SHANGHAI);
    expect(() => canonicalTimezone('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('zonedToInstant', () => {
  it('turns wall-clock fields in a zone into the instant', () => {
    expect(zonedToInstant([2026, 11, 25, 14, 30, 5, 250], SHANGHAI).toISOString()).toBe('2026-11-25T06:30:05.250Z');
  });

  it('uses summer and winter offsets in a zone with daylight saving', () => {
    expect(zonedToInstant([2026, 7, 1, 12, 0, 0, 0], BERLIN).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(zonedToInstant([2026, 1, 15, 12, 0, 0, 0], BERLIN).toISOString()).toBe('2026-01-15T11:00:00.000Z');
  });

  it('uses the right offset on both sides of the spring switch', () => {
    // Berlin moves from 02:00 CET to 03:00 CEST on 2026-03-29 (01:00Z).
    expect(zonedToInstant([2026, 3, 29, 1, 30, 0, 0], BERLIN).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(zonedToInstant([2026, 3, 29, 3, 30, 0, 0], BERLIN).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('uses the right offset on both sides of the autumn switch', () => {
    // Berlin moves from 03:00 CEST back to 02:00 CET on 2026-10-25 (01:00Z).
    expect(zonedToInstant([2026, 10, 25, 0, 30, 0, 0], BERLIN).toISOString()).toBe('2026-10-24T22:30:00.000Z');
    expect(zonedToInstant([2026, 10, 25, 4, 0, 0, 0], BERLIN).toISOString()).toBe('2026-10-25T03:00:00.000Z');
  });
});

describe('parseTimestamp with text', () => {
  it('reads a time without offset as wall-clock time in the given zone', () => {
    expect(instant(parseTimestamp('2026-11-25 14:30', SHANGHAI))).toBe('2026-11-25T06:30:00.000Z');
    expect(instant(parseTimestamp('2026-11-25 14:30', BERLIN))).toBe('2026-11-25T13:30:00.000Z');
    expect(instant(parseTimestamp('2026-07-01T14:30:00', BERLIN))).toBe('2026-07-01T12:30:00.000Z');
  });

  it('moves a time after local midnight to the previous UTC day', () => {
    expect(instant(parseTimestamp('2026-11-25 01:00', SHANGHAI))).toBe('2026-11-24T17:00:00.000Z');
  });

  it('honours an explicit offset or Z over the zone', () => {
    expect(instant(parseTimestamp('2026-11-25T14:30:00Z', SHANGHAI))).toBe('2026-11-25T14:30:00.000Z');
    expect(instant(parseTimestamp('2026-11-25t14:30:00z', SHANGHAI))).toBe('2026-11-25T14:30:00.000Z');
    expect(instant(parseTimestamp('2026-11-25T14:30:00+08:00', BERLIN))).toBe('2026-11-25T06:30:00.000Z');
    expect(instant(parseTimestamp('2026-11-25 14:30 -0530', SHANGHAI))).toBe('2026-11-25T20:00:00.000Z');
  });

  it('reads slashes, dots, seconds and fractions of a second', () => {
    expect(instant(parseTimestamp('2026/11/25 14:30:05', SHANGHAI))).toBe('2026-11-25T06:30:05.000Z');
    expect(instant(parseTimestamp('2026.1.5 9:05', SHANGHAI))).toBe('2026-01-05T01:05:00.000Z');
    expect(instant(parseTimestamp('2026-11-25 14:30:05.25', SHANGHAI))).toBe('2026-11-25T06:30:05.250Z');
  });

  it('reads Chinese dates and times', () => {
    expect(instant(parseTimestamp('2026年11月25日 14:30', SHANGHAI))).toBe('2026-11-25T06:30:00.000Z');
    expect(instant(parseTimestamp('2026年11月25日14:30', SHANGHAI))).toBe('2026-11-25T06:30:00.000Z');
    expect(instant(parseTimestamp('2026年11月25日 14时30分', SHANGHAI))).toBe('2026-11-25T06:30:00.000Z');
    expect(instant(parseTimestamp('2026年11月25日 14时30分05秒', SHANGHAI))).toBe('2026-11-25T06:30:05.000Z');
    expect(instant(parseTimestamp('２０２６－１１－２５　１４：３０', SHANGHAI))).toBe('2026-11-25T06:30:00.000Z');
  });

  it('ignores surrounding spaces', () => {
    expect(instant(parseTimestamp('  2026-11-25 14:30 ', SHANGHAI))).toBe('2026-11-25T06:30:00.000Z');
  });

  it('refuses a date without a time of day, saying so', () => {
    const why = reason(parseTimestamp('2026-11-25', SHANGHAI));
    expect(why).toContain('no time of day');
    expect(why).toContain('2026-11-25 14:30');
    expect(reason(parseTimestamp('2026年11月25日', SHANGHAI))).toContain('no time of day');
  });

  it('refuses dates and times that do not exist', () => {
    for (const text of [
      '2026-02-30 10:00',
      '2026-13-01 10:00',
      '2026-00-10 10:00',
      '2026-11-00 10:00',
      '2026-11-25 25:00',
      '2026-11-25 14:60',
      '2026-11-25 14:30:61',
    ]) {
      expect(reason(parseTimestamp(text, SHANGHAI))).toBe(`"${text}" is not a valid date and time`);
    }
  });

  it('accepts 29 February only in a leap year', () => {
    expect(instant(parseTimestamp('2028-02-29 08:00', SHANGHAI))).toBe('2028-02-29T00:00:00.000Z');
    expect(reason(parseTimestamp('2026-02-29 08:00', SHANGHAI))).toContain('not a valid date');
  });

  it('refuses text that is no date, with an example of what is', () => {
    for (const text of ['', 'yesterday', '25/11/2026 14:30', '14:30', '2026-11-25 14']) {
      const why = reason(parseTimestamp(text, SHANGHAI));
      expect(why).toContain('is not a date and time');
      expect(why).toContain('2026-11-25 14:30');
    }
  });
});

describe('parseTimestamp with spreadsheet date cells', () => {
  it('reads the UTC fields of a date cell as wall-clock time in the zone', () => {
    const cell = new Date(Date.UTC(2026, 10, 25, 14, 30, 0));
    expect(instant(parseTimestamp(cell, SHANGHAI))).toBe('2026-11-25T06:30:00.000Z');
    expect(instant(parseTimestamp(cell, BERLIN))).toBe('2026-11-25T13:30:00.000Z');
  });

  it('reads a date cell just after midnight into the previous UTC day', () => {
    const cell = new Date(Date.UTC(2026, 10, 25, 1, 0, 0));
    expect(instant(parseTimestamp(cell, SHANGHAI))).toBe('2026-11-24T17:00:00.000Z');
  });

  it('keeps the milliseconds of a date cell', () => {
    const cell = new Date(Date.UTC(2026, 6, 1, 9, 15, 30, 500));
    expect(instant(parseTimestamp(cell, BERLIN))).toBe('2026-07-01T07:15:30.500Z');
  });

  it('refuses an invalid date cell', () => {
    expect(reason(parseTimestamp(new Date(Number.NaN), SHANGHAI))).toBe('is not a valid date');
  });
});
