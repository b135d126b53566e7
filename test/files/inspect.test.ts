import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectFile } from '../../src/files/inspect.ts';
import { bufferSource, fileSource } from '../../src/files/source.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** ASCII rows for `size` bytes, then one GBK row: a file that only looks like UTF-8 at its start. */
function lateGbk(size: number): Buffer {
  const row = 'A-000001,L-01,1\n';
  const ascii = Buffer.from(`sku,location,qty\n${row.repeat(Math.ceil(size / row.length))}`, 'ascii');
  return Buffer.concat([ascii, iconv.encode('B-000002,仓库一区,2\n', 'gbk')]);
}

describe('inspectFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-inspect-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('hashes the bytes with SHA-256 and counts them', async () => {
    const bytes = iconv.encode('物料编码,数量\nA-001,5\n', 'gbk');
    const facts = await inspectFile(bufferSource('counts.csv', bytes));
    expect(facts.sha256).toBe(sha256(bytes));
    expect(facts.bytes).toBe(bytes.length);
  });

  it('gives different hashes to files differing in one byte', async () => {
    const a = await inspectFile(bufferSource('a.csv', 'sku,qty\nA,1\n'));
    const b = await inspectFile(bufferSource('b.csv', 'sku,qty\nA,2\n'));
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('hashes a file read from disk in chunks like the same bytes in memory', async () => {
    const bytes = lateGbk(3 << 20);
    const path = join(dir, 'hash.csv');
    writeFileSync(path, bytes);
    const facts = await inspectFile(await fileSource(path));
    expect(facts.sha256).toBe(sha256(bytes));
    expect(facts.bytes).toBe(bytes.length);
  });

  it('takes valid UTF-8 as UTF-8', async () => {
    const facts = await inspectFile(bufferSource('counts.csv', 'sku,库位\nA-001,一区\n'));
    expect(facts).toMatchObject({ format: 'csv', encoding: 'utf-8' });
  });

  it('takes text that is not UTF-8 as GB18030', async () => {
    const facts = await inspectFile(bufferSource('counts.csv', iconv.encode('物料编码,库位\nA-001,一区\n', 'gbk')));
    expect(facts).toMatchObject({ format: 'csv', encoding: 'gb18030' });
  });

  it('detects GBK bytes that start more than 2 MB into the file', async () => {
    const bytes = lateGbk(2.5 * (1 << 20));
    expect(bytes.subarray(0, 2 << 20).every((b) => b < 0x80)).toBe(true);
    const facts = await inspectFile(bufferSource('late.csv', bytes));
    expect(facts.encoding).toBe('gb18030');
  });

  it('detects late GBK bytes in a file read from disk in chunks', async () => {
    const path = join(dir, 'late.csv');
    writeFileSync(path, lateGbk(2.5 * (1 << 20)));
    const facts = await inspectFile(await fileSource(path));
    expect(facts.encoding).toBe('gb18030');
  });

  it('keeps UTF-8 when a character straddles two chunks read from disk', async () => {
    const chunk = 1 << 20;
    const bytes = Buffer.concat([Buffer.alloc(chunk - 1, 'a'), Buffer.from('库\n', 'utf8')]);
    const path = join(dir, 'straddle.csv');
    writeFileSync(path, bytes);
    const facts = await inspectFile(await fileSource(path));
    expect(facts.encoding).toBe('utf-8');
  });

  it('takes a file ending inside a UTF-8 character as GB18030', async () => {
    const bytes = Buffer.from('sku\n库', 'utf8').subarray(0, -1);
    const facts = await inspectFile(bufferSource('cut.csv', bytes));
    expect(facts.encoding).toBe('gb18030');
  });

  it('detects UTF-16 by its byte order mark', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('sku\tqty\r\n', 'utf16le')]);
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x73, 0x00, 0x6b, 0x00, 0x75]);
    expect((await inspectFile(bufferSource('le.txt', le))).encoding).toBe('utf-16le');
    expect((await inspectFile(bufferSource('be.txt', be))).encoding).toBe('utf-16be');
  });

  it('detects an XLSX workbook by its zip signature', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Counts').addRow(['sku']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const facts = await inspectFile(bufferSource('counts.csv', bytes));
    expect(facts.format).toBe('xlsx');
    expect(facts.sha256).toBe(sha256(bytes));
  });

  it('reports an empty file as zero bytes of CSV', async () => {
    const facts = await inspectFile(bufferSource('empty.csv', new Uint8Array(0)));
    expect(facts).toEqual({ format: 'csv', encoding: 'utf-8', sha256: sha256(new Uint8Array(0)), bytes: 0 });
  });
});
