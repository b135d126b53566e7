import { sql, type SQL } from 'drizzle-orm';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, NotFoundError, StaleCommandError } from '../domain/errors.ts';
import { render, type Phrase } from '../domain/phrase.ts';
import { documentTexts } from '../domain/texts/review.ts';
import { SUPERVISING_ROLES, type Actor, type CommandContext } from '../domain/people.ts';
import { approvalRoute, documentNumber } from '../domain/routing.ts';
import { isUuid, lineRef, parseLineRef, type DocumentStatus } from '../domain/stocktake.ts';
import { localDay } from '../domain/time.ts';
import { runCommand, type CommandScope } from './commands.ts';
import { enqueueCardUpdates, entityKeys, textArray } from './outbox.ts';
import { emitEvent } from '../integration/events.ts';
import { noRoleError, requireRole } from './people.ts';
import { policyOf } from './policy.ts';
import { nextSequence } from './sequence.ts';
import { getStocktake, requireStatus, type StocktakeRef } from './stocktakes.ts';
import { varianceRows } from './variances.ts';

export interface DocumentSummary {
  id: string;
  number: string;
  kind: 'gain' | 'loss';
  stocktake: string;
  warehouse: string;
  status: DocumentStatus;
  lineCount: number;
  totalQty: string;
  totalValue: string;
  currency: string;
  /** The warehouse's timezone: decision and due times are shown on its wall clock. */
  timezone: string;
  route: {
    stepNo: number;
    role: string;
    status: string;
    decidedBy: string | null;
    decidedAt: string | null;
    dueAt: string | null;
    reason: string | null;
  }[];
}

export interface SubmitResult {
  documents: DocumentSummary[];
  /** Selected lines already on a document: submitting them again creates nothing. */
  alreadyDocumented: string[];
  /** Lines still waiting for review (not confirmed, or no cause yet); not submitted. */
  notReady: number;
}

/**
 * Turns explained variances (confirmed, with a cause, and a note where the cause needs one) into a gain
 * document and a loss document, with numbered lines, values and causes, and routes each by its value.
 * All explained lines of the stocktake, or a selection ("SKU", "SKU@LOCATION" or "SKU@LOCATION#LOT"). Lines already on a
 * document are never submitted again.
 */
/**
 * A line may go on a document: confirmed, with a cause, and with a note when the cause needs one. SQL over
 * `stocktake_line l left join cause c`, the one place this rule is written.
 */
const READY_TO_SUBMIT = sql`(l.review_status = 'confirmed' and l.cause_code is not null and not (coalesce(c.note_required, false) and coalesce(l.note, '') = ''))`;

