/** Quantity arithmetic for connectors, exact (scaled bigints from src/domain/decimal.ts), never floats. */
import { formatDecimal, parseDecimal, QTY_SCALE } from '../../domain/decimal.ts';

function scaled(text: string): bigint {
  const parsed = parseDecimal(text, QTY_SCALE, { allowNegative: true, precision: null });
  if (!parsed.ok) throw new RangeError(`not a quantity: ${text}`);
  return parsed.value;
}

/** "-10" → "10". */
export const absDecimal = (text: string) => formatDecimal(scaled(text) < 0n ? -scaled(text) : scaled(text), QTY_SCALE);

/** a − b, e.g. the book quantity from the counted one and the delta. */
export const subtractDecimal = (a: string, b: string) => formatDecimal(scaled(a) - scaled(b), QTY_SCALE);
