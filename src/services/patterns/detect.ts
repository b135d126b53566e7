/**
 * Recurring variances and early warning (复盘): four detectors over a warehouse's history, each a set-based
 * query that returns its findings with their evidence (the stocktakes, lines and values behind them).
 *
 * - recurring SKU / location: a posted variance in at least `recurringMin` of the last `recurringWindow`
 *   posted stocktakes;
 * - rising cause: the loss value of a cause in the newest posted stocktake against the mean of the ones
 *   before it (at least two) in the last `causeWindow`;
 * - counter recounts: the share of lines a counter counted first that a later round recounted, over the
 *   last `counterWindow` stocktakes whose counting closed;
 * - loss clusters: a category's (item.category, else the location's zone: the text before the first "-")
 *   share of loss value against its share of book value, over the last `clusterWindow` posted stocktakes,
 *   with losses in at least two of them.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { thresholdsFrom, type PatternThresholds } from '../../domain/patterns.ts';
import { digestWarehouse, readSnapshot } from '../digest/common.ts';
import type { DigestWarehouse } from '../digest/types.ts';
import { FIRST_COUNT_CTES, POSTED_LINES, recentClosed, recentPosted } from './history.ts';

export interface PostedVariance {
  stocktake: string;
  sku: string;
  location: string;
  lot: string;
  qty: string;
  value: string;
  cause: string;
}

export interface RecurringFinding {
  kind: 'sku' | 'location';
  /** The SKU or the location. */
  key: string;
  /** Stocktakes (of `window`) in which it had a posted variance. */
  stocktakes: number;
  window: number;
  netValue: string;
  absValue: string;
  evidence: PostedVariance[];
}

export interface RisingCauseFinding {
  cause: string;
  labelEn: string;
  labelZh: string;
  /** Loss value (positive) in the newest posted stocktake. */
  latest: string;
  latestStocktake: string;
  /** Mean loss value of the stocktakes before it in the window. */
  previousMean: string;
  /** latest ÷ previousMean, two decimals; null when the previous mean is 0. */
  factor: string | null;
  /** Oldest first: each stocktake's loss value and lines for this cause. */
  series: { stocktake: string; lossValue: string; lines: number }[];
}

export interface CounterFinding {
  counter: { handle: string; name: string };
  /** Lines this counter counted first, and how many of them a later round recounted. */
  lines: number;
  recounted: number;
  recountPercent: string;
  stocktakes: string[];
  /** Up to 20 recounted lines, newest stocktake first. */
  evidence: { stocktake: string; sku: string; location: string; lot: string; firstQty: string; finalQty: string | null }[];
}

export interface ClusterFinding {
  /** `category` when the items name one, else `zone` (the location's text before the first "-"). */
  source: 'category' | 'zone';
  name: string;
  lossValue: string;
  lossSharePercent: string;
  bookSharePercent: string | null;
  /** lossShare ÷ bookShare, two decimals; null when the group held no book value. */
  lift: string | null;
  lines: number;
  /** Oldest first. */
  stocktakes: { stocktake: string; lossValue: string; lines: number }[];
  /** The group's largest losses by SKU (up to 5). */
  topSkus: { sku: string; lossValue: string; lines: number }[];
}

export interface PatternReport {
  warehouse: DigestWarehouse;
  thresholds: PatternThresholds;
  /** The posted stocktakes looked at (the longest window), newest first, with when counting closed. */
  posted: { code: string; closedAt: string | null }[];
  recurringSkus: RecurringFinding[];
  recurringLocations: RecurringFinding[];
  risingCauses: RisingCauseFinding[];
  counters: CounterFinding[];
  clusters: ClusterFinding[];
}

/** jsonb comes back parsed from postgres.js and PGlite alike; a text form is read too, to be safe. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/** The stored threshold overrides (app_setting `patterns.<name>`) over the defaults. */
export async function loadThresholds(db: DbOrTx, overrides: Partial<PatternThresholds> = {}): Promise<PatternThresholds> {
  const rows = await queryRows<{ key: string; value: string }>(db, sql`select key, value from app_setting where key like 'patterns.%'`);
  return thresholdsFrom(Object.fromEntries(rows.map((r) => [r.key.slice('patterns.'.length), r.value])), overrides);
}

/** Every detector's findings for a warehouse (code or id), read in one snapshot. */
export async function detectPatterns(
  db: DbOrTx,
  options: { warehouse: string; thresholds?: Partial<PatternThresholds> },
): Promise<PatternReport> {
  return readSnapshot(db, async (tx) => {
    const warehouse = await digestWarehouse(tx, options.warehouse);
    const t = await loadThresholds(tx, options.thresholds);
    const longest = Math.max(t.recurringWindow, t.causeWindow, t.clusterWindow);
    const posted = await queryRows<{ code: string; closed_at: string | null }>(
      tx,
      sql`select code, to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as closed_at
          from (${recentPosted(warehouse.id, longest)}) r order by rn`,
    );
    return {
      warehouse,
      thresholds: t,
      posted: posted.map((p) => ({ code: p.code, closedAt: p.closed_at })),
      recurringSkus: await recurring(tx, warehouse.id, 'sku', t),
      recurringLocations: await recurring(tx, warehouse.id, 'location', t),
      risingCauses: await risingCauses(tx, warehouse.id, t),
      counters: await counterRecounts(tx, warehouse.id, t),
      clusters: await lossClusters(tx, warehouse.id, t),
    };
  });
}

