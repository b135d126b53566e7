/**
 * GET /plans?warehouse=CODE: a warehouse's cycle counts for its supervisors and managers (周期盘点, issue 16
 * §2) — the plan (days per ABC class and per location rule, items covered and due per rule) with a form to
 * change it, what is due now and next, a button that starts the due partial stocktake, and the forms that
 * start a spot check (抽盘) and a partial stocktake by scope. Anyone with a role in the warehouse reads it;
 * the forms are shown to, and their posts (plansForms.ts) accepted from, a supervisor, manager or admin,
 * as the API checks. Lines and small tables, so a 360 px phone reads it as well as a desktop.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { stocktake } from '../../../db/schema/index.ts';
import { holdsAnyOf, SUPERVISING_ROLES } from '../../domain/people.ts';
import { render, type Phrase } from '../../domain/phrase.ts';
import { ABC_CLASSES } from '../../domain/structure.ts';
import { plansPageTexts as pt } from '../../domain/texts/plans.ts';
import { planTexts } from '../../domain/texts/scope.ts';
import { localDay } from '../../domain/time.ts';
import { DEFAULT_PLAN_DAYS, planView, type PlannedItem, type PlanView } from '../../services/cyclePlans.ts';
import { warehousesOf, type WarehouseRoles } from '../../services/dashboard.ts';
import { requireReader } from '../api/access.ts';
import { esc } from '../layout.ts';
import { badNotice, checkbox, okNotice, select, textInput } from './admin.ts';
import type { PageContext, PageResult } from './shared.ts';

/** Items listed as due now, and as coming due next; the CLI and the API list them all. */
const DUE_SHOWN = 50;
const NEXT_SHOWN = 20;
const DAY_MS = 24 * 3600_000;

/** Which form a refused post came from, and what was typed into it (shown again). */
export interface Entered {
  form: 'plan' | 'spot' | 'partial';
  values: Record<string, string>;
}

/** Escaped text with its `command` parts as <code>. */
const withCode = (text: string): string => esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');

export const plansUrl = (code: string, extra = ''): string => `/plans?warehouse=${encodeURIComponent(code)}${extra}`;

