/** `stocktake plan show|set|run <warehouse>`: cycle-count plans (周期盘点, issue 16 §2). */
import type { Command } from 'commander';
import { render, type PhraseLocale } from '../../domain/phrase.ts';
import { planTexts } from '../../domain/texts/scope.ts';
import { localDay } from '../../domain/time.ts';
import {
  DEFAULT_PLAN_DAYS,
  parseLocationRule,
  planView,
  setPlan,
  startDueCycleCount,
  type CyclePlan,
  type PlanView,
} from '../../services/cyclePlans.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';

/** A plan's class days and location rules, as the plan view and `plan set` print them. */
function renderRules(plan: CyclePlan | null, warehouse: string, locale: PhraseLocale): string[] {
  const r = (p: Parameters<typeof render>[0]) => render(p, locale, 'cli');
  const days = plan?.days ?? DEFAULT_PLAN_DAYS;
  const locations = plan?.locations ?? [];
  return [
    r(planTexts.planHeading(warehouse, days.A, days.B, days.C, plan !== null)),
    locations.length > 0
      ? r(planTexts.planLocations(locations.map((l) => r(planTexts.locationRule(l.location, l.days))).join(locale === 'en' ? ', ' : '，')))
      : r(planTexts.planNoLocations()),
  ];
}

export function renderPlan(view: PlanView, warehouse: string, timezone: string, locale: PhraseLocale): string {
  const r = (p: Parameters<typeof render>[0]) => render(p, locale, 'cli');
  const day = (iso: string | null) => (iso ? localDay(new Date(iso), timezone) : r(planTexts.planNever()));
  const ruleName = (kind: 'class' | 'location', rule: string) =>
    r(kind === 'class' ? planTexts.ruleClass(rule) : planTexts.ruleLocation(rule));
  const dueBy = (i: PlanView['items'][number]) =>
    i.due
      ? r(
          planTexts.planDueBy(
            [
              ...(i.dueBy.includes('class') ? [r(planTexts.ruleClass(i.abcClass))] : []),
              ...(i.dueBy.includes('location') && i.location ? [i.location.rule] : []),
            ].join(locale === 'en' ? ', ' : '、'),
          ),
        )
      : '';
  const out = [
    ...renderRules(view.plan, warehouse, locale),
    r(planTexts.planRule()),
    r(planTexts.planDue(view.due, view.items.length)),
    '',
    renderTable(
      r(planTexts.perRuleHeaders()).split('|'),
      view.rules.map((x) => [ruleName(x.kind, x.rule), String(x.days), String(x.items), String(x.due)]),
    ),
    '',
    renderTable(
      r(planTexts.planHeaders()).split('|'),
      view.items.map((i) => [
        i.sku,
        i.abcClass,
        day(i.lastCounted),
        i.nextDue ? day(i.nextDue) : '-',
        dueBy(i),
        i.location ? r(planTexts.locationRule(i.location.rule, i.location.days)) : '',
      ]),
    ),
  ];
  if (view.suggestions.length > 0) {
    out.push('', r(planTexts.suggestionsHeading(view.suggestions.length)));
    for (const s of view.suggestions)
      out.push(r(planTexts.suggestion(s.sku, s.abcClass, s.withVariance, s.counts, s.currentDays, s.suggestedDays)));
  }
  return out.join('\n');
}

export function registerCyclePlans(program: Command, run: CliRunner): void {
  const plan = program.command('plan').description('cycle-count plans (周期盘点): how often each ABC class and location is counted');
  plan
    .command('show <warehouse>')
    .description("each held item's class, last count and next due date, and items to count more often")
    .option('--json', 'machine-readable output')
    .action((wh: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const { code, timezone } = await getWarehouse(db, wh);
        const view = await planView(db, code);
        return { data: view, human: (locale) => renderPlan(view, code, timezone, locale) };
      }),
    );
  plan
    .command('set <warehouse>')
    .description('set the days between counts per ABC class (defaults A 30, B 90, C 365) and per location or zone')
    .option('--a <days>', 'days between counts of a class A item')
    .option('--b <days>', 'days between counts of a class B item')
    .option('--c <days>', 'days between counts of a class C item')
    .option('--location <rules...>', 'add or change location rules: location=days, a zone as a prefix ending in * (A-01*=14)')
    .option('--remove-location <locations...>', 'remove the rules of these locations (A-01*)')
    .option('--json', 'machine-readable output')
    .action((wh: string, opts: { a?: string; b?: string; c?: string; location?: string[]; removeLocation?: string[]; json?: boolean }) =>
      run(opts, async (db) => {
        const set = await setPlan(db, wh, {
          A: opts.a,
          B: opts.b,
          C: opts.c,
          locations: (opts.location ?? []).map(parseLocationRule),
          removeLocations: opts.removeLocation ?? [],
        });
        return { data: set, human: (locale) => renderRules(set, set.warehouse, locale).join('\n') };
      }),
    );
  plan
    .command('run <warehouse>')
    .description('start the due items now as a partial stocktake and announce it (what the daily task does)')
    .option('--json', 'machine-readable output')
    .action((wh: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const result = await startDueCycleCount(db, wh);
        return {
          data: result,
          human: (locale) =>
            render(
              result.outcome === 'started'
                ? planTexts.planStarted(result.stocktake.code, result.items, result.stocktake.bookLines)
                : planTexts.planNothing(result.warehouse, result.outcome),
              locale,
              'cli',
            ),
        };
      }),
    );
}
