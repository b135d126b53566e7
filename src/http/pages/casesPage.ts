/**
 * The case library in the console (事故案例库): GET /cases lists and searches (only warehouses the person
 * holds a role in), GET /cases/new is the write-up form (opened from an explained line of a stocktake),
 * POST /cases writes it up, GET /cases/:case shows a case with its lines, photos, action and history, and
 * POST /cases/:case/done closes its action. The services check who may; a refusal shows the form again.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { CASE_WORDS } from '../../domain/texts/cases.ts';
import { caseWarehouse, closeCase, createCase, getCase, listCases, type CaseSummary } from '../../services/cases.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { requireReader } from '../api/access.ts';
import { API_BASE } from '../api/route.ts';
import { esc } from '../layout.ts';
import { badNotice, formFields, textInput } from './admin.ts';
import { badge, localizedMessage, moneyCell, num, queryString, type PageContext, type PageResult } from './shared.ts';

const listQuery = z.object({ q: z.string().max(200).optional(), status: z.enum(['open', 'done']).optional() });

const caseLink = (code: string) => `/cases/${encodeURIComponent(code)}`;

function caseRows(p: PageContext, cases: CaseSummary[], search: boolean): string {
  const w = CASE_WORDS[p.locale];
  if (cases.length === 0) return `<p class="muted">${esc(w.none)}</p>`;
  const now = Date.now();
  return `<div class="table-scroll"><table class="data cases"><thead><tr><th>${esc(w.case)}</th><th>${esc(w.title)}</th><th>${esc(w.rootCause)}</th><th>${esc(w.actionOwner)}</th><th>${esc(w.due)}</th><th>${esc(w.statusLabel)}</th>${search ? `<th>${esc(w.score)}</th>` : ''}</tr></thead><tbody>
${cases
  .map((c) => {
    const overdue = c.status === 'open' && Date.parse(c.actionDueAt) < now;
    return `<tr data-case="${esc(c.code)}"><td><a href="${esc(caseLink(c.code))}">${esc(c.code)}</a></td><td>${esc(c.title)}</td><td>${esc(c.causeCode)}</td><td>${esc(c.actionOwner)}</td>
<td>${esc(c.actionDue)}${overdue ? ` ${badge(w.overdue, 'bad')}` : ''}</td><td>${badge(w.status[c.status] ?? c.status, c.status === 'done' ? 'ok' : 'warn')}</td>${search ? `<td class="num">${esc(String(c.score ?? ''))}</td>` : ''}</tr>`;
  })
  .join('\n')}
</tbody></table></div>`;
}

export async function casesListPage(p: PageContext): Promise<PageResult> {
  const w = CASE_WORDS[p.locale];
  const q = listQuery.safeParse(p.c.req.query());
  const query = q.success && q.data.q?.trim() ? q.data.q.trim() : undefined;
  const status = q.success ? q.data.status : undefined;
  let flash = '';
  let cases: CaseSummary[] = [];
  try {
    cases = await listCases(p.deps.db, { readerPersonId: p.actor.personId, ...(query ? { query } : {}), ...(status ? { status } : {}) });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    flash = badNotice(localizedMessage(p, error));
  }
  return {
    title: w.library,
    active: 'cases',
    body: `<h1>${esc(w.library)}</h1>
${flash}
<form class="filters" method="get" action="/cases">
<label>${esc(w.search)}<input type="search" name="q" value="${esc(query ?? '')}" placeholder="${esc(w.searchHint)}"></label>
<label>${esc(w.statusLabel)}<select name="status"><option value="">—</option>${(['open', 'done'] as const)
      .map((s) => `<option value="${s}"${s === status ? ' selected' : ''}>${esc(w.status[s]!)}</option>`)
      .join('')}</select></label>
<button class="btn btn--primary">${esc(w.search)}</button>
</form>
${caseRows(p, cases, query !== undefined)}`,
  };
}

function caseForm(p: PageContext, values: Record<string, string>): string {
  const w = CASE_WORDS[p.locale];
  return `<form class="case-form" method="post" action="/cases">
${textInput('stocktake', w.stocktake, values.stocktake ?? '', 'required')}
<label>${esc(w.lines)}<textarea name="lines" rows="2" required>${esc(values.lines ?? '')}</textarea></label>
${textInput('title', w.title, values.title ?? '', 'required maxlength="200"')}
<label>${esc(w.whatHappened)}<textarea name="whatHappened" rows="4" required maxlength="4000">${esc(values.whatHappened ?? '')}</textarea></label>
${textInput('cause', w.rootCause, values.cause ?? '', 'maxlength="40"')}
<label>${esc(w.action)}<textarea name="action" rows="2" required maxlength="2000">${esc(values.action ?? '')}</textarea></label>
${textInput('actionOwner', w.actionOwner, values.actionOwner ?? '', 'required')}
<label>${esc(w.due)}<input type="date" name="actionDue" value="${esc(values.actionDue ?? '')}" required></label>
<button class="btn btn--primary">${esc(w.save)}</button>
</form>`;
}

/** GET /cases/new?stocktake=…&line=…: the form, with the line and its cause filled in. */
export async function newCasePage(p: PageContext): Promise<PageResult> {
  const w = CASE_WORDS[p.locale];
  const stocktake = p.c.req.query('stocktake') ?? '';
  if (stocktake) {
    const st = await getStocktake(p.deps.db, stocktake);
    await requireReader(p.deps.db, p.actor, st.warehouseCode, `stocktake ${st.code}`);
  }
  return {
    title: w.writeUp,
    active: 'cases',
    body: `<h1>${esc(w.writeUp)}</h1>\n${caseForm(p, { stocktake, lines: p.c.req.query('line') ?? '', actionOwner: p.actor.handle })}`,
  };
}

