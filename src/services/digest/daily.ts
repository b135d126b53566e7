import { lastCheckpoint } from '../auditSeal.ts';
import { sql, type SQL } from 'drizzle-orm';
import { isoText } from '../../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { digestTexts } from '../../domain/texts/schedules.ts';
import { getStocktake, type StocktakeRef } from '../stocktakes.ts';
import { dateText, localDate, wallClock, type LocalDate } from '../../domain/time.ts';
import { addDays, startOfDay } from './calendar.ts';
import { digestChanges } from './changes.ts';
import { digestWarehouse, personOf, readSnapshot, roleHolders } from './common.ts';
import { digestLineRows } from './lines.ts';
import {
  DIGEST_REVIEW_STATES,
  type ApprovalQueueEntry,
  type CauseShare,
  type DailyDigest,
  type DayProgress,
  type DigestDocument,
  type DigestPerson,
  type OpenVariance,
  type OverdueStep,
  type OverdueVariance,
  type StocktakeDigest,
} from './types.ts';

export interface DailyDigestOptions {
  /** Warehouse code or id. */
  warehouse: string;
  /** The moment the digest describes (a fake clock in tests, the cron slot in jobs). */
  now: Date;
  /** Start of "since yesterday": the previous digest's slot; default 24 hours before `now`. */
  since?: Date;
  /**
   * Leave out blind counts (盲盘) still counting: the digest goes to a chat that is also a team chat, where
   * counters would read their book figures.
   */
  withoutBlindCounting?: boolean;
}

/** Days of progress a digest shows at most (the daily progress chart). */
const PROGRESS_DAYS = 14;
const LARGEST = 10;
const OVERDUE_LISTED = 10;

/**
 * The daily digest of a warehouse: for each open stocktake (and each posted within the window) its
 * counting progress, variances by review state, gain and loss value, the largest open variances with their
 * owners, what is overdue and by how long, the approval queue per role, and what changed in the window.
 * Every figure over lines is aggregated in SQL, in one statement per stocktake; all reads share one snapshot.
 */
export async function dailyDigest(db: DbOrTx, options: DailyDigestOptions): Promise<DailyDigest> {
  const now = options.now;
  const from = options.since ?? new Date(now.getTime() - 24 * 3600_000);
  if (Number.isNaN(now.getTime()) || Number.isNaN(from.getTime())) throw new InvalidInputError(digestTexts.badNow());
  if (from.getTime() >= now.getTime()) throw new InvalidInputError(digestTexts.sinceAfterNow(from.toISOString(), now.toISOString()));
  return readSnapshot(db, async (tx) => {
    const warehouse = await digestWarehouse(tx, options.warehouse);
    const included = await queryRows<{ id: string; posted_at: string | null }>(
      tx,
      sql`select s.id, ${isoText(sql`p.posted_at`)} as posted_at
          from stocktake s
          left join lateral (select max(d.decided_at) as posted_at from adjustment_document d where d.stocktake_id = s.id and d.status = 'posted') p on true
          where s.warehouse_id = ${warehouse.id}::uuid
            and not (${options.withoutBlindCounting ?? false}::boolean and s.blind and s.status = 'counting')
            and (s.status in ('counting', 'reviewing', 'approving')
                 or (s.status = 'posted' and p.posted_at > ${from.toISOString()}::timestamptz and p.posted_at <= ${now.toISOString()}::timestamptz))
          order by s.status = 'posted', p.posted_at desc nulls first, s.created_at desc`,
    );
    const holders = included.length > 0 ? await roleHolders(tx, warehouse.id) : new Map<string, DigestPerson[]>();
    const stocktakes: StocktakeDigest[] = [];
    for (const row of included) {
      const st = await getStocktake(tx, row.id);
      stocktakes.push(await stocktakeDigest(tx, st, row.posted_at, { now, from, holders }));
    }
    return {
      kind: 'daily' as const,
      warehouse,
      generatedAt: now.toISOString(),
      localTime: wallClock(now, warehouse.timezone),
      day: dateText(localDate(now, warehouse.timezone)),
      window: { from: from.toISOString(), to: now.toISOString() },
      stocktakes,
      auditHead: await lastCheckpoint(tx).then((c) => (c ? { seq: c.seq, hash: c.hash } : null)),
    };
  });
}

