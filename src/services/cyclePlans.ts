/**
 * Cycle-count plans (周期盘点, issue 16 §2): how often each ABC class is counted, and optionally each
 * location or zone (location rules); each held item's last count (the close of counting of the latest posted
 * stocktake that had a line of it) and next due date; the due items started as a partial stocktake and
 * announced in the team chats, and suggestions from history (items with variances in repeated counts are
 * counted more often).
 *
 * The rule (planTexts.planRule, README): an item is due when due by its class (its last count anywhere +
 * the class's days) or by any location rule covering a location where it is held (its last count at that
 * location + the rule's days; never counted there: due now). The earliest date counts; the due stocktake
 * counts the whole item.
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { cycleCountLocation, cycleCountPlan } from '../../db/schema/index.ts';
import { noticeCard } from '../../cards/templates/notice.ts';
import { escapeMarkdown } from '../../cards/render/markdown.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { Actor } from '../domain/people.ts';
import type { Phrase } from '../domain/phrase.ts';
import { locationMatches, parseLocationPattern } from '../domain/scope.ts';
import { ABC_CLASSES, type AbcClass } from '../domain/structure.ts';
import { planTexts } from '../domain/texts/scope.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { enqueueMessages } from './outbox.ts';
import { scopeCondition } from './scope.ts';
import { startStocktake, type StartedStocktake } from './stocktakes.ts';
import { structureItems } from './structure.ts';
import { getWarehouse } from './warehouses.ts';

const DAY_MS = 24 * 3600_000;

export interface LocationRule {
  /** A location code, or a zone prefix ending in `*` (`A-01*`). */
  location: string;
  days: number;
}

export interface CyclePlan {
  warehouse: string;
  /** Days between counts per ABC class. */
  days: Record<AbcClass, number>;
  /** Days between counts per location or zone, on top of the class's (ordered by location). */
  locations: LocationRule[];
}

export const DEFAULT_PLAN_DAYS: Record<AbcClass, number> = { A: 30, B: 90, C: 365 };

/** The warehouse's plan, or null when it has none. */
export async function getPlan(db: DbOrTx, warehouseCode: string): Promise<CyclePlan | null> {
  const wh = await getWarehouse(db, warehouseCode);
  const [row] = await db.select().from(cycleCountPlan).where(sql`${cycleCountPlan.warehouseId} = ${wh.id}`);
  if (!row) return null;
  const rules = await db
    .select({ location: cycleCountLocation.location, days: cycleCountLocation.days })
    .from(cycleCountLocation)
    .where(sql`${cycleCountLocation.warehouseId} = ${wh.id}`)
    .orderBy(sql`${cycleCountLocation.location} collate "C"`);
  return { warehouse: wh.code, days: { A: row.aDays, B: row.bDays, C: row.cDays }, locations: rules };
}

function parseDays(value: string | number, invalid: () => Phrase): number {
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidInputError(invalid());
  return n;
}

/**
 * A location rule as the CLI takes it, `A-01*=14`: the location or zone prefix and the days (checked by
 * setPlan).
 */
export function parseLocationRule(text: string): { location: string; days: string } {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) throw new InvalidInputError(planTexts.badLocationRule(text));
  return { location: text.slice(0, at).trim(), days: text.slice(at + 1).trim() };
}

export interface PlanChange extends Partial<Record<AbcClass, string | number>> {
  /** Location rules to add or change. */
  locations?: { location: string; days: string | number }[];
  /** Locations whose rule to remove. */
  removeLocations?: string[];
}

/**
 * Sets (or creates, from the defaults A 30 / B 90 / C 365) the plan's days per class, adds or changes
 * location rules and removes some. Everything is checked before anything is written: one mistake and
 * nothing changes.
 */
