/**
 * The published head of the audit chain: the latest checkpoint, kept outside the database (a file the
 * operator keeps or copies elsewhere, and a line in each daily digest), so that deleting rows and
 * checkpoints together is still noticed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Checkpoint } from '../domain/audit.ts';

/** What verify compares the chain with: a place and its hash (a full hash, or the prefix a digest shows). */
export interface AuditHead {
  seq: string;
  hash: string;
  n?: number;
  at?: string;
  /** Where it came from, for messages. */
  source: string;
}

const HeadFile = z.object({
  n: z.number().int().positive(),
  seq: z.string().regex(/^\d+$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  signature: z.string().nullable(),
});

/** How many hex digits of the hash a digest shows: enough that a forger cannot aim at them. */
export const HEAD_PREFIX = 12;

/** Writes the head atomically (a whole file or the old one, never half of each). */
export async function writeAuditHead(file: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, file);
}

/** `<seq>:<hash>`, or the digest's line as it stands ("Audit chain #1234 · 3f9a2b4c5d6e…"). */
const PASTED = /^(?:.*?#)?(\d+)\s*(?::|·)\s*([0-9a-f]{8,64})…?$/i;

/**
 * Reads `--head`: a pasted `<seq>:<hash>`, or a head file. A file that does not exist yet is null (the
 * chain has had no checkpoint); one that cannot be read or parsed throws with the reason.
 */
export async function readAuditHead(spec: string): Promise<AuditHead | null> {
  const pasted = PASTED.exec(spec.trim());
  if (pasted) return { seq: String(BigInt(pasted[1]!)), hash: pasted[2]!.toLowerCase(), source: spec.trim() };
  if (!existsSync(spec)) return null;
  const text = await readFile(spec, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('it is not JSON');
  }
  const parsed = HeadFile.safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; '));
  return { seq: parsed.data.seq, hash: parsed.data.hash, n: parsed.data.n, at: parsed.data.at, source: spec };
}