interface Scope {
  now: Date;
  from: Date;
  holders: Map<string, DigestPerson[]>;
}

export interface LineFigures {
  totals: {
    total: number;
    counted: number;
    verified: number;
    conflict: number;
    uncounted: number;
    not_in_book: number;
    gain: number;
    loss: number;
    match: number;
    gain_value: string;
    loss_value: string;
    net_value: string;
    open: number;
    variances: number;
    overdue: number;
    /** Per DIGEST_REVIEW_STATES, in order: [lines, net value]. */
    review: [number, string][];
  };
  largest:
    | {
        sku: string;
        location: string;
        item_name: string | null;
        diff_qty: string;
        diff_value: string;
        review_status: OpenVariance['reviewStatus'];
        owner_handle: string | null;
        owner_name: string | null;
        due_at: string | null;
        cause_code: string | null;
        suggested: string | null;
      }[]
    | null;
  overdue:
    | {
        sku: string;
        location: string;
        diff_value: string;
        review_status: OverdueVariance['reviewStatus'];
        owner_handle: string | null;
        owner_name: string | null;
        recount_handle: string | null;
        recount_name: string | null;
        due_at: string;
        late_ms: string;
      }[]
    | null;
  causes:
    | { code: string; label_en: string | null; label_zh: string | null; lines: number; gain_value: string; loss_value: string }[]
    | null;
  counted_days: { state: 'counted' | 'verified' | 'conflict'; day: number; n: number }[] | null;
  confirmed_days: { day: number; n: number }[] | null;
}

async function stocktakeDigest(tx: DbOrTx, st: StocktakeRef, postedAt: string | null, scope: Scope): Promise<StocktakeDigest> {
  const { now } = scope;
  const tz = st.timezone;
  const days: LocalDate[] = [];
  for (
    let d = maxDate(localDate(st.snapshotAt, tz), addDays(localDate(now, tz), 1 - PROGRESS_DAYS));
    dateText(d) <= dateText(localDate(now, tz));
    d = addDays(d, 1)
  )
    days.push(d);
  const f = await lineFigures(
    tx,
    st,
    now,
    days.slice(1).map((d) => startOfDay(d, tz)),
  );
  const t = f.totals;
  const review = Object.fromEntries(DIGEST_REVIEW_STATES.map((s) => [s, { lines: 0, value: '0.00' }])) as StocktakeDigest['review'];
  DIGEST_REVIEW_STATES.forEach((state, i) => (review[state] = { lines: Number(t.review[i]![0]), value: t.review[i]![1] }));
  const documents = await documentsOf(tx, st.id, now);
  const stepCounts = new Map(documents.map((d) => [d.doc.id, d.stepCount]));
  return {
    id: st.id,
    code: st.code,
    status: st.status as StocktakeDigest['status'],
    snapshotAt: st.snapshotAt.toISOString(),
    countingClosedAt: st.countingClosedAt?.toISOString() ?? null,
    postedAt,
    lines: {
      total: t.total,
      counted: t.counted,
      verified: t.verified,
      conflict: t.conflict,
      uncounted: t.uncounted,
      notInBook: t.not_in_book,
    },
    variances: { gain: t.gain, loss: t.loss, match: t.match, gainValue: t.gain_value, lossValue: t.loss_value, netValue: t.net_value },
    review,
    openVariances: t.open,
    largestOpen: (f.largest ?? []).map((r) => ({
      sku: r.sku,
      location: r.location,
      itemName: r.item_name,
      diffQty: r.diff_qty,
      diffValue: r.diff_value,
      reviewStatus: r.review_status,
      owner: personOf(r.owner_handle, r.owner_name),
      dueAt: r.due_at,
      overdue: r.due_at !== null && Date.parse(r.due_at) < now.getTime() && (r.review_status === 'open' || r.review_status === 'recount'),
      causeCode: r.cause_code,
      suggestedCause: r.suggested,
    })),
    overdue: {
      variances: (f.overdue ?? []).map((r) => ({
        sku: r.sku,
        location: r.location,
        diffValue: r.diff_value,
        reviewStatus: r.review_status,
        owner: personOf(r.owner_handle, r.owner_name),
        recountBy: personOf(r.recount_handle, r.recount_name),
        dueAt: r.due_at,
        lateSeconds: Math.floor(Number(r.late_ms) / 1000),
      })),
      variancesTotal: t.overdue,
      steps: overdueSteps(documents, scope),
    },
    approvalQueue: approvalQueue(documents, scope, stepCounts),
    documents: documents.map((d) => d.doc),
    causes: (f.causes ?? []).map(
      (c): CauseShare => ({
        code: c.code,
        labelEn: c.label_en ?? c.code,
        labelZh: c.label_zh ?? c.code,
        lines: Number(c.lines),
        gainValue: c.gain_value,
        lossValue: c.loss_value,
      }),
    ),
    changes: await digestChanges(tx, st.id, scope.from, now),
    progress: progress(st, days, now, f, documents),
  };
}

