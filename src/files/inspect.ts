import { createHash } from 'node:crypto';
import type { FileSource } from './source.ts';

export type FileFormat = 'csv' | 'xlsx';
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface FileFacts {
  format: FileFormat;
  /** For csv: how the text is encoded. GB18030 is a superset of GBK, so it reads both. */
  encoding: TextEncoding;
  sha256: string;
  bytes: number;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * One pass over the file: its content hash (a re-import of the same file is refused by it), its format by
 * content rather than name (chat uploads often lose the extension) and, for text, its encoding. UTF-8 is
 * taken when the whole file is valid UTF-8; otherwise it is what Excel on Chinese Windows writes, GBK.
 */
export async function inspectFile(source: FileSource): Promise<FileFacts> {
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let head: Buffer | null = null;
  let bytes = 0;
  for await (const chunk of source.open() as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (!head) head = chunk.subarray(0, 4);
    bytes += chunk.length;
    if (validUtf8) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
  }
  if (validUtf8) {
    try {
      utf8.decode();
    } catch {
      validUtf8 = false; // ends inside a multi-byte character
    }
  }
  const sha256 = hash.digest('hex');
  const start = head ?? Buffer.alloc(0);
  if (ZIP_MAGIC.every((b, i) => start[i] === b)) return { format: 'xlsx', encoding: 'utf-8', sha256, bytes };
  let encoding: TextEncoding = validUtf8 ? 'utf-8' : 'gb18030';
  if (start[0] === 0xff && start[1] === 0xfe) encoding = 'utf-16le';
  else if (start[0] === 0xfe && start[1] === 0xff) encoding = 'utf-16be';
  return { format: 'csv', encoding, sha256, bytes };
}
