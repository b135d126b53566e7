/**
 * Integration events: written in the transaction of the change they report (a rolled-back change leaves
 * no event), each with one integration_delivery row per target that wants it. The delivery worker
 * (delivery.ts) sends them afterwards; nothing here talks to the network.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { DocumentLineRow } from '../services/documents.ts';
import { localDay } from '../domain/time.ts';
import {
  PAYLOAD_VERSION,
  type DocumentData,
  type DocumentLinePayload,
  type DocumentPayload,
  type IntegrationEnvelope,
  type IntegrationEventType,
  type StocktakeData,
} from './payload.ts';

export type DocumentEventType = Exclude<IntegrationEventType, 'stocktake.closed'>;

export type EventSubject = { type: DocumentEventType; documentId: string } | { type: 'stocktake.closed'; stocktakeId: string };

export interface EmittedEvent {
  seq: string;
  id: string;
  /** Deliveries queued for it (webhook subscriptions and, for document.posted, ERP connectors). */
  deliveries: number;
}

/** A new event id: `evt_` and 32 hex digits (no '.', which the signed content `{id}.{timestamp}.{body}` reserves). */
export const newEventId = () => `evt_${randomUUID().replaceAll('-', '')}`;

/**
 * Writes an integration event about a document or a stocktake, as it stands inside `tx`, and queues a
 * delivery for each matching target: every active webhook subscription of the warehouse (or of every
 * warehouse) whose event types are empty or include the type, and for document.posted every active ERP
 * connector of the warehouse. Call it after the change's own writes, in the same transaction.
 *
 * @example await emitEvent(tx, { type: 'document.posted', documentId: doc.id }, now);
 */
export async function emitEvent(tx: DbOrTx, subject: EventSubject, now: Date): Promise<EmittedEvent> {
  const built =
    subject.type === 'stocktake.closed'
      ? await stocktakeEnvelope(tx, subject.stocktakeId, now)
      : await documentEnvelope(tx, subject.type, subject.documentId, now);
  const [row] = await queryRows<{ seq: string; deliveries: number }>(
    tx,
    sql`with event as (
          insert into integration_event (id, warehouse_id, type, subject, payload, created_at)
          values (${built.envelope.id}, ${built.warehouseId}::uuid, ${subject.type}, ${built.subject}, ${JSON.stringify(built.envelope)}::jsonb, ${now.toISOString()}::timestamptz)
          returning seq),
        targets as (
          select 'webhook' as target, s.id as target_id from webhook_subscription s
          where s.active and (s.warehouse_id is null or s.warehouse_id = ${built.warehouseId}::uuid)
            and (cardinality(s.event_types) = 0 or ${subject.type} = any(s.event_types))
          union all
          select 'erp', c.id from erp_connector c
          where ${subject.type} = 'document.posted' and c.active and c.warehouse_id = ${built.warehouseId}::uuid),
        queued as (
          insert into integration_delivery (event_seq, subject, target, target_id, next_attempt_at)
          select event.seq, ${built.subject}, t.target::delivery_target, t.target_id, ${now.toISOString()}::timestamptz
          from event, targets t order by t.target, t.target_id
          returning 1)
        select (select seq::text from event) as seq, (select count(*)::int from queued) as deliveries`,
  );
  return { seq: row!.seq, id: built.envelope.id, deliveries: Number(row!.deliveries) };
}

interface Built<T> {
  warehouseId: string;
  subject: string;
  envelope: IntegrationEnvelope<T>;
}

async function stocktakeEnvelope(tx: DbOrTx, stocktakeId: string, now: Date): Promise<Built<StocktakeData>> {
  const [st] = await queryRows<{
    id: string;
    code: string;
    status: string;
    closed_at: string | null;
    warehouse_id: string;
    warehouse: string;
  }>(
    tx,
    sql`select s.id::text as id, s.code, s.status::text as status, ${isoText(sql`s.counting_closed_at`)} as closed_at,
          s.warehouse_id::text as warehouse_id, w.code as warehouse
        from stocktake s join warehouse w on w.id = s.warehouse_id where s.id = ${stocktakeId}::uuid`,
  );
  if (!st) throw new Error(`integration event for a stocktake that does not exist: ${stocktakeId}`);
  return {
    warehouseId: st.warehouse_id,
    subject: st.id,
    envelope: {
      id: newEventId(),
      type: 'stocktake.closed',
      version: PAYLOAD_VERSION,
      timestamp: now.toISOString(),
      warehouse: st.warehouse,
      data: { stocktake: { id: st.id, code: st.code, status: st.status, closedAt: st.closed_at } },
    },
  };
}

/**
 * The document as the payload shows it: its header, its approved steps, and its lines (one query, with
 * item, frozen book line, cause, account and evidence photos joined).
 */
