/**
 * Which lines an approval card shows (src/core/views.ts approvalLines): the ten of largest value, then
 * lines backed by a note or photos, at most twenty, in line-number order; values compared as decimals.
 */
import { describe, expect, it } from 'vitest';
import { approvalLines } from '../../src/core/views.ts';

const line = (lineNo: number, value: string, note: string | null = null) => ({ lineNo, value, note });

describe('the lines of an approval card', () => {
  it('shows the ten largest and then lines with evidence, at most twenty, in line-number order', () => {
    // 30 lines: values -1.00 … -30.00 (line n is worth n), notes on the odd lines 3…19, photos on line 2.
    const lines = Array.from({ length: 30 }, (_, i) =>
      line(i + 1, `-${i + 1}.00`, (i + 1) % 2 === 1 && i + 1 >= 3 && i + 1 < 21 ? 'checked' : null),
    );
    const shown = approvalLines(lines, new Map([[2, 1]])).map((l) => l.lineNo);
    // The ten largest (21–30); then, largest first, the backed lines below them (19, 17, … 7, 5, 3, 2) up to 20.
    expect(shown).toHaveLength(20);
    expect(shown.slice(-10)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(shown.slice(0, 10)).toEqual([2, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect([...shown].sort((a, b) => a - b)).toEqual(shown);
  });

  it('compares values as decimals, not as text, and keeps every line of a short document', () => {
    const lines = [line(1, '-9.50'), line(2, '-10.00'), line(3, '100.25'), line(4, '-0.01')];
    expect(approvalLines(lines, new Map()).map((l) => l.lineNo)).toEqual([1, 2, 3, 4]);
    const many = Array.from({ length: 12 }, (_, i) => line(i + 1, i === 0 ? '-1000.00' : `-${i}.99`));
    // Line 1 (-1,000.00) is the largest although "-1000.00" < "-9.99" as text; lines 2 and 3 are the smallest and drop out.
    expect(approvalLines(many, new Map()).map((l) => l.lineNo)).toEqual([1, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
