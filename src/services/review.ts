import { sql, type SQL } from 'drizzle-orm';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { causeAppliesTo } from '../domain/causes.ts';
import { InvalidInputError, NoteRequiredError, NotAllowedError, NotFoundError, StaleCommandError } from '../domain/errors.ts';
import { holdsAnyOf, roleList, SUPERVISING_ROLES, type CommandContext, type Role } from '../domain/people.ts';
import { textArray } from './outbox.ts';
import { suggestCauses, type Suggestion, type SuggestionInput } from '../domain/suggestions.ts';
import type { AuditWriter } from './audit.ts';
import { casePatterns } from './casePatterns.ts';
import { getCause } from './causes.ts';
import { runCommand } from './commands.ts';
import { getPerson, heldRoles, noRoleError, rolesOf, supervisorsOf } from './people.ts';
import { policyOf } from './policy.ts';
import { getStocktake, requireStatus, type StocktakeRef } from './stocktakes.ts';
import { varianceRows } from './variances.ts';
import { requireReason } from '../domain/reasons.ts';
import { rolesWords } from '../domain/texts/people.ts';
import { reviewTexts } from '../domain/texts/review.ts';

import { lineLabel, lineRef, parseLineRef, type ReviewStatus } from '../domain/stocktake.ts';
import { POSTED_LINES, recentPosted } from './patterns/history.ts';
export type { ReviewStatus };

/** A variance under review: the live figures and the review state. */
export interface ReviewLine {
  sku: string;
  location: string;
  /** '' for an item that is not lot-tracked. */
  lot: string;
  diffQty: string;
  diffValue: string;
  reviewStatus: ReviewStatus;
  ownerId: string | null;
  dueAt: string | null;
  causeCode: string | null;
  note: string | null;
  suggestion: Suggestion | null;
  causeMatchedSuggestion: boolean | null;
  explainedBy: string | null;
  confirmedBy: string | null;
  autoConfirmed: boolean;
  recountBy: string | null;
  returnedReason: string | null;
}

const REVIEW_COLUMNS = sql`l.review_status, l.owner_id, ${isoText(sql`l.due_at`)} as due_at, l.cause_code, l.note, l.suggestion,
  l.cause_matched_suggestion, l.explained_by, l.confirmed_by, l.auto_confirmed, l.recount_by, l.returned_reason`;

export interface ReviewRow {
  sku: string;
  location: string;
  lot: string;
  diff_qty: string;
  diff_value: string;
  review_status: ReviewStatus;
  owner_id: string | null;
  due_at: string | null;
  cause_code: string | null;
  note: string | null;
  suggestion: Suggestion | null;
  cause_matched_suggestion: boolean | null;
  explained_by: string | null;
  confirmed_by: string | null;
  auto_confirmed: boolean;
  recount_by: string | null;
  returned_reason: string | null;
}

const toReviewLine = (r: ReviewRow): ReviewLine => ({
  sku: r.sku,
  location: r.location,
  lot: r.lot,
  diffQty: r.diff_qty,
  diffValue: r.diff_value,
  reviewStatus: r.review_status,
  ownerId: r.owner_id,
  dueAt: r.due_at,
  causeCode: r.cause_code,
  note: r.note,
  suggestion: r.suggestion,
  causeMatchedSuggestion: r.cause_matched_suggestion,
  explainedBy: r.explained_by,
  confirmedBy: r.confirmed_by,
  autoConfirmed: r.auto_confirmed,
  recountBy: r.recount_by,
  returnedReason: r.returned_reason,
});

/** Lines of a stocktake under review (every line with a variance), with live figures. */
export async function listReview(db: DbOrTx, stocktakeKey: string): Promise<ReviewLine[]> {
  const st = await getStocktake(db, stocktakeKey);
  const rows = await queryRows<ReviewRow>(
    db,
    sql`select v.sku, v.location, v.lot, trim_scale(v.diff_qty)::text as diff_qty, v.diff_value::text as diff_value, ${REVIEW_COLUMNS}
        from (${varianceRows(st)}) v join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
        where l.review_status <> 'none' order by v.sku, v.location, v.lot`,
  );
  return rows.map(toReviewLine);
}

