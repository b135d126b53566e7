import { describe, expect, it } from 'vitest';
import { QTY_SCALE } from '../../src/domain/decimal.ts';
import { bufferSource } from '../../src/files/source.ts';
import { cellText, decimalCell, openTable, timeCell } from '../../src/files/table.ts';

describe('openTable', () => {
  it('describes the file: name, format, encoding, size and hash', async () => {
    const table = await openTable(bufferSource('counts.csv', 'sku,qty\nA,1\n'));
    expect(table).toMatchObject({ name: 'counts.csv', format: 'csv', encoding: 'utf-8', bytes: 12 });
    expect(table.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('cellText', () => {
  it('trims text and writes numbers plainly', () => {
    expect(cellText('  A-001 ')).toBe('A-001');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText(null)).toBe('');
  });

  it('writes a date cell as an ISO instant', () => {
    expect(cellText(new Date(Date.UTC(2026, 10, 25, 14, 30)))).toBe('2026-11-25T14:30:00.000Z');
  });
});

describe('decimalCell', () => {
  it('reads text and number cells', () => {
    expect(decimalCell('1,200.5', QTY_SCALE)).toEqual({ ok: true, value: 1_200_500n });
    expect(decimalCell(12.5, QTY_SCALE)).toEqual({ ok: true, value: 12_500n });
    expect(decimalCell(-2, QTY_SCALE, { allowNegative: true })).toEqual({ ok: true, value: -2_000n });
  });

  it('refuses blank and date cells with a reason', () => {
    expect(decimalCell(null, QTY_SCALE)).toMatchObject({ ok: false, reason: 'is blank' });
    expect(decimalCell('', QTY_SCALE)).toMatchObject({ ok: false, reason: 'is blank' });
    expect(decimalCell(new Date(), QTY_SCALE)).toMatchObject({ ok: false, reason: 'is a date, not a number' });
  });
});

describe('timeCell', () => {
  it('reads text and date cells in the warehouse timezone', () => {
    const fromText = timeCell('2026-11-25 14:30', 'Asia/Shanghai');
    const fromDate = timeCell(new Date(Date.UTC(2026, 10, 25, 14, 30)), 'Asia/Shanghai');
    expect(fromText.ok && fromText.value.toISOString()).toBe('2026-11-25T06:30:00.000Z');
    expect(fromDate.ok && fromDate.value.toISOString()).toBe('2026-11-25T06:30:00.000Z');
  });

  it('refuses a bare number and a blank cell', () => {
    expect(timeCell(46000, 'Asia/Shanghai')).toMatchObject({
      ok: false,
      reason: '46000 is not a date and time (use e.g. 2026-11-25 14:30)',
    });
    expect(timeCell(null, 'Asia/Shanghai')).toMatchObject({ ok: false, reason: 'is blank' });
  });
});
