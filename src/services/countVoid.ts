/**
 * Voiding a count import (作废盘点表): a sheet sent by mistake, or a location's scans, stops counting while
 * counting is open. Its rows stay as evidence, marked void; every line it covered is derived again from the
 * entries that remain, by the same rule an import applies (counts.ts).
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, NotFoundError, StaleCommandError, StocktakeStateError } from '../domain/errors.ts';
import { COUNTING_ROLES, holdsAnyOf, SUPERVISING_ROLES, type CommandContext } from '../domain/people.ts';
import { requireReason } from '../domain/reasons.ts';
import { undoTexts } from '../domain/texts/undo.ts';
import { isUuid, lineRef, type CountStatus } from '../domain/stocktake.ts';
import { runCommand } from './commands.ts';
import { requireAnyRole } from './people.ts';
import { getStocktake, type StocktakeRef } from './stocktakes.ts';

/** A count import as listed: a sheet or a location's scans. */
export interface CountImportRow {
  id: string;
  fileName: string;
  counter: string;
  round: number;
  linesCounted: number;
  importedAt: string;
  voidedAt: string | null;
  voidedBy: string | null;
  voidReason: string | null;
}

/** The imports of a stocktake, oldest first, voided ones included (marked). */
export async function listCountImports(db: DbOrTx, st: StocktakeRef): Promise<CountImportRow[]> {
  const rows = await queryRows<{
    id: string;
    file_name: string;
    counter: string;
    round: number;
    lines_counted: number;
    imported_at: string;
    voided_at: string | null;
    voided_by: string | null;
    void_reason: string | null;
  }>(
    db,
    sql`select i.id::text as id, i.file_name, i.counter, i.round, i.lines_counted, ${isoText(sql`i.imported_at`)} as imported_at,
          ${isoText(sql`i.voided_at`)} as voided_at, p.handle as voided_by, i.void_reason
        from count_import i left join person p on p.id = i.voided_by
        where i.stocktake_id = ${st.id}::uuid order by i.imported_at, i.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    fileName: r.file_name,
    counter: r.counter,
    round: Number(r.round),
    linesCounted: Number(r.lines_counted),
    importedAt: r.imported_at,
    voidedAt: r.voided_at,
    voidedBy: r.voided_by,
    voidReason: r.void_reason,
  }));
}

/** One line the void changed: its count before and after. */
export interface VoidedLineChange {
  sku: string;
  location: string;
  /** '' for an item that is not lot-tracked. */
  lot: string;
  before: { countStatus: CountStatus; countedQty: string | null };
  after: { countStatus: CountStatus; countedQty: string | null };
}

export interface VoidedImport {
  importId: string;
  stocktake: string;
  fileName: string;
  counter: string;
  reason: string;
  /** Lines the sheet covered. */
  linesCovered: number;
  /** Lines whose count changed, in sku and location order; at most `LISTED_CHANGES` of them. */
  changed: VoidedLineChange[];
  /** How many lines changed in all (more than `changed` lists for a very large sheet). */
  linesChanged: number;
  /** Scan entries the void covered (a location's scans): they no longer count and are not sent again. */
  scanEntries: number;
}

/** Changed lines a void lists (in its answer, card and audit entry); the rest are counted. */
export const LISTED_CHANGES = 200;

/**
 * Voids a count import (by id, or by file name when one import of the stocktake has it) while counting is
 * open: the entries stay, marked void, and each line the sheet covered is derived again from the remaining
 * entries of its latest remaining round: one count → counted, several agreeing → verified, several
 * disagreeing → conflict, none → uncounted. Supervisors,
 * managers and admins; a counter may void a sheet they counted. A reason is required.
 */
export async function voidCountImport(
  db: Db,
  ctx: CommandContext,
  input: { stocktake: string; sheet: string; reason: string | undefined },
): Promise<VoidedImport> {
  const reason = requireReason(input.reason, { en: 'voiding a count sheet', zh: '作废盘点表' });
  return runCommand(db, ctx, 'counts.void', { ...input, reason }, async ({ tx, now, audit }) => {
    // The stocktake lock serialises this with imports, which derive line statuses from all earlier entries.
    const st = await getStocktake(tx, input.stocktake, { forUpdate: true });
    const roles = await requireAnyRole(tx, ctx.actor, st.warehouseId, `stocktake ${st.code}`);
    const sheet = await findImport(tx, st, input.sheet);
    const ownSheet = sheet.counter_person_id === ctx.actor.personId && holdsAnyOf(roles, COUNTING_ROLES);
    if (!ownSheet && !holdsAnyOf(roles, SUPERVISING_ROLES)) {
      throw new NotAllowedError(undoTexts.mayNotVoid(ctx.actor.handle, sheet.file_name, sheet.counter, st.warehouseCode));
    }
    if (sheet.voided_at) {
      throw new StaleCommandError(undoTexts.alreadyVoided(sheet.file_name, sheet.id, sheet.voided_by ?? '?', sheet.voided_at));
    }
    if (st.status !== 'counting') {
      throw new StocktakeStateError(undoTexts.voidAfterCounting(sheet.file_name, st.code, st.status));
    }
    await tx.execute(
      sql`update count_import set voided_at = ${now.toISOString()}::timestamptz, voided_by = ${ctx.actor.personId}::uuid, void_reason = ${reason}
          where id = ${sheet.id}::uuid and voided_at is null`,
    );
    const changes = await recountCovered(tx, st.id, sheet.id);
    const [scans] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from scan_entry where import_id = ${sheet.id}::uuid`);
    const changed = changes.filter((c) => c.before.countStatus !== c.after.countStatus || c.before.countedQty !== c.after.countedQty);
    const listed = changed.slice(0, LISTED_CHANGES);
    const result: VoidedImport = {
      importId: sheet.id,
      stocktake: st.code,
      fileName: sheet.file_name,
      counter: sheet.counter,
      reason,
      linesCovered: changes.length,
      changed: listed,
      linesChanged: changed.length,
      scanEntries: Number(scans?.n ?? 0),
    };
    audit.add({
      action: 'counts.voided',
      entityType: 'count_import',
      entityId: sheet.id,
      stocktakeId: st.id,
      before: { voided: false, fileName: sheet.file_name, counter: sheet.counter, round: Number(sheet.round) },
      after: {
        voided: true,
        reason,
        linesCovered: result.linesCovered,
        linesChanged: result.linesChanged,
        scanEntries: result.scanEntries,
        changed: listed.map((c) => ({ line: lineRef(c), before: c.before, after: c.after })),
      },
    });
    return result;
  });
}