export async function submitVariances(db: Db, ctx: CommandContext, input: { stocktake: string; lines?: string[] }): Promise<SubmitResult> {
  return runCommand(db, ctx, 'documents.submit', input, async ({ tx, now, audit }) => {
    // The stocktake lock serialises submits: two at once would each see the same lines as confirmed.
    const st = await getStocktake(tx, input.stocktake, { forUpdate: true });
    await requireRole(tx, ctx.actor, st.warehouseId, st.warehouseCode, SUPERVISING_ROLES, 'submit variances');
    requireStatus(st, ['reviewing', 'approving'], 'submit variances');
    // Lock the lines a review action can still change: a tag racing this submit then either lands before
    // the read below (its cause goes on the document) or waits and is refused as stale afterwards.
    // Named lines: only their SKUs' lines are locked and their variances computed (a one-line submit in a
    // 30,000-line stocktake locked and computed all 30,000); the count of lines not ready needs neither.
    const named = input.lines && input.lines.length > 0 ? input.lines.map((ref) => parseLineRef(ref).sku) : null;
    const onlyNamed = named ? sql`and l.sku = any(${textArray(named)}::text[])` : sql``;
    await tx.execute(
      sql`select 1 from stocktake_line l where l.stocktake_id = ${st.id} and l.review_status in ('open', 'confirmed') ${onlyNamed} for update`,
    );
    const rows = await queryRows<{
      sku: string;
      location: string;
      lot: string;
      diff_qty: string;
      diff_value: string;
      unit_cost: string;
      cause_code: string | null;
      note: string | null;
      review_status: string;
      ready: boolean;
      account: string | null;
      cost_centre: string | null;
      label_en: string | null;
      label_zh: string | null;
    }>(
      tx,
      sql`select v.sku, v.location, v.lot, v.diff_qty::text as diff_qty, v.diff_value::text as diff_value, v.unit_cost::text as unit_cost,
            l.cause_code, l.note, l.review_status, ${READY_TO_SUBMIT} as ready, ca.account, ca.cost_centre, c.label_en, c.label_zh
          from (${varianceRows(st, onlyNamed)}) v
          join stocktake_line l on l.stocktake_id = ${st.id} and l.sku = v.sku and l.location = v.location and l.lot = v.lot
          left join cause c on c.code = l.cause_code
          left join cause_account ca on ca.warehouse_id = ${st.warehouseId}::uuid and ca.cause_code = l.cause_code
          where l.review_status <> 'none'
          order by v.sku, v.location, v.lot`,
    );
    const ready = (r: (typeof rows)[number]) => r.ready;
    let chosen = rows.filter(ready);
    const alreadyDocumented: string[] = [];
    if (input.lines && input.lines.length > 0) {
      const problems: Phrase[] = [];
      const picked = new Map<string, (typeof rows)[number]>();
      for (const ref of input.lines) {
        const { sku, location, lot } = parseLineRef(ref);
        const matches = rows.filter(
          (r) => r.sku === sku && (location === null || r.location === location) && (lot === null || r.lot === lot),
        );
        if (matches.length === 0) problems.push(documentTexts.notUnderReview(ref));
        else if (matches.length > 1)
          problems.push(documentTexts.manyLines(ref, matches.length, `${sku}@LOCATION${matches.some((m) => m.lot) ? '#LOT' : ''}`));
        else {
          const m = matches[0]!;
          if (m.review_status === 'documented' || m.review_status === 'posted') alreadyDocumented.push(lineRef(m));
          else if (!ready(m))
            problems.push(
              m.review_status !== 'confirmed'
                ? documentTexts.notConfirmed(ref, m.review_status)
                : m.cause_code === null
                  ? documentTexts.noCause(ref)
                  : documentTexts.causeNeedsNote(ref),
            );
          else picked.set(lineRef(m), m);
        }
      }
      if (problems.length > 0) {
        const en = problems.map((p) => render(p, 'en', 'cli')).join('; ');
        const zh = problems.map((p) => render(p, 'zh-CN', 'chat')).join('；');
        throw new InvalidInputError(documentTexts.cannotSubmit(en, zh));
      }
      chosen = [...picked.values()];
    }
    const [{ notReady } = { notReady: 0 }] = await queryRows<{ notReady: number }>(
      tx,
      sql`select count(*)::int as "notReady" from stocktake_line l left join cause c on c.code = l.cause_code
          where l.stocktake_id = ${st.id} and l.review_status in ('open', 'recount', 'confirmed') and not ${READY_TO_SUBMIT}`,
    );
    const policy = await policyOf(tx, st.warehouseId);
    if (policy.requireAccountMapping) refuseUnmappedCauses(chosen, st.warehouseCode);
    const year = localDay(now, st.timezone).slice(0, 4);
    const documents: DocumentSummary[] = [];
    for (const kind of ['gain', 'loss'] as const) {
      const lines = chosen.filter((r) => (kind === 'gain' ? !r.diff_qty.startsWith('-') : r.diff_qty.startsWith('-')));
      if (lines.length === 0) continue;
      const number = documentNumber(kind, year, await nextSequence(tx, `${kind}:${st.warehouseId}:${year}`));
      const [doc] = await queryRows<{ id: string; total_qty: string; total_value: string }>(
        tx,
        sql`insert into adjustment_document (number, kind, stocktake_id, warehouse_id, line_count, total_qty, total_value, currency, submitted_by, submitted_at)
            select ${number}, ${kind}, ${st.id}::uuid, ${st.warehouseId}::uuid, ${lines.length}, sum(q), sum(v), ${policy.currency}, ${ctx.actor.personId}::uuid, ${now.toISOString()}::timestamptz
            from ${unnestColumns([
              { values: lines.map((l) => l.diff_qty), type: 'numeric' },
              { values: lines.map((l) => l.diff_value), type: 'numeric' },
            ])} as u(q, v)
            returning id, trim_scale(total_qty)::text as total_qty, total_value::text as total_value`,
      );
      await tx.execute(sql`
        insert into document_line (document_id, line_no, sku, location, lot, qty, unit_cost, value, cause_code, note, account, cost_centre)
        select ${doc!.id}::uuid, u.n, u.sku, u.location, u.lot, u.qty, u.unit_cost, u.value, u.cause_code, u.note, u.account, u.cost_centre
        from ${unnestColumns([
          { values: lines.map((_, i) => String(i + 1)), type: 'int' },
          { values: lines.map((l) => l.sku), type: 'text' },
          { values: lines.map((l) => l.location), type: 'text' },
          { values: lines.map((l) => l.lot), type: 'text' },
          { values: lines.map((l) => l.diff_qty), type: 'numeric' },
          { values: lines.map((l) => l.unit_cost), type: 'numeric' },
          { values: lines.map((l) => l.diff_value), type: 'numeric' },
          { values: lines.map((l) => l.cause_code), type: 'text' },
          { values: lines.map((l) => l.note), type: 'text' },
          { values: lines.map((l) => l.account), type: 'text' },
          { values: lines.map((l) => l.cost_centre), type: 'text' },
        ])} as u(n, sku, location, lot, qty, unit_cost, value, cause_code, note, account, cost_centre)`);
      const marked = await queryRows(
        tx,
        sql`update stocktake_line l set review_status = 'documented', returned_reason = null
            from ${unnestColumns([
              { values: lines.map((l) => l.sku), type: 'text' },
              { values: lines.map((l) => l.location), type: 'text' },
              { values: lines.map((l) => l.lot), type: 'text' },
              { values: lines.map((l) => l.cause_code), type: 'text' },
              { values: lines.map((l) => l.note), type: 'text' },
            ])} as u(sku, location, lot, cause_code, note)
            where l.stocktake_id = ${st.id} and l.sku = u.sku and l.location = u.location and l.lot = u.lot and l.review_status = 'confirmed'
              and l.cause_code is not distinct from u.cause_code and l.note is not distinct from u.note
            returning 1`,
      );
      if (marked.length !== lines.length) throw new StaleCommandError(documentTexts.lineChanged(kind, number, marked.length, lines.length));
      const route = approvalRoute(doc!.total_value, policy);
      const due = new Date(now.getTime() + policy.approvalSlaHours * 3600_000).toISOString();
      await tx.execute(sql`
        insert into approval_step (document_id, step_no, role, status, due_at)
        select ${doc!.id}::uuid, u.n, u.role::role, (case when u.n = 1 then 'pending' else 'waiting' end)::step_status,
               case when u.n = 1 then ${due}::timestamptz end
        from ${unnestColumns([
          { values: route.map((_, i) => String(i + 1)), type: 'int' },
          { values: route, type: 'text' },
        ])} as u(n, role)`);
      await emitEvent(tx, { type: 'document.created', documentId: doc!.id }, now);
      const summary = await getDocument(tx, doc!.id);
      audit.add({
        action: 'document.submitted',
        entityType: 'document',
        entityId: doc!.id,
        stocktakeId: st.id,
        documentId: doc!.id,
        after: {
          number,
          kind,
          lineCount: lines.length,
          totalQty: doc!.total_qty,
          totalValue: doc!.total_value,
          currency: policy.currency,
          route,
          lines: lines.map((l) => lineRef(l)),
        },
      });
      documents.push(summary);
    }
    await settleStocktakeStatus(tx, st);
    return { documents, alreadyDocumented, notReady };
  });
}

