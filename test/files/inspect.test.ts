import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/domain/errors.ts';
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

  it('tells valid UTF-8 from invalid as a strict decoder does, wherever the chunks are cut', async () => {
    const samples = [
      Buffer.from('sku,库位,数量\nA-1,仓库一区,2 😀\n', 'utf8'),
      Buffer.from([0x61, 0xc3, 0x28, 0x0a]), // a lead byte without its continuation
      Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x0a]), // a UTF-16 surrogate written as UTF-8
      Buffer.from([0x61, 0xc0, 0xaf, 0x0a]), // an overlong "/"
      Buffer.from([0x61, 0x80, 0x80, 0x80, 0x80, 0x0a]), // continuation bytes alone
      Buffer.from([0x61, 0xf0, 0x9f, 0x98]), // ends inside a 4-byte character
    ];
    for (const bytes of samples) {
      let strict = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        strict = false;
      }
      for (let cut = 0; cut <= bytes.length; cut++) {
        for (const size of [1, 2, 3]) {
          const chunks = [bytes.subarray(0, cut)];
          for (let at = cut; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
          const source = { name: 'cut.csv', open: () => Readable.from(chunks.filter((c) => c.length > 0)) };
          const facts = await inspectFile(source).catch(() => null);
          expect([bytes.toString('hex'), cut, size, facts?.encoding === 'utf-8']).toEqual([bytes.toString('hex'), cut, size, strict]);
        }
      }
    }
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

  it('reads short GBK files as GB18030, where a detector alone is weakest', async () => {
    for (const text of [
      '库位\n一区\n',
      '物料编码,库位,实盘数量\r\n',
      'sku,location,qty\nA-1,仓,5\n',
      'sku,location,qty\nA-1,仓库,5\n',
      '物料编码,数量\nA-001,5\n',
      '物料编码,名称\nA-001,𠮷野家\n',
    ]) {
      const facts = await inspectFile(bufferSource('short.csv', iconv.encode(text, 'gb18030')));
      expect(facts.encoding, text).toBe('gb18030');
    }
  });

  it('reads Latin-1 / Windows-1252 text as Windows-1252, not as GB18030', async () => {
    for (const text of [
      'sku,name,qty\nA-1,Café,5\n',
      'sku,location,qty\nA-1,Crème brûlée,5\nB-2,Entrepôt Nord,3\nC-3,Müller Straße,2\n',
      'sku,name,qty\nA-1,Prix 5€ – spécial,5\n',
      'sku,name,qty\nA-1,Émile,5\n',
    ]) {
      const facts = await inspectFile(bufferSource('latin.csv', iconv.encode(text, 'win1252')));
      expect(facts.encoding, text).toBe('windows-1252');
    }
  });

  it('refuses text in none of the encodings it reads, naming those tried and the first line concerned, in both languages', async () => {
    const sjis = iconv.encode('sku,name,qty\nA-1,倉庫一,5\nB-2,ロケーション,1\n', 'shiftjis');
    const error = await inspectFile(bufferSource('jp.csv', sjis)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const refusal = error as InvalidInputError;
    expect(refusal.message).toContain(
      'jp.csv: cannot tell how its text is encoded (tried UTF-8, UTF-16 (LE, BE), GB18030/GBK, Windows-1252/Latin-1; it looks most like ',
    );
    expect(refusal.message).toContain('nothing was imported');
    expect(refusal.localized?.['zh-CN']).toContain(
      'jp.csv：无法判断文本编码（已尝试 UTF-8, UTF-16 (LE, BE), GB18030/GBK, Windows-1252/Latin-1',
    );
    expect(refusal.problems).toMatchObject([
      {
        line: 2,
        column: null,
        message: expect.stringContaining('none of the encodings tried'),
        localized: expect.objectContaining({ 'zh-CN': expect.stringContaining('不属于已尝试的任何编码') }),
      },
    ]);
    const noise = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 73 + 11) % 256));
    await expect(inspectFile(bufferSource('noise.csv', noise))).rejects.toThrow('cannot tell how its text is encoded');
  });

  it('detects UTF-16 without a byte order mark, little- and big-endian, also with Chinese text only', async () => {
    const text = 'sku\tlocation\tqty\r\nA-001\t仓库一区\t5\r\n';
    expect((await inspectFile(bufferSource('le.txt', Buffer.from(text, 'utf16le')))).encoding).toBe('utf-16le');
    expect((await inspectFile(bufferSource('be.txt', iconv.encode(text, 'utf16-be')))).encoding).toBe('utf-16be');
    const chinese = '物料编码\t库位\t实盘数量\r\n一二三\t仓库一区\t5\r\n';
    expect((await inspectFile(bufferSource('zh.txt', Buffer.from(chinese, 'utf16le')))).encoding).toBe('utf-16le');
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
