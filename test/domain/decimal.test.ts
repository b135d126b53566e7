import { describe, expect, it } from 'vitest';
import { COST_SCALE, exceedsPrecision, formatDecimal, parseDecimal, QTY_SCALE, type ParseResult } from '../../src/domain/decimal.ts';

/** The scaled value of a parse that must succeed. */
function value(result: ParseResult): bigint {
  if (!result.ok) throw new Error(`expected a number, got refusal: ${result.reason}`);
  return result.value;
}

/** The reason of a parse that must be refused. */
function reason(result: ParseResult): string {
  if (result.ok) throw new Error(`expected a refusal, got ${result.value}`);
  return result.reason;
}

describe('parseDecimal', () => {
  it('reads whole numbers and decimals up to three places as thousandths', () => {
    expect(value(parseDecimal('12', QTY_SCALE))).toBe(12_000n);
    expect(value(parseDecimal('12.5', QTY_SCALE))).toBe(12_500n);
    expect(value(parseDecimal('0.125', QTY_SCALE))).toBe(125n);
    expect(value(parseDecimal('0', QTY_SCALE))).toBe(0n);
    expect(value(parseDecimal('7.', QTY_SCALE))).toBe(7_000n);
    expect(value(parseDecimal('+3', QTY_SCALE))).toBe(3_000n);
  });

  it('scales to the requested number of decimals', () => {
    expect(value(parseDecimal('1.2345', COST_SCALE))).toBe(12_345n);
    expect(value(parseDecimal('42', 0))).toBe(42n);
  });

  it('keeps digits beyond the range of a JS number exact', () => {
    expect(value(parseDecimal('123456789012345.678', QTY_SCALE))).toBe(123_456_789_012_345_678n);
  });

  it('refuses more digits before the decimal point than the column holds, naming the limit', () => {
    const thirty = '123456789012345678901234567890';
    expect(reason(parseDecimal(thirty, QTY_SCALE))).toBe(`"${thirty}" has 30 digits before the decimal point; at most 15 are allowed`);
    expect(parseDecimal(thirty, QTY_SCALE)).toMatchObject({ tooManyDigits: { digits: 30, max: 15 } });
    expect(reason(parseDecimal('1,234,567,890,123,456', QTY_SCALE))).toContain('has 16 digits before the decimal point; at most 15');
    expect(value(parseDecimal('999999999999999.999', QTY_SCALE))).toBe(999_999_999_999_999_999n);
    // numeric(18,4): a unit cost has at most 14, also on the whole-number fast path.
    expect(reason(parseDecimal('123456789012345', COST_SCALE))).toContain('at most 14 are allowed');
    expect(value(parseDecimal('00000000000000000012', QTY_SCALE))).toBe(12_000n);
  });

  it('applies no column limit to a value computed rather than typed (precision null)', () => {
    expect(value(parseDecimal('90071992547409921', QTY_SCALE, { precision: null }))).toBe(90_071_992_547_409_921_000n);
  });

  it('tells whether a sum still fits the column', () => {
    expect(exceedsPrecision(999_999_999_999_999_999n)).toBe(false);
    expect(exceedsPrecision(1_000_000_000_000_000_000n)).toBe(true);
    expect(exceedsPrecision(-1_000_000_000_000_000_000n)).toBe(true);
  });

  it('reads thousands separators', () => {
    expect(value(parseDecimal('1,200', QTY_SCALE))).toBe(1_200_000n);
    expect(value(parseDecimal('1,200.5', QTY_SCALE))).toBe(1_200_500n);
    expect(value(parseDecimal('12,345,678', QTY_SCALE))).toBe(12_345_678_000n);
  });

  it('refuses a thousands separator in the wrong place, saying so', () => {
    for (const text of ['1,20', '12,34.5', '1,2345', ',200']) {
      const why = reason(parseDecimal(text, QTY_SCALE));
      expect(why).toContain('thousands separator');
      expect(why).toContain(text);
    }
  });

  it('reads full-width digits, separators and decimal points', () => {
    expect(value(parseDecimal('１２', QTY_SCALE))).toBe(12_000n);
    expect(value(parseDecimal('１，２００．５', QTY_SCALE))).toBe(1_200_500n);
  });

  it('ignores surrounding spaces, tabs and full-width spaces', () => {
    expect(value(parseDecimal('  12.5 ', QTY_SCALE))).toBe(12_500n);
    expect(value(parseDecimal('\t3\n', QTY_SCALE))).toBe(3_000n);
    expect(value(parseDecimal('\u30005\u3000', QTY_SCALE))).toBe(5_000n);
  });

  it('refuses a blank cell as blank', () => {
    expect(reason(parseDecimal('', QTY_SCALE))).toBe('is blank');
    expect(reason(parseDecimal('   ', QTY_SCALE))).toBe('is blank');
  });

  it('refuses text that is not plainly a number', () => {
    for (const text of ['abc', '1e3', '12kg', '1.2.3', '--1', '0x10', 'NaN']) {
      expect(reason(parseDecimal(text, QTY_SCALE))).toBe(`"${text}" is not a number`);
    }
  });

  it('refuses a negative quantity unless negatives are allowed', () => {
    expect(reason(parseDecimal('-3', QTY_SCALE))).toContain('is negative');
    expect(reason(parseDecimal('－３', QTY_SCALE))).toContain('is negative');
    expect(value(parseDecimal('-3', QTY_SCALE, { allowNegative: true }))).toBe(-3_000n);
    expect(value(parseDecimal('-1,200.25', QTY_SCALE, { allowNegative: true }))).toBe(-1_200_250n);
  });

  it('accepts minus zero as zero', () => {
    expect(value(parseDecimal('-0', QTY_SCALE))).toBe(0n);
  });

  it('refuses more decimals than the scale holds', () => {
    const why = reason(parseDecimal('1.2345', QTY_SCALE));
    expect(why).toBe('"1.2345" has more than 3 decimal places');
    expect(reason(parseDecimal('0.0001', QTY_SCALE))).toContain('more than 3 decimal places');
  });

  it('accepts trailing zeros beyond the scale', () => {
    expect(value(parseDecimal('1.5000', QTY_SCALE))).toBe(1_500n);
    expect(value(parseDecimal('2.000000', QTY_SCALE))).toBe(2_000n);
  });
});