/**
 * Every figure over a stocktake's lines in one statement: the lines with their live variances are
 * computed once (a materialised CTE) and read by one aggregate pass, two top-10 sorts and three small
 * group-bys. `dayStarts`: the local midnights starting the progress days after the first.
 */
export async function lineFigures(tx: DbOrTx, st: StocktakeRef, now: Date, dayStarts: readonly Date[]): Promise<LineFigures> {
  const nowText = now.toISOString();
  // The progress day of an instant: 0 for the first day (and before), k from the start of the k-th day
  // after it — a binary search over the local midnights, not a timezone conversion per line.
  const bucket = (column: SQL) =>
    dayStarts.length === 0
      ? sql`0`
      : sql`width_bucket(${column}, ${`{${dayStarts.map((d) => d.toISOString()).join(',')}}`}::timestamptz[])`;
  // While counting, every counted variance is "open" (review has not started); afterwards, those not yet on a document.
  const isOpen = st.status === 'counting' ? sql`j.review_status = 'none'` : sql`j.review_status in ('open', 'recount', 'confirmed')`;
  // The reminders' rule: past due and still with its owner (open) or its recounter.
  const isOverdue = sql`(j.due_at < ${nowText}::timestamptz and j.review_status in ('open', 'recount'))`;
  const [figures] = await queryRows<LineFigures>(
    tx,
    sql`with j as materialized (${digestLineRows(st)})
        select
          (select json_build_object(
              'total', count(*), 'counted', count(*) filter (where count_status = 'counted'), 'verified', count(*) filter (where count_status = 'verified'),
              'conflict', count(*) filter (where count_status = 'conflict'), 'uncounted', count(*) filter (where count_status = 'uncounted'),
              'not_in_book', count(*) filter (where not in_book),
              'gain', count(*) filter (where diff_qty > 0), 'loss', count(*) filter (where diff_qty < 0), 'match', count(*) filter (where diff_qty = 0),
              'gain_value', coalesce(sum(diff_value) filter (where diff_qty > 0), 0)::numeric(18,2)::text,
              'loss_value', coalesce(sum(diff_value) filter (where diff_qty < 0), 0)::numeric(18,2)::text,
              'net_value', coalesce(sum(diff_value), 0)::numeric(18,2)::text,
              'open', count(*) filter (where diff_qty <> 0 and ${isOpen}),
              'variances', count(*) filter (where review_status <> 'none'),
              'overdue', count(*) filter (where ${isOverdue}),
              'review', json_build_array(${sql.join(
                DIGEST_REVIEW_STATES.map(
                  (state) =>
                    sql`json_build_array(count(*) filter (where review_status = ${state}), coalesce(sum(diff_value) filter (where review_status = ${state}), 0)::numeric(18,2)::text)`,
                ),
                sql`, `,
              )}))
           from j) as totals,
          (select json_agg(x order by x.n) from (
             select row_number() over (order by abs(t.diff_value) desc, t.sku, t.location) as n,
                    t.sku, t.location, i.name as item_name, trim_scale(t.diff_qty)::text as diff_qty, t.diff_value::text as diff_value,
                    t.review_status::text as review_status, o.handle as owner_handle, o.name as owner_name, ${isoText(sql`t.due_at`)} as due_at,
                    t.cause_code, t.suggested
             -- The top 10 first (a top-N sort), then their names: joining 160,000 rows to name 10 is waste.
             from (select * from j where j.diff_qty <> 0 and ${isOpen} order by abs(j.diff_value) desc, j.sku, j.location limit ${LARGEST}) t
             left join item i on i.sku = t.sku left join person o on o.id = t.owner_id) x) as largest,
          (select json_agg(x order by x.n) from (
             select row_number() over (order by t.due_at, abs(t.diff_value) desc, t.sku, t.location) as n,
                    t.sku, t.location, t.diff_value::text as diff_value, t.review_status::text as review_status,
                    o.handle as owner_handle, o.name as owner_name, r.handle as recount_handle, r.name as recount_name,
                    ${isoText(sql`t.due_at`)} as due_at, (extract(epoch from ${nowText}::timestamptz - t.due_at) * 1000)::bigint::text as late_ms
             from (select * from j where ${isOverdue} order by j.due_at, abs(j.diff_value) desc, j.sku, j.location limit ${OVERDUE_LISTED}) t
             left join person o on o.id = t.owner_id left join person r on r.id = t.recount_by) x) as overdue,
          (select json_agg(x order by x.lines desc, x.code) from (
             select j.cause_code as code, c.label_en, c.label_zh, count(*) as lines,
                    coalesce(sum(j.diff_value) filter (where j.diff_qty > 0), 0)::numeric(18,2)::text as gain_value,
                    coalesce(sum(j.diff_value) filter (where j.diff_qty < 0), 0)::numeric(18,2)::text as loss_value
             from j left join cause c on c.code = j.cause_code
             where j.cause_code is not null and j.diff_qty <> 0 group by j.cause_code, c.label_en, c.label_zh) x) as causes,
          (select json_agg(x) from (
             select j.count_status::text as state, ${bucket(sql`j.counted_at`)} as day, count(*) as n
             from j where j.count_status <> 'uncounted' and j.counted_at <= ${nowText}::timestamptz group by 1, 2) x) as counted_days,
          (select json_agg(x) from (
             select ${bucket(sql`j.confirmed_at`)} as day, count(*) as n
             from j where j.confirmed_at <= ${nowText}::timestamptz group by 1) x) as confirmed_days`,
  );
  return figures!;
}