/**
 * The warehouse requires an account per cause (warehouse_policy.require_account_mapping): lines whose
 * cause has none in cause_account refuse the whole submit, naming each such cause once.
 */
function refuseUnmappedCauses(
  lines: { cause_code: string | null; account: string | null; label_en: string | null; label_zh: string | null }[],
  warehouse: string,
): void {
  const unmapped = new Map<string, { en: string; zh: string }>();
  for (const l of lines) {
    if (l.account === null && l.cause_code !== null && !unmapped.has(l.cause_code))
      unmapped.set(l.cause_code, { en: l.label_en ?? l.cause_code, zh: l.label_zh ?? l.cause_code });
  }
  if (unmapped.size === 0) return;
  const codes = [...unmapped.keys()].sort();
  throw new InvalidInputError(
    documentTexts.unmappedCauses(
      warehouse,
      codes.map((c) => `${c} (${unmapped.get(c)!.en})`).join(', '),
      codes.map((c) => `${c}（${unmapped.get(c)!.zh}）`).join('、'),
      codes[0]!,
    ),
  );
}

/**
 * Moves the stocktake between reviewing, approving and posted from its lines: approving once nothing is
 * left to review, posted once every variance is on the ledger. Returns the new status when it changed.
 *
 * It writes (and so locks the stocktake row to the end of the transaction) only when the status changes:
 * postings of one stocktake then do not queue behind each other's commits on that row. The price: two
 * postings of the last documents running at once each see the other's lines as still documented and
 * leave the status as it is; so a posting settles again after it commits (`settleAfterCommit`), when the
 * later of the two sees both. (Had a process died in between, starting the warehouse's next stocktake and
 * the hourly reminder run settle it too.)
 */
