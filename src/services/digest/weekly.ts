import { sql } from 'drizzle-orm';
import { isoText } from '../../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { digestTexts } from '../../domain/texts/schedules.ts';
import { wallClock } from '../../domain/time.ts';
import { percentile, weekOf } from './calendar.ts';
import { digestWarehouse, readSnapshot } from './common.ts';
import type {
  CauseShare,
  DurationStats,
  PersonActivity,
  PostedStocktake,
  StepLatency,
  WeekKpis,
  WeekRange,
  WeeklyReport,
} from './types.ts';

export interface WeeklyReportOptions {
  /** Warehouse code or id. */
  warehouse: string;
  /** Any moment of the week after the one reported (the Monday-morning slot in jobs). */
  now: Date;
  /** Weeks in the trend, the reported one included (default 8). */
  weeks?: number;
}

/**
 * KPIs of the week just ended, in the warehouse's calendar (ISO week, Monday 00:00 local to the next
 * Monday), and the same KPIs for each of the weeks before it: cycle time from counting closed to posted,
 * count accuracy, values posted, approval latency, items handled; for the week itself also the cause
 * distribution, how often a suggested cause was kept, latency per approval step and work per person.
 * A stocktake belongs to the week its last document was posted in; a document, step or action to the week
 * it happened in. Lines are aggregated in SQL; only per-stocktake and per-step rows reach JavaScript.
 */
export async function weeklyReport(db: DbOrTx, options: WeeklyReportOptions): Promise<WeeklyReport> {
  const count = Math.max(1, Math.min(52, Math.trunc(options.weeks ?? 8)));
  if (Number.isNaN(options.now.getTime()) || Number.isNaN(count)) throw new InvalidInputError(digestTexts.badWeekly());
  return readSnapshot(db, async (tx) => {
    const warehouse = await digestWarehouse(tx, options.warehouse);
    const tz = warehouse.timezone;
    const weeks = Array.from({ length: count }, (_, i) => weekOf(options.now, tz, i - count));
    const range = { from: weeks[0]!.from, to: weeks[count - 1]!.to };
    const q = { warehouseId: warehouse.id, tz, ...range };
    const stocktakes = await postedStocktakes(tx, q);
    const documents = await postedLines(tx, q);
    const documentsPerWeek = await documentsPostedPerWeek(tx, q);
    const steps = await decidedSteps(tx, q);
    const actions = await activity(tx, q);
    const trend = weeks.map((week) => weekKpis(week, { stocktakes, lines: documents, documentsPerWeek, steps, actions }));
    const week = weeks[count - 1]!;
    const inWeek = <T extends { week: string }>(rows: T[]) => rows.filter((r) => r.week === week.start);
    const weekLines = inWeek(documents);
    const kept = weekLines.reduce((n, r) => n + r.kept, 0);
    const changed = weekLines.reduce((n, r) => n + r.changed, 0);
    return {
      kind: 'weekly' as const,
      warehouse,
      generatedAt: options.now.toISOString(),
      localTime: wallClock(options.now, tz),
      week,
      kpis: trend[count - 1]!,
      stocktakes: inWeek(stocktakes).map(({ week: _w, ...s }) => s),
      causes: causeShares(weekLines),
      suggestions: {
        withSuggestion: kept + changed,
        kept,
        changed,
        keptPercent: kept + changed > 0 ? ((kept * 100) / (kept + changed)).toFixed(1) : null,
      },
      approvalLatency: stepLatencies(inWeek(steps)),
      people: people(inWeek(actions)),
      trend,
    };
  });
}

interface Query {
  warehouseId: string;
  tz: string;
  from: string;
  to: string;
}

/** The local Monday (YYYY-MM-DD) of the week an instant falls in: the same calendar as `weekOf`. */
const weekStart = (column: ReturnType<typeof sql>, tz: string) =>
  sql`to_char(date_trunc('week', ${column} at time zone ${tz}), 'YYYY-MM-DD')`;

type PostedRow = PostedStocktake & { week: string; countedValue: string };

