import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { CsvParser } from '../../src/files/csvParser.ts';
import { bufferSource, type FileSource } from '../../src/files/source.ts';
import { openTable, type TableRow } from '../../src/files/table.ts';

async function readAll(source: FileSource): Promise<{ encoding: string; rows: TableRow[] }> {
  const table = await openTable(source);
  const rows: TableRow[] = [];
  for await (const batch of table.batches) rows.push(...batch);
  return { encoding: table.encoding, rows };
}

const cellsOf = (rows: TableRow[]) => rows.map((r) => r.cells);

describe('reading CSV text encodings', () => {
  it('reads UTF-8 without a byte order mark', async () => {
    const { encoding, rows } = await readAll(bufferSource('counts.csv', 'sku,qty\nA-001,5\n'));
    expect(encoding).toBe('utf-8');
    expect(cellsOf(rows)).toEqual([
      ['sku', 'qty'],
      ['A-001', '5'],
    ]);
  });

  it('drops the UTF-8 byte order mark so the first header is plain "sku"', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('sku,库位\nA-001,一区\n', 'utf8')]);
    const { encoding, rows } = await readAll(bufferSource('counts.csv', bytes));
    expect(encoding).toBe('utf-8');
    expect(rows[0]?.cells).toEqual(['sku', '库位']);
    expect(rows[1]?.cells).toEqual(['A-001', '一区']);
  });

  it('reads a GBK sheet with Chinese headers and values', async () => {
    const text = '物料编码,库位,实盘数量\r\nA-001,仓库一区,5\r\nB-002,货架二,12.5\r\n';
    const { encoding, rows } = await readAll(bufferSource('盘点.csv', iconv.encode(text, 'gbk')));
    expect(encoding).toBe('gb18030');
    expect(cellsOf(rows)).toEqual([
      ['物料编码', '库位', '实盘数量'],
      ['A-001', '仓库一区', '5'],
      ['B-002', '货架二', '12.5'],
    ]);
  });

  it('reads a GB18030 four-byte character', async () => {
    const text = '物料编码,名称\nA-001,𠮷野家\n';
    const bytes = iconv.encode(text, 'gb18030');
    expect(bytes.includes(Buffer.from([0x95, 0x34, 0xb2, 0x35]))).toBe(true);
    const { encoding, rows } = await readAll(bufferSource('items.csv', bytes));
    expect(encoding).toBe('gb18030');
    expect(rows[1]?.cells).toEqual(['A-001', '𠮷野家']);
  });

  it('reads UTF-16LE with a byte order mark, tab-delimited as Excel "Unicode text" writes it', async () => {
    const text = 'sku\tlocation\tqty\r\nA-001\t仓库一区\t5\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const { encoding, rows } = await readAll(bufferSource('counts.txt', bytes));
    expect(encoding).toBe('utf-16le');
    expect(cellsOf(rows)).toEqual([
      ['sku', 'location', 'qty'],
      ['A-001', '仓库一区', '5'],
    ]);
  });
});

describe('reading CSV text at the edges', () => {
  it('reads a Windows-1252 file with its accents (Café stays Café)', async () => {
    const { encoding, rows } = await readAll(bufferSource('latin.csv', iconv.encode('sku,location,qty\r\nA-001,Café,5\r\n', 'win1252')));
    expect(encoding).toBe('windows-1252');
    expect(cellsOf(rows)).toEqual([
      ['sku', 'location', 'qty'],
      ['A-001', 'Café', '5'],
    ]);
  });

  it('reads UTF-16 without a byte order mark as rows, little- and big-endian', async () => {
    const text = 'sku\tlocation\tqty\r\nA-001\t仓库一区\t5\r\nB-002\tR2\t7\r\n';
    for (const bytes of [Buffer.from(text, 'utf16le'), iconv.encode(text, 'utf16-be')]) {
      const { rows } = await readAll(bufferSource('counts.txt', bytes));
      expect(cellsOf(rows)).toEqual([
        ['sku', 'location', 'qty'],
        ['A-001', '仓库一区', '5'],
        ['B-002', 'R2', '7'],
      ]);
    }
  });

  it('reads lines ending in a bare CR (Excel for Mac) as rows, quoted cells included', async () => {
    const { rows } = await readAll(bufferSource('mac.csv', 'sku,location,qty\rA-001,"R1, left",5\r\rB-002,R2,7\r'));
    expect(rows).toEqual([
      { line: 1, cells: ['sku', 'location', 'qty'] },
      { line: 2, cells: ['A-001', 'R1, left', '5'] },
      { line: 3, cells: [] },
      { line: 4, cells: ['B-002', 'R2', '7'] },
    ]);
    const gbk = await readAll(bufferSource('mac-gbk.csv', iconv.encode('物料编码,库位,实盘数量\rA-001,仓库一区,5\rB-002,货架二,7', 'gbk')));
    expect(cellsOf(gbk.rows)).toEqual([
      ['物料编码', '库位', '实盘数量'],
      ['A-001', '仓库一区', '5'],
      ['B-002', '货架二', '7'],
    ]);
  });

  it('reads bare-CR lines split across chunks, a CR at a chunk end included', async () => {
    const parser = new CsvParser(',', '\r');
    const records = [...parser.push('sku,qty\rA,1\r'), ...parser.push('\nB,2\rC,'), ...parser.push('3', true)];
    expect(records).toEqual([
      ['sku', 'qty'],
      ['A', '1'],
      ['B', '2'],
      ['C', '3'],
    ]);
  });
});

