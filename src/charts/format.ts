/**
 * Figures on charts: decimal strings stay strings for every label and alt text, and become numbers only as
 * chart coordinates, where a float is a position on the screen and not an amount.
 */
import { groupDigits } from '../domain/display.ts';
import type { Locale } from './i18n.ts';
import { chartTexts } from './i18n.ts';

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/** A decimal string as a chart coordinate: "-1234.50" → -1234.5. Throws on anything that is not a plain decimal. */
export function coordinate(value: string, what: string): number {
  if (!DECIMAL.test(value)) throw new RangeError(`${what} must be a decimal string such as "-1234.50", not ${JSON.stringify(value)}`);
  return Number(value);
}

/** True when a decimal string is zero ("0", "-0.00"). */
export function isZero(value: string): boolean {
  return !/[1-9]/.test(value);
}

/** The decimal string without its sign: "-12.50" → "12.50". */
export function magnitude(value: string): string {
  return value.replace(/^[-+]/, '');
}

/** Groups thousands as everywhere (src/domain/display.ts), without a sign on zero: "-0.00" → "0.00". */
export function grouped(value: string): string {
  return groupDigits(isZero(value) ? magnitude(value) : value.replace(/^\+/, ''));
}

/** An axis tick: 12500 → "12.5k" (en) or "1.25万" (zh-CN); small numbers as they are. */
export function compactNumber(n: number, locale: Locale): string {
  const abs = Math.abs(n);
  const round = (x: number) => String(Number(x.toFixed(2)));
  if (locale === 'zh-CN') {
    if (abs >= 1e8) return `${round(n / 1e8)}亿`;
    if (abs >= 1e4) return `${round(n / 1e4)}万`;
    return round(n);
  }
  if (abs >= 1e9) return `${round(n / 1e9)}B`;
  if (abs >= 1e6) return `${round(n / 1e6)}M`;
  if (abs >= 1e3) return `${round(n / 1e3)}k`;
  return round(n);
}

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** "2025-W07" → "W07" (en) or "第7周" (zh-CN); any other label is shown as given. */
export function weekLabel(week: string, locale: Locale): string {
  const m = ISO_WEEK.exec(week);
  return m ? chartTexts(locale).trend.week(m[1]!, Number(m[2])) : week;
}

/** "2025-W07" → "week 7 of 2025" / "2025 年第 7 周", for alt texts; any other label as given. */
export function weekSpoken(week: string, locale: Locale): string {
  const m = ISO_WEEK.exec(week);
  return m ? chartTexts(locale).trend.weekAlt(m[1]!, Number(m[2])) : week;
}

/** "2025-03-07" → "03-07": the year is in the digest's heading, and the axis has room for a week or a month. */
export function dayLabel(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day.slice(5) : day;
}

/**
 * Approximate width in pixels of a label at a font size: CJK and full-width characters take a full em,
 * others about 0.6 em. ECharts measures text only roughly on the server, so label columns are sized here.
 */
export function textWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const ch of text)
    ems +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ||
      ch.codePointAt(0)! > 0xffff
        ? 1
        : 0.6;
  return Math.ceil(ems * fontSize);
}