const maxDate = (a: LocalDate, b: LocalDate) => (dateText(a) >= dateText(b) ? a : b);

interface DocumentRow {
  doc: DigestDocument;
  stepCount: number;
  pending: { stepNo: number; role: string; dueAt: string | null; since: string } | null;
}

/** The stocktake's documents with their pending step, and when that step became pending. */
async function documentsOf(tx: DbOrTx, stocktakeId: string, now: Date): Promise<DocumentRow[]> {
  const rows = await queryRows<{
    id: string;
    number: string;
    kind: 'gain' | 'loss';
    status: DigestDocument['status'];
    line_count: number;
    total_value: string;
    submitted_at: string;
    decided_at: string | null;
    step_no: number | null;
    role: string | null;
    due_at: string | null;
    since: string | null;
    step_count: number;
  }>(
    tx,
    sql`select d.id, d.number, d.kind, d.status, d.line_count, d.total_value::text as total_value, ${isoText(sql`d.submitted_at`)} as submitted_at,
          ${isoText(sql`d.decided_at`)} as decided_at, a.step_no, a.role::text as role, ${isoText(sql`a.due_at`)} as due_at,
          ${isoText(sql`coalesce(prev.decided_at, d.submitted_at)`)} as since,
          (select count(*)::int from approval_step c where c.document_id = d.id) as step_count
        from adjustment_document d
        left join approval_step a on a.document_id = d.id and a.status = 'pending'
        left join approval_step prev on prev.document_id = d.id and prev.step_no = a.step_no - 1
        where d.stocktake_id = ${stocktakeId}::uuid and d.submitted_at <= ${now.toISOString()}::timestamptz
        order by d.submitted_at, d.kind, d.number`,
  );
  return rows.map((r) => ({
    doc: {
      id: r.id,
      number: r.number,
      kind: r.kind,
      status: r.status,
      lineCount: Number(r.line_count),
      totalValue: r.total_value,
      submittedAt: r.submitted_at,
      decidedAt: r.decided_at,
    },
    stepCount: Number(r.step_count),
    pending:
      r.status === 'approving' && r.step_no !== null
        ? { stepNo: Number(r.step_no), role: r.role!, dueAt: r.due_at, since: r.since! }
        : null,
  }));
}