export async function settleStocktakeStatus(db: DbOrTx, st: { id: string }): Promise<StocktakeStatusName | null> {
  const { status, changed } = await settleStocktake(db, st);
  return changed ? status : null;
}

/**
 * settleStocktakeStatus, also saying what the lines call for when it did not change: 'reviewing' means a
 * line was still open, under recount or confirmed but not on a document, as this transaction saw them.
 */
export async function settleStocktake(db: DbOrTx, st: { id: string }): Promise<{ status: StocktakeStatusName; changed: boolean }> {
  const [row] = await queryRows<{ status: StocktakeStatusName; changed: StocktakeStatusName | null }>(
    db,
    sql`
    with next as (select case
        when ${firstActive(st.id, sql`'open', 'recount', 'confirmed', 'documented'`)} is null then 'posted'
        when ${firstActive(st.id, sql`'open', 'recount', 'confirmed'`)} is null then 'approving'
        else 'reviewing' end as status),
      changed as (
        update stocktake s set status = next.status::stocktake_status from next
        where s.id = ${st.id}::uuid and s.status in ('reviewing', 'approving') and s.status::text <> next.status
        returning s.status::text as status)
    select (select status from next) as status, (select status from changed) as changed`,
  );
  return { status: row!.status, changed: row!.changed !== null };
}

export type StocktakeStatusName = 'reviewing' | 'approving' | 'posted';

/**
 * The first line of the stocktake in one of `states` (active ones), or null: ordered as the index of active
 * lines is, so the planner reads that index and stops at its first entry. Written as `not exists`, it
 * chose to read the table from its start until a match, past every posted line (929 pages of a
 * 32,500-line stocktake, about 0.7 ms, twice per approval; `npm run bench:writes`).
 */
const firstActive = (stocktakeId: string, states: SQL) =>
  sql`(select 1 from stocktake_line l where l.stocktake_id = ${stocktakeId}::uuid and l.review_status in (${states}) order by l.review_status limit 1)`;

/** Settles every stocktake in review or approval (the hourly run's repair; see settleStocktakeStatus). */
export async function settleOpenStocktakes(db: Db): Promise<number> {
  const open = await queryRows<{ id: string }>(db, sql`select id::text as id from stocktake where status in ('reviewing', 'approving')`);
  let moved = 0;
  for (const st of open) {
    if (await settleStocktakeStatus(db, st)) {
      await enqueueCardUpdates(db, [entityKeys.stocktake(st.id)]);
      moved += 1;
    }
  }
  return moved;
}

