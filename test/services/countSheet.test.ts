import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferSource } from '../../src/files/source.ts';
import { openTable } from '../../src/files/table.ts';
import { readCountSheet, type CountSheet } from '../../src/services/countSheet.ts';

const SKUS = new Set(['A-100', 'A-200', 'B-300', ' C-400', '物料-1']);
const CONTEXT = {
  skus: SKUS,
  timezone: 'Asia/Shanghai',
  snapshotAt: new Date('2026-11-25T00:00:00Z'),
  latestAllowed: new Date('2026-11-26T00:00:00Z'),
};

/** Everything a sheet reading gives, in plain values, for comparing the two ways. */
async function read(text: string, fastLane: boolean) {
  const sheet: CountSheet = await readCountSheet(await openTable(bufferSource('scan.csv', text)), CONTEXT, { fastLane });
  return {
    lines: [...sheet.lines.values()].map(({ next: _, qty, ...line }) => ({ ...line, qty: String(qty) })),
    problems: sheet.problems.all(),
    invalidLines: sheet.problems.invalidLines,
    rowsRead: sheet.rowsRead,
    rowsAccepted: sheet.rowsAccepted,
    qtyColumn: sheet.qtyColumn,
  };
}

const fastRows = async (text: string) =>
  (await readCountSheet(await openTable(bufferSource('scan.csv', text)), CONTEXT, { fastLane: true })).rowsInFastLane;

async function bothWays(text: string) {
  const fast = await read(text, true);
  const checked = await read(text, false);
  expect(fast).toEqual(checked);
  return fast;
}

describe('the count sheet fast lane', () => {
  it('gives what the row-by-row check gives on a sheet with every kind of bad and odd row', async () => {
    const sheet = [
      'sku,location,Qty,counted_at,note',
      'A-100,R1,60,,x',
      'A-100,R1,38',
      '',
      'A-200,R2,"1,200",,quoted',
      'A-100,R1,0.5',
      'Z-999,R1,5',
      ',R1,5',
      'A-200,R2,abc',
      'A-200,R2,-1',
      'A-200,R2,1234567890123',
      'A-200,R2,999999999999',
      'A-200,R2,999999999999',
      ' A-100 ,R1,2',
      ' C-400,R9,1',
      'A-100, R1 ,3',
      'A-100,仓库一区,4',
      'A-100,R\u00011,4',
      '物料-1,R1,７',
      'A-200,R2,5,2026-11-25 10:00',
      'A-200,R2,5,2026-11-20 10:00',
      'A-200,R2,5,not a time',
      'A-200,R2,5,   ',
      'A-200',
      'A-200,R3',
      'A-200,R3,',
      'B-300,,007',
      'B-300,R1,1,,,,,',
      ' , , ',
      'A-100\tR1\t5',
    ].join('\r\n');
    const result = await bothWays(`${sheet}\r\n`);
    expect(result.rowsAccepted).toBeGreaterThan(5);
    expect(await fastRows(`${sheet}\r\n`)).toBeGreaterThan(5);
    expect(result.problems.map((p) => [p.line, p.column])).toEqual(
      expect.arrayContaining([
        [7, 'sku'],
        [8, 'sku'],
        [9, 'Qty'],
        [10, 'Qty'],
        [22, 'counted_at'],
      ]),
    );
  });

  it('gives what the row-by-row check gives on tab-separated and CR-only sheets', async () => {
    await bothWays('sku\tqty\tlocation\nA-100\t5\tR1\nA-100\t5\tR1\nZ\t1\tR1\n');
    expect(await fastRows('sku\tqty\tlocation\nA-100\t5\tR1\nA-100\t5\tR1\nZ\t1\tR1\n')).toBe(2);
    await bothWays('sku;qty\rA-100;5\rA-100;x\r');
  });

  it('gives what the row-by-row check gives on any sheet made of these cells', async () => {
    const cell = fc.constantFrom(
      'A-100',
      'A-200',
      ' A-100',
      'Z-1',
      '',
      ' ',
      '5',
      '05',
      '1,200',
      '2.5',
      '-3',
      'x',
      'R1',
      '库位',
      '"q,uoted"',
      '2026-11-25 08:00',
    );
    const row = fc.array(cell, { minLength: 0, maxLength: 5 }).map((cells) => cells.join(','));
    const header = fc.constantFrom('sku,location,qty', 'qty,sku', 'sku,qty,counted_at,location', 'location,sku,qty,extra');
    await fc.assert(
      fc.asyncProperty(header, fc.array(row, { maxLength: 30 }), async (h, rows) => {
        await bothWays(`${[h, ...rows].join('\n')}\n`);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps sums past 2^53 thousandths exact', async () => {
    const result = await bothWays('sku,location,qty\nA-100,R1,999999999999\nA-100,R1,999999999999\nA-100,R1,999999999999\n');
    expect(result.lines[0]!.qty).toBe('2999999999997000');
    const big = await bothWays(`sku,location,qty\n${'A-100,R1,999999999999\n'.repeat(20)}`);
    expect(big.lines[0]!.qty).toBe('19999999999980000');
  });
});
