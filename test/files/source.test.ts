import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { bufferSource, fileSource } from '../../src/files/source.ts';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('bufferSource', () => {
  it('gives the same bytes every time it is opened', async () => {
    const source = bufferSource('upload.csv', new Uint8Array([0xce, 0xef, 0x0a]));
    expect(source.name).toBe('upload.csv');
    expect(await bytesOf(source.open())).toEqual(Buffer.from([0xce, 0xef, 0x0a]));
    expect(await bytesOf(source.open())).toEqual(Buffer.from([0xce, 0xef, 0x0a]));
  });

  it('encodes text as UTF-8', async () => {
    expect(await bytesOf(bufferSource('t.csv', '库').open())).toEqual(Buffer.from([0xe5, 0xba, 0x93]));
  });

  it('keeps its own copy of the bytes', async () => {
    const bytes = new Uint8Array([0x41]);
    const source = bufferSource('t.csv', bytes);
    bytes[0] = 0x42;
    expect((await bytesOf(source.open())).toString('latin1')).toBe('A');
  });
});

describe('fileSource', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-source-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is named after the file and reads it again on every open', async () => {
    const path = join(dir, 'counts.csv');
    writeFileSync(path, 'sku,qty\n');
    const source = await fileSource(path);
    expect(source.name).toBe('counts.csv');
    expect((await bytesOf(source.open())).toString('utf8')).toBe('sku,qty\n');
    expect((await bytesOf(source.open())).toString('utf8')).toBe('sku,qty\n');
  });

  it('refuses a file that does not exist with InvalidInputError naming the path', async () => {
    const path = join(dir, 'missing.csv');
    const opening = fileSource(path);
    await expect(opening).rejects.toBeInstanceOf(InvalidInputError);
    await expect(opening).rejects.toThrow(`cannot read file ${path}`);
  });
});
