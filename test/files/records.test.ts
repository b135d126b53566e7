import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../src/domain/columns.ts';
import { parseDecimal, QTY_SCALE } from '../../src/domain/decimal.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { MAX_LISTED_PROBLEMS, ProblemList, readRecords, type RowContext } from '../../src/files/records.ts';
import { bufferSource } from '../../src/files/source.ts';
import { cellText, decimalProblem, openTable } from '../../src/files/table.ts';
import { importTexts } from '../../src/domain/texts/imports.ts';

const SPECS = [
  { key: 'sku', required: true },
  { key: 'qty', required: true },
  { key: 'location', required: false },
] as const satisfies readonly ColumnSpec[];
type Key = (typeof SPECS)[number]['key'];

interface Count {
  sku: string;
  qty: bigint;
  location: string | null;
}

function parseCount(row: RowContext<Key>): Count | null {
  const sku = cellText(row.cell('sku'));
  if (!sku) row.problem('sku', importTexts.skuBlank());
  const qty = parseDecimal(cellText(row.cell('qty')), QTY_SCALE);
  if (!qty.ok) row.problem('qty', decimalProblem('qty', qty));
  const location = row.cell('location');
  return qty.ok ? { sku, qty: qty.value, location: location === null ? null : cellText(location) } : null;
}

async function readCsv(text: string, problems = new ProblemList()): Promise<{ line: number; value: Count }[]> {
  const table = await openTable(bufferSource('counts.csv', text));
  const out: { line: number; value: Count }[] = [];
  for await (const batch of readRecords(table, SPECS, problems, parseCount)) out.push(...batch);
  return out;
}

describe('readRecords', () => {
  it('reads each data row under the header with its spreadsheet line', async () => {
    const records = await readCsv('sku,qty,location\nA-001,5,L1\nB-002,1.5,L2\n');
    expect(records).toEqual([
      { line: 2, value: { sku: 'A-001', qty: 5_000n, location: 'L1' } },
      { line: 3, value: { sku: 'B-002', qty: 1_500n, location: 'L2' } },
    ]);
  });

  it('uses the first non-blank row as the header and skips blank rows', async () => {
    const text = '\n,,\n  ,\t\nsku,qty\nA-001,5\n\n,,\nB-002,7\n';
    const problems = new ProblemList();
    const records = await readCsv(text, problems);
    expect(records.map((r) => [r.line, r.value.sku])).toEqual([
      [5, 'A-001'],
      [8, 'B-002'],
    ]);
    expect(problems.isEmpty).toBe(true);
  });

  it('gives null for a column the file does not have', async () => {
    const records = await readCsv('sku,qty\nA-001,5\n');
    expect(records[0]?.value.location).toBeNull();
  });

  it("reports a problem under the file's own header text", async () => {
    const problems = new ProblemList();
    await readCsv('商品编码,实盘数量\nA-001,lots\n', problems);
    expect(problems.all()).toMatchObject([{ line: 2, column: '实盘数量', message: 'quantity "lots" is not a number' }]);
  });

  it('leaves out rows with problems and checks the whole file in one pass', async () => {
    const problems = new ProblemList();
    const records = await readCsv('sku,qty\nA-001,x\n,3\nC-003,4\nD-004,-1\n', problems);
    expect(records.map((r) => r.value.sku)).toEqual(['C-003']);
    expect(problems.all().map((p) => [p.line, p.column])).toEqual([
      [2, 'qty'],
      [3, 'sku'],
      [5, 'qty'],
    ]);
    expect(problems.invalidLines).toBe(3);
  });

  it('records a row problem without a column', async () => {
    const table = await openTable(bufferSource('counts.csv', 'sku,qty\nA-001,5\n'));
    const problems = new ProblemList();
    for await (const _batch of readRecords(table, SPECS, problems, (row) => {
      row.problem(null, { message: 'sku is not in the item master' });
      return 'kept?';
    })) {
      throw new Error('a row with a problem was yielded');
    }
    expect(problems.all()).toEqual([{ line: 2, column: null, message: 'sku is not in the item master' }]);
  });

  it('refuses a header without a required column, on the line the header is', async () => {
    const reading = readCsv('\nsku,location\nA-001,L1\n');
    await expect(reading).rejects.toBeInstanceOf(InvalidInputError);
    const error = (await reading.catch((e: unknown) => e)) as InvalidInputError;
    expect(error.message).toBe('counts.csv: the header row (line 2) is not usable');
    expect(error.problems).toEqual([expect.objectContaining({ line: 2, column: 'qty' })]);
  });

  it('refuses a file with only blank rows', async () => {
    const reading = readCsv('\n,,\n\n');
    await expect(reading).rejects.toBeInstanceOf(InvalidInputError);
    await expect(reading).rejects.toThrow('counts.csv has no header row and no data');
  });

  it('reads a header-only file as no records', async () => {
    expect(await readCsv('sku,qty\n')).toEqual([]);
  });
});

describe('ProblemList', () => {
  it('starts empty', () => {
    const problems = new ProblemList();
    expect(problems.isEmpty).toBe(true);
    expect(problems.invalidLines).toBe(0);
    expect(problems.all()).toEqual([]);
  });

  it('counts a line with several problems once', () => {
    const problems = new ProblemList();
    problems.add({ line: 4, column: 'sku', message: 'sku is blank' });
    problems.add({ line: 4, column: 'qty', message: 'quantity is blank' });
    problems.add({ line: null, column: null, message: 'file-wide' });
    expect(problems.isEmpty).toBe(false);
    expect(problems.all()).toHaveLength(3);
    expect(problems.invalidLines).toBe(1);
  });

  it('lists at most MAX_LISTED_PROBLEMS and notes how many more there were', () => {
    const problems = new ProblemList();
    const total = MAX_LISTED_PROBLEMS + 25;
    for (let line = 2; line < total + 2; line++) problems.add({ line, column: 'qty', message: 'quantity is blank' });
    const all = problems.all();
    expect(problems.listed).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(all).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(all.at(-1)).toMatchObject({ line: null, column: null, message: '25 more problems not listed' });
    expect(all[MAX_LISTED_PROBLEMS - 1]?.line).toBe(MAX_LISTED_PROBLEMS + 1);
  });

  it('counts every invalid line, also those past the listing cap', () => {
    const problems = new ProblemList();
    for (let line = 2; line < MAX_LISTED_PROBLEMS + 502; line++) problems.add({ line, column: null, message: 'bad' });
    expect(problems.invalidLines).toBe(MAX_LISTED_PROBLEMS + 500);
  });

  it('adds no note when the problems fit under the cap', () => {
    const problems = new ProblemList();
    for (let line = 2; line < MAX_LISTED_PROBLEMS + 2; line++) problems.add({ line, column: null, message: 'bad' });
    expect(problems.all()).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(problems.all().some((p) => p.message.includes('not listed'))).toBe(false);
  });
});