/**
 * Opens review when counting closes (inside that transaction): every line with a variance gets the
 * default owner (the warehouse's first supervisor) and a due time from the review SLA; a line within the
 * warehouse's tolerance is confirmed with cause within_tolerance, recorded as automatic; every other line
 * gets its explainable cause suggestions.
 */
export async function openReview(
  tx: DbOrTx,
  st: StocktakeRef,
  now: Date,
  audit: AuditWriter,
): Promise<{ open: number; autoConfirmed: number; owner: string | null }> {
  const policy = await policyOf(tx, st.warehouseId);
  const [owner] = await supervisorsOf(tx, st.warehouseId);
  const due = new Date(now.getTime() + policy.reviewSlaHours * 3600_000).toISOString();
  const value = policy.toleranceValue;
  const percent = policy.tolerancePercent;
  // Within tolerance means inside every tolerance that is set (value and percent), none being off.
  const within =
    value === null && percent === null
      ? sql`false`
      : sql`(${value === null ? sql`true` : sql`abs(v.diff_value) <= ${value}::numeric`})
            and (${percent === null ? sql`true` : sql`v.expected_qty <> 0 and abs(v.diff_qty) * 100 <= abs(v.expected_qty) * ${percent}::numeric`})`;
  const [counts] = await queryRows<{ open: number; auto: number }>(
    tx,
    sql`with changed as (
          update stocktake_line l
          set review_status = (case when v.diff_qty = 0 then 'none' when ${within} then 'confirmed' else 'open' end)::review_status,
              owner_id = case when v.diff_qty <> 0 then ${owner ?? null}::uuid end,
              due_at = case when v.diff_qty <> 0 then ${due}::timestamptz end,
              cause_code = case when v.diff_qty <> 0 and ${within} then 'within_tolerance' end,
              auto_confirmed = v.diff_qty <> 0 and ${within},
              confirmed_at = case when v.diff_qty <> 0 and ${within} then ${now.toISOString()}::timestamptz end
          from (${varianceRows(st)}) v
          where l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
          returning l.review_status, l.auto_confirmed)
        select count(*) filter (where review_status = 'open')::int as open, count(*) filter (where auto_confirmed)::int as auto from changed`,
  );
  await refreshSuggestions(tx, st, null);
  const ownerHandle = owner ? (await getPerson(tx, owner)).handle : null;
  audit.add({
    action: 'review.opened',
    entityType: 'stocktake',
    entityId: st.id,
    stocktakeId: st.id,
    after: {
      open: Number(counts!.open),
      autoConfirmed: Number(counts!.auto),
      owner: ownerHandle,
      dueAt: due,
      tolerance: { value, percent },
    },
  });
  return { open: Number(counts!.open), autoConfirmed: Number(counts!.auto), owner: ownerHandle };
}

const LATE_MOVEMENT_WINDOW_HOURS = 24;

/**
 * Computes and stores the top suggestion of every open line (or of the given lines): all the facts the
 * rules need are fetched in three set queries, not per line.
 */
