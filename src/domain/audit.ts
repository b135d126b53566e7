import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit row that its hash covers (all but the hashes themselves). */
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

export interface AuditRow extends AuditContent {
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

export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

export type ChainVerdict =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; firstBadId: string; problem: 'edited' | 'removed' | 'reordered'; message: string };

/**
 * Checks a chain row by row, in id order, and reports the first row that does not fit: its content no
 * longer matches its hash (edited), an id is missing before it or its link skips a row (removed), or its
 * link points to another row than its predecessor (reordered). Feed it a page at a time.
 */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private prevId: bigint | null = null;
  private count = 0;
  private readonly seen = new Set<string>();
  private failure: ChainVerdict | null = null;

  /** Checks the next row; false once the chain is broken (later rows need not be read). */
  push(row: AuditRow): boolean {
    if (this.failure) return false;
    const id = BigInt(row.id);
    const { prevHash: storedPrev, hash, ...content } = row;
    const fail = (problem: 'edited' | 'removed' | 'reordered', message: string) => {
      this.failure = { ok: false, rows: this.count, firstBadId: row.id, problem, message };
      return false;
    };
    if (auditHash(storedPrev, content) !== hash)
      return fail('edited', `audit row ${row.id} was edited: its content no longer matches its hash`);
    if (storedPrev !== this.prevHash) {
      return this.seen.has(storedPrev)
        ? fail('reordered', `audit row ${row.id} is out of order: it follows a row that was not its predecessor`)
        : fail('removed', `a row before audit row ${row.id} was removed: its link does not match the row before it`);
    }
    if (this.prevId !== null && id !== this.prevId + 1n) return fail('removed', `audit rows ${this.prevId + 1n}..${id - 1n} were removed`);
    this.seen.add(hash);
    this.prevHash = hash;
    this.prevId = id;
    this.count += 1;
    return true;
  }

  result(): ChainVerdict {
    return this.failure ?? { ok: true, rows: this.count, lastHash: this.prevHash };
  }
}

export function verifyChain(rows: Iterable<AuditRow>): ChainVerdict {
  const verifier = new ChainVerifier();
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier.result();
}