/** Whether the report has anything to show. */
export function hasFindings(report: PatternReport): boolean {
  return (
    report.recurringSkus.length +
      report.recurringLocations.length +
      report.risingCauses.length +
      report.counters.length +
      report.clusters.length >
    0
  );
}

async function recurring(tx: DbOrTx, warehouseId: string, kind: 'sku' | 'location', t: PatternThresholds): Promise<RecurringFinding[]> {
  const key = kind === 'sku' ? sql`sku` : sql`location`;
  const rows = await queryRows<{ key: string; hits: number; window: number; net: string; abs: string; evidence: unknown }>(
    tx,
    sql`with recent as (${recentPosted(warehouseId, t.recurringWindow)}), posted_line as (${POSTED_LINES})
        select ${key} as key, count(distinct stocktake_id)::int as hits, (select count(*) from recent)::int as window,
               sum(value)::numeric(18,2)::text as net, sum(abs(value))::numeric(18,2)::text as abs,
               jsonb_agg(jsonb_build_object('stocktake', code, 'sku', sku, 'location', location, 'lot', lot,
                 'qty', trim_scale(qty)::text, 'value', value::numeric(18,2)::text, 'cause', cause_code) order by rn desc, sku, location, lot) as evidence
        from posted_line group by ${key}
        having count(distinct stocktake_id) >= ${t.recurringMin}
        order by count(distinct stocktake_id) desc, sum(abs(value)) desc, ${key}`,
  );
  return rows.map((r) => ({
    kind,
    key: r.key,
    stocktakes: Number(r.hits),
    window: Number(r.window),
    netValue: r.net,
    absValue: r.abs,
    evidence: json<PostedVariance[]>(r.evidence),
  }));
}

async function risingCauses(tx: DbOrTx, warehouseId: string, t: PatternThresholds): Promise<RisingCauseFinding[]> {
  const rows = await queryRows<{
    cause_code: string;
    label_en: string | null;
    label_zh: string | null;
    latest: string;
    latest_code: string;
    prev_mean: string;
    factor: string | null;
    series: unknown;
  }>(
    tx,
    sql`with recent as (${recentPosted(warehouseId, t.causeWindow)}), posted_line as (${POSTED_LINES}),
        causes as (select distinct cause_code from posted_line where qty < 0),
        per as (
          select c.cause_code, r.code, r.rn, coalesce(sum(-pl.value), 0)::numeric(18,2) as loss, count(pl.sku)::int as lines
          from causes c cross join recent r
          left join posted_line pl on pl.stocktake_id = r.id and pl.cause_code = c.cause_code and pl.qty < 0
          group by c.cause_code, r.code, r.rn),
        agg as (
          select cause_code, max(loss) filter (where rn = 1) as latest, max(code) filter (where rn = 1) as latest_code,
                 avg(loss) filter (where rn > 1) as prev_mean, count(*) filter (where rn > 1) as prev_n,
                 jsonb_agg(jsonb_build_object('stocktake', code, 'lossValue', loss::text, 'lines', lines) order by rn desc) as series
          from per group by cause_code)
        select a.cause_code, c.label_en, c.label_zh, a.latest::text as latest, a.latest_code, a.prev_mean::numeric(18,2)::text as prev_mean,
               case when a.prev_mean > 0 then (a.latest / a.prev_mean)::numeric(18,2)::text end as factor, a.series
        from agg a left join cause c on c.code = a.cause_code
        where a.prev_n >= 2 and a.latest >= ${t.causeMinLoss}::numeric and a.latest > a.prev_mean * ${String(t.causeRiseFactor)}::numeric
        order by a.latest - a.prev_mean desc, a.cause_code`,
  );
  return rows.map((r) => ({
    cause: r.cause_code,
    labelEn: r.label_en ?? r.cause_code,
    labelZh: r.label_zh ?? r.cause_code,
    latest: r.latest,
    latestStocktake: r.latest_code,
    previousMean: r.prev_mean,
    factor: r.factor,
    series: json<RisingCauseFinding['series']>(r.series),
  }));
}

