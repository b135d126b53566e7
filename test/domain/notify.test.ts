import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { parseQuietHours, quietEnd, quietHoursText } from '../../src/domain/notify.ts';

describe('quiet hours', () => {
  it('reads HH:MM-HH:MM (with Chinese separators too) and refuses anything else', () => {
    expect(parseQuietHours('22:00-08:00')).toEqual({ from: 1320, to: 480 });
    expect(parseQuietHours(' 12:30 至 13:30 ')).toEqual({ from: 750, to: 810 });
    expect(quietHoursText(parseQuietHours('7:05~9:00'))).toBe('07:05-09:00');
    for (const bad of ['22-08', '24:00-08:00', '22:00', '08:00-08:00', 'nightly'])
      expect(() => parseQuietHours(bad), bad).toThrow(InvalidInputError);
  });

  it('holds a message due inside the window until it ends, in the warehouse timezone, across midnight', () => {
    const night = { from: 22 * 60, to: 8 * 60 };
    // 23:00 in Shanghai (15:00Z): until 08:00 there the next morning (00:00Z).
    expect(quietEnd(new Date('2026-12-05T15:00:00Z'), night, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-06T00:00:00.000Z');
    // 03:00 in Shanghai (19:00Z the day before): until 08:00 the same local morning.
    expect(quietEnd(new Date('2026-12-05T19:00:00Z'), night, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-06T00:00:00.000Z');
    // 10:00 there: not quiet. 08:00 sharp is the end, so not quiet either.
    expect(quietEnd(new Date('2026-12-05T02:00:00Z'), night, 'Asia/Shanghai')).toBeNull();
    expect(quietEnd(new Date('2026-12-06T00:00:00Z'), night, 'Asia/Shanghai')).toBeNull();
    // A window within one day (lunch), and the last day of a month.
    const lunch = { from: 12 * 60, to: 13 * 60 + 30 };
    expect(quietEnd(new Date('2026-12-31T04:15:00Z'), lunch, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-31T05:30:00.000Z');
    expect(quietEnd(new Date('2026-12-31T15:30:00Z'), night, 'Asia/Shanghai')?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    // The same instant is outside the window in Berlin (16:00 there).
    expect(quietEnd(new Date('2026-12-05T15:00:00Z'), night, 'Europe/Berlin')).toBeNull();
  });
});