export async function documentPayload(tx: DbOrTx, documentId: string): Promise<{ warehouseId: string; document: DocumentPayload }> {
  type LineRow = DocumentLineRow & {
    name: string | null;
    unit: string | null;
    expiry: string | null;
    book_qty: string | null;
    counted_qty: string | null;
    account: string | null;
    cost_centre: string | null;
    photos: string[] | null;
  };
  type DocumentRow = {
    id: string;
    number: string;
    kind: 'gain' | 'loss';
    status: DocumentPayload['status'];
    warehouse_id: string;
    warehouse: string;
    timezone: string;
    stocktake: string;
    stocktake_id: string;
    posted_at: string | null;
    currency: string;
    total_qty: string;
    total_value: string;
    submitted_by: string;
    steps: { step_no: number; role: string; handle: string | null; decided_at: string }[];
    lines: LineRow[];
  };
  // The header, its approved steps and its lines in one statement (the steps and lines as json_agg, every
  // figure already text): three statements had been three of every posting's twenty-five.
  const [d] = await queryRows<DocumentRow>(
    tx,
    sql`select d.id::text as id, d.number, d.kind, d.status::text as status, d.warehouse_id::text as warehouse_id, w.code as warehouse, w.timezone,
          s.code as stocktake, s.id::text as stocktake_id,
          case when d.status = 'posted' then ${isoText(sql`d.decided_at`)} end as posted_at,
          d.currency, trim_scale(d.total_qty)::text as total_qty, d.total_value::text as total_value, coalesce(p.handle, '') as submitted_by,
          coalesce((select json_agg(json_build_object('step_no', a.step_no, 'role', a.role::text, 'handle', ap.handle,
                      'decided_at', ${isoText(sql`a.decided_at`)}) order by a.step_no)
                    from approval_step a left join person ap on ap.id = a.decided_by
                    where a.document_id = d.id and a.status = 'approved'), '[]'::json) as steps,
          coalesce((select json_agg(json_build_object('line_no', dl.line_no, 'sku', dl.sku, 'name', i.name, 'unit', i.unit,
                      'location', dl.location, 'lot', dl.lot, 'expiry', sl.expiry::text,
                      'book_qty', trim_scale(sl.book_qty)::text, 'counted_qty', trim_scale(sl.counted_qty)::text,
                      'qty', trim_scale(dl.qty)::text, 'unit_cost', trim_scale(dl.unit_cost)::text, 'value', dl.value::text,
                      'cause_code', dl.cause_code, 'label_en', c.label_en, 'label_zh', c.label_zh, 'note', dl.note,
                      'account', dl.account, 'cost_centre', dl.cost_centre,
                      'photos', (select json_agg(e.photo_sha256 order by e.added_at, e.id) from evidence_photo e
                                 where e.stocktake_id = d.stocktake_id and e.sku = dl.sku and e.location = dl.location and e.lot = dl.lot))
                      order by dl.line_no)
                    from document_line dl
                    left join item i on i.sku = dl.sku
                    left join stocktake_line sl on sl.stocktake_id = d.stocktake_id and sl.sku = dl.sku and sl.location = dl.location and sl.lot = dl.lot
                    left join cause c on c.code = dl.cause_code
                    where dl.document_id = d.id), '[]'::json) as lines
        from adjustment_document d
        join warehouse w on w.id = d.warehouse_id
        join stocktake s on s.id = d.stocktake_id
        left join person p on p.id = d.submitted_by
        where d.id = ${documentId}::uuid`,
  );
  if (!d) throw new Error(`integration event for a document that does not exist: ${documentId}`);
  const linePayloads: DocumentLinePayload[] = d.lines.map((l) => ({
    lineNo: Number(l.line_no),
    sku: l.sku,
    name: l.name ?? '',
    unit: l.unit ?? '',
    location: l.location,
    lot: l.lot,
    expiry: l.expiry,
    bookQty: l.book_qty ?? '0',
    countedQty: l.counted_qty ?? '0',
    qtyDelta: l.qty,
    unitCost: l.unit_cost,
    value: l.value,
    causeCode: l.cause_code,
    causeLabel: { en: l.label_en ?? l.cause_code, zh: l.label_zh ?? l.cause_code },
    note: l.note,
    account: l.account,
    costCentre: l.cost_centre,
    photos: l.photos ?? [],
  }));
  return {
    warehouseId: d.warehouse_id,
    document: {
      id: d.id,
      number: d.number,
      type: d.kind,
      status: d.status,
      warehouse: d.warehouse,
      stocktake: d.stocktake,
      postingDate: d.posted_at ? localDay(new Date(d.posted_at), d.timezone) : null,
      postedAt: d.posted_at,
      currency: d.currency,
      totalQty: d.total_qty,
      totalValue: d.total_value,
      submittedBy: d.submitted_by,
      approvers: d.steps.map((s) => ({ step: Number(s.step_no), role: s.role, person: s.handle ?? '', decidedAt: s.decided_at })),
      lines: linePayloads,
    },
  };
}

async function documentEnvelope(tx: DbOrTx, type: DocumentEventType, documentId: string, now: Date): Promise<Built<DocumentData>> {
  const { warehouseId, document } = await documentPayload(tx, documentId);
  return {
    warehouseId,
    subject: document.id,
    envelope: {
      id: newEventId(),
      type,
      version: PAYLOAD_VERSION,
      timestamp: now.toISOString(),
      warehouse: document.warehouse,
      data: { document },
    },
  };
}
