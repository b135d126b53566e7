import { sql } from 'drizzle-orm';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type DbOrTx, type Tx } from '../../db/client.ts';
import { projectChanges } from './outbox.ts';
import {
  auditHash,
  canonicalJson,
  ChainVerifier,
  GENESIS_HASH,
  type AuditContent,
  type AuditRow,
  type ChainVerdict,
} from '../domain/audit.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  stocktakeId?: string | null;
  documentId?: string | null;
  /** The stocktake line a variance entry is about: not stored, but it tells which cards show the change. */
  line?: { sku: string; location: string };
  before?: unknown;
  after?: unknown;
}

/** The local operator: CLI commands run without --as (imports, starting and closing counting). */
export const OPERATOR = { personId: null, identity: 'cli' } as const;

/** Any fixed number: the advisory lock that keeps the audit chain a single line. */
const AUDIT_CHAIN_LOCK = 741_001;

/**
 * Collects a command's audit entries and appends them, chained, when the command is done. Appends are
 * serialised by an advisory lock held to the end of the transaction: two transactions chaining onto the
 * same last row would fork the chain.
 */
export class AuditWriter {
  private readonly entries: AuditEntry[] = [];
  constructor(
    private readonly tx: Tx,
    private readonly actor: { personId: string | null; identity: string },
    private readonly idempotencyKey: string | null,
    private readonly now: Date,
    /** A card the command's answer renders: its outbox update is not queued (see CommandContext). */
    private readonly answeredCard: string | null = null,
  ) {}

  add(entry: AuditEntry): void {
    this.entries.push(entry);
  }

  async flush(): Promise<void> {
    if (this.entries.length === 0) return;
    await appendAudit(this.tx, this.actor, this.idempotencyKey, this.now, this.entries.splice(0), this.answeredCard);
  }
}

/** Appends entries to the chain. Only inside a transaction: the chain lock lasts until it commits. */
export async function appendAudit(
  tx: Tx,
  actor: { personId: string | null; identity: string },
  idempotencyKey: string | null,
  now: Date,
  entries: readonly AuditEntry[],
  answeredCard: string | null = null,
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await queryRows<{ id: string; hash: string }>(
    tx,
    sql`select a.id::text as id, a.hash from audit_log a order by a.id desc limit 1`,
  );
  let prevHash = last?.hash ?? GENESIS_HASH;
  let id = last ? BigInt(last.id) : 0n;
  const at = now.toISOString();
  const rows: AuditRow[] = entries.map((e) => {
    id += 1n;
    const content: AuditContent = {
      id: id.toString(),
      at,
      actorPersonId: actor.personId,
      actorIdentity: actor.identity,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      stocktakeId: e.stocktakeId ?? null,
      documentId: e.documentId ?? null,
      // Stored as jsonb, which keeps no undefined: normalise now so the hash sees what verify will read.
      before: e.before === undefined ? null : JSON.parse(JSON.stringify(e.before)),
      after: e.after === undefined ? null : JSON.parse(JSON.stringify(e.after)),
      idempotencyKey,
    };
    const hash = auditHash(prevHash, content);
    const row = { ...content, prevHash, hash };
    prevHash = hash;
    return row;
  });
  await tx.execute(sql`
    insert into audit_log (id, at, actor_person_id, actor_identity, action, entity_type, entity_id, stocktake_id, document_id, before, after, idempotency_key, prev_hash, hash)
    select u.id, u.at, u.actor_person_id, u.actor_identity, u.action, u.entity_type, u.entity_id, u.stocktake_id, u.document_id,
           u.before, u.after, u.idempotency_key, u.prev_hash, u.hash
    from ${unnestColumns([
      { values: rows.map((r) => r.id), type: 'bigint' },
      { values: rows.map((r) => r.at), type: 'timestamptz' },
      { values: rows.map((r) => r.actorPersonId), type: 'uuid' },
      { values: rows.map((r) => r.actorIdentity), type: 'text' },
      { values: rows.map((r) => r.action), type: 'text' },
      { values: rows.map((r) => r.entityType), type: 'text' },
      { values: rows.map((r) => r.entityId), type: 'text' },
      { values: rows.map((r) => r.stocktakeId), type: 'uuid' },
      { values: rows.map((r) => r.documentId), type: 'uuid' },
      { values: rows.map((r) => (r.before === null ? null : canonicalJson(r.before))), type: 'jsonb' },
      { values: rows.map((r) => (r.after === null ? null : canonicalJson(r.after))), type: 'jsonb' },
      { values: rows.map((r) => r.idempotencyKey), type: 'text' },
      { values: rows.map((r) => r.prevHash), type: 'text' },
      { values: rows.map((r) => r.hash), type: 'text' },
    ])} as u(id, at, actor_person_id, actor_identity, action, entity_type, entity_id, stocktake_id, document_id, before, after, idempotency_key, prev_hash, hash)`);
  // Every change is audited, so this is where it reaches the chats: in the same transaction.
  await projectChanges(tx, entries, actor.identity, answeredCard);
}

const AUDIT_COLUMNS = sql`id::text as id, ${isoText(sql`at`)} as at, actor_person_id as "actorPersonId", actor_identity as "actorIdentity",
  action, entity_type as "entityType", entity_id as "entityId", stocktake_id as "stocktakeId", document_id as "documentId",
  before, after, idempotency_key as "idempotencyKey", prev_hash as "prevHash", hash`;

/** Verifies the whole chain, reading it a page at a time so a long history never sits in memory. */
export async function verifyAudit(db: DbOrTx): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let after = -1n;
  for (;;) {
    const page = await queryRows<AuditRow & Record<string, unknown>>(
      db,
      sql`select ${AUDIT_COLUMNS} from audit_log where id > ${after.toString()}::bigint order by audit_log.id limit 5000`,
    );
    if (page.length === 0) break;
    for (const row of page) if (!verifier.push(row)) return verifier.result();
    after = BigInt(page[page.length - 1]!.id);
  }
  return verifier.result();
}

export async function auditHistory(db: DbOrTx, filter: { stocktakeId?: string; documentId?: string }): Promise<AuditRow[]> {
  const where = filter.documentId ? sql`document_id = ${filter.documentId}::uuid` : sql`stocktake_id = ${filter.stocktakeId!}::uuid`;
  return queryRows<AuditRow & Record<string, unknown>>(
    db,
    sql`select ${AUDIT_COLUMNS} from audit_log where ${where} order by audit_log.id`,
  );
}
