/** `stocktake plan show|set|run <warehouse>`: cycle-count plans (周期盘点, issue 16 §2). */
import type { Command } from 'commander';
import { render, type PhraseLocale } from '../../domain/phrase.ts';
import { planTexts } from '../../domain/texts/scope.ts';
import { localDay } from '../../domain/time.ts';
import { DEFAULT_PLAN_DAYS, planView, setPlan, startDueCycleCount, type PlanView } from '../../services/cyclePlans.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';

function renderPlan(view: PlanView, warehouse: string, timezone: string, locale: PhraseLocale): string {
  const r = (p: Parameters<typeof render>[0]) => render(p, locale, 'cli');
  const days = view.plan?.days ?? DEFAULT_PLAN_DAYS;
  const day = (iso: string | null) => (iso ? localDay(new Date(iso), timezone) : r(planTexts.planNever()));
  const out = [
    r(planTexts.planHeading(warehouse, days.A, days.B, days.C, view.plan !== null)),
    r(planTexts.planDue(view.due, view.items.length)),
    '',
    renderTable(
      r(planTexts.planHeaders()).split('|'),
      view.items.map((i) => [i.sku, i.abcClass, day(i.lastCounted), i.nextDue ? day(i.nextDue) : '-', i.due ? r(planTexts.planYes()) : '']),
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
  const plan = program.command('plan').description('cycle-count plans (周期盘点): how often each ABC class is counted');
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
    .description('set the days between counts per ABC class (defaults A 30, B 90, C 365)')
    .option('--a <days>', 'days between counts of a class A item')
    .option('--b <days>', 'days between counts of a class B item')
    .option('--c <days>', 'days between counts of a class C item')
    .option('--json', 'machine-readable output')
    .action((wh: string, opts: { a?: string; b?: string; c?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const set = await setPlan(db, wh, { A: opts.a, B: opts.b, C: opts.c });
        return {
          data: set,
          human: (locale) => render(planTexts.planHeading(set.warehouse, set.days.A, set.days.B, set.days.C, true), locale, 'cli'),
        };
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