export async function refreshSuggestions(
  tx: DbOrTx,
  st: StocktakeRef,
  only: { sku: string; location: string; lot: string }[] | null,
): Promise<void> {
  const variances = await queryRows<{
    sku: string;
    location: string;
    lot: string;
    expected_qty: string;
    counted_qty: string;
    diff_qty: string;
    counted_at: string;
    review_status: string;
  }>(
    tx,
    sql`select v.sku, v.location, v.lot, trim_scale(v.expected_qty)::text as expected_qty, trim_scale(v.counted_qty)::text as counted_qty,
          trim_scale(v.diff_qty)::text as diff_qty, ${isoText(sql`v.counted_at`)} as counted_at, l.review_status
        from (${varianceRows(st)}) v join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
        where v.diff_qty <> 0`,
  );
  const key = (k: { sku: string; location: string; lot: string }) => `${k.sku}\u0000${k.location}\u0000${k.lot}`;
  const wanted = only ? new Set(only.map(key)) : null;
  const targets = variances.filter((v) => v.review_status === 'open' && (!wanted || wanted.has(key(v))));
  if (targets.length === 0) return;
  const bySku = new Map<string, typeof variances>();
  for (const v of variances) bySku.set(v.sku, [...(bySku.get(v.sku) ?? []), v]);
  const times = targets.map((t) => Date.parse(t.counted_at));
  const window = LATE_MOVEMENT_WINDOW_HOURS * 3600_000;
  const movements = await queryRows<{
    sku: string;
    qty: string;
    kind: SuggestionInput['movements'][number]['kind'];
    ref: string | null;
    location: string;
    occurred_at: string;
  }>(
    tx,
    sql`select sku, trim_scale(qty)::text as qty, kind, ref, location, ${isoText(sql`occurred_at`)} as occurred_at from movement
        where warehouse_id = ${st.warehouseId}
          and occurred_at between ${new Date(Math.min(...times) - window).toISOString()}::timestamptz and ${new Date(Math.max(...times) + window).toISOString()}::timestamptz
          -- Postings of stocktakes are corrections, not goods moving: no late movement to explain anything.
          and not exists (select 1 from adjustment_document d where d.warehouse_id = movement.warehouse_id and d.number = movement.ref)`,
  );
  const movesBySku = new Map<string, SuggestionInput['movements']>();
  for (const m of movements)
    movesBySku.set(m.sku, [
      ...(movesBySku.get(m.sku) ?? []),
      { qty: m.qty, kind: m.kind, ref: m.ref, location: m.location, occurredAt: m.occurred_at },
    ]);
  const history = await postedHistory(tx, st);
  const packs = await packsOf(tx, [...new Set(targets.map((t) => t.sku))]);
  const cases = await casePatterns(
    tx,
    st.warehouseId,
    [...new Set(targets.map((t) => t.sku))],
    [...new Set(targets.map((t) => t.location))],
  );
  const suggestions = targets.map((t) => {
    const [top] = suggestCauses({
      line: {
        sku: t.sku,
        location: t.location,
        expectedQty: t.expected_qty,
        countedQty: t.counted_qty,
        diffQty: t.diff_qty,
        countedAt: t.counted_at,
      },
      sameSku: (bySku.get(t.sku) ?? [])
        .filter((o) => o.location !== t.location && o.lot === t.lot)
        .map((o) => ({ location: o.location, diffQty: o.diff_qty })),
      movements: movesBySku.get(t.sku) ?? [],
      history: history.map((h) => h.bySku.get(t.sku) ?? null),
      options: { lateMovementWindowHours: LATE_MOVEMENT_WINDOW_HOURS, ...packs.get(t.sku) },
      // A case written from this very line explains it; it is not a similar one.
      cases: cases.filter((c) => !(c.stocktakeId === st.id && c.sku === t.sku && c.location === t.location && c.lot === t.lot)),
    });
    return top ?? null;
  });
  await tx.execute(sql`
    update stocktake_line l set suggestion = u.suggestion
    from ${unnestColumns([
      { values: targets.map((t) => t.sku), type: 'text' },
      { values: targets.map((t) => t.location), type: 'text' },
      { values: targets.map((t) => t.lot), type: 'text' },
      { values: suggestions.map((s) => (s ? JSON.stringify(s) : null)), type: 'jsonb' },
    ])} as u(sku, location, lot, suggestion)
    where l.stocktake_id = ${st.id} and l.sku = u.sku and l.location = u.location and l.lot = u.lot`);
}

