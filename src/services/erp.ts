/**
 * ERP connectors of a warehouse (erp_connector) and the sync of posted documents to them: configure, test,
 * see each document's sync status, retry, and reconcile (posted documents not yet in the ERP). Sending
 * itself is the delivery worker's ('erp' target, src/integration/erp/index.ts); here we only read and
 * re-queue integration_delivery rows, in one transaction with their audit entries.
 */
import { sql, type SQL } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, NotFoundError, StaleCommandError } from '../domain/errors.ts';
import type { Actor } from '../domain/people.ts';
import { ERP_NAMES, erpTexts } from '../domain/texts/erp.ts';
import { CONFIG_SCHEMAS, ERP_KINDS, secretEnvNames, type ErpKind } from '../integration/erp/config.ts';
import { ErpError, testWith } from '../integration/erp/index.ts';
import type { Env } from '../integration/erp/secrets.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { resolveDocument } from './documents.ts';
import { rolesOf } from './people.ts';
import { getWarehouse } from './warehouses.ts';

export { ERP_KINDS, type ErpKind } from '../integration/erp/config.ts';

/** Who may retry a document's sync: its approvers and admins. */
const RETRY_ROLES = ['supervisor', 'finance', 'manager', 'admin'] as const;

export interface ErpConnectorView {
  id: string;
  warehouse: string;
  kind: ErpKind;
  active: boolean;
  /** As stored: nothing secret (credentials are named by environment variable). */
  config: Record<string, unknown>;
  /** The environment variables the configuration reads its credentials from. */
  credentialsFrom: string[];
  createdAt: string;
}

/** Where a document stands with one connector. */
export type SyncState = 'pending' | 'sending' | 'synced' | 'failed' | 'notQueued';

export interface DocumentSync {
  connectorId: string;
  kind: ErpKind;
  state: SyncState;
  /** The ERP's document number, once synced. */
  externalRef: string | null;
  /** The ERP's message of the last failed attempt. */
  lastError: string | null;
  attempts: number;
  syncedAt: string | null;
  nextAttemptAt: string | null;
}

export function parseErpKind(text: string): ErpKind {
  const kind = text.trim().toLowerCase();
  if (!(ERP_KINDS as readonly string[]).includes(kind)) throw new InvalidInputError(erpTexts.unknownKind(text));
  return kind as ErpKind;
}

/** Validates a connector configuration (JSON text or an object) for its kind. */
export function parseErpConfig(kind: ErpKind, input: unknown): Record<string, unknown> {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (error) {
      throw new InvalidInputError(erpTexts.configNotJson((error as Error).message));
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInputError(erpTexts.configNotJson(typeof raw));
  const parsed = CONFIG_SCHEMAS[kind].safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new InvalidInputError(erpTexts.configInvalid(kind, problems));
  }
  return parsed.data as Record<string, unknown>;
}

async function requireAdmin(db: DbOrTx, actor: Actor | null, warehouse: { id: string; code: string }): Promise<void> {
  if (!actor) return;
  const roles = await rolesOf(db, actor.personId, warehouse.id);
  if (!roles.has('admin')) throw new NotAllowedError(erpTexts.needsAdmin(actor.handle, warehouse.code));
}

const CONNECTOR_COLUMNS = sql`c.id, w.code as warehouse, c.kind, c.active, c.config, ${isoText(sql`c.created_at`)} as "createdAt"`;

function view(row: {
  id: string;
  warehouse: string;
  kind: ErpKind;
  active: boolean;
  config: unknown;
  createdAt: string;
}): ErpConnectorView {
  const config = (typeof row.config === 'string' ? JSON.parse(row.config) : row.config) as Record<string, unknown>;
  return {
    id: row.id,
    warehouse: row.warehouse,
    kind: row.kind,
    active: row.active,
    config,
    credentialsFrom: secretEnvNames(config),
    createdAt: row.createdAt,
  };
}

