import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit row as a writer records it: what happened, who, when. */
export interface AuditContent {
  id: string;
  at: string;
  actorPersonId: string | null;
  actorIdentity: string;
  action: string;
  entityType: string;
  entityId: string;
  stocktakeId: string | null;
  documentId: string | null;
  before: unknown;
  after: unknown;
  idempotencyKey: string | null;
}

/** A sealed row: its content, its place in the chain and the hashes that bind it there. */
export interface AuditRow extends AuditContent {
  seq: string;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every depth, so equal content always hashes alike (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash of a row given its predecessor's hash. It covers the content, the id and the place in the
 * chain. `seq` enters the hashed text only when it differs from the id: rows chained before sealing
 * existed had seq = id and hashed without it, so they still verify, and the encoding stays one-to-one
 * (a row whose seq was changed away from its id no longer hashes the same).
 */
export function auditHash(prevHash: string, content: AuditContent & { seq?: string }): string {
  const { seq, ...rest } = content;
  const hashed = seq === undefined || seq === rest.id ? rest : { ...rest, seq };
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(hashed)).digest('hex');
}

/** What a checkpoint asserts: the chain reached `seq` with `hash` at `at`. */
export interface Checkpoint {
  n: number;
  seq: string;
  hash: string;
  at: string;
  signature: string | null;
}

/**
 * HMAC-SHA256 over the checkpoint and its predecessor's signature (empty for the first or after an
 * unsigned one), so a removed or replaced checkpoint breaks every later signature.
 */
export function checkpointSignature(key: string, c: Omit<Checkpoint, 'signature'>, previousSignature: string | null): string {
  return createHmac('sha256', key)
    .update(`stocktake-audit-checkpoint\n${c.n}\n${c.seq}\n${c.hash}\n${c.at}\n${previousSignature ?? ''}`)
    .digest('hex');
}

export function signatureMatches(expected: string, actual: string | null): boolean {
  if (actual === null || actual.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
}

/** A problem in the chain, its anchors or the books: each names where it is. */
export type AuditFinding =
  | { kind: 'edited'; id: string; seq: string }
  | { kind: 'removed'; id: string; seq: string; fromSeq: string; toSeq: string }
  | { kind: 'reordered'; id: string; seq: string }
  | { kind: 'missingTail'; checkpoint: number; chainSeq: string; checkpointSeq: string }
  | { kind: 'rehashed'; checkpoint: number; previousCheckpoint: number | null; fromSeq: string; toSeq: string }
  | { kind: 'badSignature'; checkpoint: number }
  | { kind: 'checkpointsRemoved'; fromN: number; toN: number }
  | { kind: 'behindHead'; chainSeq: string; headSeq: string }
  | { kind: 'headMismatch'; seq: string }
  | { kind: 'books'; warehouse: string; sku: string; location: string; lot?: string; expected: string; actual: string };

/** Not a tamper, but something the operator should know. */
export type AuditWarning =
  | { kind: 'unsigned'; checkpoints: number }
  | { kind: 'noCheckpoint' }
  | { kind: 'unsealed'; rows: number }
  | { kind: 'noHead' }
  | { kind: 'headUnreadable'; source: string; reason: string };

/**
 * Checks a chain row by row, in seq order, and reports the first row that does not fit: its content no
 * longer matches its hash (edited), a seq is missing before it or its link skips a row (removed), or its
 * link points to another row than its predecessor (reordered). Feed it a page at a time.
 */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private prevSeq = 0n;
  private count = 0;
  private readonly seen = new Set<string>();
  private failure: AuditFinding | null = null;

  /** Checks the next row; false once the chain is broken (later rows need not be read). */
  push(row: AuditRow): boolean {
    if (this.failure) return false;
    const seq = BigInt(row.seq);
    const { prevHash: storedPrev, hash, ...content } = row;
    const fail = (finding: AuditFinding) => {
      this.failure = finding;
      return false;
    };
    if (auditHash(storedPrev, content) !== hash) return fail({ kind: 'edited', id: row.id, seq: row.seq });
    if (storedPrev !== this.prevHash) {
      if (this.seen.has(storedPrev)) return fail({ kind: 'reordered', id: row.id, seq: row.seq });
      const from = seq > this.prevSeq + 1n ? this.prevSeq + 1n : seq - 1n;
      return fail({ kind: 'removed', id: row.id, seq: row.seq, fromSeq: String(from), toSeq: String(seq - 1n) });
    }
    if (seq !== this.prevSeq + 1n)
      return fail({ kind: 'removed', id: row.id, seq: row.seq, fromSeq: String(this.prevSeq + 1n), toSeq: String(seq - 1n) });
    this.seen.add(hash);
    this.prevHash = hash;
    this.prevSeq = seq;
    this.count += 1;
    return true;
  }

  get broken(): AuditFinding | null {
    return this.failure;
  }
  /** Rows that verified, and the last good place and hash. */
  get rows(): number {
    return this.count;
  }
  get lastSeq(): string {
    return String(this.prevSeq);
  }
  get lastHash(): string {
    return this.prevHash;
  }
}