/** The pack units of items that have them, as whole sizes in the base unit, for the unit-of-measure rule. */
async function packsOf(tx: DbOrTx, skus: string[]): Promise<Map<string, { packs: { unit: string; size: number }[]; baseUnit: string }>> {
  const rows = await queryRows<{ sku: string; unit: string; factor: string; base_unit: string }>(
    tx,
    sql`select p.sku, p.unit, trim_scale(p.factor)::text as factor, i.unit as base_unit
        from item_pack p join item i on i.sku = p.sku where p.sku = any(${textArray(skus)}::text[]) order by p.factor`,
  );
  const out = new Map<string, { packs: { unit: string; size: number }[]; baseUnit: string }>();
  for (const r of rows) {
    const entry = out.get(r.sku) ?? { packs: [], baseUnit: r.base_unit };
    entry.packs.push({ unit: r.unit, size: Number(r.factor) });
    out.set(r.sku, entry);
  }
  return out;
}

/** The warehouse's last 3 posted stocktakes, newest first: per SKU, the direction and cause posted (history.ts holds the SQL). */
async function postedHistory(tx: DbOrTx, st: StocktakeRef) {
  const rows = await queryRows<{ code: string; sku: string; qty: string; cause_code: string }>(
    tx,
    sql`with recent as (${recentPosted(st.warehouseId, 3, st.id)}), posted_line as (${POSTED_LINES})
        select code, sku, sum(qty)::text as qty, (array_agg(cause_code order by abs(value) desc))[1] as cause_code
        from posted_line group by code, rn, sku
        order by rn`,
  );
  const order: string[] = [];
  const byCode = new Map<string, Map<string, { stocktakeCode: string; direction: 'gain' | 'loss'; cause: string }>>();
  for (const r of rows) {
    if (!byCode.has(r.code)) {
      byCode.set(r.code, new Map());
      order.push(r.code);
    }
    if (/^0*(\.0*)?$/.test(r.qty.replace('-', ''))) continue;
    byCode.get(r.code)!.set(r.sku, { stocktakeCode: r.code, direction: r.qty.startsWith('-') ? 'loss' : 'gain', cause: r.cause_code });
  }
  return order.map((code) => ({ code, bySku: byCode.get(code)! }));
}

/** "SKU", "SKU@LOCATION" or "SKU@LOCATION#LOT" → the stocktake line; what is named must pick exactly one. */
export async function findLine(
  tx: DbOrTx,
  st: StocktakeRef,
  ref: string,
  forUpdate: boolean,
): Promise<ReviewRow & { direction: 'gain' | 'loss' | 'match' }> {
  return pickLine(await lineRows(tx, st, ref, forUpdate), st, ref);
}

/**
 * The lines a reference names (findLine). With `rolesOfPerson` (a person's id), each row also carries the roles that
 * person holds in the stocktake's warehouse, read by the same statement.
 */
async function lineRows(
  tx: DbOrTx,
  st: StocktakeRef,
  ref: string,
  forUpdate: boolean,
  rolesOfPerson?: string,
): Promise<(ReviewRow & { roles?: Role[] })[]> {
  const { sku, location, lot } = parseLineRef(ref);
  const roles = rolesOfPerson ? sql`, ${heldRoles(rolesOfPerson, st.warehouseId)} as roles` : sql``;
  return queryRows<ReviewRow & { roles?: Role[] }>(
    tx,
    sql`select v.sku, v.location, v.lot, trim_scale(v.diff_qty)::text as diff_qty, v.diff_value::text as diff_value, ${REVIEW_COLUMNS} ${roles}
        from (${varianceRows(st, sql`and l.sku = ${sku} ${location === null ? sql`` : sql`and l.location = ${location}`} ${lot === null ? sql`` : sql`and l.lot = ${lot}`}`)}) v
        join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
        order by v.location, v.lot ${forUpdate ? sql`for update of l` : sql``}`,
  );
}