function itemTable(p: PageContext, items: PlannedItem[], timezone: string): string {
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const day = (iso: string | null) => (iso ? localDay(new Date(iso), timezone) : w(planTexts.planNever()));
  const [sku, cls, last, next, due, rule] = w(planTexts.planHeaders()).split('|');
  const sep = p.locale === 'en' ? ', ' : '、';
  const rows = items.map((i) => {
    const reasons = [
      ...(i.dueBy.includes('class') ? [w(planTexts.ruleClass(i.abcClass))] : []),
      ...(i.dueBy.includes('location') && i.location ? [i.location.rule] : []),
    ].join(sep);
    return `<tr data-sku="${esc(i.sku)}"><td>${esc(i.sku)}</td><td>${i.abcClass}</td><td>${esc(day(i.lastCounted))}</td><td>${esc(i.nextDue ? day(i.nextDue) : '—')}</td><td>${i.due ? esc(w(planTexts.planDueBy(reasons))) : ''}</td><td>${i.location ? esc(w(planTexts.locationRule(i.location.rule, i.location.days))) : ''}</td></tr>`;
  });
  return `<div class="table-scroll"><table class="data plan-items"><thead><tr><th>${esc(sku!)}</th><th>${esc(cls!)}</th><th>${esc(last!)}</th><th>${esc(next!)}</th><th>${esc(due!)}</th><th>${esc(rule!)}</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

function planSection(p: PageContext, code: string, view: PlanView, canPlan: boolean, entered: Entered | undefined): string {
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const [ruleH, daysH, itemsH, dueH] = w(planTexts.perRuleHeaders()).split('|');
  const rows = view.rules.map((r) => {
    const name = w(r.kind === 'class' ? planTexts.ruleClass(r.rule) : planTexts.ruleLocation(r.rule));
    const remove =
      canPlan && r.kind === 'location'
        ? `<form method="post" action="/plans" class="inline"><input type="hidden" name="warehouse" value="${esc(code)}"><input type="hidden" name="remove" value="${esc(r.rule)}"><button class="btn btn--danger" aria-label="${esc(w(pt.removeRule(r.rule)))}">${esc(w(pt.remove()))}</button></form>`
        : '';
    return `<tr data-rule="${esc(`${r.kind}:${r.rule}`)}"><td>${esc(name)}</td><td class="num">${r.days}</td><td class="num">${r.items}</td><td class="num">${r.due}</td>${canPlan ? `<td>${remove}</td>` : ''}</tr>`;
  });
  const table = `<div class="table-scroll"><table class="data plan-rules"><thead><tr><th>${esc(ruleH!)}</th><th class="num">${esc(daysH!)}</th><th class="num">${esc(itemsH!)}</th><th class="num">${esc(dueH!)}</th>${canPlan ? '<th></th>' : ''}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>`;
  const days = view.plan?.days ?? DEFAULT_PLAN_DAYS;
  const typed = entered?.form === 'plan' ? entered.values : undefined;
  const form = canPlan
    ? `<form class="filters plan-form" method="post" action="/plans"><input type="hidden" name="warehouse" value="${esc(code)}">
${ABC_CLASSES.map((cls) => textInput(cls, w(pt.classDays(cls)), typed?.[cls] ?? String(days[cls]), 'inputmode="numeric" required')).join('\n')}
${textInput('location', w(pt.location()), typed?.location ?? '', 'maxlength="100"')}
${textInput('locationDays', w(pt.locationDays()), typed?.locationDays ?? '', 'inputmode="numeric"')}
<button class="btn btn--primary">${esc(w(pt.save()))}</button>
</form>
<p class="muted">${esc(w(pt.locationHint()))}</p>`
    : '';
  return `<section class="panel" id="plan"><h2>${esc(w(pt.planHeading()))}</h2>
${view.plan ? '' : `<p class="notice">${esc(w(pt.notSet()))}</p>`}
<p class="muted">${esc(w(planTexts.planRule()))}</p>
${table}
${form}
</section>`;
}

function dueSection(p: PageContext, code: string, view: PlanView, timezone: string, canPlan: boolean, open: string): string {
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const now = Date.now();
  const within = (days: number) =>
    view.items.filter((i) => i.due || (i.nextDue !== null && Date.parse(i.nextDue) <= now + days * DAY_MS)).length;
  const figures: [string, number][] = [
    [w(pt.dueNow()), view.due],
    [w(pt.dueWeek()), within(7)],
    [w(pt.dueMonth()), within(30)],
    [w(pt.held()), view.items.length],
  ];
  const due = view.items.filter((i) => i.due);
  const next = view.items
    .filter((i) => !i.due && i.nextDue !== null)
    .sort((x, y) => (x.nextDue! < y.nextDue! ? -1 : x.nextDue! > y.nextDue! ? 1 : x.sku < y.sku ? -1 : 1))
    .slice(0, NEXT_SHOWN);
  const run =
    canPlan && due.length > 0 && !open
      ? `<form method="post" action="/plans/run" class="run"><input type="hidden" name="warehouse" value="${esc(code)}"><button class="btn btn--primary" id="run-due">${esc(w(pt.run(due.length)))}</button></form>
<p class="muted">${esc(w(pt.runHint()))}</p>`
      : '';
  return `<section class="panel" id="due"><h2>${esc(w(pt.dueHeading()))}</h2>
<dl class="figures">${figures.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
${open}
${run}
${due.length > 0 ? `<h3>${esc(w(pt.dueItems(Math.min(due.length, DUE_SHOWN), due.length)))}</h3>\n${itemTable(p, due.slice(0, DUE_SHOWN), timezone)}` : `<p>${esc(w(pt.nothingDue()))}</p>`}
${next.length > 0 ? `<h3>${esc(w(pt.nextItems(next.length)))}</h3>\n${itemTable(p, next, timezone)}` : ''}
<p class="muted">${withCode(w(pt.allItems()))}</p>
</section>`;
}

function spotSection(p: PageContext, code: string, entered: Entered | undefined): string {
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const typed = entered?.form === 'spot' ? entered.values : {};
  return `<section class="panel" id="spot-check"><h2>${esc(w(pt.spotHeading()))}</h2>
<p class="muted">${esc(w(pt.spotIntro()))}</p>
<form class="filters spot-form" method="post" action="/plans/spot-check"><input type="hidden" name="warehouse" value="${esc(code)}">
${textInput('size', w(pt.size()), typed.size ?? '', 'inputmode="numeric"')}
${textInput('share', w(pt.share()), typed.share ?? '', 'inputmode="decimal"')}
${select(
  'weighted',
  w(pt.weighted()),
  [
    ['none', w(pt.weightNone())],
    ['value', w(pt.weightValue())],
    ['class', w(pt.weightClass())],
  ],
  typed.weighted ?? 'none',
)}
${textInput('seed', w(pt.seed()), typed.seed ?? '', 'inputmode="numeric"')}
<button class="btn btn--primary">${esc(w(pt.spotStart()))}</button>
</form>
</section>`;
}

function partialSection(p: PageContext, code: string, entered: Entered | undefined): string {
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const typed = entered?.form === 'partial' ? entered.values : {};
  const classes = new Set((typed.classes ?? '').split(','));
  return `<section class="panel" id="partial"><h2>${esc(w(pt.partialHeading()))}</h2>
<p class="muted">${esc(w(pt.partialIntro()))}</p>
<form class="filters partial-form" method="post" action="/plans/partial"><input type="hidden" name="warehouse" value="${esc(code)}">
${textInput('locations', w(pt.locations()), typed.locations ?? '', 'maxlength="2000" placeholder="A-01*, B-02-3"')}
${textInput('categories', w(pt.categories()), typed.categories ?? '', 'maxlength="2000"')}
<fieldset class="classes"><legend>${esc(w(pt.classes()))}</legend>${ABC_CLASSES.map((c) => `<label class="check"><input type="checkbox" name="classes" value="${c}"${classes.has(c) ? ' checked' : ''}> ${c}</label>`).join(' ')}</fieldset>
<label class="wide">${esc(w(pt.items()))}<textarea name="items" rows="3" maxlength="20000">${esc(typed.items ?? '')}</textarea></label>
${checkbox('blind', w(pt.blind()), typed.blind === '1')}
<button class="btn btn--primary">${esc(w(pt.partialStart()))}</button>
</form>
</section>`;
}

function suggestionsSection(p: PageContext, view: PlanView): string {
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const s = view.suggestions;
  return `<section id="suggestions"><h2>${esc(w(planTexts.suggestionsHeading(s.length)))}</h2>
${
  s.length > 0
    ? `<ul class="lines">${s.map((x) => `<li data-sku="${esc(x.sku)}">${esc(w(planTexts.suggestion(x.sku, x.abcClass, x.withVariance, x.counts, x.currentDays, x.suggestedDays)).trim())}</li>`).join('')}</ul>`
    : `<p class="muted">${esc(w(pt.suggestionsNone()))}</p>`
}
</section>`;
}

/** The stocktake a new one would wait for, as a notice with its link; '' when none is open. */
async function openNotice(p: PageContext, warehouse: WarehouseRoles): Promise<string> {
  const [open] = await p.deps.db
    .select({ code: stocktake.code, status: stocktake.status })
    .from(stocktake)
    .where(and(eq(stocktake.warehouseId, warehouse.id), inArray(stocktake.status, ['counting', 'reviewing', 'approving'])))
    .limit(1);
  if (!open) return '';
  const text = render(pt.open(open.code, p.t.states.stocktake[open.status]), p.locale, 'page');
  return `<p class="notice open-stocktake"><a href="/stocktakes/${esc(encodeURIComponent(open.code))}">${esc(text)}</a></p>`;
}

/**
 * The page for the warehouse `code` (default: the first the caller holds a role in), with `flash` above it
 * and, after a refused post, what was typed into that form.
 */
export async function renderPlansPage(
  p: PageContext,
  code: string | undefined,
  flash = '',
  status?: PageResult['status'],
  entered?: Entered,
): Promise<PageResult> {
  const { db } = p.deps;
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const title = w(pt.title());
  const warehouses = await warehousesOf(db, p.actor.personId);
  if (warehouses.length === 0)
    return { title, active: 'stocktakes', body: `<h1>${esc(title)}</h1>\n<p class="notice">${esc(w(pt.noWarehouse()))}</p>` };
  const wanted = code || warehouses[0]!.code;
  await requireReader(db, p.actor, wanted, `the cycle-count plan of ${wanted}`);
  const wh = warehouses.find((x) => x.code.toLowerCase() === wanted.toLowerCase())!;
  const canPlan = holdsAnyOf(new Set(wh.roles), SUPERVISING_ROLES);
  const view = await planView(db, wh.code);
  const open = await openNotice(p, wh);
  const picker = `<form class="filters" method="get" action="/plans">
${select(
  'warehouse',
  w(pt.warehouseLabel()),
  warehouses.map((x) => [x.code, `${x.code} ${x.name}`] as const),
  wh.code,
)}
<button type="submit">${esc(w(pt.show()))}</button>
</form>`;
  const heading = w(pt.heading(`${wh.code} ${wh.name}`));
  const body = `<h1>${esc(heading)}</h1>
${picker}
${flash}
${canPlan ? '' : `<p class="notice read-only">${esc(w(pt.readOnly(wh.code)))}</p>`}
${planSection(p, wh.code, view, canPlan, entered)}
${dueSection(p, wh.code, view, wh.timezone, canPlan, open)}
${canPlan ? spotSection(p, wh.code, entered) : ''}
${canPlan ? partialSection(p, wh.code, entered) : ''}
${suggestionsSection(p, view)}`;
  return { title: heading, active: 'stocktakes', body, ...(status ? { status } : {}) };
}

/** GET /plans: the page, with the notice a finished post redirected with (done=saved or a run's outcome). */
export async function plansPage(p: PageContext): Promise<PageResult> {
  const code = p.c.req.query('warehouse');
  const done = p.c.req.query('done');
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const flash =
    done === 'saved' && code
      ? okNotice(w(pt.saved(code)))
      : (done === 'no plan' || done === 'nothing due' || done === 'stocktake open') && code
        ? badNotice(w(planTexts.planNothing(code, done)))
        : '';
  return renderPlansPage(p, code, flash);
}