/** Stocktakes whose last document was posted in the range, with their line figures. */
async function postedStocktakes(tx: DbOrTx, q: Query): Promise<PostedRow[]> {
  const rows = await queryRows<{
    code: string;
    week: string;
    closed: string | null;
    posted: string;
    cycle_ms: string | null;
    lines: number;
    matched: number;
    counted_value: string;
    variance_value: string;
  }>(
    tx,
    sql`with posted as (
          select s.id, s.code, s.counting_closed_at, max(d.decided_at) as posted_at
          from stocktake s join adjustment_document d on d.stocktake_id = s.id and d.status = 'posted'
          where s.warehouse_id = ${q.warehouseId}::uuid and s.status = 'posted'
          group by s.id, s.code, s.counting_closed_at
          having max(d.decided_at) >= ${q.from}::timestamptz and max(d.decided_at) < ${q.to}::timestamptz)
        select p.code, ${weekStart(sql`p.posted_at`, q.tz)} as week, ${isoText(sql`p.counting_closed_at`)} as closed, ${isoText(sql`p.posted_at`)} as posted,
               (extract(epoch from p.posted_at - p.counting_closed_at) * 1000)::bigint::text as cycle_ms,
               l.lines, l.matched, l.counted_value, v.variance_value
        from posted p
        cross join lateral (
          select count(*)::int as lines, count(*) filter (where sl.review_status = 'none')::int as matched,
                 coalesce(sum(coalesce(sl.counted_qty, 0) * sl.unit_cost), 0)::numeric(20,2)::text as counted_value
          from stocktake_line sl where sl.stocktake_id = p.id) l
        cross join lateral (
          select coalesce(sum(abs(dl.value)), 0)::numeric(18,2)::text as variance_value
          from adjustment_document d join document_line dl on dl.document_id = d.id
          where d.stocktake_id = p.id and d.status = 'posted') v
        order by p.posted_at`,
  );
  return rows.map((r) => ({
    code: r.code,
    week: r.week,
    countingClosedAt: r.closed,
    postedAt: r.posted,
    cycleSeconds: r.cycle_ms === null ? null : Math.floor(Number(r.cycle_ms) / 1000),
    lines: Number(r.lines),
    matched: Number(r.matched),
    countedValue: r.counted_value,
    varianceValue: r.variance_value,
  }));
}

interface LineGroup {
  week: string;
  code: string;
  labelEn: string;
  labelZh: string;
  lines: number;
  gainValue: string;
  lossValue: string;
  kept: number;
  changed: number;
}

/** Lines of documents posted in the range, per week and cause, with how many kept their suggested cause. */
async function postedLines(tx: DbOrTx, q: Query): Promise<LineGroup[]> {
  const rows = await queryRows<{
    week: string;
    code: string;
    label_en: string | null;
    label_zh: string | null;
    lines: number;
    gain_value: string;
    loss_value: string;
    kept: number;
    changed: number;
  }>(
    tx,
    sql`select ${weekStart(sql`d.decided_at`, q.tz)} as week, dl.cause_code as code, c.label_en, c.label_zh,
          count(*)::int as lines,
          coalesce(sum(dl.value) filter (where dl.qty > 0), 0)::numeric(18,2)::text as gain_value,
          coalesce(sum(dl.value) filter (where dl.qty < 0), 0)::numeric(18,2)::text as loss_value,
          count(*) filter (where l.cause_matched_suggestion)::int as kept,
          count(*) filter (where not l.cause_matched_suggestion)::int as changed
        from adjustment_document d
        join document_line dl on dl.document_id = d.id
        left join stocktake_line l on l.stocktake_id = d.stocktake_id and l.sku = dl.sku and l.location = dl.location and l.lot = dl.lot
        left join cause c on c.code = dl.cause_code
        where d.warehouse_id = ${q.warehouseId}::uuid and d.status = 'posted'
          and d.decided_at >= ${q.from}::timestamptz and d.decided_at < ${q.to}::timestamptz
        group by 1, dl.cause_code, c.label_en, c.label_zh`,
  );
  return rows.map((r) => ({
    week: r.week,
    code: r.code,
    labelEn: r.label_en ?? r.code,
    labelZh: r.label_zh ?? r.code,
    lines: Number(r.lines),
    gainValue: r.gain_value,
    lossValue: r.loss_value,
    kept: Number(r.kept),
    changed: Number(r.changed),
  }));
}

