/**
 * The variance table of a stocktake page (counts against the book) with its filter form: review status,
 * cause, location, owner, only differences, and the sort (absolute value, the default, or SKU). The form
 * is a plain GET, so every filtered view is a link that can be shared.
 */
import { CASE_WORDS } from '../../domain/texts/cases.ts';
import { z } from 'zod';
import type { Locale } from '../../../cards/i18n/index.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { Cause } from '../../services/causes.ts';
import type { ReviewStatus } from '../../services/review.ts';
import type { BlindLine } from '../../services/blind.ts';
import type { StocktakeRef } from '../../services/stocktakes.ts';
import type { VarianceListLine, VarianceQuery } from '../../services/varianceQuery.ts';
import { esc } from '../layout.ts';
import type { PageWords } from './i18n.ts';
import { badge, localTime, moneyCell, num, queryString } from './shared.ts';
import { lineRef } from '../../domain/stocktake.ts';
import { render } from '../../domain/phrase.ts';
import { httpTexts } from '../../domain/texts/http.ts';

/** Under the location: the lot (批次) and its expiry (有效期), for a line that has a lot. */
function lotCell(tt: PageWords['table'], r: { lot: string; expiry?: string | null }): string {
  if (!r.lot) return '';
  return `<small class="lot">${esc(tt.lot)} ${esc(r.lot)}${r.expiry ? ` · ${esc(tt.expiry)} ${esc(r.expiry)}` : ''}</small>`;
}

export const PAGE_SIZE = 100;

/** Review states in which a line's due time still matters (once on a document, the approval SLA does). */
const AWAITING = new Set<ReviewStatus>(['open', 'recount', 'confirmed']);

const REVIEW_STATUSES = ['open', 'recount', 'confirmed', 'documented', 'posted', 'none'] as const satisfies readonly ReviewStatus[];

const filterInput = z.object({
  status: z.enum(REVIEW_STATUSES).optional(),
  cause: z
    .string()
    .regex(/^(-|[a-z][a-z0-9_]{1,39})$/)
    .optional(),
  location: z.string().max(200).optional(),
  owner: z.string().max(64).optional(),
  diff: z.enum(['1']).optional(),
  sort: z.enum(['value', 'sku']).default('value'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});

export type FilterQuery = z.output<typeof filterInput>;

/** The filter from the page's query string; an empty field means "any". Bad values name the parameter. */
export function parseFilter(query: Record<string, string>): FilterQuery {
  const given = Object.fromEntries(
    Object.entries(query)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
  const parsed = filterInput.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = i.path.join('.');
      return name === 'cause' ? httpTexts.notACauseCode() : httpTexts.badParameter(name);
    });
    const en = problems.map((p) => render(p, 'en', 'page')).join('; ');
    const zh = problems.map((p) => render(p, 'zh-CN', 'page')).join('；');
    throw new InvalidInputError(httpTexts.badFilter(en, zh));
  }
  return parsed.data;
}

/** The page's filter as the variance query takes it ('-' in the cause menu: no cause yet). */
export function toVarianceQuery(q: FilterQuery): VarianceQuery {
  const cause = q.cause === '-' ? null : q.cause;
  return {
    status: q.status,
    cause,
    location: q.location,
    owner: q.owner,
    onlyDiff: q.diff === '1',
    sort: q.sort,
    limit: PAGE_SIZE,
    offset: (q.page - 1) * PAGE_SIZE,
  };
}

export const causeLabel = (causes: Map<string, Cause>, code: string, locale: Locale): string => {
  const c = causes.get(code);
  return c ? (locale === 'zh-CN' ? c.labelZh : c.labelEn) : code;
};

const option = (value: string, label: string, selected: string | undefined) =>
  `<option value="${esc(value)}"${selected === value ? ' selected' : ''}>${esc(label)}</option>`;

