/**
 * The case library (事故案例库): an explained variance written up as a case — what happened, the root cause,
 * the evidence (the variances and their photos), the corrective action with its owner and due day — then
 * searched, offered when a new variance looks like it (src/domain/cases.ts), and closed when the action is
 * done. Overdue actions are reminded with the review items (src/services/reminders.ts).
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { normaliseSearchText, searchTerms } from '../domain/cases.ts';
import { causeAppliesTo } from '../domain/causes.ts';
import { InvalidInputError, NotAllowedError, NotFoundError, StaleCommandError } from '../domain/errors.ts';
import { holdsAnyOf, roleList, SUPERVISING_ROLES, type CommandContext } from '../domain/people.ts';
import { lineLabel, lineRef } from '../domain/stocktake.ts';
import { caseTexts } from '../domain/texts/cases.ts';
import { rolesWords } from '../domain/texts/people.ts';
import { localDay, parseDate, zonedToInstant } from '../domain/time.ts';
import { auditHistory, type AuditHistoryRow } from './audit.ts';
import { getCause } from './causes.ts';
import { runCommand } from './commands.ts';
import { getPerson, requireAnyRole, rolesOf } from './people.ts';
import { listPhotos, type PhotoRef } from './photos.ts';
import { findLine } from './review.ts';
import { nextSequence } from './sequence.ts';
import { getStocktake } from './stocktakes.ts';

export type CaseStatus = 'open' | 'done';

export interface CaseSummary {
  code: string;
  warehouse: string;
  stocktake: string;
  title: string;
  causeCode: string;
  direction: 'gain' | 'loss';
  action: string;
  actionOwner: string;
  actionDue: string;
  /** The end of the due day in the warehouse's timezone (ISO). */
  actionDueAt: string;
  status: CaseStatus;
  createdBy: string;
  createdAt: string;
  /** How well a search matched (higher first); null outside a search. */
  score: number | null;
}

export interface CaseLine {
  line: string;
  stocktake: string;
  sku: string;
  location: string;
  lot: string;
  diffQty: string;
  diffValue: string;
}

export interface CaseDetail extends CaseSummary {
  whatHappened: string;
  doneBy: string | null;
  doneAt: string | null;
  doneNote: string | null;
  lines: CaseLine[];
  /** Photos attached to the case's lines (the evidence), oldest first. */
  photos: PhotoRef[];
  /** The case's audit trail, oldest first. */
  history: AuditHistoryRow[];
}

export interface NewCase {
  stocktake: string;
  /** The variances it explains: SKU, SKU@LOCATION or SKU@LOCATION#LOT. */
  lines: string[];
  title: string;
  whatHappened: string;
  /** Root cause from the catalogue; default: the cause tagged on the (first) line. */
  cause?: string;
  action: string;
  /** Who carries out the corrective action: handle or platform:id; must hold a role in the warehouse. */
  actionOwner: string;
  /** The due day, YYYY-MM-DD in the warehouse's calendar. */
  actionDue: string;
}

const LIMITS = { title: 200, whatHappened: 4000, action: 2000, note: 2000 } as const;
const FIELD_WORDS = {
  title: { en: 'the title', zh: '标题' },
  whatHappened: { en: 'what happened', zh: '经过' },
  action: { en: 'the corrective action', zh: '整改措施' },
  note: { en: 'the note', zh: '备注' },
} as const;

function requireText(value: string | undefined, field: keyof typeof LIMITS): string {
  const text = (value ?? '').trim();
  const words = FIELD_WORDS[field];
  if (!text) throw new InvalidInputError(caseTexts.fieldEmpty(words.en, words.zh));
  if (text.length > LIMITS[field]) throw new InvalidInputError(caseTexts.fieldTooLong(words.en, words.zh, LIMITS[field]));
  return text;
}

const SUMMARY_COLUMNS = sql`c.code, w.code as warehouse, s.code as stocktake, c.title, c.cause_code, c.direction, c.action,
  o.handle as action_owner, c.action_due_day::text as action_due, ${isoText(sql`c.action_due_at`)} as action_due_at, c.status,
  cb.handle as created_by, ${isoText(sql`c.created_at`)} as created_at`;
const SUMMARY_FROM = sql`incident_case c join warehouse w on w.id = c.warehouse_id join stocktake s on s.id = c.stocktake_id
  join person o on o.id = c.action_owner_id join person cb on cb.id = c.created_by`;

