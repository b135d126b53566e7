/**
 * GET /stocktakes/:stocktake (code or id): one stocktake for anyone holding a role in its warehouse —
 * status and key figures, charts (SVG rendered on the server), the variance table with filters, the
 * documents with their approval route, the export downloads, and the audit history with the chain's verdict.
 */
import { verifyAudit } from '../../services/auditVerify.ts';
import { listCauses } from '../../services/causes.ts';
import { filterOptions, latestAudit, valueByCause } from '../../services/dashboard.ts';
import { documentLines, listDocuments } from '../../services/documents.ts';
import { documentSync } from '../../services/erp.ts';
import { rolesOf } from '../../services/people.ts';
import { currencyOf, reviewCounts } from '../../services/reviewViews.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { queryVariances } from '../../services/varianceQuery.ts';
import { stocktakeStatus, type StocktakeProgress } from '../../services/variances.ts';
import { esc } from '../layout.ts';
import { AUDIT_ROWS, auditHtml, chainNotice } from './auditSection.ts';
import { causeChart, figure, progressChart } from './charts.ts';
import { documentsHtml } from './documentsSection.ts';
import { photosHtml } from './photosSection.ts';
import { listPhotos, type PhotoRef } from '../../services/photos.ts';
import { EXPORT_FORMATS, stocktakeExportUrl } from './links.ts';
import { badge, localTime, messagePage, num, type PageContext, type PageResult } from './shared.ts';
import { blindTableHtml, causeLabel, filterForm, PAGE_SIZE, parseFilter, toVarianceQuery, varianceTableHtml } from './varianceSection.ts';
import { blindLine, showsBookFigures } from '../../services/blind.ts';
import { COUNTING_ROLES, holdsAnyOf } from '../../domain/people.ts';
import { icon } from '../../../cards/render/icons.ts';
import { countingPageUrl } from './counting.ts';
import { countingWords } from './countingWords.ts';

/** Lines of a document shown on the page; the export has them all. */
const DOCUMENT_LINES_SHOWN = 200;

const STATUS_TONE = { counting: 'warn', reviewing: 'warn', approving: 'warn', posted: 'ok', cancelled: 'muted' } as const;

/**
 * A partial stocktake's scope in the page's language: a spot check says how its sample was drawn (its size
 * among them), any other "partial stocktake: locations A-*; class A". Also the stocktakes list's.
 */
export function scopeText(p: Pick<PageContext, 'locale' | 't'>, progress: Pick<StocktakeProgress, 'scope' | 'scopeSummary'>): string {
  if (!progress.scopeSummary) return '';
  const summary = p.locale === 'en' ? progress.scopeSummary.en : progress.scopeSummary.zh;
  return progress.scope?.sample ? summary : p.t.detail.partial(summary);
}