/** The one line of `rows` (lineRows) a reference names, refusing none or several. */
function pickLine(
  rows: (ReviewRow & { roles?: Role[] })[],
  st: StocktakeRef,
  ref: string,
): ReviewRow & { direction: 'gain' | 'loss' | 'match' } {
  if (rows.length === 0) throw new NotFoundError('variance', ref, reviewTexts.lineNotFound(ref, st.code));
  if (rows.length > 1) {
    const pattern = `SKU@LOCATION${rows.some((r) => r.lot) ? '#LOT' : ''}`;
    throw new InvalidInputError(reviewTexts.ambiguousLine(ref, rows.length, st.code, rows.map((r) => lineLabel(r)).join(', '), pattern));
  }
  const { roles: _roles, ...row } = rows[0]!;
  const direction = row.diff_qty.startsWith('-') ? 'loss' : /[1-9]/.test(row.diff_qty ?? '') ? 'gain' : 'match';
  return { ...row, direction };
}

interface LineCommand {
  stocktake: string;
  line: string;
}

/**
 * The shared shape of every action on one variance: one transaction, the stocktake in review, the line
 * locked, the actor allowed (its owner, or a supervisor, manager or admin of the warehouse), the change
 * made conditionally, and the before/after audited.
 */
async function onLine<R>(
  db: Db,
  ctx: CommandContext,
  command: string,
  input: LineCommand,
  allowed: readonly ReviewStatus[],
  act: (
    tx: DbOrTx,
    st: StocktakeRef,
    line: ReviewRow & { direction: 'gain' | 'loss' | 'match' },
    now: Date,
    update: (set: SQL, condition?: SQL) => Promise<void>,
  ) => Promise<Record<string, unknown>>,
): Promise<ReviewLine> {
  return runCommand<ReviewLine, StocktakeRef>(
    db,
    ctx,
    command,
    input,
    async ({ tx, now, audit }, st) => {
      // Who may, before what state the stocktake and the line are in: a stranger gets 403, never a 409 that
      // tells them about it; the owner or a supervisor, manager or admin is told what has moved on.
      // The actor's roles come with the line (one statement of the dozen an action runs, `npm run
      // bench:writes`); when no line is named, they are read alone to tell a stranger from a wrong reference.
      const rows = await lineRows(tx, st, input.line, true, ctx.actor.personId);
      const held = rows.length > 0 ? rows[0]!.roles! : [...(await rolesOf(tx, ctx.actor.personId, st.warehouseId))];
      if (held.length === 0) throw noRoleError(ctx.actor, `stocktake ${st.code}`);
      const roles = new Set(held);
      const line = pickLine(rows, st, input.line);
      const isOwner = line.owner_id === ctx.actor.personId;
      if (!isOwner && !holdsAnyOf(roles, SUPERVISING_ROLES)) {
        const rolesZh = rolesWords(SUPERVISING_ROLES).zh;
        throw new NotAllowedError(
          reviewTexts.mayNotReview(ctx.actor.handle, lineLabel(line), roleList(SUPERVISING_ROLES), rolesZh, st.warehouseCode),
        );
      }
      requireStatus(st, ['reviewing', 'approving'], command.replace('variance.', ''));
      if (!allowed.includes(line.review_status)) {
        throw new StaleCommandError(reviewTexts.lineMovedOn(lineLabel(line), line.review_status, command.replace('variance.', '')));
      }
      const afterColumns = sql`l.sku, l.location, l.lot, ${line.diff_qty}::text as diff_qty, ${line.diff_value}::text as diff_value, ${REVIEW_COLUMNS}`;
      const thisLine = sql`l.stocktake_id = ${st.id} and l.sku = ${line.sku} and l.location = ${line.location} and l.lot = ${line.lot}`;
      // An act that changes the line only through `update` gets the line after it from the update itself: a
      // select after it was one statement of the dozen each action runs (`npm run bench:writes`).
      let updated: ReviewRow | undefined;
      const update = async (set: SQL, condition?: SQL) => {
        [updated] = await queryRows<ReviewRow>(
          tx,
          sql`update stocktake_line l set ${set} where ${thisLine} ${condition ? sql`and ${condition}` : sql``} returning ${afterColumns}`,
        );
      };
      const change = await act(tx, st, line, now, update);
      const after = updated ?? (await queryRows<ReviewRow>(tx, sql`select ${afterColumns} from stocktake_line l where ${thisLine}`))[0];
      audit.add({
        action: command,
        entityType: 'variance',
        entityId: `${st.code}/${lineRef(line)}`,
        stocktakeId: st.id,
        line: { sku: line.sku, location: line.location, lot: line.lot },
        before: {
          reviewStatus: line.review_status,
          causeCode: line.cause_code,
          note: line.note,
          ownerId: line.owner_id,
          recountBy: line.recount_by,
        },
        after: {
          reviewStatus: after!.review_status,
          causeCode: after!.cause_code,
          note: after!.note,
          ownerId: after!.owner_id,
          recountBy: after!.recount_by,
          ...change,
        },
      });
      return toReviewLine(after!);
    },
    (tx) => getStocktake(tx, input.stocktake),
  );
}