const secondsBetween = (fromIso: string, to: Date) => Math.max(0, Math.floor((to.getTime() - Date.parse(fromIso)) / 1000));

function overdueSteps(documents: DocumentRow[], { now, holders }: Scope): OverdueStep[] {
  return documents
    .filter((d) => d.pending?.dueAt && Date.parse(d.pending.dueAt) < now.getTime())
    .map((d) => ({
      documentId: d.doc.id,
      number: d.doc.number,
      kind: d.doc.kind,
      totalValue: d.doc.totalValue,
      stepNo: d.pending!.stepNo,
      role: d.pending!.role,
      holders: holders.get(d.pending!.role) ?? [],
      dueAt: d.pending!.dueAt!,
      lateSeconds: secondsBetween(d.pending!.dueAt!, now),
    }))
    .sort((a, b) => b.lateSeconds - a.lateSeconds || a.number.localeCompare(b.number));
}

const ROLE_ORDER = ['supervisor', 'finance', 'manager', 'admin', 'counter'];

function approvalQueue(documents: DocumentRow[], { now, holders }: Scope, stepCounts: Map<string, number>): ApprovalQueueEntry[] {
  const byRole = new Map<string, ApprovalQueueEntry>();
  for (const d of documents) {
    if (!d.pending) continue;
    const entry = byRole.get(d.pending.role) ?? { role: d.pending.role, holders: holders.get(d.pending.role) ?? [], documents: [] };
    entry.documents.push({
      documentId: d.doc.id,
      number: d.doc.number,
      kind: d.doc.kind,
      totalValue: d.doc.totalValue,
      lineCount: d.doc.lineCount,
      stepNo: d.pending.stepNo,
      stepCount: stepCounts.get(d.doc.id) ?? d.pending.stepNo,
      waitingSince: d.pending.since,
      waitingSeconds: secondsBetween(d.pending.since, now),
      dueAt: d.pending.dueAt,
      overdue: d.pending.dueAt !== null && Date.parse(d.pending.dueAt) < now.getTime(),
    });
    byRole.set(d.pending.role, entry);
  }
  for (const e of byRole.values()) e.documents.sort((a, b) => b.waitingSeconds - a.waitingSeconds || a.number.localeCompare(b.number));
  return [...byRole.values()].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

/** The end-of-day states of the progress chart, accumulated from per-day counts (see `DayProgress`). */
function progress(st: StocktakeRef, days: LocalDate[], now: Date, f: LineFigures, documents: DocumentRow[]): DayProgress[] {
  const tz = st.timezone;
  const counted = new Map<string, number>();
  for (const r of f.counted_days ?? []) counted.set(`${r.state}\u0000${r.day}`, Number(r.n));
  const confirmedOn = new Map((f.confirmed_days ?? []).map((r) => [Number(r.day), Number(r.n)]));
  const total = f.totals.total;
  const running = { counted: 0, verified: 0, conflict: 0, confirmed: 0 };
  return days.map((d, i) => {
    const end = Math.min(startOfDay(addDays(d, 1), tz).getTime(), now.getTime());
    for (const state of ['counted', 'verified', 'conflict'] as const) running[state] += counted.get(`${state}\u0000${i}`) ?? 0;
    running.confirmed += confirmedOn.get(i) ?? 0;
    const before = (iso: string | null) => iso !== null && Date.parse(iso) < end;
    let documented = 0;
    let posted = 0;
    for (const { doc } of documents) {
      if (doc.status === 'posted' && before(doc.decidedAt)) posted += doc.lineCount;
      else if (before(doc.submittedAt) && !before(doc.decidedAt)) documented += doc.lineCount;
    }
    const reviewing = st.countingClosedAt !== null && st.countingClosedAt.getTime() < end;
    return {
      day: dateText(d),
      counted: running.counted,
      verified: running.verified,
      conflict: running.conflict,
      uncounted: total - running.counted - running.verified - running.conflict,
      open: reviewing ? Math.max(0, f.totals.variances - Math.max(running.confirmed, documented + posted)) : 0,
      confirmed: reviewing ? Math.max(0, running.confirmed - documented - posted) : 0,
      documented: reviewing ? documented : 0,
      posted: reviewing ? posted : 0,
    };
  });
}