/** The connectors, of one warehouse or all; removed ones only with `includeRemoved`. */
export async function listErpConnectors(
  db: DbOrTx,
  filter: { warehouse?: string; includeRemoved?: boolean } = {},
): Promise<ErpConnectorView[]> {
  const rows = await queryRows<Parameters<typeof view>[0]>(
    db,
    sql`select ${CONNECTOR_COLUMNS} from erp_connector c join warehouse w on w.id = c.warehouse_id
        where true ${filter.warehouse ? sql`and w.code = ${filter.warehouse}` : sql``} ${filter.includeRemoved ? sql`` : sql`and c.active`}
        order by w.code, c.kind`,
  );
  return rows.map(view);
}

export async function getErpConnector(db: DbOrTx, warehouse: string, kind: ErpKind): Promise<ErpConnectorView> {
  const [row] = await queryRows<Parameters<typeof view>[0]>(
    db,
    sql`select ${CONNECTOR_COLUMNS} from erp_connector c join warehouse w on w.id = c.warehouse_id where w.code = ${warehouse} and c.kind = ${kind} and c.active`,
  );
  if (!row) throw new NotFoundError('ERP connector', `${warehouse}/${kind}`, erpTexts.noConnector(warehouse, kind));
  return view(row);
}

/**
 * Adds the warehouse's connector of an ERP, or replaces its configuration (one per warehouse and ERP).
 * `actor` must be an admin of the warehouse; null is the local operator (CLI without --as).
 */
export async function saveErpConnector(
  db: Db,
  actor: Actor | null,
  input: { warehouse: string; kind: string; config: unknown },
  now: Date = new Date(),
): Promise<ErpConnectorView> {
  const kind = parseErpKind(input.kind);
  const config = parseErpConfig(kind, input.config);
  return db.transaction(async (tx) => {
    const wh = await getWarehouse(tx, input.warehouse);
    await requireAdmin(tx, actor, wh);
    const [before] = await queryRows<{ config: unknown; active: boolean }>(
      tx,
      sql`select config, active from erp_connector where warehouse_id = ${wh.id}::uuid and kind = ${kind} for update`,
    );
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`insert into erp_connector (warehouse_id, kind, config, active, created_at) values (${wh.id}::uuid, ${kind}, ${JSON.stringify(config)}::jsonb, true, ${now.toISOString()}::timestamptz)
          on conflict (warehouse_id, kind) do update set config = excluded.config, active = true returning id`,
    );
    await appendAudit(tx, actor ?? OPERATOR, null, now, [
      {
        action: before ? 'erp.connector.changed' : 'erp.connector.added',
        entityType: 'erp_connector',
        entityId: row!.id,
        before: before ? { warehouse: wh.code, kind, active: before.active, config: before.config } : null,
        after: { warehouse: wh.code, kind, active: true, config },
      },
    ]);
    return getErpConnector(tx, wh.code, kind);
  });
}

/** Removes (deactivates) a connector: nothing more is queued for it; its deliveries stay as history. */
export async function removeErpConnector(
  db: Db,
  actor: Actor | null,
  input: { warehouse: string; kind: string },
  now: Date = new Date(),
): Promise<ErpConnectorView> {
  const kind = parseErpKind(input.kind);
  return db.transaction(async (tx) => {
    const wh = await getWarehouse(tx, input.warehouse);
    await requireAdmin(tx, actor, wh);
    const current = await getErpConnector(tx, wh.code, kind);
    await tx.execute(sql`update erp_connector set active = false where id = ${current.id}::uuid`);
    await appendAudit(tx, actor ?? OPERATOR, null, now, [
      {
        action: 'erp.connector.removed',
        entityType: 'erp_connector',
        entityId: current.id,
        before: { warehouse: wh.code, kind, active: true },
        after: { active: false },
      },
    ]);
    return { ...current, active: false };
  });
}

/** Logs in to the ERP with the stored configuration (U8: writes a probe file); the ERP's own message on failure. */
export async function testErpConnector(
  db: DbOrTx,
  actor: Actor | null,
  input: { warehouse: string; kind: string },
  env: Env = process.env,
): Promise<{ ok: boolean; message: string }> {
  const kind = parseErpKind(input.kind);
  const wh = await getWarehouse(db, input.warehouse);
  await requireAdmin(db, actor, wh);
  const connector = await getErpConnector(db, wh.code, kind);
  try {
    return { ok: true, message: await testWith(kind, connector.config, env) };
  } catch (error) {
    if (error instanceof ErpError) return { ok: false, message: error.message };
    throw error;
  }
}

