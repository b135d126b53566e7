import { sql } from 'drizzle-orm';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { together } from '../../db/copy.ts';
import { queryRows, type DbOrTx, type Tx } from '../../db/client.ts';
import { projectChanges } from './outbox.ts';
import { canonicalJson, type AuditRow } from '../domain/audit.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  stocktakeId?: string | null;
  documentId?: string | null;
  /** The stocktake line a variance entry is about: not stored, but it tells which cards show the change. */
  line?: { sku: string; location: string; lot?: string };
  before?: unknown;
  after?: unknown;
}

/** The local operator: CLI commands run without --as (imports, starting and closing counting). */
export const OPERATOR = { personId: null, identity: 'cli' } as const;

/**
 * Collects a command's audit entries and appends them when the command is done. Appending takes no lock:
 * rows are inserted unsealed and the sealer (./auditSeal.ts) chains them in commit order, so writers
 * never queue behind one another.
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

/** Up to this many entries are inserted as rows of values, more as one unnest (see appendAudit). */
const FEW_ENTRIES = 4;

/**
 * Appends entries, unsealed: ids come from the identity, the chain position and hashes from the sealer.
 * Inside the caller's transaction, so the entries commit (and reach the chats) with the change.
 */
export async function appendAudit(
  tx: Tx,
  actor: { personId: string | null; identity: string },
  idempotencyKey: string | null,
  now: Date,
  entries: readonly AuditEntry[],
  answeredCard: string | null = null,
): Promise<void> {
  const at = now.toISOString();
  // Stored as jsonb, which keeps no undefined: normalised here so what is stored is what the sealer reads.
  const json = (v: unknown) => (v === undefined || v === null ? null : canonicalJson(JSON.parse(JSON.stringify(v))));
  const columns = sql`insert into audit_log (at, actor_person_id, actor_identity, action, entity_type, entity_id, stocktake_id, document_id, before, after, idempotency_key)`;
  // A command's few entries go in as rows of values: unnesting seven packed columns cost Postgres twice the
  // time of the row itself (0.057 against 0.031 ms a one-entry insert, measured with pg_stat_statements),
  // on the one statement every change runs. Many entries (a bulk command) are one unnest.
  const insert = () =>
    entries.length <= FEW_ENTRIES
      ? tx.execute(
          sql`${columns} values ${sql.join(
            entries.map(
              (e) =>
                sql`(${at}::timestamptz, ${actor.personId}::uuid, ${actor.identity}, ${e.action}, ${e.entityType}, ${e.entityId},
                   ${e.stocktakeId ?? null}::uuid, ${e.documentId ?? null}::uuid, ${json(e.before)}::jsonb, ${json(e.after)}::jsonb, ${idempotencyKey})`,
            ),
            sql`, `,
          )}`,
        )
      : tx.execute(sql`
    ${columns}
    select ${at}::timestamptz, ${actor.personId}::uuid, ${actor.identity}, u.action, u.entity_type, u.entity_id, u.stocktake_id, u.document_id,
           u.before, u.after, ${idempotencyKey}
    from ${unnestColumns([
      { values: entries.map((e) => e.action), type: 'text' },
      { values: entries.map((e) => e.entityType), type: 'text' },
      { values: entries.map((e) => e.entityId), type: 'text' },
      { values: entries.map((e) => e.stocktakeId ?? null), type: 'uuid' },
      { values: entries.map((e) => e.documentId ?? null), type: 'uuid' },
      { values: entries.map((e) => json(e.before)), type: 'jsonb' },
      { values: entries.map((e) => json(e.after)), type: 'jsonb' },
    ])} with ordinality as u(action, entity_type, entity_id, stocktake_id, document_id, before, after, ord)
    order by u.ord`);
  // Every change is audited, so this is where it reaches the chats: in the same transaction.
  await together(tx, insert, () => projectChanges(tx, entries, actor.identity, answeredCard));
}

/** The columns of a row as AuditRow; seq and hashes are null until sealed. */
export const AUDIT_COLUMNS = sql`id::text as id, ${isoText(sql`at`)} as at, actor_person_id as "actorPersonId", actor_identity as "actorIdentity",
  action, entity_type as "entityType", entity_id as "entityId", stocktake_id as "stocktakeId", document_id as "documentId",
  before, after, idempotency_key as "idempotencyKey", seq::text as seq, prev_hash as "prevHash", hash`;

/** A stocktake's or a document's entries, oldest first; unsealed ones have null seq and hashes. */
export type AuditHistoryRow = Omit<AuditRow, 'seq' | 'prevHash' | 'hash'> & {
  seq: string | null;
  prevHash: string | null;
  hash: string | null;
};

export async function auditHistory(
  db: DbOrTx,
  filter: { stocktakeId?: string; documentId?: string; entity?: { type: string; id: string } },
): Promise<AuditHistoryRow[]> {
  const where = filter.documentId
    ? sql`document_id = ${filter.documentId}::uuid`
    : sql`stocktake_id = ${filter.stocktakeId!}::uuid ${filter.entity ? sql`and entity_type = ${filter.entity.type} and entity_id = ${filter.entity.id}` : sql``}`;
  return queryRows<AuditHistoryRow & Record<string, unknown>>(
    db,
    sql`select ${AUDIT_COLUMNS} from audit_log where ${where} order by audit_log.id`,
  );
}