export function filterForm(o: {
  st: StocktakeRef;
  q: FilterQuery;
  t: PageWords;
  locale: Locale;
  causes: Map<string, Cause>;
  locations: string[];
  owners: string[];
}): string {
  const { t, q } = o;
  const tt = t.table;
  const select = (name: string, label: string, options: [string, string][]) =>
    `<label>${esc(label)}<select name="${name}">${option('', tt.any, '')}${options.map(([v, l]) => option(v, l, (q as Record<string, unknown>)[name] as string | undefined)).join('')}</select></label>`;
  return `<form class="filters" method="get" action="/stocktakes/${esc(encodeURIComponent(o.st.code))}">
${select(
  'status',
  tt.filterStatus,
  REVIEW_STATUSES.map((s) => [s, t.states.review[s]]),
)}
${select('cause', tt.filterCause, [['-', tt.noCauseYet], ...[...o.causes.values()].map((c): [string, string] => [c.code, causeLabel(o.causes, c.code, o.locale)])])}
${select(
  'location',
  tt.filterLocation,
  o.locations.filter((l) => l !== '').map((l) => [l, l]),
)}
${select(
  'owner',
  tt.filterOwner,
  o.owners.map((h) => [h, h]),
)}
<label>${esc(tt.sort)}<select name="sort">${option('value', tt.byValue, q.sort)}${option('sku', tt.bySku, q.sort)}</select></label>
<label class="check"><span><input type="checkbox" name="diff" value="1"${q.diff === '1' ? ' checked' : ''}> ${esc(tt.onlyDiff)}</span></label>
<button class="btn btn--primary">${esc(tt.apply)}</button> <a href="/stocktakes/${esc(encodeURIComponent(o.st.code))}">${esc(tt.reset)}</a>
</form>`;
}

