import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidInputError } from '../domain/errors.ts';
import { fileTexts } from '../domain/texts/files.ts';

/**
 * A file to import. `open` may be called more than once (one pass hashes and sniffs the encoding, the
 * next parses), so a source is a path or bytes held in memory (a chat upload), never a one-shot stream.
 */
export interface FileSource {
  name: string;
  open(): Readable;
  /** The file's path, for a source that is a file (a large sheet may be read by a second thread too). */
  path?: string;
}

export async function fileSource(path: string): Promise<FileSource> {
  try {
    await access(path);
  } catch {
    throw new InvalidInputError(fileTexts.unreadablePath(path));
  }
  return { name: basename(path), path, open: () => createReadStream(path, { highWaterMark: 1 << 20 }) };
}

export function bufferSource(name: string, bytes: Uint8Array | string): FileSource {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  return { name, open: () => Readable.from([buffer]) };
}