export async function setPlan(
  db: Db,
  warehouseCode: string,
  change: PlanChange,
  by: Actor | null = null,
  now = new Date(),
): Promise<CyclePlan> {
  const wh = await getWarehouse(db, warehouseCode);
  const given = (v: string | number | undefined): v is string | number => v !== undefined && v !== '';
  const classDays: Partial<Record<AbcClass, number>> = {};
  for (const cls of ABC_CLASSES) {
    const v = change[cls];
    if (given(v)) classDays[cls] = parseDays(v, () => planTexts.badDays(cls, String(v)));
  }
  const setRules = new Map<string, number>();
  for (const r of change.locations ?? []) {
    const location = parseLocationPattern(r.location);
    setRules.set(
      location,
      parseDays(r.days, () => planTexts.badLocationDays(location, String(r.days))),
    );
  }
  const removed = [...new Set((change.removeLocations ?? []).map(parseLocationPattern))];
  for (const location of removed) if (setRules.has(location)) throw new InvalidInputError(planTexts.setAndRemoved(location));
  return db.transaction(async (tx) => {
    const before = await getPlan(tx, wh.code);
    const base = before?.days ?? DEFAULT_PLAN_DAYS;
    for (const location of removed)
      if (!before?.locations.some((r) => r.location === location)) throw new InvalidInputError(planTexts.noLocationRule(location, wh.code));
    const next = { A: classDays.A ?? base.A, B: classDays.B ?? base.B, C: classDays.C ?? base.C };
    await tx
      .insert(cycleCountPlan)
      .values({ warehouseId: wh.id, aDays: next.A, bDays: next.B, cDays: next.C, updatedAt: now })
      .onConflictDoUpdate({ target: cycleCountPlan.warehouseId, set: { aDays: next.A, bDays: next.B, cDays: next.C, updatedAt: now } });
    for (const location of removed)
      await tx
        .delete(cycleCountLocation)
        .where(sql`${cycleCountLocation.warehouseId} = ${wh.id} and ${cycleCountLocation.location} = ${location}`);
    for (const [location, days] of setRules)
      await tx
        .insert(cycleCountLocation)
        .values({ warehouseId: wh.id, location, days, updatedAt: now })
        .onConflictDoUpdate({ target: [cycleCountLocation.warehouseId, cycleCountLocation.location], set: { days, updatedAt: now } });
    const plan = (await getPlan(tx, wh.code))!;
    await appendAudit(tx, by ?? OPERATOR, null, now, [
      { action: 'cycle_plan.set', entityType: 'warehouse', entityId: wh.id, before: before ?? null, after: plan },
    ]);
    return plan;
  });
}

/** Where an item stands under one location rule: its oldest count at the rule's locations where it is held. */
export interface LocationDue {
  /** The rule's location or zone prefix. */
  rule: string;
  days: number;
  /** ISO instant; null when one of those locations never had it counted (then due now). */
  lastCounted: string | null;
  nextDue: string | null;
  due: boolean;
}

export interface PlannedItem {
  sku: string;
  abcClass: AbcClass;
  /** ISO instants; lastCounted null when never counted in a posted stocktake (then due now). */
  lastCounted: string | null;
  /** The earliest due date under the class and location rules; null when one of them has it due now, never counted. */
  nextDue: string | null;
  due: boolean;
  /** What it is due by now: its class, and the location rules (their locations). */
  dueBy: ('class' | 'location')[];
  /** The location rule giving the earliest due date; null when no rule covers where it is held. */
  location: LocationDue | null;
}

/** How many held items a rule covers and how many are due by it now. */
export interface RuleCount {
  kind: 'class' | 'location';
  /** The ABC class, or the location rule's location. */
  rule: string;
  days: number;
  items: number;
  due: number;
}

export interface SuggestedChange {
  sku: string;
  abcClass: AbcClass;
  /** Posted stocktakes that counted the item, and how many of them found a variance. */
  counts: number;
  withVariance: number;
  currentDays: number;
  suggestedDays: number;
}

export interface PlanView {
  plan: CyclePlan | null;
  items: PlannedItem[];
  due: number;
  /** Per class, then per location rule: items covered and due by it. */
  rules: RuleCount[];
  suggestions: SuggestedChange[];
}

const dueAt = (last: string | null, days: number): Date | null => (last ? new Date(new Date(last).getTime() + days * DAY_MS) : null);

/**
 * Per held item and location rule, where the item stands: its held (sku, location) rows at the rule's
 * locations, each with its last count there (the latest posted stocktake with a line of it at that location).
 */