/** The owner stands by the count. A line needs this and a cause before it can go on a document. */
export function confirmVariance(db: Db, ctx: CommandContext, input: LineCommand): Promise<ReviewLine> {
  return onLine(db, ctx, 'variance.confirm', input, ['open'], async (_tx, _st, _line, now, update) => {
    await update(
      sql`review_status = 'confirmed', confirmed_by = ${ctx.actor.personId}::uuid, confirmed_at = ${now.toISOString()}::timestamptz`,
      sql`l.review_status = 'open'`,
    );
    return {};
  });
}

/** Tags the cause (from the catalogue, fitting the direction); records whether it is the suggested one. */
export function tagCause(db: Db, ctx: CommandContext, input: LineCommand & { cause: string; note?: string }): Promise<ReviewLine> {
  return onLine(db, ctx, 'variance.tag', input, ['open', 'confirmed'], async (tx, _st, line, _now, update) => {
    const cause = await getCause(tx, input.cause);
    if (line.direction === 'match') throw new InvalidInputError(reviewTexts.noVariance(lineLabel(line)));
    if (!causeAppliesTo(cause, line.direction)) {
      throw new InvalidInputError(reviewTexts.causeDirection(cause.code, cause.labelEn, cause.labelZh, cause.appliesTo, line.direction));
    }
    const note = input.note?.trim() || line.note;
    if (cause.noteRequired && !note) throw new NoteRequiredError(cause);
    const matched = line.suggestion ? line.suggestion.cause === cause.code : null;
    await update(
      sql`cause_code = ${cause.code}, note = ${note ?? null}, explained_by = ${ctx.actor.personId}::uuid, cause_matched_suggestion = ${matched}`,
    );
    return { suggested: line.suggestion?.cause ?? null, matchedSuggestion: matched };
  });
}

export function addNote(db: Db, ctx: CommandContext, input: LineCommand & { note: string }): Promise<ReviewLine> {
  const note = input.note.trim();
  if (!note) return Promise.reject(new InvalidInputError(reviewTexts.noteEmpty()));
  return onLine(db, ctx, 'variance.note', input, ['open', 'confirmed', 'recount'], async (_tx, _st, _line, _now, update) => {
    await update(sql`note = ${note}`);
    return {};
  });
}

/** Sends the line back to counting for a named person; their recount import resolves it. */
export function requestRecount(db: Db, ctx: CommandContext, input: LineCommand & { recounter: string }): Promise<ReviewLine> {
  return onLine(db, ctx, 'variance.recount', input, ['open', 'confirmed'], async (tx, _st, _line, _now, update) => {
    const recounter = await getPerson(tx, input.recounter);
    await update(sql`review_status = 'recount', recount_by = ${recounter.id}::uuid, confirmed_by = null, confirmed_at = null`);
    return { recounter: recounter.handle };
  });
}

/**
 * Undoes a review (撤销确认): a confirmed line goes back to open review before it is on a document, its
 * cause and note kept for its owner to change; the reason shows on the line. Its owner or a supervisor,
 * manager or admin. A line on a document comes back by withdrawing or rejecting the document.
 */
