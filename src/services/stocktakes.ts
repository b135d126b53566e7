import { eq, sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx, type Tx } from '../../db/client.ts';
import { stocktake, stocktakeLine, warehouse } from '../../db/schema/index.ts';
import { InvalidInputError, NotFoundError, StocktakeAlreadyOpenError, StocktakeStateError } from '../domain/errors.ts';
import type { Words } from '../domain/phrase.ts';
import { scopeSummary, type RecordedScope, type StocktakeScope } from '../domain/scope.ts';
import { scopeTexts } from '../domain/texts/scope.ts';
import { recordedScope, scopeCondition } from './scope.ts';
import { stocktakeStatusesZh, stocktakeTexts } from '../domain/texts/review.ts';
import { codeDay, isUuid, lineRef, stocktakeCode, type StocktakeStatus } from '../domain/stocktake.ts';
import { SUPERVISING_ROLES, type Actor } from '../domain/people.ts';
import { appendAudit, AuditWriter, OPERATOR } from './audit.ts';
import { emitEvent } from '../integration/events.ts';
import { requireRole } from './people.ts';
import { openReview } from './review.ts';
import { settleStocktakeStatus } from './documents.ts';
import { nextSequence } from './sequence.ts';
import { getWarehouse, lockWarehouse } from './warehouses.ts';

export interface StocktakeRef {
  id: string;
  code: string;
  status: StocktakeStatus;
  warehouseId: string;
  warehouseCode: string;
  timezone: string;
  snapshotAt: Date;
  movementWatermark: bigint;
  countingClosedAt: Date | null;
  /** A blind count (盲盘): see `showsBookFigures` for who sees book figures while counting. */
  blind: boolean;
  /**
   * A partial stocktake's scope; null for the whole warehouse. Without `classSkus` (thousands of items, read
   * on every command): src/services/scope.ts reads them in SQL where needed.
   */
  scope: RecordedScope | null;
}

export interface StartedStocktake {
  id: string;
  code: string;
  warehouse: string;
  status: StocktakeStatus;
  snapshotAt: string;
  bookLines: number;
  blind: boolean;
  /** Only for a partial stocktake: its scope, and the scope in words. */
  scope?: RecordedScope;
  scopeSummary?: Words;
}

/**
 * Starts a stocktake: freezes the warehouse's non-zero on-hand lines with their unit costs, and the id of
 * the last movement they contain. Refused while the warehouse has another open stocktake. `blind` starts
 * a blind count (盲盘): counters see no book figures until counting closes.
 */