/** Settles the stocktake once more after the command commits, and refreshes its cards when that moved it. */
export function settleAfterCommit(scope: Pick<CommandScope, 'afterCommit'>, st: { id: string }): void {
  scope.afterCommit(async (db) => {
    if (await settleStocktakeStatus(db, st)) await enqueueCardUpdates(db, [entityKeys.stocktake(st.id)]);
  });
}

/** Finds a document by id or number (PK-2026-0001; WAREHOUSE/PK-2026-0001 when numbers repeat across warehouses). */
/**
 * A document by id, number or WAREHOUSE/number. A number two warehouses share is ambiguous; for an
 * `actor`, only the warehouses where they hold a role count (one is the answer, none is a refusal that
 * names none of them), so a refusal never names a warehouse that is none of their business.
 */
export async function resolveDocument(
  db: DbOrTx,
  ref: string,
  options: { forUpdate?: boolean; actor?: Actor } = {},
): Promise<{
  id: string;
  number: string;
  stocktakeId: string;
  warehouseId: string;
  warehouse: string;
  status: string;
  kind: 'gain' | 'loss';
}> {
  const text = ref.trim();
  const slash = text.indexOf('/');
  const where = isUuid(text)
    ? sql`d.id = ${text}::uuid`
    : slash > 0
      ? sql`d.number = ${text.slice(slash + 1).toUpperCase()} and w.code = ${text.slice(0, slash)}`
      : sql`d.number = ${text.toUpperCase()}`;
  const rows = await queryRows<{
    id: string;
    number: string;
    stocktake_id: string;
    warehouse_id: string;
    status: string;
    kind: 'gain' | 'loss';
    warehouse: string;
  }>(
    db,
    sql`select d.id, d.number, d.stocktake_id, d.warehouse_id, d.status, d.kind, w.code as warehouse
        from adjustment_document d join warehouse w on w.id = d.warehouse_id where ${where} ${options.forUpdate ? sql`for update of d` : sql``}`,
  );
  if (rows.length === 0) throw new NotFoundError('document', text, documentTexts.notFound(text));
  let candidates = rows;
  if (rows.length > 1 && options.actor) {
    const mine = new Set(
      (
        await queryRows<{ warehouse_id: string }>(
          db,
          sql`select distinct warehouse_id from role_grant where person_id = ${options.actor.personId}::uuid`,
        )
      ).map((g) => g.warehouse_id),
    );
    candidates = rows.filter((r) => mine.has(r.warehouse_id));
    if (candidates.length === 0) throw noRoleError(options.actor, `document ${text}`);
  }
  if (candidates.length > 1)
    throw new InvalidInputError(
      documentTexts.ambiguousNumber(text, candidates.map((r) => r.warehouse).join(' and '), candidates.map((r) => r.warehouse).join('和')),
    );
  const r = candidates[0]!;
  return {
    id: r.id,
    number: r.number,
    stocktakeId: r.stocktake_id,
    warehouseId: r.warehouse_id,
    warehouse: r.warehouse,
    status: r.status,
    kind: r.kind,
  };
}