/** Documents posted per week, counted once each (a document's lines may span several causes). */
async function documentsPostedPerWeek(tx: DbOrTx, q: Query): Promise<Map<string, number>> {
  const rows = await queryRows<{ week: string; n: number }>(
    tx,
    sql`select ${weekStart(sql`decided_at`, q.tz)} as week, count(*)::int as n from adjustment_document
        where warehouse_id = ${q.warehouseId}::uuid and status = 'posted' and decided_at >= ${q.from}::timestamptz and decided_at < ${q.to}::timestamptz
        group by 1`,
  );
  return new Map(rows.map((r) => [r.week, Number(r.n)]));
}

interface StepRow {
  week: string;
  stepNo: number;
  role: string;
  status: 'approved' | 'rejected';
  seconds: number;
}

/** Steps decided in the range; a step waits from the submit (step 1) or the previous step's decision. */
async function decidedSteps(tx: DbOrTx, q: Query): Promise<StepRow[]> {
  const rows = await queryRows<{ week: string; step_no: number; role: string; status: 'approved' | 'rejected'; ms: string }>(
    tx,
    sql`select ${weekStart(sql`a.decided_at`, q.tz)} as week, a.step_no, a.role::text as role, a.status::text as status,
          (extract(epoch from a.decided_at - coalesce(prev.decided_at, d.submitted_at)) * 1000)::bigint::text as ms
        from approval_step a
        join adjustment_document d on d.id = a.document_id
        left join approval_step prev on prev.document_id = a.document_id and prev.step_no = a.step_no - 1
        where d.warehouse_id = ${q.warehouseId}::uuid and a.status in ('approved', 'rejected')
          and a.decided_at >= ${q.from}::timestamptz and a.decided_at < ${q.to}::timestamptz`,
  );
  return rows.map((r) => ({
    week: r.week,
    stepNo: Number(r.step_no),
    role: r.role,
    status: r.status,
    seconds: Math.floor(Number(r.ms) / 1000),
  }));
}

interface ActionRow {
  week: string;
  handle: string;
  name: string;
  action: string;
  n: number;
  lines: number;
}

const HANDLED_ACTIONS = [
  'counts.imported',
  'counts.recount_imported',
  'variance.confirm',
  'variance.tag',
  'variance.recount',
  'document.submitted',
  'document.approved',
  'document.rejected',
];

/** Audit actions per person and week in the warehouse's stocktakes. */
async function activity(tx: DbOrTx, q: Query): Promise<ActionRow[]> {
  const rows = await queryRows<{ week: string; handle: string; name: string; action: string; n: number; lines: number }>(
    tx,
    sql`select ${weekStart(sql`a.at`, q.tz)} as week, p.handle, p.name, a.action, count(*)::int as n,
          coalesce(sum((a.after->>'linesCounted')::int) filter (where a.action in ('counts.imported', 'counts.recount_imported')), 0)::int as lines
        from audit_log a join person p on p.id = a.actor_person_id
        where a.stocktake_id in (select id from stocktake where warehouse_id = ${q.warehouseId}::uuid)
          and a.at >= ${q.from}::timestamptz and a.at < ${q.to}::timestamptz
          and a.action in (${sql.join(
            HANDLED_ACTIONS.map((x) => sql`${x}`),
            sql`, `,
          )})
        group by 1, p.handle, p.name, a.action`,
  );
  return rows.map((r) => ({ week: r.week, handle: r.handle, name: r.name, action: r.action, n: Number(r.n), lines: Number(r.lines) }));
}

const stats = (seconds: number[]): DurationStats => ({
  count: seconds.length,
  medianSeconds: percentile(seconds, 0.5),
  p90Seconds: percentile(seconds, 0.9),
});

const cents = (money: string): bigint => BigInt(money.replace('.', ''));

