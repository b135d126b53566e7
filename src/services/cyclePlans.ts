/**
 * Cycle-count plans (周期盘点, issue 16 §2): how often each ABC class is counted, each held item's last
 * count (the close of counting of the latest posted stocktake that had a line of it) and next due date,
 * the due items started as a partial stocktake and announced in the team chats, and suggestions from
 * history (items with variances in repeated counts are counted more often).
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { cycleCountPlan } from '../../db/schema/index.ts';
import { noticeCard } from '../../cards/templates/notice.ts';
import { escapeMarkdown } from '../../cards/render/markdown.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { Actor } from '../domain/people.ts';
import type { AbcClass } from '../domain/structure.ts';
import { planTexts } from '../domain/texts/scope.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { enqueueMessages } from './outbox.ts';
import { startStocktake, type StartedStocktake } from './stocktakes.ts';
import { structureItems } from './structure.ts';
import { getWarehouse } from './warehouses.ts';

const DAY_MS = 24 * 3600_000;

export interface CyclePlan {
  warehouse: string;
  /** Days between counts per ABC class. */
  days: Record<AbcClass, number>;
}

export const DEFAULT_PLAN_DAYS: Record<AbcClass, number> = { A: 30, B: 90, C: 365 };

/** The warehouse's plan, or null when it has none. */
export async function getPlan(db: DbOrTx, warehouseCode: string): Promise<CyclePlan | null> {
  const wh = await getWarehouse(db, warehouseCode);
  const [row] = await db.select().from(cycleCountPlan).where(sql`${cycleCountPlan.warehouseId} = ${wh.id}`);
  return row ? { warehouse: wh.code, days: { A: row.aDays, B: row.bDays, C: row.cDays } } : null;
}

function parseDays(cls: AbcClass, value: string | number | undefined, current: number): number {
  if (value === undefined || value === '') return current;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidInputError(planTexts.badDays(cls, String(value)));
  return n;
}

/** Sets (or creates, from the defaults A 30 / B 90 / C 365) the plan's days per class. */
export async function setPlan(
  db: Db,
  warehouseCode: string,
  days: Partial<Record<AbcClass, string | number>>,
  by: Actor | null = null,
  now = new Date(),
): Promise<CyclePlan> {
  const wh = await getWarehouse(db, warehouseCode);
  return db.transaction(async (tx) => {
    const before = await getPlan(tx, wh.code);
    const base = before?.days ?? DEFAULT_PLAN_DAYS;
    const next = { A: parseDays('A', days.A, base.A), B: parseDays('B', days.B, base.B), C: parseDays('C', days.C, base.C) };
    await tx
      .insert(cycleCountPlan)
      .values({ warehouseId: wh.id, aDays: next.A, bDays: next.B, cDays: next.C, updatedAt: now })
      .onConflictDoUpdate({ target: cycleCountPlan.warehouseId, set: { aDays: next.A, bDays: next.B, cDays: next.C, updatedAt: now } });
    const plan = { warehouse: wh.code, days: next };
    await appendAudit(tx, by ?? OPERATOR, null, now, [
      { action: 'cycle_plan.set', entityType: 'warehouse', entityId: wh.id, before: before ?? null, after: plan },
    ]);
    return plan;
  });
}

export interface PlannedItem {
  sku: string;
  abcClass: AbcClass;
  /** ISO instants; lastCounted null when never counted in a posted stocktake (then due now). */
  lastCounted: string | null;
  nextDue: string | null;
  due: boolean;
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
  suggestions: SuggestedChange[];
}

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
  const items: PlannedItem[] = [];
  const suggestions: SuggestedChange[] = [];
  for (const r of rows) {
    const abcClass = classOf.get(r.sku) ?? 'C';
    const nextDue = r.last_counted ? new Date(new Date(r.last_counted).getTime() + days[abcClass] * DAY_MS) : null;
    items.push({
      sku: r.sku,
      abcClass,
      lastCounted: r.last_counted,
      nextDue: nextDue?.toISOString() ?? null,
      due: nextDue === null || nextDue.getTime() <= now.getTime(),
    });
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
  return { plan, items, due: items.filter((i) => i.due).length, suggestions };
}

export type PlanRun =
  | { warehouse: string; outcome: 'started'; stocktake: StartedStocktake; items: number }
  | { warehouse: string; outcome: 'no plan' | 'nothing due' | 'stocktake open' };

/**
 * Starts the warehouse's due items as a partial stocktake and announces it, with what to count, in the
 * team chats (in the start's transaction). Nothing when the warehouse has no plan, nothing is due, or a
 * stocktake is open (the next run tries again).
 */
export async function startDueCycleCount(db: Db, warehouseCode: string, now = new Date()): Promise<PlanRun> {
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
  const stocktake = await startStocktake(db, wh.code, now, null, {
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
