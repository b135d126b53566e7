/**
 * ERP sync in tests: posted documents (WH1's gain and loss from submittedStocktake, approved by sue), and
 * a minimal stand-in for the integration events and the delivery worker (src/integration/delivery.ts on
 * branch `events`): `emitPosted` writes a document.posted event with the payload v1 and a delivery per
 * active ERP connector, as emitEvent does; `runErpDeliveries` hands due deliveries to the handler
 * registered through registerErpTarget and records the outcome as the worker does.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { registerErpTarget, type ErpDeliveryHandler, type ErpError } from '../../src/integration/erp/index.ts';
import type { DocumentPayload, IntegrationEnvelope } from '../../src/integration/payload.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { submittedStocktake } from './flow.ts';

/**
 * WH1's gain (PY, A-200@R2 +1) and loss (PK, A-100@R1 −10, C-400@R4 −2), posted by sue; `beforePosting`
 * runs once WH1 exists (to add connectors, as an admin would before the documents are approved).
 */
export async function postedDocuments(db: Db, beforePosting: () => Promise<unknown> = async () => {}) {
  const { st, people, documents } = await submittedStocktake(db);
  await beforePosting();
  for (const d of documents) await approveDocument(db, people.sue, { document: d.number });
  const gain = documents.find((d) => d.kind === 'gain')!;
  const loss = documents.find((d) => d.kind === 'loss')!;
  return { st, people, gain, loss };
}

/** The payload v1 of a posted document (the events branch builds it in emitEvent; this is the tests' copy). */
export async function payloadOf(db: Db, documentId: string): Promise<DocumentPayload> {
  const [doc] = await queryRows<any>(
    db,
    sql`select d.id, d.number, d.kind, d.status, w.code as warehouse, w.timezone, s.code as stocktake, d.currency,
          trim_scale(d.total_qty)::text as total_qty, d.total_value::text as total_value, p.handle as submitted_by,
          to_char(d.decided_at at time zone w.timezone, 'YYYY-MM-DD') as posting_date,
          to_char(d.decided_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as posted_at
        from adjustment_document d join warehouse w on w.id = d.warehouse_id join stocktake s on s.id = d.stocktake_id
        left join person p on p.id = d.submitted_by where d.id = ${documentId}::uuid`,
  );
  const lines = await queryRows<any>(
    db,
    sql`select dl.line_no, dl.sku, i.name, i.unit, dl.location, dl.lot, l.expiry::text as expiry,
          trim_scale(l.book_qty)::text as book_qty, trim_scale(l.counted_qty)::text as counted_qty, trim_scale(dl.qty)::text as qty,
          trim_scale(dl.unit_cost)::text as unit_cost, dl.value::text as value, dl.cause_code, c.label_en, c.label_zh, dl.note, dl.account, dl.cost_centre
        from document_line dl join adjustment_document d on d.id = dl.document_id
        join item i on i.sku = dl.sku left join cause c on c.code = dl.cause_code
        left join stocktake_line l on l.stocktake_id = d.stocktake_id and l.sku = dl.sku and l.location = dl.location and l.lot = dl.lot
        where dl.document_id = ${documentId}::uuid order by dl.line_no`,
  );
  return {
    id: doc.id,
    number: doc.number,
    type: doc.kind,
    status: doc.status,
    warehouse: doc.warehouse,
    stocktake: doc.stocktake,
    postingDate: doc.posting_date,
    postedAt: doc.posted_at,
    currency: doc.currency,
    totalQty: doc.total_qty,
    totalValue: doc.total_value,
    submittedBy: doc.submitted_by ?? '',
    approvers: [],
    lines: lines.map((l) => ({
      lineNo: Number(l.line_no),
      sku: l.sku,
      name: l.name,
      unit: l.unit,
      location: l.location,
      lot: l.lot,
      expiry: l.expiry,
      bookQty: l.book_qty,
      countedQty: l.counted_qty,
      qtyDelta: l.qty,
      unitCost: l.unit_cost,
      value: l.value,
      causeCode: l.cause_code,
      causeLabel: { en: l.label_en ?? l.cause_code, zh: l.label_zh ?? l.cause_code },
      note: l.note,
      account: l.account,
      costCentre: l.cost_centre,
      photos: [],
    })),
  };
}

/** A document.posted event for each document and a delivery per active ERP connector of its warehouse (unless posting wrote one). */
export async function emitPosted(db: Db, documentIds: string[]): Promise<void> {
  for (const id of documentIds) {
    // Once posting writes the event itself (src/integration/events.ts), this adds nothing.
    const [written] = await queryRows(db, sql`select 1 from integration_event where subject = ${id} and type = 'document.posted'`);
    if (written) continue;
    const document = await payloadOf(db, id);
    const envelope: IntegrationEnvelope = {
      id: `evt_${randomUUID()}`,
      type: 'document.posted',
      version: 1,
      timestamp: document.postedAt!,
      warehouse: document.warehouse,
      data: { document },
    };
    const [event] = await queryRows<{ seq: string }>(
      db,
      sql`insert into integration_event (id, warehouse_id, type, subject, payload)
          select ${envelope.id}, warehouse_id, 'document.posted', ${id}, ${JSON.stringify(envelope)}::jsonb from adjustment_document where id = ${id}::uuid
          returning seq::text as seq`,
    );
    await db.execute(sql`insert into integration_delivery (event_seq, subject, target, target_id)
                         select ${event!.seq}::bigint, ${id}, 'erp', c.id from erp_connector c join adjustment_document d on d.warehouse_id = c.warehouse_id
                         where d.id = ${id}::uuid and c.active`);
  }
}

/** The handler registered for 'erp', through the same function the app calls. */
export function erpHandler(): ErpDeliveryHandler {
  let handler: ErpDeliveryHandler | null = null;
  registerErpTarget((target, h) => {
    if (target === 'erp') handler = h;
  });
  return handler!;
}

/**
 * Sends every due ERP delivery once, oldest first: delivered with the external ref, or the ERP's message in
 * last_error, `failed` when retrying cannot help and due again in a minute when it can.
 */
export async function runErpDeliveries(db: Db): Promise<number> {
  const handler = erpHandler();
  const due = await queryRows<any>(
    db,
    sql`select d.id::text as id, d.target_id, e.seq::text as seq, e.id as event_id, e.type, e.subject, e.warehouse_id, e.payload
        from integration_delivery d join integration_event e on e.seq = d.event_seq
        where d.target = 'erp' and d.status = 'pending' and d.next_attempt_at <= now() order by d.id`,
  );
  for (const d of due) {
    try {
      const result = await handler({
        db,
        event: { seq: d.seq, id: d.event_id, type: d.type, subject: d.subject, warehouseId: d.warehouse_id, payload: d.payload },
        targetId: d.target_id,
      });
      await db.execute(sql`update integration_delivery set status = 'delivered', attempts = attempts + 1, external_ref = ${result.externalRef ?? null},
                           last_error = null, delivered_at = now() where id = ${d.id}::bigint`);
    } catch (error) {
      const retryable = (error as ErpError).retryable === true;
      await db.execute(sql`update integration_delivery set attempts = attempts + 1, last_error = ${(error as Error).message},
                           status = ${retryable ? 'pending' : 'failed'}::delivery_status, next_attempt_at = now() + interval '1 minute' where id = ${d.id}::bigint`);
    }
  }
  return due.length;
}