/** Exact decimal sums of 2-decimal strings (cents as bigint). */
function sumMoney(values: string[]): string {
  const total = values.reduce((n, v) => n + cents(v), 0n);
  const negative = total < 0n;
  const abs = (negative ? -total : total).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

/** num / den × 100 to `digits` decimals, rounded half up, exactly (both non-negative); null when den is 0. */
function percentOf(num: bigint, den: bigint, digits: number): string | null {
  if (den === 0n) return null;
  const scale = 10n ** BigInt(digits);
  const scaled = (num * 100n * scale * 2n + den) / (den * 2n);
  const text = scaled.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

interface RangeRows {
  stocktakes: PostedRow[];
  lines: LineGroup[];
  documentsPerWeek: Map<string, number>;
  steps: StepRow[];
  actions: ActionRow[];
}

function weekKpis(week: WeekRange, { stocktakes, lines, documentsPerWeek, steps, actions }: RangeRows): WeekKpis {
  const st = stocktakes.filter((s) => s.week === week.start);
  const ls = lines.filter((l) => l.week === week.start);
  const total = st.reduce((n, s) => n + s.lines, 0);
  const matched = st.reduce((n, s) => n + s.matched, 0);
  const countedValue = sumMoney(st.map((s) => s.countedValue));
  const varianceValue = sumMoney(st.map((s) => s.varianceValue));
  return {
    week,
    stocktakesPosted: st.length,
    cycleTime: stats(st.flatMap((s) => (s.cycleSeconds === null ? [] : [s.cycleSeconds]))),
    accuracy: {
      lines: total,
      matched,
      matchedPercent: percentOf(BigInt(matched), BigInt(total), 1),
      countedValue,
      varianceValue,
      varianceValuePercent: percentOf(cents(varianceValue), cents(countedValue), 2),
    },
    documentsPosted: documentsPerWeek.get(week.start) ?? 0,
    gainValue: sumMoney(ls.map((l) => l.gainValue)),
    lossValue: sumMoney(ls.map((l) => l.lossValue)),
    approvalLatency: stats(steps.filter((s) => s.week === week.start).map((s) => s.seconds)),
    itemsHandled: people(actions.filter((a) => a.week === week.start)).reduce((n, p) => n + p.total, 0),
  };
}

function causeShares(lines: LineGroup[]): CauseShare[] {
  const byCode = new Map<string, CauseShare & { gains: string[]; losses: string[] }>();
  for (const l of lines) {
    const c = byCode.get(l.code) ?? {
      code: l.code,
      labelEn: l.labelEn,
      labelZh: l.labelZh,
      lines: 0,
      gainValue: '0.00',
      lossValue: '0.00',
      gains: [],
      losses: [],
    };
    c.lines += l.lines;
    c.gains.push(l.gainValue);
    c.losses.push(l.lossValue);
    byCode.set(l.code, c);
  }
  return [...byCode.values()]
    .map(({ gains, losses, ...c }) => ({ ...c, gainValue: sumMoney(gains), lossValue: sumMoney(losses) }))
    .sort((a, b) => b.lines - a.lines || a.code.localeCompare(b.code));
}

function stepLatencies(steps: StepRow[]): StepLatency[] {
  const groups = new Map<string, StepRow[]>();
  for (const s of steps) groups.set(`${s.stepNo}\u0000${s.role}`, [...(groups.get(`${s.stepNo}\u0000${s.role}`) ?? []), s]);
  return [...groups.values()]
    .map((g) => ({
      stepNo: g[0]!.stepNo,
      role: g[0]!.role,
      approved: g.filter((s) => s.status === 'approved').length,
      rejected: g.filter((s) => s.status === 'rejected').length,
      ...stats(g.map((s) => s.seconds)),
    }))
    .sort((a, b) => a.stepNo - b.stepNo || a.role.localeCompare(b.role));
}

function people(actions: ActionRow[]): PersonActivity[] {
  const byHandle = new Map<string, PersonActivity>();
  for (const a of actions) {
    const p = byHandle.get(a.handle) ?? {
      person: { handle: a.handle, name: a.name },
      sheets: 0,
      linesCounted: 0,
      confirmations: 0,
      tags: 0,
      recountRequests: 0,
      submissions: 0,
      approvals: 0,
      rejections: 0,
      total: 0,
    };
    if (a.action === 'counts.imported' || a.action === 'counts.recount_imported') {
      p.sheets += a.n;
      p.linesCounted += a.lines;
    } else if (a.action === 'variance.confirm') p.confirmations += a.n;
    else if (a.action === 'variance.tag') p.tags += a.n;
    else if (a.action === 'variance.recount') p.recountRequests += a.n;
    else if (a.action === 'document.submitted') p.submissions += a.n;
    else if (a.action === 'document.approved') p.approvals += a.n;
    else if (a.action === 'document.rejected') p.rejections += a.n;
    p.total = p.linesCounted + p.confirmations + p.tags + p.recountRequests + p.approvals + p.rejections;
    byHandle.set(a.handle, p);
  }
  return [...byHandle.values()].sort((a, b) => b.total - a.total || a.person.handle.localeCompare(b.person.handle));
}
