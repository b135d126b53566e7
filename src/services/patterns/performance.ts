/**
 * Accuracy and performance figures (绩效), over the last `window` stocktakes of a warehouse whose counting
 * closed:
 * - per counter: first-count accuracy (lines they counted first whose first count equals the final
 *   figure), recount rate (of those lines, the share a later round recounted), and lines per hour
 *   (count entries ÷ time spent, where time spent is, per stocktake and round, the span from their first
 *   to their last count time — sheet `counted_at` values and phone scan times; a round whose times are all
 *   equal has no measurable span and is left out of this one figure);
 * - per reviewer: lines explained, how often the suggested cause was kept (cause_matched_suggestion), and
 *   cause changes after a reject (a cause re-tagged to another code after a document of the stocktake was
 *   rejected) against the lines of theirs that rejected documents sent back;
 * - per warehouse: per stocktake its accuracy (lines without variance ÷ lines) and cycle time from
 *   counting closed to its last posting, against the 5 days → 1 day target.
 * Managers and admins see everyone; anyone else with a role sees only their own rows and no warehouse trend.
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { CYCLE_BASELINE_SECONDS, CYCLE_TARGET_SECONDS, DEFAULT_PERFORMANCE_WINDOW, PERFORMANCE_ROLES } from '../../domain/patterns.ts';
import { holdsAnyOf, type Actor } from '../../domain/people.ts';
import { percentile } from '../digest/calendar.ts';
import { digestWarehouse, readSnapshot } from '../digest/common.ts';
import type { DigestWarehouse } from '../digest/types.ts';
import { requireAnyRole } from '../people.ts';
import { FIRST_COUNT_CTES, recentClosed } from './history.ts';

export interface CounterFigures {
  person: { handle: string; name: string };
  /** Lines this person counted first. */
  lines: number;
  /** …whose first count equals the final figure. */
  matched: number;
  accuracyPercent: string | null;
  recounted: number;
  recountPercent: string | null;
  /** Count entries in rounds with a measurable span, and that time in seconds. */
  timedLines: number;
  timedSeconds: number;
  linesPerHour: string | null;
}

export interface ReviewerFigures {
  person: { handle: string; name: string };
  explained: number;
  withSuggestion: number;
  kept: number;
  keptPercent: string | null;
  /** Lines they explained that a rejected document sent back, and causes they changed after a reject. */
  returned: number;
  changedAfterReject: number;
}

export interface StocktakeFigures {
  code: string;
  countingClosedAt: string;
  postedAt: string | null;
  lines: number;
  matched: number;
  accuracyPercent: string | null;
  cycleSeconds: number | null;
  /** Whether the cycle time met the 1-day target; null while not posted. */
  onTarget: boolean | null;
}

export interface PerformanceReport {
  warehouse: DigestWarehouse;
  /** Closed stocktakes looked at (most). */
  window: number;
  /** Everyone's rows (manager, admin, the operator) or only the viewer's. */
  scope: 'all' | 'own';
  counters: CounterFigures[];
  reviewers: ReviewerFigures[];
  /** Oldest first; null for a viewer who sees only their own figures. */
  stocktakes: StocktakeFigures[] | null;
  cycleTime: { medianSeconds: number | null; targetSeconds: number; baselineSeconds: number } | null;
}

const pct = (num: number, den: number): string | null => (den === 0 ? null : (Math.round((num * 1000) / den) / 10).toFixed(1));

/**
 * The figures of a warehouse (code or id). `viewer` null is the local operator (the CLI without --as): all
 * figures. A viewer without a role in the warehouse is refused.
 */
export async function performanceFigures(
  db: DbOrTx,
  options: { warehouse: string; viewer: Actor | null; window?: number },
): Promise<PerformanceReport> {
  const window = Math.max(1, Math.min(100, Math.trunc(options.window ?? DEFAULT_PERFORMANCE_WINDOW)));
  return readSnapshot(db, async (tx) => {
    const warehouse = await digestWarehouse(tx, options.warehouse);
    const roles = options.viewer ? await requireAnyRole(tx, options.viewer, warehouse.id, `warehouse ${warehouse.code}`) : null;
    const all = roles === null || holdsAnyOf(roles, PERFORMANCE_ROLES);
    const own = all ? null : options.viewer!.personId;
    const counters = await counterFigures(tx, warehouse.id, window, own);
    const reviewers = await reviewerFigures(tx, warehouse.id, window, own);
    const stocktakes = all ? await stocktakeFigures(tx, warehouse.id, window) : null;
    const cycles = (stocktakes ?? []).flatMap((s) => (s.cycleSeconds === null ? [] : [s.cycleSeconds]));
    return {
      warehouse,
      window,
      scope: all ? 'all' : 'own',
      counters,
      reviewers,
      stocktakes,
      cycleTime: all
        ? { medianSeconds: percentile(cycles, 0.5), targetSeconds: CYCLE_TARGET_SECONDS, baselineSeconds: CYCLE_BASELINE_SECONDS }
        : null,
    };
  });
}

