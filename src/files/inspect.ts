import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { InvalidInputError, problemOf } from '../domain/errors.ts';
import { byteOrderMark, ENCODINGS_TRIED, LegacyTextFacts, utf16WithoutMark, type TextEncoding } from './encoding.ts';
import { fileTexts } from '../domain/texts/files.ts';
import type { FileSource } from './source.ts';

export type { TextEncoding } from './encoding.ts';
export type FileFormat = 'csv' | 'xlsx';

export interface FileFacts {
  format: FileFormat;
  /** For csv: how the text is encoded (see encoding.ts). GB18030 is a superset of GBK, so it reads both. */
  encoding: TextEncoding;
  sha256: string;
  bytes: number;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const HEAD_BYTES = 1 << 16;

/**
 * One pass over the file: its content hash (a re-import of the same file is refused by it), its format by
 * content rather than name (chat uploads often lose the extension) and whether it is valid UTF-8. Text
 * that is neither marked, UTF-16 nor UTF-8 gets a second pass to tell GB18030 from Windows-1252; text
 * that is none of them is refused with the encodings tried.
 */
export async function inspectFile(source: FileSource): Promise<FileFacts> {
  const hash = createHash('sha256');
  const utf8 = new Utf8Check();
  const headChunks: Buffer[] = [];
  let headBytes = 0;
  let bytes = 0;
  for await (const chunk of source.open() as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (headBytes < HEAD_BYTES) {
      headChunks.push(chunk.subarray(0, HEAD_BYTES - headBytes));
      headBytes += Math.min(chunk.length, HEAD_BYTES - headBytes);
    }
    bytes += chunk.length;
    utf8.add(chunk);
  }
  const validUtf8 = utf8.end();
  const sha256 = hash.digest('hex');
  const head = Buffer.concat(headChunks);
  if (ZIP_MAGIC.every((b, i) => head[i] === b)) return { format: 'xlsx', encoding: 'utf-8', sha256, bytes };
  return { format: 'csv', encoding: await textEncoding(source, head, bytes, validUtf8), sha256, bytes };
}

/**
 * Whether a stream of chunks is valid UTF-8 (what a fatal TextDecoder accepts), checked natively without
 * making strings: about 1 ms for a 20 MB sheet against 50–160 ms for decoding it (measured with Node 20).
 * A character cut by a chunk's end is carried over to the next chunk.
 */
class Utf8Check {
  private valid = true;
  private carry: Buffer | null = null;

  add(chunk: Buffer): void {
    if (!this.valid) return;
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeLength(data);
    this.valid = isUtf8(data.subarray(0, cut));
    this.carry = cut < data.length ? Buffer.from(data.subarray(cut)) : null;
  }

  end(): boolean {
    return this.valid && this.carry === null; // a carry left over: the text ends inside a character
  }
}

/** The length of data without a last multi-byte character it cuts short (at most 3 bytes are left out). */
function completeLength(data: Buffer): number {
  let lead = data.length - 1;
  while (lead >= 0 && data.length - lead <= 3 && (data[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return data.length;
  const b = data[lead]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + need > data.length ? lead : data.length;
}

async function textEncoding(source: FileSource, head: Buffer, bytes: number, validUtf8: boolean): Promise<TextEncoding> {
  const marked = byteOrderMark(head);
  if (marked) return marked;
  // Before UTF-8: ASCII written as UTF-16 is valid UTF-8 too, with a zero byte after every character.
  const utf16 = utf16WithoutMark(head);
  if (utf16 && bytes % 2 === 0 && (await decodesStrictly(source, utf16))) return utf16;
  if (validUtf8) return 'utf-8';
  const facts = new LegacyTextFacts();
  for await (const chunk of source.open() as AsyncIterable<Buffer>) facts.add(chunk);
  const { encoding, guess } = facts.decide();
  if (encoding) return encoding;
  throw new InvalidInputError(fileTexts.encodingUnknown(source.name, ENCODINGS_TRIED, guess), [
    problemOf(facts.firstLine, null, fileTexts.encodingProblem(ENCODINGS_TRIED)),
  ]);
}

async function decodesStrictly(source: FileSource, encoding: TextEncoding): Promise<boolean> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  try {
    for await (const chunk of source.open() as AsyncIterable<Buffer>) decoder.decode(chunk, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}