describe('reading CSV delimiters and quoting', () => {
  it('splits tab-delimited rows', async () => {
    const { rows } = await readAll(bufferSource('counts.tsv', 'sku\tqty\nA,1\t5\n'));
    expect(cellsOf(rows)).toEqual([
      ['sku', 'qty'],
      ['A,1', '5'],
    ]);
  });

  it('splits semicolon-delimited rows, keeping decimal commas in a cell', async () => {
    const { rows } = await readAll(bufferSource('counts.csv', 'sku;location;qty\nA-001;L1;1,5\n'));
    expect(cellsOf(rows)).toEqual([
      ['sku', 'location', 'qty'],
      ['A-001', 'L1', '1,5'],
    ]);
  });

  it('sniffs the delimiter from the header even below blank lines', async () => {
    const { rows } = await readAll(bufferSource('counts.tsv', '\n\nsku\tqty\nA,1\t5\n'));
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expect(rows[2]?.cells).toEqual(['sku', 'qty']);
    expect(rows[3]?.cells).toEqual(['A,1', '5']);
  });

  it('keeps a quoted cell with commas and a newline as one row, as a spreadsheet shows it', async () => {
    const text = 'sku,name,qty\nA-001,"Bolt, M8\nzinc plated",5\nB-002,Nut,7\n';
    const { rows } = await readAll(bufferSource('items.csv', text));
    expect(rows).toEqual([
      { line: 1, cells: ['sku', 'name', 'qty'] },
      { line: 2, cells: ['A-001', 'Bolt, M8\nzinc plated', '5'] },
      { line: 3, cells: ['B-002', 'Nut', '7'] },
    ]);
  });

  it('reads doubled quotes inside a quoted cell as one quote', async () => {
    const { rows } = await readAll(bufferSource('items.csv', 'sku,name\nA,"12"" pipe"\n'));
    expect(rows[1]?.cells).toEqual(['A', '12" pipe']);
  });

  it('keeps rows with fewer or more cells than the header', async () => {
    const { rows } = await readAll(bufferSource('counts.csv', 'sku,location,qty\nA,L1\nB,L2,3,extra\n'));
    expect(cellsOf(rows)).toEqual([
      ['sku', 'location', 'qty'],
      ['A', 'L1'],
      ['B', 'L2', '3', 'extra'],
    ]);
  });
});

describe('numbering CSV rows', () => {
  it('counts the header as row 1 and blank lines as rows', async () => {
    const { rows } = await readAll(bufferSource('counts.csv', 'sku,qty\n\nA,1\n\n\nB,2\n'));
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[1]?.cells).toEqual([]);
    expect(rows[5]?.cells).toEqual(['B', '2']);
  });

  it('numbers CRLF files the same way', async () => {
    const { rows } = await readAll(bufferSource('counts.csv', 'sku,qty\r\n\r\nA,1\r\n'));
    expect(rows).toEqual([
      { line: 1, cells: ['sku', 'qty'] },
      { line: 2, cells: [] },
      { line: 3, cells: ['A', '1'] },
    ]);
  });

  it('continues numbering after a cell spanning lines', async () => {
    const { rows } = await readAll(bufferSource('counts.csv', 'sku,note\nA,"one\ntwo\nthree"\nB,x\n'));
    expect(rows.map((r) => [r.line, r.cells[0]])).toEqual([
      [1, 'sku'],
      [2, 'A'],
      [3, 'B'],
    ]);
  });

  it('numbers rows across batches without gaps', async () => {
    const lines = ['sku,qty', ...Array.from({ length: 12_000 }, (_, i) => `S${i},${i}`)];
    const table = await openTable(bufferSource('big.csv', `${lines.join('\n')}\n`));
    const sizes: number[] = [];
    const numbers: number[] = [];
    for await (const batch of table.batches) {
      sizes.push(batch.length);
      numbers.push(...batch.map((r) => r.line));
    }
    expect(sizes.length).toBeGreaterThan(1);
    expect(numbers).toEqual(Array.from({ length: 12_001 }, (_, i) => i + 1));
  });
});

describe('refusing unreadable CSV files', () => {
  it('refuses an unterminated quote with InvalidInputError naming the file', async () => {
    const table = await openTable(bufferSource('broken.csv', 'sku,name\nA,"never closed\nB,x\n'));
    const reading = (async () => {
      for await (const _batch of table.batches) {
        // drain
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(InvalidInputError);
    await expect(reading).rejects.toThrow(/broken\.csv is not a readable CSV file/);
  });

  it('refuses an empty file', async () => {
    const opening = openTable(bufferSource('empty.csv', new Uint8Array(0)));
    await expect(opening).rejects.toBeInstanceOf(InvalidInputError);
    await expect(opening).rejects.toThrow('empty.csv is empty');
  });
});