/** The document with its route; `actor` narrows a shared number to their warehouses (see resolveDocument). */
export async function getDocument(db: DbOrTx, ref: string, actor?: Actor): Promise<DocumentSummary> {
  // An id names one document or none: looking it up first only to learn its id again was one statement
  // of every approval's (`npm run bench:writes`); a missing one is refused below all the same.
  const id = isUuid(ref.trim()) ? ref.trim() : (await resolveDocument(db, ref, actor ? { actor } : {})).id;
  // The document and its route in one statement: two were one statement more of every approval's answer.
  const [doc] = await queryRows<{
    id: string;
    number: string;
    kind: 'gain' | 'loss';
    stocktake: string;
    warehouse: string;
    status: DocumentSummary['status'];
    line_count: number;
    total_qty: string;
    total_value: string;
    currency: string;
    timezone: string;
    route: {
      step_no: number;
      role: string;
      status: string;
      decided_by: string | null;
      decided_at: string | null;
      due_at: string | null;
      reason: string | null;
    }[];
  }>(
    db,
    sql`select d.id, d.number, d.kind, s.code as stocktake, w.code as warehouse, d.status, d.line_count, trim_scale(d.total_qty)::text as total_qty, d.total_value::text as total_value, d.currency, w.timezone,
          coalesce((select json_agg(json_build_object('step_no', a.step_no, 'role', a.role, 'status', a.status, 'decided_by', p.handle,
                      'decided_at', ${isoText(sql`a.decided_at`)}, 'due_at', ${isoText(sql`a.due_at`)}, 'reason', a.reason) order by a.step_no)
                    from approval_step a left join person p on p.id = a.decided_by where a.document_id = d.id), '[]'::json) as route
        from adjustment_document d join stocktake s on s.id = d.stocktake_id join warehouse w on w.id = d.warehouse_id where d.id = ${id}::uuid`,
  );
  if (!doc) throw new NotFoundError('document', ref.trim(), documentTexts.notFound(ref.trim()));
  return {
    id: doc.id,
    number: doc.number,
    kind: doc.kind,
    stocktake: doc.stocktake,
    warehouse: doc.warehouse,
    status: doc.status,
    lineCount: Number(doc.line_count),
    totalQty: doc.total_qty,
    totalValue: doc.total_value,
    currency: doc.currency,
    timezone: doc.timezone,
    route: doc.route.map((r) => ({
      stepNo: Number(r.step_no),
      role: r.role,
      status: r.status,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      dueAt: r.due_at,
      reason: r.reason,
    })),
  };
}

export interface DocumentLineView {
  lineNo: number;
  sku: string;
  location: string;
  /** '' for an item that is not lot-tracked. */
  lot: string;
  qty: string;
  unitCost: string;
  value: string;
  causeCode: string;
  causeLabelEn: string | null;
  causeLabelZh: string | null;
  note: string | null;
}

/** A document line as queries read it (figures as text), with its cause's labels. */
export interface DocumentLineRow {
  line_no: number;
  sku: string;
  location: string;
  lot: string;
  qty: string;
  unit_cost: string;
  value: string;
  cause_code: string;
  label_en: string | null;
  label_zh: string | null;
  note: string | null;
}

export async function documentLines(db: DbOrTx, documentId: string): Promise<DocumentLineView[]> {
  const rows = await queryRows<DocumentLineRow>(
    db,
    sql`select dl.line_no, dl.sku, dl.location, dl.lot, trim_scale(dl.qty)::text as qty, trim_scale(dl.unit_cost)::text as unit_cost, dl.value::text as value,
          dl.cause_code, c.label_en, c.label_zh, dl.note
        from document_line dl left join cause c on c.code = dl.cause_code where dl.document_id = ${documentId}::uuid order by dl.line_no`,
  );
  return rows.map((r) => ({
    lineNo: Number(r.line_no),
    sku: r.sku,
    location: r.location,
    lot: r.lot,
    qty: r.qty,
    unitCost: r.unit_cost,
    value: r.value,
    causeCode: r.cause_code,
    causeLabelEn: r.label_en,
    causeLabelZh: r.label_zh,
    note: r.note,
  }));
}

export async function listDocuments(db: DbOrTx, filter: { stocktake?: string } = {}): Promise<DocumentSummary[]> {
  const st = filter.stocktake ? await getStocktake(db, filter.stocktake) : null;
  const ids = await queryRows<{ id: string }>(
    db,
    sql`select id from adjustment_document ${st ? sql`where stocktake_id = ${st.id}` : sql``} order by submitted_at, number`,
  );
  const out: DocumentSummary[] = [];
  for (const { id } of ids) out.push(await getDocument(db, id));
  return out;
}