export async function stocktakeDetailPage(p: PageContext): Promise<PageResult> {
  const { db } = p.deps;
  const { t, locale } = p;
  const st = await getStocktake(db, p.c.req.param('stocktake') ?? '');
  const roles = await rolesOf(db, p.actor.personId, st.warehouseId);
  if (roles.size === 0) {
    return {
      title: t.errors.forbiddenTitle,
      active: 'stocktakes',
      status: 403,
      body: messagePage(p, t.errors.forbiddenTitle, t.errors.stocktakeForbidden(st.code)),
    };
  }
  const q = parseFilter(p.c.req.query());
  // A counter of a blind count still counting sees no book figures: decided here, not by hiding them in the page.
  const shows = await showsBookFigures(db, p.actor, st);
  const tableQuery = shows ? toVarianceQuery(q) : { sort: 'sku' as const, limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE };
  const [progress, review, currency, causeList, options, table, byCause, docs, audit, verdict, photos] = await Promise.all([
    stocktakeStatus(db, st.id),
    reviewCounts(db, st.id),
    currencyOf(db, st.warehouseId),
    listCauses(db),
    filterOptions(db, st.id),
    queryVariances(db, st, tableQuery),
    shows ? valueByCause(db, st) : Promise.resolve([]),
    listDocuments(db, { stocktake: st.id }),
    latestAudit(db, st.id, AUDIT_ROWS),
    verifyAudit(db, { key: p.deps.audit?.key ?? null }),
    listPhotos(db, st.id),
  ]);
  const photosByLine = new Map<string, PhotoRef[]>();
  for (const photo of photos)
    if (photo.sku)
      photosByLine.set(`${photo.sku}@${photo.location}`, [...(photosByLine.get(`${photo.sku}@${photo.location}`) ?? []), photo]);
  const causes = new Map(causeList.map((c) => [c.code, c]));
  const docsWithLines = await Promise.all(
    docs.map(async (doc) => ({
      doc,
      lines: (await documentLines(db, doc.id)).slice(0, DOCUMENT_LINES_SHOWN),
      sync: await documentSync(db, doc.id),
    })),
  );
  const d = t.detail;
  const tz = st.timezone;

  const figures: [string, string][] = [
    [d.snapshot, esc(localTime(st.snapshotAt, tz))],
    [d.countingClosed, esc(localTime(st.countingClosedAt, tz))],
    [d.imports, String(progress.imports)],
    [d.lines, String(progress.lines.total)],
    ...(progress.scopeSummary ? [[d.scope, `<span class="scope">${esc(scopeText(p, progress))}</span>`] as [string, string]] : []),
    ...(progress.spotCheck
      ? [
          [
            d.spotCheck,
            `<span class="spot-check">${esc(locale === 'en' ? progress.spotCheck.summary.en : progress.spotCheck.summary.zh)}</span>`,
          ] as [string, string],
        ]
      : []),
    ...(st.blind ? [[d.blind, esc(shows ? t.states.stocktake[st.status] : d.blindHidden)] as [string, string]] : []),
    ...(shows
      ? ([
          [d.gains, `${progress.variances.gain} · ${num(progress.variances.gainValue)}`],
          [d.losses, `${progress.variances.loss} · ${num(progress.variances.lossValue)}`],
          [d.net, `${num(progress.variances.netValue)} ${esc(currency)}`],
        ] as [string, string][])
      : []),
    [d.toReview, String(review.open + review.recount)],
    [d.overdue, review.overdue > 0 ? `<span class="bad">${review.overdue}</span>` : '0'],
  ];
  const header = `<h1>${esc(st.code)} · ${esc(st.warehouseCode)} ${badge(t.states.stocktake[st.status], STATUS_TONE[st.status])}</h1>
${st.status === 'counting' && holdsAnyOf(roles, COUNTING_ROLES) ? `<p><a class="btn btn--primary" id="count-on-phone" href="${esc(countingPageUrl(st.code))}">${icon('barcode')} ${esc(countingWords(locale).linkText)}</a></p>` : ''}
<dl class="figures">${figures.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
<p class="muted">${esc(d.timezone(tz))} · <a href="#variances">${esc(d.variances)}</a> · <a href="#documents">${esc(d.documents)}</a> · <a href="#photos">${esc(t.photos.title)}${photos.length ? ` (${photos.length})` : ''}</a> · <a href="#exports">${esc(d.exports)}</a> · <a href="#audit">${esc(d.audit)}</a></p>
${chainNotice(verdict, t, locale)}`;

  const cs = t.states.count;
  const rs = t.states.review;
  const counting = progressChart([
    { label: cs.counted, count: progress.lines.counted, colour: '#54aeff' },
    { label: cs.verified, count: progress.lines.verified, colour: '#1a7f37' },
    { label: cs.conflict, count: progress.lines.conflict, colour: '#cf222e' },
    { label: cs.uncounted, count: progress.lines.uncounted, colour: '#d0d7de' },
  ]);
  const reviewing = progressChart([
    { label: rs.open, count: review.open, colour: '#bf8700' },
    { label: rs.recount, count: review.recount, colour: '#fb8f44' },
    { label: rs.confirmed, count: review.confirmed, colour: '#54aeff' },
    { label: rs.documented, count: review.documented, colour: '#8250df' },
    { label: rs.posted, count: review.posted, colour: '#1a7f37' },
  ]);
  const causeRows = byCause.map((r) => ({
    label: r.causeCode ? causeLabel(causes, r.causeCode, locale) : d.noCause,
    gain: r.gain,
    loss: r.loss,
  }));
  const charts = `<h2 id="charts">${esc(d.charts)}</h2>
<div class="charts">
<div class="grid">
<div class="panel">${figure(d.countingChart, counting)}</div>
<div class="panel">${figure(d.reviewChart, reviewing)}</div>
</div>
<div class="panel charts-wide">${causeRows.length ? figure(d.causeChart, causeChart(causeRows, { gain: d.gainSeries, loss: d.lossSeries, currency })) : `<p class="muted">${esc(d.noVariances)}</p>`}</div>
</div>`;

  const variances = shows
    ? `<h2 id="variances">${esc(d.variances)}</h2>
${filterForm({ st, q, t, locale, causes, locations: options.locations, owners: options.owners })}
${varianceTableHtml({ st, q, t, locale, causes, rows: table.lines, total: table.total })}`
    : `<h2 id="variances">${esc(d.variances)}</h2>
${blindTableHtml({ st, t, rows: table.lines.map(blindLine), total: table.total, page: q.page })}`;

  const documents = `<h2 id="documents">${esc(d.documents)}</h2>
${documentsHtml({ docs: docsWithLines, t, locale, timezone: tz, causes, photos: photosByLine, back: `/stocktakes/${encodeURIComponent(st.code)}` })}`;
  const photoSection = `<h2 id="photos">${esc(t.photos.title)}</h2>
${photosHtml({ photos, t, timezone: tz })}`;

  const anyPosted = docs.some((doc) => doc.status === 'posted');
  const exports = `<h2 id="exports">${esc(d.exports)}</h2>
${
  anyPosted
    ? `<p>${esc(d.exportsHint)} ${EXPORT_FORMATS.map((f) => `<a class="btn" href="${esc(stocktakeExportUrl(st.code, f))}" download>${f.toUpperCase()}</a>`).join(' ')}</p>`
    : `<p class="muted">${esc(d.exportsNone)}</p>`
}`;

  const names = new Map<string, string>([[st.id, st.code], ...docs.map((doc): [string, string] => [doc.id, doc.number])]);
  const history = `<h2 id="audit">${esc(d.audit)}</h2>
${chainNotice(verdict, t, locale)}
${auditHtml({ rows: audit.rows, total: audit.total, t, timezone: tz, names })}`;

  return {
    title: `${st.code} · ${st.warehouseCode}`,
    active: 'stocktakes',
    body: [header, charts, variances, documents, photoSection, exports, history].join('\n'),
  };
}
