/**
 * The sealer: gives unsealed audit rows their place in the chain, in commit order, and writes signed
 * checkpoints. Writers never wait for it; only sealers contend for its lock, so one chain line is kept
 * without a global write lock. Run by every instance's sealer loop (src/jobs/auditSealer.ts) and at the
 * end of every CLI command (PGlite has no server to do it).
 */
import { sql } from 'drizzle-orm';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx, type Tx } from '../../db/client.ts';
import { auditHash, checkpointSignature, GENESIS_HASH, type AuditContent, type Checkpoint } from '../domain/audit.ts';
import { AUDIT_COLUMNS } from './audit.ts';
import { writeAuditHead } from './auditHead.ts';

/** Any fixed number, distinct from every other advisory lock: only sealers take it. */
const SEALER_LOCK = 741_002;
/** Rows sealed per transaction: a backlog is sealed in several short transactions, not one long one. */
export const SEAL_BATCH = 5_000;
/** A new checkpoint once the last one is this old … */
export const CHECKPOINT_EVERY_MS = 30_000;
/** … or this many rows behind the chain's end. */
export const CHECKPOINT_EVERY_ROWS = 1_000n;

export interface SealOptions {
  /** STOCKTAKE_AUDIT_KEY; without it checkpoints are written unsigned. */
  key?: string | null | undefined;
  /** STOCKTAKE_AUDIT_HEAD_FILE: where the latest checkpoint is published after it is written. */
  headFile?: string | null | undefined;
  now?: () => Date;
  /** Wait for another sealer instead of leaving the work to it (the CLI: nobody else may be sealing). */
  wait?: boolean;
  /** Write a checkpoint whenever the chain is ahead of the last one (the end of a CLI command). */
  checkpoint?: 'due' | 'always';
  batch?: number;
}

export interface SealResult {
  /** False when another sealer held the lock (and will do the work). */
  ran: boolean;
  sealed: number;
  checkpoint: Checkpoint | null;
}

/** Seals every row not sealed yet, a batch per transaction, then writes a checkpoint when one is due. */
export async function sealAudit(db: Db, options: SealOptions = {}): Promise<SealResult> {
  const now = options.now ?? (() => new Date());
  const batch = options.batch ?? SEAL_BATCH;
  let sealed = 0;
  let checkpoint: Checkpoint | null = null;
  for (;;) {
    const pass = await db.transaction(async (tx) => {
      if (options.wait) await tx.execute(sql`select pg_advisory_xact_lock(${SEALER_LOCK})`);
      else {
        const [got] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${SEALER_LOCK}) as ok`);
        if (!got?.ok) return null;
      }
      const count = await sealBatch(tx, batch);
      const more = count === batch;
      const written = more ? null : await checkpointIfDue(tx, now(), options);
      return { count, more, written };
    });
    if (!pass) return { ran: sealed > 0, sealed, checkpoint };
    sealed += pass.count;
    checkpoint = pass.written ?? checkpoint;
    if (!pass.more) break;
  }
  // Published after commit: a head file never names a checkpoint the database does not have.
  if (checkpoint && options.headFile) await writeAuditHead(options.headFile, checkpoint);
  return { ran: true, sealed, checkpoint };
}

/**
 * Seals up to `limit` rows in id order after the chain's end. A row with a lower id that commits after a
 * higher one was sealed is not lost: it is still unsealed, and the next pass puts it after.
 */
async function sealBatch(tx: Tx, limit: number): Promise<number> {
  const rows = await queryRows<AuditContent & Record<string, unknown>>(
    tx,
    sql`select ${AUDIT_COLUMNS} from audit_log where seq is null order by audit_log.id limit ${limit}`,
  );
  if (rows.length === 0) return 0;
  const [end] = await queryRows<{ seq: string; hash: string }>(
    tx,
    sql`select seq::text as seq, hash from audit_log where seq is not null order by audit_log.seq desc limit 1`,
  );
  let seq = end ? BigInt(end.seq) : 0n;
  let prev = end?.hash ?? GENESIS_HASH;
  const seqs: string[] = [];
  const prevs: string[] = [];
  const hashes: string[] = [];
  for (const row of rows) {
    seq += 1n;
    const hash = auditHash(prev, { ...pickContent(row), seq: String(seq) });
    seqs.push(String(seq));
    prevs.push(prev);
    hashes.push(hash);
    prev = hash;
  }
  await tx.execute(sql`
    update audit_log a set seq = u.seq, prev_hash = u.prev_hash, hash = u.hash
    from ${unnestColumns([
      { values: rows.map((r) => r.id), type: 'bigint' },
      { values: seqs, type: 'bigint' },
      { values: prevs, type: 'text' },
      { values: hashes, type: 'text' },
    ])} as u(id, seq, prev_hash, hash)
    where a.id = u.id and a.seq is null`);
  return rows.length;
}

/** Exactly the hashed fields, whatever else the query returned. */
function pickContent(r: AuditContent): AuditContent {
  return {
    id: r.id,
    at: r.at,
    actorPersonId: r.actorPersonId,
    actorIdentity: r.actorIdentity,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    stocktakeId: r.stocktakeId,
    documentId: r.documentId,
    before: r.before,
    after: r.after,
    idempotencyKey: r.idempotencyKey,
  };
}

/** The latest checkpoint, or null before the first. */
export async function lastCheckpoint(db: DbOrTx): Promise<Checkpoint | null> {
  const [row] = await queryRows<Checkpoint & Record<string, unknown>>(
    db,
    sql`select n, seq::text as seq, hash, ${isoText(sql`at`)} as at, signature
        from audit_checkpoint order by n desc limit 1`,
  );
  return row ?? null;
}

async function checkpointIfDue(tx: Tx, now: Date, options: SealOptions): Promise<Checkpoint | null> {
  const [end] = await queryRows<{ seq: string; hash: string }>(
    tx,
    sql`select seq::text as seq, hash from audit_log where seq is not null order by audit_log.seq desc limit 1`,
  );
  if (!end) return null;
  const last = await lastCheckpoint(tx);
  const behind = BigInt(end.seq) - BigInt(last?.seq ?? '0');
  if (behind <= 0n) return null;
  const due =
    options.checkpoint === 'always' ||
    !last ||
    now.getTime() - Date.parse(last.at) >= CHECKPOINT_EVERY_MS ||
    behind >= CHECKPOINT_EVERY_ROWS;
  if (!due) return null;
  const body = { n: (last?.n ?? 0) + 1, seq: end.seq, hash: end.hash, at: now.toISOString() };
  const signature = options.key ? checkpointSignature(options.key, body, last?.signature ?? null) : null;
  await tx.execute(
    sql`insert into audit_checkpoint (n, seq, hash, at, signature) values (${body.n}, ${body.seq}::bigint, ${body.hash}, ${body.at}::timestamptz, ${signature})`,
  );
  return { ...body, signature };
}