/** The latest delivery of a document's posting event to connector `c`, joined laterally. */
const latestDelivery = (documentId: SQL) => sql`
  left join lateral (
    select d.id, d.status::text as status, d.attempts, d.last_error, d.external_ref, d.delivered_at, d.next_attempt_at
    from integration_delivery d join integration_event e on e.seq = d.event_seq
    where d.target = 'erp' and d.target_id = c.id and d.subject = (${documentId})::text and e.type = 'document.posted'
    order by d.id desc limit 1) d on true`;

interface SyncRow {
  connector_id: string;
  kind: ErpKind;
  status: string | null;
  attempts: number | null;
  last_error: string | null;
  external_ref: string | null;
  delivered_at: string | null;
  next_attempt_at: string | null;
}

function syncOf(r: SyncRow): DocumentSync {
  const state: SyncState =
    r.status === null
      ? 'notQueued'
      : r.status === 'delivered'
        ? 'synced'
        : r.status === 'failed'
          ? 'failed'
          : r.status === 'sending'
            ? 'sending'
            : 'pending';
  return {
    connectorId: r.connector_id,
    kind: r.kind,
    state,
    externalRef: r.external_ref,
    lastError: r.last_error,
    attempts: Number(r.attempts ?? 0),
    syncedAt: r.delivered_at,
    nextAttemptAt: state === 'pending' ? r.next_attempt_at : null,
  };
}

/**
 * A posted document's sync with each ERP connector of its warehouse (active ones, and removed ones it was
 * queued for); empty for a document that is not posted or a warehouse without connectors.
 */
export async function documentSync(db: DbOrTx, documentId: string): Promise<DocumentSync[]> {
  const rows = await queryRows<SyncRow>(
    db,
    sql`select c.id as connector_id, c.kind, d.status, d.attempts, d.last_error, d.external_ref,
          ${isoText(sql`d.delivered_at`)} as delivered_at, ${isoText(sql`d.next_attempt_at`)} as next_attempt_at
        from adjustment_document doc
        join erp_connector c on c.warehouse_id = doc.warehouse_id
        ${latestDelivery(sql`doc.id`)}
        where doc.id = ${documentId}::uuid and doc.status = 'posted' and (c.active or d.id is not null)
        order by c.kind`,
  );
  return rows.map(syncOf);
}

export interface UnsyncedDocument extends DocumentSync {
  warehouse: string;
  document: string;
  documentId: string;
  postedAt: string;
}

/**
 * Reconciliation: posted documents not (yet) in an ERP, per warehouse and connector: waiting, failed, or
 * never queued. Documents posted before the connector was added count only with `includeEarlier`.
 */
export async function unsyncedDocuments(
  db: DbOrTx,
  filter: { warehouse?: string; kind?: ErpKind; includeEarlier?: boolean } = {},
): Promise<UnsyncedDocument[]> {
  const rows = await queryRows<SyncRow & { warehouse: string; document: string; document_id: string; posted_at: string }>(
    db,
    sql`select w.code as warehouse, doc.number as document, doc.id as document_id, ${isoText(sql`doc.decided_at`)} as posted_at,
          c.id as connector_id, c.kind, d.status, d.attempts, d.last_error, d.external_ref,
          ${isoText(sql`d.delivered_at`)} as delivered_at, ${isoText(sql`d.next_attempt_at`)} as next_attempt_at
        from adjustment_document doc
        join warehouse w on w.id = doc.warehouse_id
        join erp_connector c on c.warehouse_id = doc.warehouse_id and c.active
        ${latestDelivery(sql`doc.id`)}
        where doc.status = 'posted' and (d.status is null or d.status <> 'delivered')
          ${filter.includeEarlier ? sql`` : sql`and doc.decided_at >= c.created_at`}
          ${filter.warehouse ? sql`and w.code = ${filter.warehouse}` : sql``}
          ${filter.kind ? sql`and c.kind = ${filter.kind}` : sql``}
        order by w.code, c.kind, doc.decided_at, doc.number`,
  );
  return rows.map((r) => ({
    ...syncOf(r),
    warehouse: r.warehouse,
    document: r.document,
    documentId: r.document_id,
    postedAt: r.posted_at,
  }));
}