interface SummaryRow {
  code: string;
  warehouse: string;
  stocktake: string;
  title: string;
  cause_code: string;
  direction: 'gain' | 'loss';
  action: string;
  action_owner: string;
  action_due: string;
  action_due_at: string;
  status: CaseStatus;
  created_by: string;
  created_at: string;
  score?: string | number | null;
}

const toSummary = (r: SummaryRow): CaseSummary => ({
  code: r.code,
  warehouse: r.warehouse,
  stocktake: r.stocktake,
  title: r.title,
  causeCode: r.cause_code,
  direction: r.direction,
  action: r.action,
  actionOwner: r.action_owner,
  actionDue: r.action_due,
  actionDueAt: r.action_due_at,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  score: r.score === undefined || r.score === null ? null : Math.round(Number(r.score) * 100) / 100,
});

/**
 * Writes up explained variances of one stocktake as a case. By the lines' owner or a supervisor, manager
 * or admin of the warehouse (a stranger is refused before anything is looked at); every line must have a
 * cause and all must go the same way; the root cause must fit that direction; the action's owner must hold
 * a role in the warehouse and its due day must not be past. One transaction: the case, its links, the audit.
 */
export function createCase(db: Db, ctx: CommandContext, input: NewCase): Promise<CaseDetail> {
  return runCommand(db, ctx, 'case.create', input, async ({ tx, now, audit }) => {
    const st = await getStocktake(tx, input.stocktake);
    const roles = await requireAnyRole(tx, ctx.actor, st.warehouseId, `stocktake ${st.code}`);
    const refs = [...new Set(input.lines.map((l) => l.trim()).filter(Boolean))];
    if (refs.length === 0) throw new InvalidInputError(caseTexts.noLines());
    const lines = [];
    for (const ref of refs) lines.push(await findLine(tx, st, ref, true));
    const supervising = holdsAnyOf(roles, SUPERVISING_ROLES);
    for (const line of lines) {
      if (!supervising && line.owner_id !== ctx.actor.personId) {
        const rolesZh = rolesWords(SUPERVISING_ROLES).zh;
        throw new NotAllowedError(
          caseTexts.mayNotWrite(ctx.actor.handle, lineLabel(line), roleList(SUPERVISING_ROLES), rolesZh, st.warehouseCode),
        );
      }
      if (line.direction === 'match') throw new InvalidInputError(caseTexts.noVariance(lineLabel(line)));
      if (!line.cause_code) throw new InvalidInputError(caseTexts.notExplained(lineLabel(line)));
    }
    const direction = lines[0]!.direction as 'gain' | 'loss';
    if (lines.some((l) => l.direction !== direction)) {
      throw new InvalidInputError(caseTexts.mixedDirections(lines.map((l) => `${lineLabel(l)} ${l.diff_qty}`).join(', ')));
    }
    const cause = await getCause(tx, input.cause?.trim() || lines[0]!.cause_code!);
    if (!causeAppliesTo(cause, direction)) throw new InvalidInputError(caseTexts.causeDirection(cause.code, direction));
    const title = requireText(input.title, 'title');
    const whatHappened = requireText(input.whatHappened, 'whatHappened');
    const action = requireText(input.action, 'action');
    const owner = await getPerson(tx, input.actionOwner);
    if ((await rolesOf(tx, owner.id, st.warehouseId)).size === 0)
      throw new InvalidInputError(caseTexts.ownerNoRole(owner.handle, st.warehouseCode));
    const due = parseDate(input.actionDue, st.timezone);
    if (!due.ok) throw new InvalidInputError(caseTexts.badDueDay(input.actionDue));
    const today = localDay(now, st.timezone);
    if (due.value < today) throw new InvalidInputError(caseTexts.dueInPast(due.value, today));
    const [y, m, d] = due.value.split('-').map(Number) as [number, number, number];
    // Due at the end of the day, in the warehouse's calendar: the next day's midnight there.
    const dueAt = zonedToInstant([y, m, d + 1, 0, 0, 0, 0], st.timezone);
    const code = `C-${await nextSequence(tx, 'C')}`;
    const searchText = normaliseSearchText(
      [
        code,
        title,
        whatHappened,
        action,
        cause.code,
        cause.labelZh,
        cause.labelEn,
        ...lines.flatMap((l) => [l.sku, l.location, l.lot]),
      ].join(' '),
    );
    const [created] = await queryRows<{ id: string }>(
      tx,
      sql`insert into incident_case (code, warehouse_id, stocktake_id, title, what_happened, cause_code, direction, action, action_owner_id,
            action_due_day, action_due_at, created_by, created_at, search_text)
          values (${code}, ${st.warehouseId}::uuid, ${st.id}::uuid, ${title}, ${whatHappened}, ${cause.code}, ${direction}, ${action}, ${owner.id}::uuid,
            ${due.value}::date, ${dueAt.toISOString()}::timestamptz, ${ctx.actor.personId}::uuid, ${now.toISOString()}::timestamptz, ${searchText})
          returning id`,
    );
    for (const line of lines) {
      await tx.execute(sql`insert into case_variance (case_id, stocktake_id, sku, location, lot, diff_qty, diff_value)
                           values (${created!.id}::uuid, ${st.id}::uuid, ${line.sku}, ${line.location}, ${line.lot}, ${line.diff_qty}::numeric, ${line.diff_value}::numeric)`);
    }
    audit.add({
      action: 'case.created',
      entityType: 'case',
      entityId: code,
      stocktakeId: st.id,
      after: {
        title,
        cause: cause.code,
        direction,
        lines: lines.map((l) => lineRef(l)),
        action,
        actionOwner: owner.handle,
        actionDue: due.value,
      },
    });
    return caseDetail(tx, code, { withHistory: false });
  });
}

