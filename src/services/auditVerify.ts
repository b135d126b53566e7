/**
 * `audit verify`: walks the sealed chain a page at a time (ChainVerifier), then checks it against its
 * anchors — the checkpoints (numbering, signatures with STOCKTAKE_AUDIT_KEY, hashes at their places) and
 * the published head — and names every kind of problem it finds, the first of each.
 */
import { sql } from 'drizzle-orm';
import { unnestColumns } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import {
  ChainVerifier,
  checkpointSignature,
  signatureMatches,
  type AuditFinding,
  type AuditRow,
  type AuditWarning,
  type Checkpoint,
} from '../domain/audit.ts';
import { isoText } from '../../db/bulk.ts';
import { AUDIT_COLUMNS } from './audit.ts';
import type { AuditHead } from './auditHead.ts';

const PAGE = 5_000;
const CHECKPOINT_PAGE = 1_000;

export interface AuditVerdict {
  /** False when anything in `problems`; warnings alone leave it true. */
  ok: boolean;
  /** Sealed rows that verified, and where the good chain ends. */
  rows: number;
  lastSeq: string;
  lastHash: string;
  /** Rows written but not sealed into the chain yet. */
  unsealed: number;
  checkpoints: { count: number; signed: number; last: { n: number; seq: string; at: string } | null };
  head: { seq: string; hash: string; source: string } | null;
  problems: AuditFinding[];
  warnings: AuditWarning[];
}

export interface VerifyOptions {
  /** STOCKTAKE_AUDIT_KEY: without it signatures cannot be checked (a warning says so). */
  key?: string | null | undefined;
  /** The published head to compare with; `headProblem` when it was given but could not be read. */
  head?: AuditHead | null;
  headProblem?: { source: string; reason: string } | null;
}

export async function verifyAudit(db: DbOrTx, options: VerifyOptions = {}): Promise<AuditVerdict> {
  const problems: AuditFinding[] = [];
  const warnings: AuditWarning[] = [];

  const chain = new ChainVerifier();
  let after = 0n;
  for (;;) {
    const page = await queryRows<AuditRow & Record<string, unknown>>(
      db,
      sql`select ${AUDIT_COLUMNS} from audit_log where seq > ${after.toString()}::bigint order by audit_log.seq limit ${PAGE}`,
    );
    if (page.length === 0) break;
    for (const row of page) if (!chain.push(row)) break;
    if (chain.broken) break;
    after = BigInt(page[page.length - 1]!.seq);
  }
  if (chain.broken) problems.push(chain.broken);

  const [stats] = await queryRows<{ maxSeq: string | null; unsealed: number }>(
    db,
    sql`select (select max(seq)::text from audit_log) as "maxSeq", (select count(*)::int from audit_log where seq is null) as unsealed`,
  );
  // Where the rows end, whether or not the chain verified that far: what checkpoints and head are held to.
  const endSeq = BigInt(stats?.maxSeq ?? '0');
  const unsealed = stats?.unsealed ?? 0;

  const anchors = await checkCheckpoints(db, endSeq, options.key ?? null);
  problems.push(...anchors.problems);
  if (anchors.unverified > 0) warnings.push({ kind: 'unsigned', checkpoints: anchors.unverified });
  if (anchors.count === 0 && endSeq > 0n) warnings.push({ kind: 'noCheckpoint' });

  const head = options.head ?? null;
  if (head) {
    if (endSeq < BigInt(head.seq)) problems.push({ kind: 'behindHead', chainSeq: String(endSeq), headSeq: head.seq });
    else {
      const [row] = await queryRows<{ hash: string | null }>(db, sql`select hash from audit_log where seq = ${head.seq}::bigint`);
      // A row missing in the middle is already named by the chain walk.
      if (row && !(row.hash ?? '').startsWith(head.hash)) problems.push({ kind: 'headMismatch', seq: head.seq });
    }
    if (head.n !== undefined && head.n > anchors.lastN)
      problems.push({ kind: 'checkpointsRemoved', fromN: anchors.lastN + 1, toN: head.n });
  } else if (options.headProblem) warnings.push({ kind: 'headUnreadable', ...options.headProblem });
  else warnings.push({ kind: 'noHead' });
  if (unsealed > 0) warnings.push({ kind: 'unsealed', rows: unsealed });

  return {
    ok: problems.length === 0,
    rows: chain.rows,
    lastSeq: chain.lastSeq,
    lastHash: chain.lastHash,
    unsealed,
    checkpoints: { count: anchors.count, signed: anchors.signed, last: anchors.last },
    head: head ? { seq: head.seq, hash: head.hash, source: head.source } : null,
    problems,
    warnings,
  };
}

