/**
 * The documents of a stocktake with their approval route (each step's role and state, who decided and
 * when, the reason of a rejection), their totals and lines, and the export of each posted document.
 */
import type { Locale } from '../../../cards/i18n/index.ts';
import type { Cause } from '../../services/causes.ts';
import type { DocumentLineView, DocumentSummary } from '../../services/documents.ts';
import { esc } from '../layout.ts';
import type { PageWords } from './i18n.ts';
import { documentExportUrl, EXPORT_FORMATS } from './links.ts';
import { badge, localTime, moneyCell, num } from './shared.ts';
import { causeLabel } from './varianceSection.ts';
import { thumbnail } from './photosSection.ts';
import type { PhotoRef } from '../../services/photos.ts';
import type { DocumentSync } from '../../services/erp.ts';
import { syncHtml } from './erpPage.ts';

const STEP_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'muted' | undefined> = {
  approved: 'ok',
  pending: 'warn',
  rejected: 'bad',
  cancelled: 'muted',
  waiting: 'muted',
};
const DOC_TONE: Record<DocumentSummary['status'], 'ok' | 'warn' | 'bad' | 'muted'> = {
  posted: 'ok',
  approving: 'warn',
  rejected: 'bad',
  withdrawn: 'muted',
};

export function documentsHtml(o: {
  docs: { doc: DocumentSummary; lines: DocumentLineView[]; sync?: DocumentSync[] }[];
  /** Where the document's ERP retry button returns to. */
  back?: string;
  t: PageWords;
  locale: Locale;
  timezone: string;
  causes: Map<string, Cause>;
  /** Photos of the stocktake's lines, by `sku@location`: shown beside the document line they support. */
  photos?: Map<string, PhotoRef[]>;
}): string {
  const { t } = o;
  const d = t.docs;
  if (o.docs.length === 0) return `<p class="muted">${esc(d.none)}</p>`;
  return o.docs
    .map(({ doc, lines, sync }) => {
      const stateOf = (status: string) => (t.states.step as Record<string, string>)[status] ?? status;
      const steps = doc.route
        .map(
          (
            s,
          ) => `<tr data-step="${s.stepNo}"><td class="num">${s.stepNo}</td><td>${esc(t.roles[s.role] ?? s.role)}</td><td>${badge(stateOf(s.status), STEP_TONE[s.status])}</td>
<td>${s.decidedBy ? esc(s.decidedBy) : '<span class="muted">—</span>'}</td><td>${esc(localTime(s.decidedAt, o.timezone))}</td>
<td>${s.status === 'pending' ? esc(localTime(s.dueAt, o.timezone)) : '<span class="muted">—</span>'}</td><td>${s.reason ? esc(s.reason) : ''}</td></tr>`,
        )
        .join('\n');
      const downloads =
        doc.status === 'posted'
          ? `<p>${esc(d.download)}: ${EXPORT_FORMATS.map((f) => `<a href="${esc(documentExportUrl(doc, f))}" download>${f.toUpperCase()}</a>`).join(' · ')}</p>`
          : '';
      const lineRows = lines
        .map(
          (
            l,
          ) => `<tr><td class="num">${l.lineNo}</td><td>${esc(l.sku)}</td><td>${esc(l.location || '—')}${l.lot ? `<small class="lot">${esc(t.table.lot)} ${esc(l.lot)}</small>` : ''}</td><td class="num">${num(l.qty)}</td><td class="num">${num(l.unitCost)}</td>${moneyCell(l.value)}
<td>${esc(causeLabel(o.causes, l.causeCode, o.locale))}</td><td>${l.note ? esc(l.note) : ''}</td>
<td class="photos">${(o.photos?.get(`${l.sku}@${l.location}`) ?? []).map((ph) => thumbnail(ph, `${l.sku}@${l.location || '—'}`, 48)).join('')}</td></tr>`,
        )
        .join('\n');
      return `<section class="panel document" id="doc-${esc(doc.number)}" data-document="${esc(doc.number)}">
<h3>${esc(doc.number)} · ${esc(t.kinds[doc.kind])} ${badge(t.states.document[doc.status], DOC_TONE[doc.status])}</h3>
<dl class="figures"><div><dt>${esc(d.lines)}</dt><dd>${doc.lineCount}</dd></div><div><dt>${esc(d.totalQty)}</dt><dd>${num(doc.totalQty)}</dd></div>
<div><dt>${esc(d.totalValue)}</dt><dd>${num(doc.totalValue)} ${esc(doc.currency)}</dd></div></dl>
<div class="table-scroll"><table class="data route"><thead><tr><th class="num">${esc(d.step)}</th><th>${esc(d.role)}</th><th>${esc(d.state)}</th><th>${esc(d.decidedBy)}</th><th>${esc(d.at)}</th><th>${esc(d.due)}</th><th>${esc(d.reason)}</th></tr></thead>
<tbody>${steps}</tbody></table></div>
${downloads}
${syncHtml(o, doc.id, sync ?? [], `${o.back ?? '/stocktakes'}#doc-${doc.number}`)}
<details><summary>${esc(d.showLines(doc.lineCount))}</summary>
<div class="table-scroll"><table class="data"><thead><tr><th class="num">${esc(d.line)}</th><th>${esc(t.table.sku)}</th><th>${esc(t.table.location)}</th><th class="num">${esc(d.qty)}</th><th class="num">${esc(d.unitCost)}</th><th class="num">${esc(t.table.value)}</th><th>${esc(d.cause)}</th><th>${esc(d.note)}</th><th>${esc(t.photos.column)}</th></tr></thead>
<tbody>${lineRows}</tbody></table></div>${lines.length < doc.lineCount ? `<p class="muted">${esc(d.more(doc.lineCount - lines.length))}</p>` : ''}</details>
</section>`;
    })
    .join('\n');
}