/** POST /cases: writes the case up and shows it, or the form again with the reason. */
export async function createCasePage(p: PageContext): Promise<PageResult | Response> {
  const w = CASE_WORDS[p.locale];
  const form = await formFields(p);
  try {
    const created = await createCase(
      p.deps.db,
      { actor: p.actor },
      {
        stocktake: form.stocktake ?? '',
        lines: (form.lines ?? '').split(/[\s,，]+/).filter(Boolean),
        title: form.title ?? '',
        whatHappened: form.whatHappened ?? '',
        ...(form.cause?.trim() ? { cause: form.cause.trim() } : {}),
        action: form.action ?? '',
        actionOwner: form.actionOwner ?? '',
        actionDue: form.actionDue ?? '',
      },
    );
    return p.c.redirect(`${caseLink(created.code)}${queryString({ lang: p.c.req.query('lang') })}`, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const status = error.code === 'NOT_ALLOWED' ? 403 : error.code === 'NOT_FOUND' ? 404 : 400;
    return {
      title: w.writeUp,
      active: 'cases',
      status,
      body: `<h1>${esc(w.writeUp)}</h1>\n${badNotice(localizedMessage(p, error))}\n${caseForm(p, form)}`,
    };
  }
}

/** GET /cases/:case: the case, its evidence, its action and its history. */
export async function caseDetailPage(p: PageContext): Promise<PageResult> {
  const w = CASE_WORDS[p.locale];
  const code = p.c.req.param('case') ?? '';
  await requireReader(p.deps.db, p.actor, await caseWarehouse(p.deps.db, code), `case ${code}`);
  const c = await getCase(p.deps.db, code);
  const stocktakeLink = `/stocktakes/${encodeURIComponent(c.stocktake)}`;
  const lines = c.lines
    .map(
      (l) =>
        `<tr data-line="${esc(l.line)}"><td><a href="${esc(stocktakeLink)}#variances">${esc(l.line)}</a></td><td>${esc(l.stocktake)}</td><td class="num">${num(l.diffQty)}</td>${moneyCell(l.diffValue)}</tr>`,
    )
    .join('\n');
  const photos = c.photos
    .map(
      (ph) =>
        `<a href="${API_BASE}/photos/${esc(ph.sha256)}"><img src="${API_BASE}/photos/${esc(ph.sha256)}/thumbnail" alt="${esc(`${ph.sku ?? ''}@${ph.location}`)}" loading="lazy" width="120"></a>`,
    )
    .join(' ');
  const history = c.history.map((h) => `<li><time>${esc(h.at)}</time> ${esc(h.action)} · ${esc(h.actorIdentity)}</li>`).join('\n');
  const done =
    c.status === 'open'
      ? `<form class="filters" method="post" action="${esc(caseLink(c.code))}/done">${textInput('note', w.doneNote, '', 'maxlength="2000"')}<button class="btn btn--primary">${esc(w.done)}</button></form>`
      : `<p>${esc(w.doneBy(c.doneBy ?? '', c.doneAt ?? ''))}${c.doneNote ? ` — ${esc(c.doneNote)}` : ''}</p>`;
  return {
    title: `${c.code} ${c.title}`,
    active: 'cases',
    body: `<p><a href="/cases">${esc(w.library)}</a></p>
<h1 data-case="${esc(c.code)}">${esc(c.code)} · ${esc(c.title)} ${badge(w.status[c.status] ?? c.status, c.status === 'done' ? 'ok' : 'warn')}</h1>
<p class="muted">${esc(w.createdBy(c.createdBy, c.createdAt))} · <a href="${esc(stocktakeLink)}">${esc(c.stocktake)}</a> · ${esc(c.warehouse)}</p>
<h2>${esc(w.whatHappened)}</h2><p>${esc(c.whatHappened)}</p>
<h2>${esc(w.rootCause)}</h2><p>${esc(c.causeCode)} · ${esc(w.direction[c.direction] ?? c.direction)}</p>
<h2>${esc(w.evidence)}</h2>
<div class="table-scroll"><table class="data"><thead><tr><th>${esc(w.line)}</th><th>${esc(w.stocktake)}</th><th>${esc(w.diffQty)}</th><th>${esc(w.diffValue)}</th></tr></thead><tbody>
${lines}
</tbody></table></div>
${photos ? `<h2>${esc(w.photos)}</h2><p class="photos">${photos}</p>` : ''}
<h2>${esc(w.action)}</h2><p>${esc(c.action)}</p><p>${esc(w.actionOwner)}: ${esc(c.actionOwner)} · ${esc(w.due)}: ${esc(c.actionDue)}</p>
${done}
<h2>${esc(w.history)}</h2><ul class="history">${history}</ul>`,
  };
}

/** POST /cases/:case/done. */
export async function closeCasePage(p: PageContext): Promise<PageResult | Response> {
  const form = await formFields(p);
  const code = p.c.req.param('case') ?? '';
  await closeCase(p.deps.db, { actor: p.actor }, { case: code, ...(form.note?.trim() ? { note: form.note } : {}) });
  return p.c.redirect(`${caseLink(code)}${queryString({ lang: p.c.req.query('lang') })}`, 303);
}
