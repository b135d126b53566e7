import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { both } from '../../db/copy.ts';
import { emitEvent } from '../integration/events.ts';
import type { AuditWriter } from './audit.ts';
import { settleStocktake, type StocktakeStatusName } from './documents.ts';
import { shareWarehouse } from './warehouses.ts';

/**
 * Posts an approved document, inside the approving transaction: one ledger entry per line (the unique key
 * makes a second posting of a line impossible), on-hand changed by each line's delta — not overwritten
 * with the count, so movements made during review are kept — an adjustment movement per line so the
 * movement log still explains on-hand, the document and its lines marked posted, and audit entries.
 * Returns the stocktake's status as the lines call for it after the posting (see settleStocktake).
 */
export async function postDocument<T = undefined>(
  tx: DbOrTx,
  doc: { id: string; number: string; stocktakeId: string; warehouseId: string },
  st: { id: string },
  now: Date,
  audit: AuditWriter,
  /**
   * A read that goes out with the integration event's reads and the settling (one round trip on Postgres),
   * after the posting's writes: the document as the caller answers with it.
   */
  alongside?: () => Promise<T>,
): Promise<{ status: StocktakeStatusName; alongside: T }> {
  const at = now.toISOString();
  // The share lock first, so that every write runs under it; then the writes as one statement: none reads
  // what another writes (they read the document's lines and the lines' expiry, which none changes), so one
  // snapshot serves them all, and a statement costs Postgres and postgres.js about 0.1 ms whatever it does
  // (`npm run bench:writes`): one instead of five. Both go out in one round trip on Postgres, in order on PGlite.
  // On-hand changes per lot; a lot found only by the count (a gain) brings the expiry its line was counted with.
  const [, entries] = await both(
    tx,
    // Shares the lock snapshots and movement imports take alone: no adjustment movement commits between a
    // snapshot's read of on-hand and its watermark. Postings do not exclude each other.
    () => shareWarehouse(tx, doc.warehouseId),
    () =>
      queryRows<{ line_no: number; sku: string; location: string; lot: string; qty: string; value: string }>(
        tx,
        sql`
        with lines as (select * from document_line where document_id = ${doc.id}::uuid),
        ledger as (
          insert into ledger_entry (document_id, line_no, warehouse_id, sku, location, lot, qty, unit_cost, value, posted_at)
          select dl.document_id, dl.line_no, ${doc.warehouseId}::uuid, dl.sku, dl.location, dl.lot, dl.qty, dl.unit_cost, dl.value, ${at}::timestamptz
          from lines dl order by dl.line_no
          returning line_no, sku, location, lot, trim_scale(qty)::text as qty, value::text as value),
        stock as (
          insert into on_hand (warehouse_id, sku, location, lot, expiry, qty)
          select ${doc.warehouseId}::uuid, dl.sku, dl.location, dl.lot, max(l.expiry), sum(dl.qty)
          from lines dl
          left join stocktake_line l on l.stocktake_id = ${doc.stocktakeId}::uuid and l.sku = dl.sku and l.location = dl.location and l.lot = dl.lot
          group by dl.sku, dl.location, dl.lot
          on conflict (warehouse_id, sku, location, lot) do update set qty = on_hand.qty + excluded.qty,
            expiry = coalesce(on_hand.expiry, excluded.expiry), updated_at = now()),
        moved as (
          insert into movement (warehouse_id, sku, location, lot, qty, kind, ref, occurred_at)
          select ${doc.warehouseId}::uuid, dl.sku, dl.location, dl.lot, dl.qty, 'adjustment', ${doc.number}, ${at}::timestamptz
          from lines dl order by dl.line_no),
        posted_document as (
          update adjustment_document set status = 'posted', decided_at = ${at}::timestamptz where id = ${doc.id}::uuid and status = 'approving'),
        reviewed as (
          update stocktake_line l set review_status = 'posted'
          from lines dl
          where l.stocktake_id = ${doc.stocktakeId}::uuid and l.sku = dl.sku and l.location = dl.location and l.lot = dl.lot and l.review_status = 'documented')
        select * from ledger order by line_no`,
      ),
  );
  for (const e of entries) {
    audit.add({
      action: 'ledger.posted',
      entityType: 'ledger_entry',
      entityId: `${doc.number}/${e.line_no}`,
      stocktakeId: doc.stocktakeId,
      documentId: doc.id,
      after: { sku: e.sku, location: e.location, ...(e.lot ? { lot: e.lot } : {}), qty: e.qty, value: e.value },
    });
  }
  audit.add({
    action: 'document.posted',
    entityType: 'document',
    entityId: doc.id,
    stocktakeId: doc.stocktakeId,
    documentId: doc.id,
    before: { status: 'approving' },
    after: { status: 'posted', ledgerEntries: entries.length, postedAt: at },
  });
  // The event's reads, the settling of the stocktake's status and the caller's read go out together too.
  const [[, settled], read] = await both(
    tx,
    () =>
      both(
        tx,
        () => emitEvent(tx, { type: 'document.posted', documentId: doc.id }, now),
        () => settleStocktake(tx, st),
      ),
    () => (alongside ? alongside() : Promise.resolve(undefined as T)),
  );
  return { status: settled.status, alongside: read };
}
