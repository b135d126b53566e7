import { sql } from 'drizzle-orm';
import { BULK_BATCH, unnestColumns } from '../../db/bulk.ts';
import type { Db } from '../../db/client.ts';
import { movement, onHand } from '../../db/schema/index.ts';
import { formatDecimal, QTY_SCALE } from '../domain/decimal.ts';
import { movementSignProblem, parseMovementKind, MOVEMENT_KINDS, type MovementKind } from '../domain/movement.ts';
import { ProblemList, readRecords } from '../files/records.ts';
import type { FileSource } from '../files/source.ts';
import { cellText, decimalCell, decimalProblem, openTable, timeCell, timeProblem } from '../files/table.ts';
import { lotProblem, lotTrackedSkus } from './lots.ts';
import { appendAudit, type AuditEntry } from './audit.ts';
import type { Actor } from '../domain/people.ts';
import { fileNotes, refuseIfInvalid, type ImportReport } from './importResult.ts';
import { knownSkus } from './skus.ts';
import { importTexts } from '../domain/texts/imports.ts';
import { getWarehouse, lockWarehouse, type Warehouse } from './warehouses.ts';

const MOVEMENT_COLUMNS = [
  { key: 'sku', required: true },
  { key: 'location', required: false },
  { key: 'lot', required: false },
  { key: 'qty', required: true },
  { key: 'kind', required: true },
  { key: 'ref', required: false },
  { key: 'occurredAt', required: true },
] as const;

interface MovementRow {
  sku: string;
  location: string;
  /** '' (or absent) for an item that is not lot-tracked. */
  lot?: string;
  qty: string;
  kind: MovementKind;
  ref: string | null;
  occurredAt: Date;
}

/**
 * Imports movements (sku, location, lot, signed qty, kind, ref, occurred_at) and changes on-hand by them in
 * the same transaction, so the book always equals its history. Movements recorded while a stocktake is
 * open are what its cut-off applies.
 */
export async function importMovements(
  db: Db,
  warehouseCode: string,
  source: FileSource,
  options: { skipInvalid?: boolean; sheet?: string; by?: Actor } = {},
): Promise<ImportReport & { warehouse: string }> {
  const wh = await getWarehouse(db, warehouseCode);
  const skus = await knownSkus(db);
  const lotTracked = await lotTrackedSkus(db);
  const table = await openTable(source, { sheet: options.sheet, columns: MOVEMENT_COLUMNS });
  const problems = new ProblemList();
  const rows: MovementRow[] = [];
  let rowsRead = 0;
  const now = Date.now();
  for await (const batch of readRecords(table, MOVEMENT_COLUMNS, problems, (row) => {
    rowsRead += 1;
    const sku = cellText(row.cell('sku'));
    if (!sku) row.problem('sku', importTexts.skuBlank());
    else if (!skus.has(sku)) row.problem('sku', importTexts.unknownSku(sku));
    const lot = cellText(row.cell('lot'));
    const wrongLot = sku && skus.has(sku) ? lotProblem(sku, lot, lotTracked) : null;
    if (wrongLot) row.problem(row.has('lot') ? 'lot' : 'sku', wrongLot);
    const kindText = cellText(row.cell('kind'));
    const kind = parseMovementKind(kindText);
    if (!kind) row.problem('kind', importTexts.movementKind(kindText, MOVEMENT_KINDS.join(', ')));
    const qty = decimalCell(row.cell('qty'), QTY_SCALE, { allowNegative: true });
    if (!qty.ok) row.problem('qty', decimalProblem('qty', qty));
    else if (kind) {
      const signProblem = movementSignProblem(kind, qty.value);
      if (signProblem) row.problem('qty', signProblem);
    }
    const at = timeCell(row.cell('occurredAt'), wh.timezone);
    if (!at.ok) row.problem('occurredAt', timeProblem('occurredAt', at));
    else if (at.value.getTime() > now + 10 * 60_000) row.problem('occurredAt', importTexts.occurredInFuture(at.value.toISOString()));
    if (!qty.ok || !kind || !at.ok) return null;
    const ref = cellText(row.cell('ref'));
    return {
      sku,
      location: cellText(row.cell('location')),
      lot,
      qty: formatDecimal(qty.value, QTY_SCALE),
      kind,
      ref: ref || null,
      occurredAt: at.value,
    };
  })) {
    for (const r of batch) rows.push(r.value);
  }
  refuseIfInvalid(table.name, problems, options.skipInvalid ?? false, rows.length);
  await recordMovements(
    db,
    wh,
    rows,
    options.by && {
      by: options.by,
      entry: {
        action: 'movements.imported',
        entityType: 'warehouse',
        entityId: wh.id,
        after: { warehouse: wh.code, file: table.name, rows: rows.length },
      },
    },
  );
  return {
    warehouse: wh.code,
    fileName: table.name,
    rowsRead,
    rowsAccepted: rows.length,
    rowsRejected: problems.invalidLines,
    problems: problems.all(),
    ...fileNotes(table, problems),
  };
}

/** Appends movements in the given order and applies them to on-hand, in one transaction. */
export async function recordMovements(
  db: Db,
  wh: Warehouse,
  rows: readonly MovementRow[],
  audit?: { by: Actor; entry: AuditEntry },
): Promise<void> {
  await db.transaction(async (tx) => {
    if (audit) await appendAudit(tx, audit.by, null, new Date(), [audit.entry]);
    // The warehouse lock orders this against a stocktake snapshot: the snapshot's watermark then either
    // includes all of these movements (and their effect on on-hand) or none of them.
    await lockWarehouse(tx, wh.id);
    for (let i = 0; i < rows.length; i += BULK_BATCH) {
      const chunk = rows.slice(i, i + BULK_BATCH);
      await tx.execute(sql`
        insert into ${movement} (warehouse_id, sku, location, lot, qty, kind, ref, occurred_at)
        select ${wh.id}::uuid, u.sku, u.location, u.lot, u.qty, u.kind::movement_kind, u.ref, u.occurred_at
        from ${unnestColumns([
          { values: chunk.map((r) => r.sku), type: 'text' },
          { values: chunk.map((r) => r.location), type: 'text' },
          { values: chunk.map((r) => r.lot ?? ''), type: 'text' },
          { values: chunk.map((r) => r.qty), type: 'numeric' },
          { values: chunk.map((r) => r.kind), type: 'text' },
          { values: chunk.map((r) => r.ref), type: 'text' },
          { values: chunk.map((r) => r.occurredAt.toISOString()), type: 'timestamptz' },
        ])} with ordinality as u(sku, location, lot, qty, kind, ref, occurred_at, ord)
        order by u.ord`);
      await tx.execute(sql`
        insert into ${onHand} (warehouse_id, sku, location, lot, qty)
        select ${wh.id}::uuid, u.sku, u.location, u.lot, sum(u.qty)
        from ${unnestColumns([
          { values: chunk.map((r) => r.sku), type: 'text' },
          { values: chunk.map((r) => r.location), type: 'text' },
          { values: chunk.map((r) => r.lot ?? ''), type: 'text' },
          { values: chunk.map((r) => r.qty), type: 'numeric' },
        ])} as u(sku, location, lot, qty)
        group by u.sku, u.location, u.lot
        on conflict (warehouse_id, sku, location, lot) do update set qty = on_hand.qty + excluded.qty, updated_at = now()`);
    }
  });
}