async function locationDues(db: Db, warehouseId: string, rules: LocationRule[], now: Date): Promise<Map<string, LocationDue[]>> {
  const out = new Map<string, LocationDue[]>();
  if (rules.length === 0) return out;
  const rows = await queryRows<{ sku: string; location: string; last_counted: string | null }>(
    db,
    sql`with held as (
          select sku, location from on_hand where warehouse_id = ${warehouseId}::uuid and qty <> 0 group by sku, location),
        counted as (
          select l.sku, l.location, max(s.counting_closed_at) as last_counted
          from stocktake_line l join stocktake s on s.id = l.stocktake_id
          where s.warehouse_id = ${warehouseId}::uuid and s.status = 'posted'
          group by l.sku, l.location)
        select h.sku, h.location, ${isoText(sql`c.last_counted`)} as last_counted
        from held h left join counted c on c.sku = h.sku and c.location = h.location
        where ${scopeCondition({ locations: rules.map((r) => r.location) }, { sku: sql`h.sku`, location: sql`h.location`, category: sql`null` })}
        order by h.sku collate "C", h.location collate "C"`,
  );
  // Per sku and rule: the oldest count over the rule's locations where it is held (never counted wins).
  const oldest = new Map<string, Map<string, string | null>>();
  for (const r of rows)
    for (const rule of rules) {
      if (!locationMatches([rule.location], r.location)) continue;
      const bySku = oldest.get(r.sku) ?? new Map<string, string | null>();
      oldest.set(r.sku, bySku);
      const seen = bySku.get(rule.location);
      if (seen === undefined) bySku.set(rule.location, r.last_counted);
      else if (seen !== null && (r.last_counted === null || r.last_counted < seen)) bySku.set(rule.location, r.last_counted);
    }
  for (const [sku, bySku] of oldest)
    out.set(
      sku,
      rules
        .filter((rule) => bySku.has(rule.location))
        .map((rule) => {
          const last = bySku.get(rule.location)!;
          const next = dueAt(last, rule.days);
          return {
            rule: rule.location,
            days: rule.days,
            lastCounted: last,
            nextDue: next?.toISOString() ?? null,
            due: next === null || next.getTime() <= now.getTime(),
          };
        }),
    );
  return out;
}

/** The earlier of two due dates, null (due now) first. */
const earlier = (x: string | null, y: string | null): boolean => x === null || (y !== null && x < y);

/** Each held item's class, last count and next due date under the plan (the defaults when there is none). */
export async function planView(db: Db, warehouseCode: string, now = new Date()): Promise<PlanView> {
  const wh = await getWarehouse(db, warehouseCode);
  const plan = await getPlan(db, wh.code);
  const days = plan?.days ?? DEFAULT_PLAN_DAYS;
  const { items: classified } = await structureItems(db, { warehouse: wh.code, asOf: now });
  const classOf = new Map(classified.map((i) => [i.sku, i.abcClass]));
  const rows = await queryRows<{ sku: string; last_counted: string | null; counts: number; with_variance: number }>(
    db,
    sql`with counted as (
          select l.sku, max(s.counting_closed_at) as last_counted, count(distinct s.id)::int as counts,
            count(distinct s.id) filter (where l.review_status = 'posted')::int as with_variance
          from stocktake_line l join stocktake s on s.id = l.stocktake_id
          where s.warehouse_id = ${wh.id}::uuid and s.status = 'posted'
          group by l.sku)
        select h.sku, ${isoText(sql`c.last_counted`)} as last_counted, coalesce(c.counts, 0) as counts, coalesce(c.with_variance, 0) as with_variance
        from (select distinct sku from on_hand where warehouse_id = ${wh.id}::uuid and qty <> 0) h
        left join counted c on c.sku = h.sku
        order by h.sku collate "C"`,
  );
  const byLocation = await locationDues(db, wh.id, plan?.locations ?? [], now);
  const items: PlannedItem[] = [];
  const suggestions: SuggestedChange[] = [];
  const counts = new Map<string, { items: number; due: number }>();
  const tally = (key: string, due: boolean) => {
    const c = counts.get(key) ?? { items: 0, due: 0 };
    counts.set(key, { items: c.items + 1, due: c.due + (due ? 1 : 0) });
  };
  for (const r of rows) {
    const abcClass = classOf.get(r.sku) ?? 'C';
    const classNext = dueAt(r.last_counted, days[abcClass]);
    const classDue = classNext === null || classNext.getTime() <= now.getTime();
    tally(`class:${abcClass}`, classDue);
    const dues = byLocation.get(r.sku) ?? [];
    for (const d of dues) tally(`location:${d.rule}`, d.due);
    // The rule that comes due first speaks for the locations (a tie: the shorter interval).
    const first = dues.reduce<LocationDue | null>(
      (best, d) => (best === null || (d.nextDue === best.nextDue ? d.days < best.days : earlier(d.nextDue, best.nextDue)) ? d : best),
      null,
    );
    const classIso = classNext?.toISOString() ?? null;
    const nextDue = first && earlier(first.nextDue, classIso) ? first.nextDue : classIso;
    const dueBy: PlannedItem['dueBy'] = [
      ...(classDue ? ['class' as const] : []),
      ...(dues.some((d) => d.due) ? ['location' as const] : []),
    ];
    items.push({ sku: r.sku, abcClass, lastCounted: r.last_counted, nextDue, due: dueBy.length > 0, dueBy, location: first });
    // A variance in two or more counts is a pattern, not chance: count it twice as often (at most weekly).
    if (Number(r.with_variance) >= 2) {
      const currentDays = days[abcClass];
      suggestions.push({
        sku: r.sku,
        abcClass,
        counts: Number(r.counts),
        withVariance: Number(r.with_variance),
        currentDays,
        suggestedDays: Math.max(7, Math.floor(currentDays / 2)),
      });
    }
  }
  const rank = { A: 0, B: 1, C: 2 } as const;
  items.sort((x, y) => rank[x.abcClass] - rank[y.abcClass] || (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0));
  const rules: RuleCount[] = [
    ...ABC_CLASSES.map((cls) => ({
      kind: 'class' as const,
      rule: cls,
      days: days[cls],
      ...(counts.get(`class:${cls}`) ?? { items: 0, due: 0 }),
    })),
    ...(plan?.locations ?? []).map((l) => ({
      kind: 'location' as const,
      rule: l.location,
      days: l.days,
      ...(counts.get(`location:${l.location}`) ?? { items: 0, due: 0 }),
    })),
  ];
  return { plan, items, due: items.filter((i) => i.due).length, rules, suggestions };
}