async function counterRecounts(tx: DbOrTx, warehouseId: string, t: PatternThresholds): Promise<CounterFinding[]> {
  const rows = await queryRows<{
    counter: string;
    counter_name: string;
    lines: number;
    recounted: number;
    pct: string;
    stocktakes: unknown;
    evidence: unknown;
  }>(
    tx,
    sql`with closed as (${recentClosed(warehouseId, t.counterWindow)}), ${FIRST_COUNT_CTES}
        select counter, min(counter_name) as counter_name, count(*)::int as lines, count(*) filter (where recounted)::int as recounted,
               round(100.0 * count(*) filter (where recounted) / count(*), 1)::text as pct,
               to_jsonb(array_agg(distinct code)) as stocktakes,
               coalesce(to_jsonb((array_agg(jsonb_build_object('stocktake', code, 'sku', sku, 'location', location, 'lot', lot,
                 'firstQty', trim_scale(qty)::text, 'finalQty', trim_scale(final_qty)::text) order by rn, sku, location, lot)
                 filter (where recounted))[1:20]), '[]'::jsonb) as evidence
        from first_count group by counter
        having count(*) >= ${t.counterMinLines}
           and 100.0 * count(*) filter (where recounted) >= ${String(t.counterRecountPercent)}::numeric * count(*)
        order by count(*) filter (where recounted)::numeric / count(*) desc, counter`,
  );
  return rows.map((r) => ({
    counter: { handle: r.counter, name: r.counter_name },
    lines: Number(r.lines),
    recounted: Number(r.recounted),
    recountPercent: r.pct,
    stocktakes: json<string[]>(r.stocktakes).sort(),
    evidence: json<CounterFinding['evidence']>(r.evidence),
  }));
}

/** The group a line's loss falls in: the item's category, else the location's zone. One home for the rule. */
const GROUP_OF = (location: ReturnType<typeof sql>) => sql`
  case when i.category is not null and i.category <> '' then 'category' else 'zone' end as source,
  coalesce(nullif(i.category, ''), split_part(${location}, '-', 1)) as name`;

async function lossClusters(tx: DbOrTx, warehouseId: string, t: PatternThresholds): Promise<ClusterFinding[]> {
  const rows = await queryRows<{
    source: 'category' | 'zone';
    name: string;
    loss: string;
    loss_pct: string;
    book_pct: string | null;
    lift: string | null;
    lines: number;
    stocktakes: unknown;
    top: unknown;
  }>(
    tx,
    sql`with recent as (${recentPosted(warehouseId, t.clusterWindow)}), posted_line as (${POSTED_LINES}),
        loss as (
          select ${GROUP_OF(sql`pl.location`)}, pl.code, pl.rn, pl.sku, -pl.value as loss
          from posted_line pl left join item i on i.sku = pl.sku where pl.qty < 0),
        book as (
          select ${GROUP_OF(sql`sl.location`)}, sum(sl.book_qty * sl.unit_cost) as book_value
          from recent r join stocktake_line sl on sl.stocktake_id = r.id left join item i on i.sku = sl.sku
          group by 1, 2),
        total as (select (select sum(loss) from loss) as loss, (select sum(book_value) from book) as book),
        per as (
          select source, name, sum(loss) as loss, count(*)::int as lines, count(distinct code)::int as hits
          from loss group by source, name),
        by_st as (
          select source, name, jsonb_agg(jsonb_build_object('stocktake', code, 'lossValue', loss::numeric(18,2)::text, 'lines', lines) order by rn desc) as stocktakes
          from (select source, name, code, rn, sum(loss) as loss, count(*)::int as lines from loss group by 1, 2, 3, 4) s
          group by source, name),
        top as (
          select source, name, to_jsonb((array_agg(jsonb_build_object('sku', sku, 'lossValue', loss::numeric(18,2)::text, 'lines', lines)
                   order by loss desc, sku))[1:5]) as top
          from (select source, name, sku, sum(loss) as loss, count(*)::int as lines from loss group by 1, 2, 3) s
          group by source, name),
        shares as (
          select p.*, 100.0 * p.loss / nullif(total.loss, 0) as loss_share, 100.0 * b.book_value / nullif(total.book, 0) as book_share
          from per p cross join total left join book b on b.source = p.source and b.name = p.name)
        select s.source, s.name, s.loss::numeric(18,2)::text as loss, round(s.loss_share, 1)::text as loss_pct,
               round(s.book_share, 1)::text as book_pct,
               case when s.book_share > 0 then (s.loss_share / s.book_share)::numeric(18,2)::text end as lift,
               s.lines, b.stocktakes, tp.top
        from shares s join by_st b on b.source = s.source and b.name = s.name join top tp on tp.source = s.source and tp.name = s.name
        where s.hits >= 2 and s.loss_share >= ${String(t.clusterMinSharePercent)}::numeric
          and (s.book_share is null or s.book_share = 0 or s.loss_share >= s.book_share * ${String(t.clusterMinLift)}::numeric)
        order by s.loss desc, s.name`,
  );
  return rows.map((r) => ({
    source: r.source,
    name: r.name,
    lossValue: r.loss,
    lossSharePercent: r.loss_pct,
    bookSharePercent: r.book_pct,
    lift: r.lift,
    lines: Number(r.lines),
    stocktakes: json<ClusterFinding['stocktakes']>(r.stocktakes),
    topSkus: json<ClusterFinding['topSkus']>(r.top),
  }));
}