export function reopenVariance(db: Db, ctx: CommandContext, input: LineCommand & { reason: string | undefined }): Promise<ReviewLine> {
  let reason: string;
  try {
    reason = requireReason(input.reason, { en: 'reopening a reviewed line', zh: '重新打开已确认的差异' });
  } catch (error) {
    return Promise.reject(error);
  }
  const request = { ...input, reason };
  return onLine(db, ctx, 'variance.reopen', request, ['confirmed'], async (tx, st, line) => {
    const shown = `reopened by ${ctx.actor.handle}: ${reason}`;
    await tx.execute(sql`update stocktake_line set review_status = 'open', confirmed_by = null, confirmed_at = null, auto_confirmed = false,
                           returned_reason = ${shown}
                         where stocktake_id = ${st.id} and sku = ${line.sku} and location = ${line.location} and lot = ${line.lot} and review_status = 'confirmed'`);
    await refreshSuggestions(tx, st, [{ sku: line.sku, location: line.location, lot: line.lot }]);
    return { reason };
  });
}

/** Hands the line to another owner (supervisors, managers and admins). */
export function assignOwner(db: Db, ctx: CommandContext, input: LineCommand & { owner: string }): Promise<ReviewLine> {
  return onLine(db, ctx, 'variance.assign', input, ['open', 'confirmed', 'recount'], async (tx, st, _line, _now, update) => {
    const roles = await rolesOf(tx, ctx.actor.personId, st.warehouseId);
    if (!holdsAnyOf(roles, SUPERVISING_ROLES)) {
      const rolesZh = rolesWords(SUPERVISING_ROLES).zh;
      throw new NotAllowedError(reviewTexts.mayNotReassign(ctx.actor.handle, st.warehouseCode, roleList(SUPERVISING_ROLES), rolesZh));
    }
    const owner = await getPerson(tx, input.owner);
    await update(sql`owner_id = ${owner.id}::uuid`);
    return { owner: owner.handle };
  });
}

/**
 * A recount came in (inside the import's transaction): the recounted lines go back to their owner with
 * the new figures, their earlier confirmation and cause cleared (they explained another variance), and
 * fresh suggestions; a recount that matches the book needs no review at all.
 */
export async function reopenRecounted(
  tx: DbOrTx,
  st: StocktakeRef,
  lines: { sku: string; location: string; lot: string }[],
  now: Date,
  audit: AuditWriter,
): Promise<void> {
  const policy = await policyOf(tx, st.warehouseId);
  const due = new Date(now.getTime() + policy.reviewSlaHours * 3600_000).toISOString();
  const keys = unnestColumns([
    { values: lines.map((l) => l.sku), type: 'text' },
    { values: lines.map((l) => l.location), type: 'text' },
    { values: lines.map((l) => l.lot), type: 'text' },
  ]);
  const changed = await queryRows<{ sku: string; location: string; lot: string; review_status: string }>(
    tx,
    sql`update stocktake_line l
        set review_status = (case when v.diff_qty = 0 then 'none' else 'open' end)::review_status,
            due_at = ${due}::timestamptz, cause_code = null, note = null, explained_by = null, confirmed_by = null, confirmed_at = null,
            cause_matched_suggestion = null, suggestion = null, recount_by = null
        from (${varianceRows(st)}) v, ${keys} as u(sku, location, lot)
        where l.stocktake_id = ${st.id} and l.sku = u.sku and l.location = u.location and l.lot = u.lot and v.sku = u.sku and v.location = u.location and v.lot = u.lot
          and l.review_status = 'recount'
        returning l.sku, l.location, l.lot, l.review_status`,
  );
  await refreshSuggestions(
    tx,
    st,
    changed.filter((c) => c.review_status === 'open'),
  );
  for (const c of changed) {
    audit.add({
      action: 'variance.recounted',
      entityType: 'variance',
      entityId: `${st.code}/${lineRef(c)}`,
      stocktakeId: st.id,
      line: { sku: c.sku, location: c.location, lot: c.lot },
      before: { reviewStatus: 'recount' },
      after: { reviewStatus: c.review_status },
    });
  }
}