export async function startStocktake(
  db: Db,
  warehouseCode: string,
  now = new Date(),
  by: Actor | null = null,
  options: {
    blind?: boolean;
    scope?: StocktakeScope | null;
    /** More work in the start's transaction (a cycle-count plan's announcement in the team chats). */
    within?: (tx: Tx, started: StartedStocktake) => Promise<void>;
  } = {},
): Promise<StartedStocktake> {
  const blind = options.blind ?? false;
  const wh = await getWarehouse(db, warehouseCode);
  // The ABC classes are resolved before the transaction: the classification reads its own.
  const scope = options.scope ? await recordedScope(db, wh.code, options.scope, now) : null;
  return db.transaction(async (tx) => {
    // Holding the warehouse lock, no movement can commit between the on-hand read and the watermark.
    await lockWarehouse(tx, wh.id);
    // A stocktake whose last postings ran at once and whose process died before settling it again still
    // says approving: settled here, under the lock no posting shares, it no longer blocks the next one.
    for (const o of await queryRows<{ id: string }>(
      tx,
      sql`select id::text as id from stocktake where warehouse_id = ${wh.id} and status in ('reviewing', 'approving')`,
    ))
      await settleStocktakeStatus(tx, o);
    const [open] = await tx
      .select({ code: stocktake.code })
      .from(stocktake)
      .where(sql`${stocktake.warehouseId} = ${wh.id} and ${stocktake.status} in ('counting', 'reviewing', 'approving')`);
    if (open) throw new StocktakeAlreadyOpenError(wh.code, open.code);
    const day = codeDay(now, wh.timezone);
    const code = stocktakeCode(day, await nextSequence(tx, `ST-${day}`));
    const [mark] = await queryRows<{ watermark: string }>(
      tx,
      sql`select coalesce(max(id), 0)::text as watermark from movement where warehouse_id = ${wh.id}`,
    );
    const [created] = await tx
      .insert(stocktake)
      .values({ code, warehouseId: wh.id, snapshotAt: now, movementWatermark: BigInt(mark!.watermark), blind, scope })
      .returning({ id: stocktake.id });
    const lines = await queryRows(
      tx,
      sql`insert into ${stocktakeLine} (stocktake_id, sku, location, lot, expiry, book_qty, unit_cost, in_book)
          select ${created!.id}::uuid, o.sku, o.location, o.lot, o.expiry, o.qty, i.unit_cost, true
          from on_hand o join item i on i.sku = o.sku
          where o.warehouse_id = ${wh.id} and o.qty <> 0
            and ${scope ? scopeCondition(scope, { sku: sql`o.sku`, location: sql`o.location`, category: sql`i.category` }) : sql`true`}
          returning 1`,
    );
    const summary = scopeSummary(scope);
    // A scope that covers nothing is a mistake (a typo in a location), not a count of nothing.
    if (summary && lines.length === 0) throw new InvalidInputError(scopeTexts.emptyScope(wh.code, summary.en, summary.zh));
    const started = {
      id: created!.id,
      code,
      warehouse: wh.code,
      status: 'counting' as const,
      snapshotAt: now.toISOString(),
      bookLines: lines.length,
      blind,
      ...(scope && summary ? { scope, scopeSummary: summary } : {}),
    };
    // Recorded as who started it (a chat user, an API caller); the local operator from the CLI.
    await appendAudit(tx, by ?? OPERATOR, null, now, [
      { action: 'stocktake.started', entityType: 'stocktake', entityId: created!.id, stocktakeId: created!.id, after: started },
    ]);
    if (options.within) await options.within(tx, started);
    return started;
  });
}

/** Finds a stocktake by its id or its code (ST-20261125-001, case-insensitive). */
export async function getStocktake(db: DbOrTx, idOrCode: string, options: { forUpdate?: boolean } = {}): Promise<StocktakeRef> {
  const key = idOrCode.trim();
  const where = isUuid(key) ? sql`s.id = ${key}::uuid` : sql`s.code = ${key.toUpperCase()}`;
  const [row] = await queryRows<{
    id: string;
    code: string;
    status: StocktakeStatus;
    warehouse_id: string;
    warehouse_code: string;
    timezone: string;
    snapshot_at: string;
    movement_watermark: string;
    counting_closed_at: string | null;
    blind: boolean;
    scope: RecordedScope | null;
  }>(
    db,
    sql`select s.id, s.code, s.status, s.warehouse_id, w.code as warehouse_code, w.timezone,
          ${isoText(sql`s.snapshot_at`)} as snapshot_at, s.movement_watermark::text, ${isoText(sql`s.counting_closed_at`)} as counting_closed_at, s.blind, s.scope - 'classSkus' as scope
        from stocktake s join warehouse w on w.id = s.warehouse_id
        where ${where} ${options.forUpdate ? sql`for update of s` : sql``}`,
  );
  if (!row) throw new NotFoundError('stocktake', key, stocktakeTexts.notFound(key));
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    warehouseId: row.warehouse_id,
    warehouseCode: row.warehouse_code,
    timezone: row.timezone,
    snapshotAt: new Date(row.snapshot_at),
    movementWatermark: BigInt(row.movement_watermark),
    countingClosedAt: row.counting_closed_at ? new Date(row.counting_closed_at) : null,
    blind: Boolean(row.blind),
    scope: row.scope ?? null,
  };
}

export function requireStatus(st: StocktakeRef, allowed: readonly StocktakeStatus[], action: string): void {
  if (!allowed.includes(st.status)) {
    throw new StocktakeStateError(
      stocktakeTexts.wrongStatus(action, st.code, st.status, allowed.join(' or '), stocktakeStatusesZh(allowed)),
    );
  }
}

