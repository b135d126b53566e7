/**
 * Exact decimals as scaled bigints. Quantities have 3 decimals (kg, m), unit costs 4, money 2.
 * Parsing accepts what people type into spreadsheets: thousands separators ("1,200"), full-width digits
 * ("１２"), surrounding spaces. It refuses anything that is not plainly a number rather than guess.
 */

export const QTY_SCALE = 3;
export const COST_SCALE = 4;

export type ParseResult = { ok: true; value: bigint } | { ok: false; reason: string };

const PLAIN = /^([+-])?(\d+)(?:\.(\d*))?$/;
const SIMPLE_WHOLE = /^\d{1,15}$/;
const SCALE_FACTORS = Array.from({ length: 9 }, (_, i) => 10n ** BigInt(i));
const GROUPED = /^([+-])?(\d{1,3}(?:,\d{3})+)(?:\.(\d*))?$/;

/**
 * Parses a decimal text into an integer of `scale` decimals: parseDecimal("1,200.5", 3) → 1200500n.
 * `cell` may be a number from a spreadsheet cell.
 */
export function parseDecimal(cell: string | number, scale: number, options: { allowNegative?: boolean } = {}): ParseResult {
  // Fast path for what nearly every cell of a count sheet is: a plain whole number.
  if (typeof cell === 'string' && SIMPLE_WHOLE.test(cell)) return { ok: true, value: BigInt(cell) * SCALE_FACTORS[scale]! };
  let text: string;
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return { ok: false, reason: 'is not a number' };
    // Spreadsheet numbers are binary floats; 15 significant digits is what Excel itself shows. Written out
    // in full, never in exponent form (String(1e-7) is "1e-7"), so the reason given matches the cell.
    text = cell.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 15 });
  } else {
    // NFKC folds full-width digits, comma, point and minus (１，２００．５) to ASCII.
    text = cell.normalize('NFKC').trim().replace(/\s+/g, '');
  }
  if (text === '') return { ok: false, reason: 'is blank' };
  const match = PLAIN.exec(text) ?? GROUPED.exec(text);
  if (!match) {
    return {
      ok: false,
      reason: /^[+-]?[\d,]+(\.\d*)?$/.test(text)
        ? `"${text}" has a thousands separator in the wrong place`
        : `"${text}" is not a number`,
    };
  }
  const [, sign, intPart = '', fraction = ''] = match;
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) {
    return { ok: false, reason: `"${text}" has more than ${scale} decimal places` };
  }
  const digits = intPart.replace(/,/g, '') + fraction.slice(0, scale).padEnd(scale, '0');
  const value = BigInt(digits) * (sign === '-' ? -1n : 1n);
  if (value < 0n && !options.allowNegative) return { ok: false, reason: `"${text}" is negative` };
  return { ok: true, value };
}

/** Formats a scaled bigint as a plain decimal string without trailing zeros: 1200500n, 3 → "1200.5". */
export function formatDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${intPart}${fraction ? `.${fraction}` : ''}`;
}