export type PlanRun =
  | { warehouse: string; outcome: 'started'; stocktake: StartedStocktake; items: number }
  | { warehouse: string; outcome: 'no plan' | 'nothing due' | 'stocktake open' };

/**
 * Starts the warehouse's due items as a partial stocktake and announces it, with what to count, in the
 * team chats (in the start's transaction). Nothing when the warehouse has no plan, nothing is due, or a
 * stocktake is open (the next run tries again). `by`: who started it (null: the daily run or the operator).
 */
export async function startDueCycleCount(db: Db, warehouseCode: string, now = new Date(), by: Actor | null = null): Promise<PlanRun> {
  const wh = await getWarehouse(db, warehouseCode);
  const view = await planView(db, wh.code, now);
  if (!view.plan) return { warehouse: wh.code, outcome: 'no plan' };
  const due = view.items.filter((i) => i.due);
  if (due.length === 0) return { warehouse: wh.code, outcome: 'nothing due' };
  const [open] = await queryRows(
    db,
    sql`select 1 from stocktake where warehouse_id = ${wh.id}::uuid and status in ('counting', 'reviewing', 'approving')`,
  );
  if (open) return { warehouse: wh.code, outcome: 'stocktake open' };
  const skus = due.map((i) => i.sku);
  const byClass = (cls: AbcClass) => {
    const listed = due.filter((i) => i.abcClass === cls).map((i) => i.sku);
    return listed.length > 30 ? `${listed.slice(0, 30).join(', ')} …(+${listed.length - 30})` : listed.join(', ');
  };
  const stocktake = await startStocktake(db, wh.code, now, by, {
    scope: { skus },
    within: async (tx, started) => {
      const chats = await queryRows<{ platform: string; chat_id: string; locale: string }>(
        tx,
        sql`select platform, chat_id, locale from chat where warehouse_id = ${wh.id}::uuid and 'team' = any(purposes)`,
      );
      const words = planTexts.announcement(
        started.code,
        wh.code,
        skus.length,
        started.bookLines,
        byClass('A'),
        byClass('B'),
        byClass('C'),
        view.rules
          .filter((r) => r.kind === 'location' && r.due > 0)
          .map((r) => `${r.rule} ${r.due}`)
          .join(', '),
      ).words;
      const title = planTexts.announcementTitle(started.code).words;
      await enqueueMessages(
        tx,
        chats.flatMap((c) => {
          const en = c.locale === 'en';
          const card = noticeCard(en ? title.en : title.zh, escapeMarkdown(en ? words.en : words.zh), 'warning');
          return [
            { platform: c.platform, chatId: c.chat_id, locale: c.locale, view: { kind: 'static' as const, card } },
            { platform: c.platform, chatId: c.chat_id, locale: c.locale, view: { kind: 'status' as const, stocktakeId: started.id } },
          ];
        }),
      );
    },
  });
  return { warehouse: wh.code, outcome: 'started', stocktake, items: skus.length };
}

/** The warehouses with a plan (the job's list). */
export async function plannedWarehouses(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ code: string }>(
    db,
    sql`select w.code from cycle_count_plan p join warehouse w on w.id = p.warehouse_id order by w.code`,
  );
  return rows.map((r) => r.code);
}