export interface ConnectorStatus {
  warehouse: string;
  kind: ErpKind;
  pending: number;
  synced: number;
  failed: number;
  notQueued: number;
  lastError: string | null;
}

/** Per active connector: how many posted documents are synced, waiting, failed or not queued, and the latest error. */
export async function erpStatus(db: DbOrTx, filter: { warehouse?: string } = {}): Promise<ConnectorStatus[]> {
  const rows = await queryRows<{ warehouse: string; kind: ErpKind; status: string | null; n: string; last_error: string | null }>(
    db,
    sql`select w.code as warehouse, c.kind, d.status, count(*)::text as n,
          (array_agg(d.last_error order by d.id desc) filter (where d.last_error is not null and d.status <> 'delivered'))[1] as last_error
        from erp_connector c
        join warehouse w on w.id = c.warehouse_id
        join adjustment_document doc on doc.warehouse_id = c.warehouse_id and doc.status = 'posted' and doc.decided_at >= c.created_at
        ${latestDelivery(sql`doc.id`)}
        where c.active ${filter.warehouse ? sql`and w.code = ${filter.warehouse}` : sql``}
        group by w.code, c.kind, d.status`,
  );
  const out = new Map<string, ConnectorStatus>();
  for (const c of await listErpConnectors(db, filter)) {
    out.set(`${c.warehouse}/${c.kind}`, {
      warehouse: c.warehouse,
      kind: c.kind,
      pending: 0,
      synced: 0,
      failed: 0,
      notQueued: 0,
      lastError: null,
    });
  }
  for (const r of rows) {
    const s = out.get(`${r.warehouse}/${r.kind}`);
    if (!s) continue;
    const n = Number(r.n);
    if (r.status === null) s.notQueued += n;
    else if (r.status === 'delivered') s.synced += n;
    else if (r.status === 'failed') s.failed += n;
    else s.pending += n;
    if (r.last_error && (r.status === 'failed' || !s.lastError)) s.lastError = r.last_error;
  }
  return [...out.values()];
}

/**
 * Queues a posted document's sync again, for every active connector of its warehouse (or one ERP) that has
 * not synced it: a failed or waiting delivery is due now with fresh attempts; a connector it was never
 * queued for gets a delivery of the document's posting event. `actor` must be an approver or admin of the
 * warehouse (null: the local operator). Answers the sync status after the change.
 */