/**
 * Closes a case's corrective action (open → done), with what was done. By the action's owner or a
 * supervisor, manager or admin of the warehouse; a second close is told the case is already done.
 */
export function closeCase(db: Db, ctx: CommandContext, input: { case: string; note?: string }): Promise<CaseDetail> {
  return runCommand(db, ctx, 'case.done', input, async ({ tx, now, audit }) => {
    const [row] = await queryRows<{
      id: string;
      code: string;
      warehouse_id: string;
      warehouse: string;
      stocktake_id: string;
      owner_id: string;
      owner: string;
      status: CaseStatus;
    }>(
      tx,
      sql`select c.id, c.code, c.warehouse_id, w.code as warehouse, c.stocktake_id, c.action_owner_id as owner_id, o.handle as owner, c.status
          from incident_case c join warehouse w on w.id = c.warehouse_id join person o on o.id = c.action_owner_id
          where c.code = ${normaliseCode(input.case)} for update of c`,
    );
    if (!row) throw new NotFoundError('case', input.case, caseTexts.notFound(input.case));
    const roles = await requireAnyRole(tx, ctx.actor, row.warehouse_id, `case ${row.code}`);
    if (row.owner_id !== ctx.actor.personId && !holdsAnyOf(roles, SUPERVISING_ROLES)) {
      const rolesZh = rolesWords(SUPERVISING_ROLES).zh;
      throw new NotAllowedError(caseTexts.mayNotClose(ctx.actor.handle, row.code, row.owner, roleList(SUPERVISING_ROLES), rolesZh));
    }
    if (row.status !== 'open') throw new StaleCommandError(caseTexts.alreadyDone(row.code));
    const note = input.note?.trim() ? requireText(input.note, 'note') : null;
    await tx.execute(sql`update incident_case set status = 'done', done_by = ${ctx.actor.personId}::uuid, done_at = ${now.toISOString()}::timestamptz,
                           done_note = ${note} where id = ${row.id}::uuid and status = 'open'`);
    audit.add({
      action: 'case.done',
      entityType: 'case',
      entityId: row.code,
      stocktakeId: row.stocktake_id,
      before: { status: 'open' },
      after: { status: 'done', note },
    });
    return caseDetail(tx, row.code, { withHistory: false });
  });
}

/** "c-12", "C12", "12" → "C-12". */
function normaliseCode(text: string): string {
  const m = /^\s*c?-?\s*(\d+)\s*$/i.exec(text);
  return m ? `C-${Number(m[1])}` : text.trim();
}

/** A case with its lines, their photos and its history. */
export async function getCase(db: DbOrTx, code: string): Promise<CaseDetail> {
  return caseDetail(db, normaliseCode(code), { withHistory: true });
}

/** The warehouse a case belongs to, for a reader's permission check (the API and the console). */
export async function caseWarehouse(db: DbOrTx, code: string): Promise<string> {
  const [row] = await queryRows<{ code: string }>(
    db,
    sql`select w.code from incident_case c join warehouse w on w.id = c.warehouse_id where c.code = ${normaliseCode(code)}`,
  );
  if (!row) throw new NotFoundError('case', code, caseTexts.notFound(code));
  return row.code;
}