describe('parseDecimal with spreadsheet numbers', () => {
  it('reads a number cell exactly as the spreadsheet shows it', () => {
    expect(value(parseDecimal(12.5, QTY_SCALE))).toBe(12_500n);
    expect(value(parseDecimal(1200, QTY_SCALE))).toBe(1_200_000n);
  });

  it('rounds binary float noise to the 15 digits a spreadsheet shows', () => {
    expect(value(parseDecimal(0.1 + 0.2, QTY_SCALE))).toBe(300n);
    expect(value(parseDecimal(1.1 * 3, QTY_SCALE))).toBe(3_300n);
  });

  it('refuses a negative number cell unless negatives are allowed', () => {
    expect(reason(parseDecimal(-4, QTY_SCALE))).toContain('is negative');
    expect(value(parseDecimal(-0.005, QTY_SCALE, { allowNegative: true }))).toBe(-5n);
  });

  it('refuses infinite and NaN cells', () => {
    expect(reason(parseDecimal(Number.NaN, QTY_SCALE))).toBe('is not a number');
    expect(reason(parseDecimal(Number.POSITIVE_INFINITY, QTY_SCALE))).toBe('is not a number');
  });

  it('explains a tiny number cell as too many decimals, not as "not a number"', () => {
    expect(reason(parseDecimal(1e-7, QTY_SCALE))).toBe('"0.0000001" has more than 3 decimal places');
  });

  it('reads a large number cell written out, and a huge one as too many digits, never in exponent form', () => {
    expect(value(parseDecimal(1e17, 0))).toBe(100_000_000_000_000_000n);
    expect(reason(parseDecimal(1e21, 0))).toBe('"1000000000000000000000" has 22 digits before the decimal point; at most 18 are allowed');
    expect(reason(parseDecimal(1e30, QTY_SCALE))).toContain('has 31 digits before the decimal point; at most 15 are allowed');
  });

  it('refuses a number cell with more decimals than the scale', () => {
    expect(reason(parseDecimal(1234.5678, QTY_SCALE))).toBe('"1234.5678" has more than 3 decimal places');
  });
});

describe('parseDecimal: one rule for CSV text and XLSX numbers', () => {
  it('reads 0.30000000000000004 as 0.3 from text and from a number: digits past the 15th are float noise', () => {
    expect(value(parseDecimal('0.30000000000000004', QTY_SCALE))).toBe(300n);
    expect(value(parseDecimal(0.30000000000000004, QTY_SCALE))).toBe(300n);
    expect(value(parseDecimal('0.3000000000000001', QTY_SCALE))).toBe(300n);
    expect(value(parseDecimal('3.3000000000000003', QTY_SCALE))).toBe(3_300n);
  });

  it('refuses decimals within 15 significant digits the same way from text and from a number', () => {
    for (const cell of ['0.30000000000001', 0.30000000000001, '0.0004', 0.0004, '1234.5678', 1234.5678]) {
      expect(reason(parseDecimal(cell, QTY_SCALE))).toBe(`"${String(cell)}" has more than 3 decimal places`);
    }
  });

  it('keeps the digits of a number that fits the scale, from text and from a number alike', () => {
    expect(value(parseDecimal('12345678901234.566', QTY_SCALE))).toBe(12_345_678_901_234_566n);
    expect(value(parseDecimal(12345678901234.566, QTY_SCALE))).toBe(12_345_678_901_234_566n);
  });

  it('refuses float noise that rounds up past the limit as too many digits', () => {
    expect(reason(parseDecimal('999999999999999.9999999', QTY_SCALE))).toContain('at most 15 are allowed');
  });
});

describe('formatDecimal', () => {
  it('writes a scaled value as a plain decimal without trailing zeros', () => {
    expect(formatDecimal(1_200_500n, QTY_SCALE)).toBe('1200.5');
    expect(formatDecimal(12_000n, QTY_SCALE)).toBe('12');
    expect(formatDecimal(125n, QTY_SCALE)).toBe('0.125');
    expect(formatDecimal(0n, QTY_SCALE)).toBe('0');
  });

  it('writes negative and small values with a leading zero', () => {
    expect(formatDecimal(-5n, QTY_SCALE)).toBe('-0.005');
    expect(formatDecimal(-1_500n, QTY_SCALE)).toBe('-1.5');
    expect(formatDecimal(50n, COST_SCALE)).toBe('0.005');
  });

  it('writes integers when the scale is zero', () => {
    expect(formatDecimal(42n, 0)).toBe('42');
    expect(formatDecimal(-42n, 0)).toBe('-42');
  });

  it('round-trips what parseDecimal reads', () => {
    for (const text of ['0', '0.001', '1200.5', '-3.25', '98765432109876.543']) {
      expect(formatDecimal(value(parseDecimal(text, QTY_SCALE, { allowNegative: true })), QTY_SCALE)).toBe(text);
    }
  });
});
