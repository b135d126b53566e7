/**
 * Exact decimals as scaled bigints. Quantities have 3 decimals (kg, m), unit costs 4, money 2.
 * Parsing accepts what people type into spreadsheets: thousands separators ("1,200"), full-width digits
 * ("１２"), surrounding spaces. It refuses anything that is not plainly a number rather than guess.
 */
import type { Phrase } from './phrase.ts';
import { fileTexts } from './texts/files.ts';

export const QTY_SCALE = 3;
export const COST_SCALE = 4;

export type ParseResult =
  | { ok: true; value: bigint }
  /**
   * `reason` in English, `phrase` in every language (src/domain/texts/files.ts, without the column's name);
   * `tooManyDigits`: the number does not fit its column (the reason names the limit).
   */
  | { ok: false; reason: string; phrase: Phrase; tooManyDigits?: { text: string; digits: number; max: number } };

/** A refusal worded from the catalogue: `reason` is its English. */
function refused(phrase: Phrase, tooManyDigits?: { text: string; digits: number; max: number }): ParseResult {
  return { ok: false, reason: phrase.words.en, phrase, ...(tooManyDigits ? { tooManyDigits } : {}) };
}

const PLAIN = /^([+-])?(\d+)(?:\.(\d*))?$/;
const SIMPLE_WHOLE = /^\d{1,15}$/;
const SCALE_FACTORS = Array.from({ length: 9 }, (_, i) => 10n ** BigInt(i));
const GROUPED = /^([+-])?(\d{1,3}(?:,\d{3})+)(?:\.(\d*))?$/;

/**
 * Every quantity, cost and money column is numeric(18, scale) (db/schema): 18 digits in all, so a quantity
 * (scale 3) has at most 15 digits before the decimal point. A longer number is refused here, with the limit,
 * rather than by the database as "numeric field overflow".
 */
export const DECIMAL_PRECISION = 18;

/**
 * Significant digits a spreadsheet holds. Excel keeps and shows 15; digits past them in a number are
 * binary float noise (0.1 + 0.2 written out in full is 0.30000000000000004), in an XLSX cell and in a CSV
 * written by a program alike.
 */
export const SPREADSHEET_DIGITS = 15;

export interface DecimalOptions {
  allowNegative?: boolean;
  /** Total digits the column holds (default DECIMAL_PRECISION); null: no limit (a value computed, not typed). */
  precision?: number | null;
}

/** The most digits a value of `scale` decimals may have before the decimal point. */
export function maxIntegerDigits(scale: number, precision = DECIMAL_PRECISION): number {
  return precision - scale;
}

/** True when a scaled value (a sum, say) no longer fits its numeric(precision, scale) column. */
export function exceedsPrecision(value: bigint, precision = DECIMAL_PRECISION): boolean {
  return (value < 0n ? -value : value) >= 10n ** BigInt(precision);
}

/**
 * Parses a decimal text into an integer of `scale` decimals: parseDecimal("1,200.5", 3) → 1200500n.
 * `cell` may be a number from a spreadsheet cell, read as the decimal it was written as (its shortest
 * round-trip form). One rule for text and numbers: at most `scale` decimals and at most
 * `precision - scale` digits before the point; decimals beyond `scale` are taken only when they are float
 * noise, i.e. when the number rounded to 15 significant digits (what Excel shows for the same file, CSV or
 * XLSX) has at most `scale` decimals.
 */
export function parseDecimal(cell: string | number, scale: number, options: DecimalOptions = {}): ParseResult {
  // Fast path for what nearly every cell of a count sheet is: a plain whole number.
  const precision = options.precision === undefined ? DECIMAL_PRECISION : options.precision;
  if (typeof cell === 'string' && SIMPLE_WHOLE.test(cell) && (precision === null || cell.length + scale <= precision))
    return { ok: true, value: BigInt(cell) * SCALE_FACTORS[scale]! };
  let text: string;
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return refused(fileTexts.cellNotFinite());
    text = plainNumber(cell);
  } else {
    // NFKC folds full-width digits, comma, point and minus (１，２００．５) to ASCII.
    text = cell.normalize('NFKC').trim().replace(/\s+/g, '');
  }
  if (text === '') return refused(fileTexts.cellBlank());
  const match = PLAIN.exec(text) ?? GROUPED.exec(text);
  if (!match) {
    return refused(/^[+-]?[\d,]+(\.\d*)?$/.test(text) ? fileTexts.cellSeparator(text) : fileTexts.cellNotNumber(text));
  }
  const [, sign, intPart = '', rawFraction = ''] = match;
  const whole = intPart.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  const maxWhole = precision === null ? Number.POSITIVE_INFINITY : maxIntegerDigits(scale, precision);
  if (whole.length > maxWhole) {
    return refused(fileTexts.cellTooManyDigits(text, whole.length, maxWhole), { text, digits: whole.length, max: maxWhole });
  }
  const fraction = rawFraction.replace(/0+$/, '');
  let magnitude: bigint;
  if (fraction.length <= scale) magnitude = BigInt(whole + fraction.padEnd(scale, '0'));
  else {
    const rounded = withoutFloatNoise(whole + fraction, fraction.length, scale);
    if (rounded === null) return refused(fileTexts.cellTooManyDecimals(text, scale));
    magnitude = rounded;
  }
  if (precision !== null && exceedsPrecision(magnitude, precision)) {
    // Float noise rounded up to one digit more (999999999999999.9999999 → 1000000000000000).
    return refused(fileTexts.cellTooManyDigits(text, maxWhole + 1, maxWhole), { text, digits: maxWhole + 1, max: maxWhole });
  }
  const value = sign === '-' ? -magnitude : magnitude;
  if (value < 0n && !options.allowNegative) return refused(fileTexts.cellNegative(text));
  return { ok: true, value };
}

/**
 * `digits` (a decimal with `decimals` of them after the point) rounded half up to SPREADSHEET_DIGITS
 * significant digits, scaled to `scale` decimals; null when it has no more than that many significant
 * digits (the decimals are meant) or still has more than `scale` decimals after rounding.
 */
function withoutFloatNoise(digits: string, decimals: number, scale: number): bigint | null {
  const all = BigInt(digits);
  const significant = all.toString().length;
  const drop = significant - SPREADSHEET_DIGITS;
  if (drop <= 0 || drop > decimals) return null;
  const unit = 10n ** BigInt(drop);
  let rounded = (all + unit / 2n) / unit;
  let kept = decimals - drop;
  while (kept > scale && rounded % 10n === 0n) {
    rounded /= 10n;
    kept -= 1;
  }
  return kept > scale ? null : rounded * 10n ** BigInt(scale - kept);
}

/** A number written out in full, never in exponent form (String(1e-7) is "1e-7"), in its shortest exact digits. */
function plainNumber(n: number): string {
  const [mantissa = '', exponentText = '0'] = String(n).split('e');
  const exponent = Number(exponentText);
  if (exponent === 0) return mantissa;
  const negative = mantissa.startsWith('-');
  const [int = '', frac = ''] = mantissa.replace('-', '').split('.');
  const digits = int + frac;
  const point = int.length + exponent;
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}

/** Formats a scaled bigint as a plain decimal string without trailing zeros: 1200500n, 3 → "1200.5". */
export function formatDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${intPart}${fraction ? `.${fraction}` : ''}`;
}