async function caseDetail(db: DbOrTx, code: string, options: { withHistory: boolean }): Promise<CaseDetail> {
  const [row] = await queryRows<
    SummaryRow & {
      id: string;
      stocktake_id: string;
      what_happened: string;
      done_by: string | null;
      done_at: string | null;
      done_note: string | null;
    }
  >(
    db,
    sql`select ${SUMMARY_COLUMNS}, c.id, c.stocktake_id, c.what_happened, db.handle as done_by, ${isoText(sql`c.done_at`)} as done_at, c.done_note
        from ${SUMMARY_FROM} left join person db on db.id = c.done_by where c.code = ${code}`,
  );
  if (!row) throw new NotFoundError('case', code, caseTexts.notFound(code));
  const lines = await queryRows<{
    stocktake: string;
    stocktake_id: string;
    sku: string;
    location: string;
    lot: string;
    diff_qty: string;
    diff_value: string;
  }>(
    db,
    sql`select s.code as stocktake, cv.stocktake_id, cv.sku, cv.location, cv.lot, trim_scale(cv.diff_qty)::text as diff_qty, cv.diff_value::text as diff_value
        from case_variance cv join stocktake s on s.id = cv.stocktake_id where cv.case_id = ${row.id}::uuid order by cv.sku, cv.location, cv.lot`,
  );
  const photos: PhotoRef[] = [];
  const stocktakePhotos = await listPhotos(db, row.stocktake_id);
  for (const p of stocktakePhotos) if (lines.some((l) => l.sku === p.sku && l.location === p.location)) photos.push(p);
  const history = options.withHistory ? await auditHistory(db, { stocktakeId: row.stocktake_id, entity: { type: 'case', id: code } }) : [];
  return {
    ...toSummary(row),
    whatHappened: row.what_happened,
    doneBy: row.done_by,
    doneAt: row.done_at,
    doneNote: row.done_note,
    lines: lines.map((l) => ({
      line: lineRef(l),
      stocktake: l.stocktake,
      sku: l.sku,
      location: l.location,
      lot: l.lot,
      diffQty: l.diff_qty,
      diffValue: l.diff_value,
    })),
    photos,
    history,
  };
}

export interface CaseFilter {
  /** Only this warehouse's cases (its code). */
  warehouse?: string;
  status?: CaseStatus;
  /** Words in Chinese or English: cases matching every term, best first (src/domain/cases.ts). */
  query?: string;
  /** Only warehouses this person holds a role in (the API and the console); the CLI sees all. */
  readerPersonId?: string;
  limit?: number;
}

/**
 * Cases, newest first; with a query, those matching every term, ranked: each term counts the share of
 * its grams found (a Latin word 1, a Chinese run the share of its bigrams), a gram in the title half as
 * much again; ties go to the newest.
 */
export async function listCases(db: DbOrTx, filter: CaseFilter = {}): Promise<CaseSummary[]> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const where = [sql`true`];
  if (filter.warehouse) where.push(sql`w.code = ${filter.warehouse}`);
  if (filter.status) where.push(sql`c.status = ${filter.status}`);
  if (filter.readerPersonId)
    where.push(
      sql`exists (select 1 from role_grant g where g.warehouse_id = c.warehouse_id and g.person_id = ${filter.readerPersonId}::uuid)`,
    );
  let score = sql`null::numeric`;
  if (filter.query !== undefined) {
    const terms = searchTerms(filter.query);
    if (terms.length === 0) throw new InvalidInputError(caseTexts.emptyQuery());
    const found = (gram: string) => sql`(position(${gram} in c.search_text) > 0)::int`;
    const inTitle = (gram: string) => sql`(position(${gram} in lower(c.title)) > 0)::int`;
    for (const t of terms) where.push(sql`(${sql.join(t.grams.map(found), sql` + `)}) >= ${t.needed}`);
    const parts = terms.map(
      (t) =>
        sql`((${sql.join(t.grams.map(found), sql` + `)})::numeric / ${t.grams.length} + (${sql.join(t.grams.map(inTitle), sql` + `)})::numeric / ${t.grams.length * 2})`,
    );
    score = sql.join(parts, sql` + `);
  }
  const rows = await queryRows<SummaryRow>(
    db,
    sql`select ${SUMMARY_COLUMNS}, ${score} as score from ${SUMMARY_FROM}
        where ${sql.join(where, sql` and `)}
        order by score desc nulls last, c.created_at desc, c.code desc limit ${limit}`,
  );
  return rows.map(toSummary);
}
