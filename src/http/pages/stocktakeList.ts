/**
 * GET /stocktakes: the stocktakes of every warehouse the caller holds a role in, newest first — status,
 * counting progress as a bar, open variances, net value and documents — or what to do when there are none.
 */
import { z } from 'zod';
import { anyStocktake, stocktakesIn, warehousesOf } from '../../services/dashboard.ts';
import { listDocuments } from '../../services/documents.ts';
import { reviewCounts } from '../../services/reviewViews.ts';
import { progressFor } from '../../services/blind.ts';
import { esc } from '../layout.ts';
import { render } from '../../domain/phrase.ts';
import { structureTexts } from '../../domain/texts/structure.ts';
import { patternTexts } from '../../domain/texts/patterns.ts';
import { plansPageTexts } from '../../domain/texts/plans.ts';
import { badge, localTime, moneyCell, queryString, type PageContext, type PageResult } from './shared.ts';
import { scopeText } from './stocktakeDetail.ts';

const PAGE_SIZE = 25;
const pageInput = z.coerce.number().int().min(1).max(100_000).catch(1);

const STATUS_TONE = { counting: 'warn', reviewing: 'warn', approving: 'warn', posted: 'ok', cancelled: 'muted' } as const;
const DOC_TONE = { posted: 'ok', approving: 'warn', rejected: 'bad', withdrawn: 'muted' } as const;

/** Counting progress as one bar: counted, verified, conflict, uncounted, in proportion to the lines. */
function progressBar(
  lines: { total: number; counted: number; verified: number; conflict: number; uncounted: number },
  labels: Record<'counted' | 'verified' | 'conflict' | 'uncounted', string>,
): string {
  const parts = (['verified', 'counted', 'conflict', 'uncounted'] as const).filter((k) => lines[k] > 0);
  const title = parts.map((k) => `${labels[k]} ${lines[k]}`).join(' · ');
  const spans = parts
    .map((k) => `<span class="${k}" style="width:${((lines[k] * 100) / Math.max(lines.total, 1)).toFixed(2)}%"></span>`)
    .join('');
  return `<div class="bar" role="img" aria-label="${esc(title)}" title="${esc(title)}">${spans}</div><small class="muted">${esc(title || '—')}</small>`;
}

export async function stocktakeListPage(p: PageContext): Promise<PageResult> {
  const { db } = p.deps;
  const { t } = p;
  const l = t.list;
  const page = pageInput.parse(p.c.req.query('page'));
  const warehouses = await warehousesOf(db, p.actor.personId);
  const { rows, total } = await stocktakesIn(
    db,
    warehouses.map((w) => w.id),
    { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
  );
  // The warehouse pages: the plan page starts a first partial stocktake or spot check, so it is linked with none yet.
  const links = warehouses.length
    ? `<p><a href="/structure" class="structure-link">${esc(render(structureTexts.link(), p.locale, 'page'))}</a></p>
<p><a href="/patterns" class="patterns-link">${esc(render(patternTexts.pageLink(), p.locale, 'page'))}</a></p>
<p><a href="/plans" class="plans-link">${esc(render(plansPageTexts.link(), p.locale, 'page'))}</a></p>`
    : '';
  if (total === 0) {
    const hint = warehouses.length === 0 && (await anyStocktake(db)) ? l.noRoleHtml : l.emptyHtml;
    return { title: l.title, active: 'stocktakes', body: `<h1>${esc(l.title)}</h1>\n<p class="notice">${hint}</p>\n${links}` };
  }
  const items = await Promise.all(
    rows.map(async (r) => ({
      row: r,
      progress: await progressFor(db, p.actor, r.id),
      review: await reviewCounts(db, r.id),
      docs: await listDocuments(db, { stocktake: r.id }),
    })),
  );
  const body = items
    .map(({ row, progress, review, docs }) => {
      const open = review.open + review.recount;
      const docsHtml = docs.length
        ? docs
            .map(
              (d) =>
                `<a href="/stocktakes/${esc(encodeURIComponent(row.code))}#doc-${esc(d.number)}">${esc(d.number)}</a> ${badge(t.states.document[d.status], DOC_TONE[d.status])}`,
            )
            .join('<br>')
        : '<span class="muted">—</span>';
      return `<tr data-stocktake="${esc(row.code)}">
<td><a href="/stocktakes/${esc(encodeURIComponent(row.code))}"><strong>${esc(row.code)}</strong></a>${progress.scopeSummary ? `<br><small class="muted scope">${esc(scopeText(p, progress))}</small>` : ''}</td><td>${esc(row.warehouse)}</td>
<td>${badge(t.states.stocktake[row.status], STATUS_TONE[row.status])}</td><td>${esc(localTime(row.snapshotAt, row.timezone))}</td>
<td>${progressBar(progress.lines, t.states.count)}</td>
<td class="num">${open}${review.overdue ? ` <span class="badge bad">${esc(l.overdue(review.overdue))}</span>` : ''}</td>
${'variances' in progress ? moneyCell(progress.variances.netValue) : '<td class="num muted">—</td>'}<td>${docsHtml}</td>
</tr>`;
    })
    .join('\n');
  const pages = Math.ceil(total / PAGE_SIZE);
  const pager = [
    page > 1 ? `<a href="/stocktakes${queryString({ page: page - 1 })}">${esc(l.previous)}</a>` : '',
    page < pages ? `<a href="/stocktakes${queryString({ page: page + 1 })}">${esc(l.next)}</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    title: l.title,
    active: 'stocktakes',
    body: `<h1>${esc(l.title)}</h1>
${links}
<div class="table-scroll"><table class="data stocktakes">
<thead><tr><th>${esc(l.code)}</th><th>${esc(l.warehouse)}</th><th>${esc(l.status)}</th><th>${esc(l.started)}</th><th>${esc(l.progress)}</th><th class="num">${esc(l.open)}</th><th class="num">${esc(l.net)}</th><th>${esc(l.documents)}</th></tr></thead>
<tbody>
${body}
</tbody></table></div>
${pager ? `<p>${pager}</p>` : ''}`,
  };
}