export interface ClosedCounting {
  code: string;
  status: StocktakeStatus;
  countingClosedAt: string;
  /** Book lines nobody counted, now taken as counted zero by this explicit decision. */
  uncountedAsZero: number;
  /** Variances now waiting for review, and those confirmed automatically as within tolerance. */
  openVariances: number;
  autoConfirmed: number;
  /** The default owner of the variances (the warehouse's first supervisor), or null when it has none. */
  owner: string | null;
}

/**
 * Closes counting: book lines nobody counted are taken as zero (recorded as such, not silently), the
 * stocktake moves to review, and review opens (owners, due times, tolerance, suggestions). Refused while
 * any line is in conflict: a conflict needs a recount first. Without an actor it is the local operator
 * (the CLI without --as); with one, it needs a supervisor, manager or admin of the warehouse.
 */
export async function closeCounting(db: Db, idOrCode: string, options: { actor?: Actor; now?: Date } = {}): Promise<ClosedCounting> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const st = await getStocktake(tx, idOrCode, { forUpdate: true });
    // The role before the state: someone without one learns nothing about the stocktake.
    if (options.actor) await requireRole(tx, options.actor, st.warehouseId, st.warehouseCode, SUPERVISING_ROLES, 'close counting');
    requireStatus(st, ['counting'], 'close counting');
    const conflicts = await queryRows<{ sku: string; location: string; lot: string }>(
      tx,
      sql`select sku, location, lot from stocktake_line where stocktake_id = ${st.id} and count_status = 'conflict' order by sku, location, lot limit 21`,
    );
    if (conflicts.length > 0) {
      const listed = conflicts
        .slice(0, 20)
        .map((c) => (c.location || c.lot ? lineRef(c) : c.sku))
        .join(', ');
      const many = conflicts.length > 20;
      throw new StocktakeStateError(
        stocktakeTexts.conflictsOpen(
          st.code,
          many ? 'more than 20' : String(conflicts.length),
          many ? '超过 20' : String(conflicts.length),
          listed,
        ),
      );
    }
    const zeroed = await queryRows(
      tx,
      sql`update stocktake_line set counted_qty = 0, counted_at = ${now.toISOString()}::timestamptz
          where stocktake_id = ${st.id} and count_status = 'uncounted' returning 1`,
    );
    await tx
      .update(stocktake)
      .set({ status: 'reviewing', countingClosedAt: now })
      .where(sql`${stocktake.id} = ${st.id} and ${stocktake.status} = 'counting'`);
    const audit = new AuditWriter(tx, options.actor ?? OPERATOR, null, now);
    audit.add({
      action: 'stocktake.counting_closed',
      entityType: 'stocktake',
      entityId: st.id,
      stocktakeId: st.id,
      before: { status: 'counting' },
      after: { status: 'reviewing', uncountedAsZero: zeroed.length, countingClosedAt: now.toISOString() },
    });
    const review = await openReview(tx, { ...st, status: 'reviewing', countingClosedAt: now }, now, audit);
    await emitEvent(tx, { type: 'stocktake.closed', stocktakeId: st.id }, now);
    await audit.flush();
    return {
      code: st.code,
      status: 'reviewing' as const,
      countingClosedAt: now.toISOString(),
      uncountedAsZero: zeroed.length,
      openVariances: review.open,
      autoConfirmed: review.autoConfirmed,
      owner: review.owner,
    };
  });
}

export async function listStocktakes(
  db: DbOrTx,
): Promise<{ id: string; code: string; warehouse: string; timezone: string; status: StocktakeStatus; snapshotAt: Date; blind: boolean }[]> {
  return db
    .select({
      id: stocktake.id,
      code: stocktake.code,
      warehouse: warehouse.code,
      timezone: warehouse.timezone,
      status: stocktake.status,
      snapshotAt: stocktake.snapshotAt,
      blind: stocktake.blind,
    })
    .from(stocktake)
    .innerJoin(warehouse, eq(warehouse.id, stocktake.warehouseId))
    .orderBy(stocktake.createdAt);
}