async function counterFigures(tx: DbOrTx, warehouseId: string, window: number, only: string | null): Promise<CounterFigures[]> {
  const rows = await queryRows<{
    counter: string;
    name: string;
    lines: number;
    matched: number;
    recounted: number;
    timed_lines: number | null;
    timed_seconds: string | null;
  }>(
    tx,
    sql`with closed as (${recentClosed(warehouseId, window)}), ${FIRST_COUNT_CTES},
        points as (
          select counter, stocktake_id, round, counted_at as at from entry
          union all
          select e.counter, e.stocktake_id, e.round, s.scanned_at from scan_entry s
          join (select distinct import_id, counter, stocktake_id, round from entry) e on e.import_id = s.import_id),
        spans as (
          select counter, stocktake_id, round, extract(epoch from max(at) - min(at)) as secs from points group by 1, 2, 3),
        round_lines as (select counter, stocktake_id, round, count(*)::int as lines from entry group by 1, 2, 3),
        timed as (
          select s.counter, sum(l.lines)::int as lines, sum(s.secs)::bigint as secs
          from spans s join round_lines l using (counter, stocktake_id, round) where s.secs > 0 group by s.counter),
        firsts as (
          select counter, min(counter_name) as name, min(person_id::text) as person_id, count(*)::int as lines,
                 count(*) filter (where matched_final)::int as matched, count(*) filter (where recounted)::int as recounted
          from first_count group by counter)
        select f.counter, f.name, f.lines, f.matched, f.recounted, t.lines as timed_lines, t.secs::text as timed_seconds
        from firsts f left join timed t on t.counter = f.counter
        ${only ? sql`where f.person_id = ${only}` : sql``}
        order by f.counter`,
  );
  return rows.map((r) => {
    const timedLines = Number(r.timed_lines ?? 0);
    const timedSeconds = Number(r.timed_seconds ?? 0);
    return {
      person: { handle: r.counter, name: r.name },
      lines: Number(r.lines),
      matched: Number(r.matched),
      accuracyPercent: pct(Number(r.matched), Number(r.lines)),
      recounted: Number(r.recounted),
      recountPercent: pct(Number(r.recounted), Number(r.lines)),
      timedLines,
      timedSeconds,
      linesPerHour: timedSeconds > 0 ? (Math.round((timedLines * 36_000) / timedSeconds) / 10).toFixed(1) : null,
    };
  });
}

async function reviewerFigures(tx: DbOrTx, warehouseId: string, window: number, only: string | null): Promise<ReviewerFigures[]> {
  const rows = await queryRows<{
    handle: string;
    name: string;
    explained: number;
    with_suggestion: number;
    kept: number;
    returned: number;
    changed: number;
  }>(
    tx,
    sql`with closed as (${recentClosed(warehouseId, window)}),
        explained as (
          select sl.explained_by as person_id, count(*)::int as explained,
                 count(sl.cause_matched_suggestion)::int as with_suggestion,
                 count(*) filter (where sl.cause_matched_suggestion)::int as kept
          from closed c join stocktake_line sl on sl.stocktake_id = c.id
          where sl.explained_by is not null group by sl.explained_by),
        returned as (
          select sl.explained_by as person_id, count(*)::int as returned
          from closed c
          join adjustment_document d on d.stocktake_id = c.id and d.status = 'rejected'
          join document_line dl on dl.document_id = d.id
          join stocktake_line sl on sl.stocktake_id = c.id and sl.sku = dl.sku and sl.location = dl.location and sl.lot = dl.lot
          where sl.explained_by is not null group by sl.explained_by),
        changed as (
          select a.actor_person_id as person_id, count(*)::int as changed
          from closed c join audit_log a on a.stocktake_id = c.id and a.action = 'variance.tag'
          where a.before->>'causeCode' is not null and a.before->>'causeCode' <> a.after->>'causeCode'
            and exists (select 1 from audit_log r where r.stocktake_id = c.id and r.action = 'document.rejected' and r.at <= a.at)
          group by a.actor_person_id)
        select p.handle, p.name, e.explained, e.with_suggestion, e.kept, coalesce(r.returned, 0)::int as returned, coalesce(ch.changed, 0)::int as changed
        from explained e join person p on p.id = e.person_id
        left join returned r on r.person_id = e.person_id left join changed ch on ch.person_id = e.person_id
        ${only ? sql`where e.person_id = ${only}::uuid` : sql``}
        order by p.handle`,
  );
  return rows.map((r) => ({
    person: { handle: r.handle, name: r.name },
    explained: Number(r.explained),
    withSuggestion: Number(r.with_suggestion),
    kept: Number(r.kept),
    keptPercent: pct(Number(r.kept), Number(r.with_suggestion)),
    returned: Number(r.returned),
    changedAfterReject: Number(r.changed),
  }));
}

async function stocktakeFigures(tx: DbOrTx, warehouseId: string, window: number): Promise<StocktakeFigures[]> {
  const rows = await queryRows<{
    code: string;
    closed: string;
    posted: string | null;
    lines: number;
    matched: number;
    cycle_ms: string | null;
  }>(
    tx,
    sql`with closed as (${recentClosed(warehouseId, window)})
        select c.code, ${isoText(sql`c.closed_at`)} as closed, ${isoText(sql`p.posted_at`)} as posted, l.lines, l.matched,
               (extract(epoch from p.posted_at - c.closed_at) * 1000)::bigint::text as cycle_ms
        from closed c
        join stocktake s on s.id = c.id
        cross join lateral (
          select count(*)::int as lines, count(*) filter (where sl.review_status = 'none')::int as matched
          from stocktake_line sl where sl.stocktake_id = c.id) l
        left join lateral (
          select max(d.decided_at) as posted_at from adjustment_document d where d.stocktake_id = c.id and d.status = 'posted' and s.status = 'posted') p on true
        order by c.rn desc`,
  );
  return rows.map((r) => {
    const cycleSeconds = r.cycle_ms === null ? null : Math.floor(Number(r.cycle_ms) / 1000);
    return {
      code: r.code,
      countingClosedAt: r.closed,
      postedAt: r.posted,
      lines: Number(r.lines),
      matched: Number(r.matched),
      accuracyPercent: pct(Number(r.matched), Number(r.lines)),
      cycleSeconds,
      onTarget: cycleSeconds === null ? null : cycleSeconds <= CYCLE_TARGET_SECONDS,
    };
  });
}