export function varianceTableHtml(o: {
  st: StocktakeRef;
  q: FilterQuery;
  t: PageWords;
  locale: Locale;
  causes: Map<string, Cause>;
  rows: VarianceListLine[];
  total: number;
}): string {
  const { t, locale } = o;
  const tt = t.table;
  if (o.rows.length === 0) return `<p class="muted">${esc(tt.none)}</p>`;
  const head = [
    tt.sku,
    tt.name,
    tt.location,
    tt.book,
    tt.movements,
    tt.expected,
    tt.counted,
    tt.diff,
    tt.value,
    tt.countStatus,
    tt.reviewStatus,
    tt.cause,
    tt.suggestion,
    tt.owner,
    tt.due,
  ];
  const numeric = new Set([3, 4, 5, 6, 7, 8]);
  const rows = o.rows.map((r) => {
    const countTone =
      r.countStatus === 'conflict' ? 'bad' : r.countStatus === 'uncounted' ? 'warn' : r.countStatus === 'verified' ? 'ok' : undefined;
    const reviewTone = r.reviewStatus === 'open' || r.reviewStatus === 'recount' ? 'warn' : r.reviewStatus === 'posted' ? 'ok' : undefined;
    const cause = r.causeCode
      ? `${esc(causeLabel(o.causes, r.causeCode, locale))}${r.autoConfirmed ? ` <span class="muted">(${esc(tt.auto)})</span>` : ''}`
      : '<span class="muted">—</span>';
    const note = r.note ? `<small>${esc(tt.note)}: ${esc(r.note)}</small>` : '';
    // An explained variance can be written up as a case of the case library (事故案例库).
    const writeUp =
      r.causeCode && !r.autoConfirmed
        ? `<small><a class="write-up" href="/cases/new${esc(queryString({ stocktake: o.st.code, line: lineRef(r) }))}">${esc(CASE_WORDS[locale].writeUp)}</a></small>`
        : '';
    const returned = r.returnedReason ? `<small class="bad">${esc(tt.returned)}: ${esc(r.returnedReason)}</small>` : '';
    const suggestion = r.suggestion
      ? `${esc(causeLabel(o.causes, r.suggestion.cause, locale))}<small>${esc(locale === 'zh-CN' ? r.suggestion.reason.zh : r.suggestion.reason.en)}</small>${r.suggestion.caseCode ? `<small><a href="/cases/${esc(encodeURIComponent(r.suggestion.caseCode))}">${esc(r.suggestion.caseCode)}</a></small>` : ''}`
      : '<span class="muted">—</span>';
    const due =
      r.dueAt && AWAITING.has(r.reviewStatus)
        ? `${esc(localTime(r.dueAt, o.st.timezone))}${r.overdue ? ` <span class="badge bad">${esc(tt.overdue)}</span>` : ''}`
        : '<span class="muted">—</span>';
    return `<tr data-line="${esc(lineRef(r))}"${r.overdue ? ' class="overdue"' : ''}>
<td>${esc(r.sku)}</td><td>${r.itemName ? esc(r.itemName) : '<span class="muted">—</span>'}${r.unit ? ` <span class="muted">(${esc(r.unit)})</span>` : ''}</td><td>${esc(r.location || '—')}${lotCell(tt, r)}</td>
<td class="num">${num(r.bookQty)}</td><td class="num">${num(r.movementQty)}</td><td class="num">${num(r.expectedQty)}</td><td class="num">${num(r.countedQty)}</td>
<td class="num">${num(r.diffQty)}</td>${moneyCell(r.diffValue)}
<td>${badge(t.states.count[r.countStatus], countTone)}</td><td>${badge(t.states.review[r.reviewStatus], reviewTone)}${returned}</td>
<td>${cause}${note}${writeUp}</td><td>${suggestion}</td><td>${r.owner ? esc(r.owner) : '<span class="muted">—</span>'}</td><td class="due">${due}</td>
</tr>`;
  });
  const from = (o.q.page - 1) * PAGE_SIZE + 1;
  const to = from + o.rows.length - 1;
  const link = (page: number, label: string) =>
    `<a href="/stocktakes/${esc(encodeURIComponent(o.st.code))}${esc(queryString({ status: o.q.status, cause: o.q.cause, location: o.q.location, owner: o.q.owner, diff: o.q.diff, sort: o.q.sort, page }))}#variances">${esc(label)}</a>`;
  const pager = [o.q.page > 1 ? link(o.q.page - 1, tt.previous) : '', to < o.total ? link(o.q.page + 1, tt.next) : '']
    .filter(Boolean)
    .join(' · ');
  return `<p class="muted">${esc(tt.shown(from, to, o.total))}${pager ? ` · ${pager}` : ''}</p>
<div class="table-scroll"><table class="data variances">
<thead><tr>${head.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

/**
 * The lines as a counter sees a blind count (盲盘) while counting: what is still uncounted, what was
 * counted, and what needs a recount; no book, expected, counted or variance figures.
 */
export function blindTableHtml(o: { st: StocktakeRef; t: PageWords; rows: BlindLine[]; total: number; page: number }): string {
  const { t } = o;
  const tt = t.table;
  if (o.rows.length === 0) return `<p class="muted">${esc(tt.none)}</p>`;
  const rows = o.rows.map((r) => {
    const tone =
      r.countStatus === 'conflict' ? 'bad' : r.countStatus === 'uncounted' ? 'warn' : r.countStatus === 'verified' ? 'ok' : undefined;
    const status = r.recountNeeded ? badge(t.detail.recountNeeded, tone) : badge(t.states.count[r.countStatus], tone);
    return `<tr data-line="${esc(lineRef(r))}"><td>${esc(r.sku)}</td><td>${r.itemName ? esc(r.itemName) : '<span class="muted">—</span>'}${r.unit ? ` <span class="muted">(${esc(r.unit)})</span>` : ''}</td><td>${esc(r.location || '—')}${lotCell(tt, r)}</td><td>${status}</td></tr>`;
  });
  const from = (o.page - 1) * PAGE_SIZE + 1;
  const to = from + o.rows.length - 1;
  const link = (page: number, label: string) =>
    `<a href="/stocktakes/${esc(encodeURIComponent(o.st.code))}${esc(queryString({ page }))}#variances">${esc(label)}</a>`;
  const pager = [o.page > 1 ? link(o.page - 1, tt.previous) : '', to < o.total ? link(o.page + 1, tt.next) : '']
    .filter(Boolean)
    .join(' · ');
  return `<p class="notice">${esc(t.detail.blindHidden)}</p>
<p class="muted">${esc(tt.shown(from, to, o.total))}${pager ? ` · ${pager}` : ''}</p>
<div class="table-scroll"><table class="data variances">
<thead><tr><th>${esc(tt.sku)}</th><th>${esc(tt.name)}</th><th>${esc(tt.location)}</th><th>${esc(tt.countStatus)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}