export async function retryDocumentSync(
  db: Db,
  actor: Actor | null,
  input: { document: string; kind?: string },
  now: Date = new Date(),
): Promise<{ document: string; retried: number; sync: DocumentSync[] }> {
  const kind = input.kind ? parseErpKind(input.kind) : undefined;
  return db.transaction(async (tx) => {
    // Locks the document: two retries at once queue one delivery.
    const doc = await resolveDocument(tx, input.document, { forUpdate: true, ...(actor ? { actor } : {}) });
    const [wh] = await queryRows<{ code: string }>(tx, sql`select code from warehouse where id = ${doc.warehouseId}::uuid`);
    if (actor) {
      const roles = await rolesOf(tx, actor.personId, doc.warehouseId);
      if (!RETRY_ROLES.some((r) => roles.has(r))) throw new NotAllowedError(erpTexts.needsApprover(actor.handle, doc.number));
    }
    if (doc.status !== 'posted') throw new InvalidInputError(erpTexts.notPosted(doc.number, doc.status));
    const before = (await documentSync(tx, doc.id)).filter((s) => (kind ? s.kind === kind : true));
    const connectors = await listErpConnectors(tx, { warehouse: wh!.code });
    const targets = before.filter((s) => s.state !== 'synced' && connectors.some((c) => c.id === s.connectorId));
    if (kind && !connectors.some((c) => c.kind === kind))
      throw new NotFoundError('ERP connector', `${wh!.code}/${kind}`, erpTexts.noConnector(wh!.code, kind));
    if (connectors.length === 0) throw new InvalidInputError(erpTexts.noConnectors(wh!.code));
    if (targets.length === 0) {
      const refs = before.map((s) => `${ERP_NAMES[s.kind].en} ${s.externalRef ?? ''}`.trim()).join(', ');
      throw new StaleCommandError(erpTexts.alreadySynced(doc.number, refs));
    }
    const [event] = await queryRows<{ seq: string }>(
      tx,
      sql`select seq::text as seq from integration_event where subject = ${doc.id} and type = 'document.posted' order by seq desc limit 1`,
    );
    // Due by the database's clock, which the worker compares with (an app server's clock may run ahead).
    for (const t of targets) {
      if (t.state === 'notQueued') {
        if (!event) throw new InvalidInputError(erpTexts.noEvent(doc.number));
        await tx.execute(sql`insert into integration_delivery (event_seq, subject, target, target_id, status, next_attempt_at)
                             values (${event.seq}::bigint, ${doc.id}, 'erp', ${t.connectorId}::uuid, 'pending', now())
                             on conflict (event_seq, target, target_id) do update set status = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at, claimed_until = null
                             where integration_delivery.status <> 'delivered'`);
      } else {
        // 'sending' is left to the worker holding it: its answer decides.
        await tx.execute(sql`update integration_delivery d set status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = null
                             from integration_event e
                             where e.seq = d.event_seq and e.type = 'document.posted' and d.target = 'erp' and d.target_id = ${t.connectorId}::uuid
                               and d.subject = ${doc.id} and d.status in ('failed', 'pending')`);
      }
    }
    await appendAudit(tx, actor ?? OPERATOR, null, now, [
      {
        action: 'erp.sync.retried',
        entityType: 'document',
        entityId: doc.id,
        stocktakeId: doc.stocktakeId,
        documentId: doc.id,
        before: targets.map((t) => ({ erp: t.kind, state: t.state, lastError: t.lastError })),
        after: targets.map((t) => ({ erp: t.kind, state: 'pending' })),
      },
    ]);
    return { document: doc.number, retried: targets.length, sync: await documentSync(tx, doc.id) };
  });
}

/** Queues every failed ERP delivery again (of one warehouse or ERP); answers how many. */
export async function retryFailedSyncs(
  db: Db,
  actor: Actor | null,
  filter: { warehouse?: string; kind?: string } = {},
  now: Date = new Date(),
): Promise<number> {
  const kind = filter.kind ? parseErpKind(filter.kind) : undefined;
  return db.transaction(async (tx) => {
    if (filter.warehouse) await requireAdmin(tx, actor, await getWarehouse(tx, filter.warehouse));
    else if (actor) {
      const admin = await queryRows(tx, sql`select 1 from role_grant where person_id = ${actor.personId}::uuid and role = 'admin' limit 1`);
      if (admin.length === 0) throw new NotAllowedError(erpTexts.needsAdmin(actor.handle, '*'));
    }
    const rows = await queryRows<{ id: string; subject: string; kind: string }>(
      tx,
      sql`update integration_delivery d set status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = null
          from erp_connector c join warehouse w on w.id = c.warehouse_id
          where d.target = 'erp' and d.target_id = c.id and d.status = 'failed' and c.active
            ${filter.warehouse ? sql`and w.code = ${filter.warehouse}` : sql``} ${kind ? sql`and c.kind = ${kind}` : sql``}
          returning d.id::text as id, d.subject, c.kind::text as kind`,
    );
    if (rows.length) {
      await appendAudit(
        tx,
        actor ?? OPERATOR,
        null,
        now,
        rows.map((r) => ({
          action: 'erp.sync.retried',
          entityType: 'document',
          entityId: r.subject,
          documentId: r.subject,
          before: { erp: r.kind, state: 'failed' },
          after: { erp: r.kind, state: 'pending' },
        })),
      );
    }
    return rows.length;
  });
}