interface ImportRow {
  id: string;
  file_name: string;
  counter: string;
  counter_person_id: string | null;
  round: number;
  voided_at: string | null;
  voided_by: string | null;
}

/** The import named by id or by file name (one import of the stocktake must have that name). */
async function findImport(tx: DbOrTx, st: StocktakeRef, ref: string): Promise<ImportRow> {
  const key = ref.trim();
  const rows = await queryRows<ImportRow>(
    tx,
    sql`select i.id::text as id, i.file_name, i.counter, i.counter_person_id::text as counter_person_id, i.round,
          ${isoText(sql`i.voided_at`)} as voided_at, p.handle as voided_by
        from count_import i left join person p on p.id = i.voided_by
        where i.stocktake_id = ${st.id}::uuid and ${isUuid(key) ? sql`i.id = ${key}::uuid` : sql`i.file_name = ${key}`}
        order by i.voided_at nulls first, i.imported_at`,
  );
  if (rows.length === 0) {
    throw new NotFoundError('count sheet', key, undoTexts.sheetNotFound(st.code, key));
  }
  // A name imported, voided and imported again names the import that still counts.
  const live = rows.filter((r) => !r.voided_at);
  if (live.length > 1) {
    const ids = live.map((r) => r.id).join(', ');
    throw new InvalidInputError(undoTexts.sheetAmbiguous(live.length, st.code, key, ids));
  }
  return live[0] ?? rows[0]!;
}

/**
 * Derives again the count of every line the voided import covered, from the entries of imports not voided:
 * their latest round decides (one entry → counted, several equal → verified, several different →
 * conflict); a line with no entry left is uncounted (a line the book did not have then counts as zero
 * against a book of zero when counting closes: no variance). One statement for the whole sheet; returns
 * each covered line before and after.
 */
async function recountCovered(tx: DbOrTx, stocktakeId: string, importId: string): Promise<VoidedLineChange[]> {
  const rows = await queryRows<{
    sku: string;
    location: string;
    lot: string;
    before_status: CountStatus;
    before_qty: string | null;
    after_status: CountStatus;
    after_qty: string | null;
  }>(
    tx,
    sql`with covered as (
          select sku, location, lot from count_entry where import_id = ${importId}::uuid),
        remaining as (
          select e.sku, e.location, e.lot, e.round, e.qty, e.counted_at
          from count_entry e
          join count_import i on i.id = e.import_id and i.voided_at is null
          join covered c on c.sku = e.sku and c.location = e.location and c.lot = e.lot
          where e.stocktake_id = ${stocktakeId}::uuid),
        latest as (
          select r.sku, r.location, r.lot, r.round, count(*)::int as entries, count(distinct r.qty)::int as qtys,
                 min(r.qty) as qty, max(r.counted_at) as at
          from remaining r
          where r.round = (select max(x.round) from remaining x where x.sku = r.sku and x.location = r.location and x.lot = r.lot)
          group by r.sku, r.location, r.lot, r.round),
        next as (
          select c.sku, c.location, c.lot, old.count_status as before_status, old.counted_qty as before_qty,
                 (case when n.entries is null then 'uncounted' when n.entries = 1 then 'counted'
                       when n.qtys = 1 then 'verified' else 'conflict' end)::count_status as status,
                 case when n.entries is null or (n.entries > 1 and n.qtys > 1) then null else n.qty end as qty,
                 n.at, n.round
          from covered c
          join stocktake_line old on old.stocktake_id = ${stocktakeId}::uuid and old.sku = c.sku and old.location = c.location and old.lot = c.lot
          left join latest n on n.sku = c.sku and n.location = c.location and n.lot = c.lot)
        update stocktake_line l
        set count_status = next.status, counted_qty = next.qty, counted_at = next.at, count_round = next.round
        from next
        where l.stocktake_id = ${stocktakeId}::uuid and l.sku = next.sku and l.location = next.location and l.lot = next.lot
        returning l.sku, l.location, l.lot, next.before_status, trim_scale(next.before_qty)::text as before_qty,
                  l.count_status as after_status, trim_scale(l.counted_qty)::text as after_qty`,
  );
  return rows
    .map((r) => ({
      sku: r.sku,
      location: r.location,
      lot: r.lot,
      before: { countStatus: r.before_status, countedQty: r.before_qty },
      after: { countStatus: r.after_status, countedQty: r.after_qty },
    }))
    .sort((a, b) => cmp(a.sku, b.sku) || cmp(a.location, b.location) || cmp(a.lot, b.lot));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