interface CheckpointReport {
  problems: AuditFinding[];
  count: number;
  signed: number;
  /** Checkpoints no key vouched for: no key configured, or unsigned before the first signed one. */
  unverified: number;
  lastN: number;
  last: { n: number; seq: string; at: string } | null;
}

/**
 * Reads the checkpoints in order, a page at a time: numbers must run 1, 2, 3 …; with a key each signature
 * must chain from the one before; each must name the hash the chain has at its place, and none may lie
 * beyond the chain's end. The first problem of each kind is named.
 */
async function checkCheckpoints(db: DbOrTx, endSeq: bigint, key: string | null): Promise<CheckpointReport> {
  const problems = new Map<AuditFinding['kind'], AuditFinding>();
  const add = (f: AuditFinding) => {
    if (!problems.has(f.kind)) problems.set(f.kind, f);
  };
  let count = 0;
  let signed = 0;
  let unverified = 0;
  let previous: Checkpoint | null = null;
  let lastGood: Checkpoint | null = null;
  let sawSigned = false;
  for (;;) {
    const page: Checkpoint[] = await queryRows<Checkpoint & Record<string, unknown>>(
      db,
      sql`select n, seq::text as seq, hash, ${isoText(sql`at`)} as at, signature from audit_checkpoint
          where n > ${previous?.n ?? 0} order by n limit ${CHECKPOINT_PAGE}`,
    );
    if (page.length === 0) break;
    const hashes = new Map(
      (
        await queryRows<{ seq: string; hash: string | null }>(
          db,
          sql`select a.seq::text as seq, a.hash from audit_log a
              join ${unnestColumns([{ values: page.map((c) => c.seq), type: 'bigint' }])} as u(seq) on a.seq = u.seq`,
        )
      ).map((r) => [r.seq, r.hash]),
    );
    for (const cp of page) {
      count += 1;
      if (cp.signature) signed += 1;
      const expectedN = (previous?.n ?? 0) + 1;
      const gap = cp.n !== expectedN;
      if (gap) add({ kind: 'checkpointsRemoved', fromN: expectedN, toN: cp.n - 1 });
      if (!key) unverified += 1;
      else if (cp.signature === null) {
        // Unsigned checkpoints from before the key was set prove nothing but are not forged; one after a
        // signed checkpoint is.
        if (sawSigned) add({ kind: 'badSignature', checkpoint: cp.n });
        else unverified += 1;
      } else {
        sawSigned = true;
        // After a gap the signature cannot chain: the removal is already named.
        if (!gap && !signatureMatches(checkpointSignature(key, cp, previous?.signature ?? null), cp.signature))
          add({ kind: 'badSignature', checkpoint: cp.n });
      }
      const seq = BigInt(cp.seq);
      if (seq > endSeq) add({ kind: 'missingTail', checkpoint: cp.n, chainSeq: String(endSeq), checkpointSeq: cp.seq });
      else if (hashes.has(cp.seq)) {
        if (hashes.get(cp.seq) === cp.hash) lastGood = cp;
        else
          add({
            kind: 'rehashed',
            checkpoint: cp.n,
            previousCheckpoint: lastGood?.n ?? null,
            fromSeq: String(BigInt(lastGood?.seq ?? '0') + 1n),
            toSeq: cp.seq,
          });
      }
      previous = cp;
    }
  }
  return {
    problems: [...problems.values()],
    count,
    signed,
    unverified,
    lastN: previous?.n ?? 0,
    last: previous ? { n: previous.n, seq: previous.seq, at: previous.at } : null,
  };
}
