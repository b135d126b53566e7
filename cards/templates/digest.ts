/**
 * The daily digest and the weekly report as neutral cards, and the same cards as plain text for a terminal
 * (`stocktake report … --dry-run`). One content definition, two renderings: `digestText` renders the card
 * `dailyDigestCard` builds. Charts arrive as rendered images (src/charts), so this file draws nothing.
 * Platform limits are the renderers' business: a long digest loses table rows there ("… and N more").
 */
import type {
  DailyDigest,
  DigestPerson,
  DigestSection,
  OpenVariance,
  StocktakeDigest,
  WeekKpis,
  WeeklyReport,
} from '../../src/services/digest/types.ts';
import { auditTexts } from '../i18n/audit.ts';
import { digestTexts, weekName, type DigestTexts } from '../i18n/digest.ts';
import type { Locale } from '../i18n/index.ts';
import { card, type Card, type CardElement, type CardElementInput, type CardState } from '../model.ts';
import { escapeMarkdown, parseMarkdown } from '../render/markdown.ts';
import { displayWidth, isRightAligned, moreLine, padDisplay } from '../render/text.ts';
import { count, formatTime, money, qty, signed, type TemplateContext } from './context.ts';

/** A chart image for a card: the PNG (bytes or base64) and what it shows, for platforms without images. */
export interface DigestChart {
  alt: string;
  png: Buffer | string;
}

const images = (charts: readonly DigestChart[]): CardElementInput[] =>
  charts.map((c) => ({ type: 'image' as const, alt: c.alt, png: typeof c.png === 'string' ? c.png : c.png.toString('base64') }));

/** Added sections (patterns, performance, warnings): a bold title, then one bullet a line. */
const sectionElements = (sections: readonly DigestSection[] | undefined, locale: Locale): CardElementInput[] =>
  (sections ?? [])
    .filter((s) => s.lines.length > 0)
    .map((s) => ({
      type: 'markdown' as const,
      text: [
        `**${escapeMarkdown(locale === 'en' ? s.title.en : s.title.zh)}**`,
        ...s.lines.map((l) => `- ${escapeMarkdown(locale === 'en' ? l.en : l.zh)}`),
      ].join('\n'),
    }));

/** "SKU@LOCATION" without spaces: a phone shows about 35 monospace columns of a table. */
const lineLabel = (sku: string, location: string) => (location ? `${sku}@${location}` : sku);

const who = (people: readonly DigestPerson[], t: DigestTexts) => (people.length ? people.map((p) => p.handle).join(', ') : t.daily.nobody);

/** The daily digest: one section per stocktake, then the charts. */
export function dailyDigestCard(ctx: TemplateContext, digest: DailyDigest, charts: readonly DigestChart[] = []): Card {
  const t = digestTexts(ctx.locale);
  const tz = digest.warehouse.timezone;
  const elements: CardElementInput[] = [];
  if (digest.stocktakes.length === 0) elements.push({ type: 'markdown', text: t.daily.nothing(escapeMarkdown(digest.warehouse.code)) });
  digest.stocktakes.forEach((s, i) => {
    if (i > 0) elements.push({ type: 'divider' });
    elements.push(...stocktakeSection(t, s, digest.warehouse.currency, tz));
  });
  elements.push(...sectionElements(digest.sections, ctx.locale));
  elements.push(...images(charts));
  if (digest.auditHead)
    elements.push({ type: 'markdown', text: escapeMarkdown(auditTexts(ctx.locale).head(digest.auditHead.seq, digest.auditHead.hash)) });
  const overdue =
    digest.stocktakes.some((s) => s.overdue.variancesTotal + s.overdue.steps.length > 0) ||
    (digest.sections ?? []).some((s) => s.lines.length > 0);
  const state: CardState = overdue
    ? 'warning'
    : digest.stocktakes.length > 0 && digest.stocktakes.every((s) => s.status === 'posted')
      ? 'success'
      : 'info';
  return card({
    header: {
      title: t.daily.title(digest.warehouse.code, digest.warehouse.name),
      subtitle: t.daily.subtitle(digest.localTime, formatTime(digest.window.from, tz)),
      state,
    },
    elements,
    footer: digest.stocktakes.some((s) => s.status !== 'posted') ? t.daily.footer : undefined,
  });
}

function stocktakeSection(t: DigestTexts, s: StocktakeDigest, currency: string, tz: string): CardElementInput[] {
  const d = t.daily;
  const out: CardElementInput[] = [
    {
      type: 'markdown',
      text: [d.heading(s.code, t.states.stocktake[s.status]), s.postedAt ? d.postedAt(formatTime(s.postedAt, tz)) : '']
        .filter(Boolean)
        .join(' · '),
    },
    {
      type: 'fields',
      fields: [
        { label: d.counted, value: `${count(s.lines.total - s.lines.uncounted)} / ${count(s.lines.total)}` },
        { label: d.verified, value: count(s.lines.verified) },
        { label: d.conflicts, value: count(s.lines.conflict) },
        { label: d.uncounted, value: count(s.lines.uncounted) },
        { label: d.gains, value: `${s.variances.gain} · ${money(s.variances.gainValue, currency)}` },
        { label: d.losses, value: `${s.variances.loss} · ${money(s.variances.lossValue, currency)}` },
        { label: d.net, value: money(s.variances.netValue, currency) },
        { label: d.openVariances, value: count(s.openVariances) },
        ...(s.status !== 'counting' ? [{ label: d.overdue, value: count(s.overdue.variancesTotal + s.overdue.steps.length) }] : []),
      ],
    },
  ];
  const states = (Object.entries(s.review) as [string, { lines: number; value: string }][]).filter(([, v]) => v.lines > 0);
  if (s.status !== 'counting' && states.length > 0) {
    out.push({
      type: 'markdown',
      text: `**${d.review}** ${states.map(([k, v]) => `${(t.states.review as Record<string, string>)[k] ?? k} ${v.lines} (${signed(v.value)})`).join(' · ')}`,
    });
  }
  out.push({ type: 'markdown', text: `**${d.changesTitle}** ${changesLine(t, s, tz)}` });
  if (s.largestOpen.length > 0) {
    out.push({ type: 'markdown', text: `**${d.largestTitle}**` });
    out.push({
      type: 'table',
      columns: [
        { key: 'line', label: d.line },
        { key: 'diff', label: d.diff, align: 'right' },
        { key: 'value', label: d.value, align: 'right' },
        { key: 'owner', label: d.owner },
        { key: 'status', label: d.status },
      ],
      rows: s.largestOpen.map((v) => ({
        line: lineLabel(v.sku, v.location),
        diff: signed(v.diffQty),
        value: signed(v.diffValue),
        owner: v.owner?.handle ?? '—',
        status: varianceState(t, v),
      })),
      more: Math.max(0, s.openVariances - s.largestOpen.length),
    });
  }
  const overdueCount = s.overdue.variancesTotal + s.overdue.steps.length;
  if (overdueCount > 0) {
    out.push({ type: 'markdown', text: `**${d.overdueTitle(overdueCount)}**` });
    out.push({
      type: 'table',
      columns: [
        { key: 'item', label: d.item },
        { key: 'who', label: d.who },
        { key: 'late', label: d.late, align: 'right' },
      ],
      rows: [
        ...s.overdue.steps.map((x) => ({
          item: d.overdueStep(x.number, x.stepNo, t.roles[x.role] ?? x.role),
          who: who(x.holders, t),
          late: t.duration(x.lateSeconds),
        })),
        ...s.overdue.variances.map((v) => ({
          item: d.overdueLine(lineLabel(v.sku, v.location), t.states.review[v.reviewStatus]),
          who: v.reviewStatus === 'recount' && v.recountBy ? d.recountBy(v.recountBy.handle) : (v.owner?.handle ?? d.nobody),
          late: t.duration(v.lateSeconds),
        })),
      ],
      more: s.overdue.variancesTotal - s.overdue.variances.length,
    });
  }
  const queued = s.approvalQueue.flatMap((q) => q.documents.map((doc) => ({ q, doc })));
  if (queued.length > 0) {
    out.push({ type: 'markdown', text: `**${d.queueTitle}**` });
    out.push({
      type: 'table',
      columns: [
        { key: 'role', label: d.role },
        { key: 'holders', label: d.holders },
        { key: 'document', label: d.document },
        { key: 'value', label: d.value, align: 'right' },
        { key: 'waiting', label: d.waiting, align: 'right' },
      ],
      rows: queued.map(({ q, doc }) => ({
        role: t.roles[q.role] ?? q.role,
        holders: who(q.holders, t),
        document: d.stepOf(doc.number, doc.stepNo, doc.stepCount),
        value: qty(doc.totalValue),
        waiting: `${doc.overdue ? '⚠ ' : ''}${t.duration(doc.waitingSeconds)}`,
      })),
    });
  }
  return out;
}

function varianceState(t: DigestTexts, v: OpenVariance): string {
  const state = t.states.review[v.reviewStatus];
  return v.overdue ? `⚠ ${state}` : state;
}

function changesLine(t: DigestTexts, s: StocktakeDigest, tz: string): string {
  const d = t.daily;
  const c = s.changes;
  const by = (p: DigestPerson | null) => p?.handle ?? 'cli';
  const parts = [
    c.started && d.started(formatTime(c.started, tz)),
    c.imports > 0 && d.imports(c.imports, c.linesCounted),
    c.countingClosed && d.closed(formatTime(c.countingClosed, tz)),
    c.confirmed > 0 && d.confirmed(c.confirmed),
    c.tagged > 0 && d.tagged(c.tagged),
    c.notes > 0 && d.notes(c.notes),
    c.recountsRequested > 0 && d.recountsRequested(c.recountsRequested),
    c.recounted > 0 && d.recounted(c.recounted),
    c.reassigned > 0 && d.reassigned(c.reassigned),
    c.submitted.length > 0 && d.submitted(c.submitted.map((e) => e.number)),
    c.approved.length > 0 && d.approved(c.approved.map((e) => d.stepBy(e.number, e.stepNo ?? 0, by(e.by)))),
    c.rejected.length > 0 && d.rejected(c.rejected.map((e) => d.rejectedBy(e.number, by(e.by), e.reason ?? ''))),
    c.returned > 0 && d.returned(c.returned),
    c.posted.length > 0 && d.posted(c.posted.map((e) => e.number)),
  ].filter((p): p is string => typeof p === 'string');
  return parts.length ? escapeMarkdown(parts.join(d.separator)) : d.noChanges;
}

const duration = (t: DigestTexts, seconds: number | null) => (seconds === null ? '—' : t.duration(seconds));
const pair = (t: DigestTexts, a: number | null, b: number | null) => (a === null ? '—' : `${duration(t, a)} / ${duration(t, b)}`);
const percent = (p: string | null) => (p === null ? '—' : `${p}%`);
const shortWeek = (label: string, locale: Locale) =>
  locale === 'zh-CN' ? weekName(label, locale).replace(/^\d{4}年/, '') : label.replace(/^\d{4}-/, '');

/** The weekly report: the week's KPIs, the trend, causes, approval steps, people, then the charts. */
export function weeklyReportCard(ctx: TemplateContext, report: WeeklyReport, charts: readonly DigestChart[] = []): Card {
  const t = digestTexts(ctx.locale);
  const w = t.weekly;
  const k = report.kpis;
  const currency = report.warehouse.currency;
  const idle = k.stocktakesPosted === 0 && k.documentsPosted === 0 && k.approvalLatency.count === 0 && k.itemsHandled === 0;
  const elements: CardElementInput[] = [
    ...(idle ? [{ type: 'markdown' as const, text: w.nothing }] : []),
    {
      type: 'fields',
      fields: [
        { label: w.stocktakesPosted, value: count(k.stocktakesPosted) },
        { label: w.cycleTime, value: pair(t, k.cycleTime.medianSeconds, k.cycleTime.p90Seconds) },
        {
          label: w.matched,
          value: k.accuracy.matchedPercent === null ? '—' : w.of(k.accuracy.matched, k.accuracy.lines, k.accuracy.matchedPercent),
        },
        { label: w.varianceShare, value: percent(k.accuracy.varianceValuePercent) },
        { label: w.gains, value: money(k.gainValue, currency) },
        { label: w.losses, value: money(k.lossValue, currency) },
        { label: w.latency, value: pair(t, k.approvalLatency.medianSeconds, k.approvalLatency.p90Seconds) },
        {
          label: w.suggestionsKept,
          value:
            report.suggestions.keptPercent === null
              ? '—'
              : w.kept(report.suggestions.kept, report.suggestions.withSuggestion, report.suggestions.keptPercent),
        },
        { label: w.itemsHandled, value: count(k.itemsHandled) },
      ],
    },
    { type: 'markdown', text: `**${w.trendTitle}**` },
    {
      type: 'table',
      columns: [
        { key: 'week', label: w.week },
        { key: 'posted', label: w.posted, align: 'right' },
        { key: 'cycle', label: w.cycle, align: 'right' },
        { key: 'matched', label: w.matchedShort, align: 'right' },
        { key: 'variance', label: w.varianceShort, align: 'right' },
        { key: 'latency', label: w.latencyShort, align: 'right' },
      ],
      // Newest first: when a platform trims rows, the oldest weeks go.
      rows: [...report.trend].reverse().map((x: WeekKpis) => ({
        week: shortWeek(x.week.label, ctx.locale),
        posted: String(x.stocktakesPosted),
        cycle: duration(t, x.cycleTime.medianSeconds),
        matched: percent(x.accuracy.matchedPercent),
        variance: percent(x.accuracy.varianceValuePercent),
        latency: duration(t, x.approvalLatency.medianSeconds),
      })),
    },
  ];
  if (report.causes.length > 0) {
    elements.push(
      { type: 'markdown', text: `**${w.causesTitle}**` },
      {
        type: 'table',
        columns: [
          { key: 'cause', label: w.cause },
          { key: 'lines', label: w.lines, align: 'right' },
          { key: 'gain', label: w.gain, align: 'right' },
          { key: 'loss', label: w.loss, align: 'right' },
        ],
        rows: report.causes.map((c) => ({
          cause: ctx.locale === 'en' ? c.labelEn : c.labelZh,
          lines: String(c.lines),
          gain: c.gainValue,
          loss: c.lossValue,
        })),
      },
    );
  }
  if (report.approvalLatency.length > 0) {
    elements.push(
      { type: 'markdown', text: `**${w.stepsTitle}**` },
      {
        type: 'table',
        columns: [
          { key: 'step', label: w.step },
          { key: 'decisions', label: w.decisions, align: 'right' },
          { key: 'median', label: w.median, align: 'right' },
          { key: 'p90', label: w.p90, align: 'right' },
        ],
        rows: report.approvalLatency.map((s) => ({
          step: `${s.stepNo} · ${t.roles[s.role] ?? s.role}`,
          decisions: s.rejected ? `${s.count} (−${s.rejected})` : String(s.count),
          median: duration(t, s.medianSeconds),
          p90: duration(t, s.p90Seconds),
        })),
      },
    );
  }
  if (report.people.length > 0) {
    elements.push(
      { type: 'markdown', text: `**${w.peopleTitle}**` },
      {
        type: 'table',
        columns: [
          { key: 'person', label: w.person },
          { key: 'counted', label: w.countedLines, align: 'right' },
          { key: 'confirmed', label: w.confirmations, align: 'right' },
          { key: 'tagged', label: w.tags, align: 'right' },
          { key: 'decided', label: w.approvals, align: 'right' },
          { key: 'total', label: w.total, align: 'right' },
        ],
        rows: report.people.map((p) => ({
          person: p.person.handle,
          counted: String(p.linesCounted),
          confirmed: String(p.confirmations),
          tagged: String(p.tags),
          decided: String(p.approvals + p.rejections),
          total: String(p.total),
        })),
      },
    );
  }
  elements.push(...sectionElements(report.sections, ctx.locale));
  elements.push(...images(charts));
  return card({
    header: {
      title: w.title(report.warehouse.code, weekName(report.week.label, ctx.locale)),
      subtitle: w.subtitle(report.week.start, previousDay(report.week.end)),
      state: idle ? 'neutral' : 'info',
    },
    elements,
    footer: w.footer,
  });
}

/** "2026-11-30" → "2026-11-29": the week's last day, for people who read ranges inclusively. */
function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! - 1)).toISOString().slice(0, 10);
}

const textContext = (locale: Locale, timezone: string): TemplateContext => ({
  locale,
  timezone,
  act: () => {
    throw new Error('digest cards have no buttons');
  },
});

/** The daily digest for a terminal: the card's content, aligned (CJK counts two columns), nothing trimmed. */
export function digestText(digest: DailyDigest, locale: Locale = 'en'): string {
  return cardText(dailyDigestCard(textContext(locale, digest.warehouse.timezone), digest));
}

/** The weekly report for a terminal. */
export function weeklyText(report: WeeklyReport, locale: Locale = 'en'): string {
  return cardText(weeklyReportCard(textContext(locale, report.warehouse.timezone), report));
}

/** Plain text of a card: title and subtitle, then each element as aligned lines. */
export function cardText(c: Card): string {
  const blocks = [[c.header.title, c.header.subtitle].filter(Boolean).join('\n')];
  blocks.push(...c.elements.map(elementText).filter((b) => b !== ''));
  if (c.footer) blocks.push(c.footer);
  return `${blocks.join('\n\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function elementText(el: CardElement): string {
  switch (el.type) {
    case 'markdown':
      return parseMarkdown(el.text)
        .map((l) => `${l.item ? '• ' : ''}${l.spans.map((s) => s.text).join('')}`)
        .join('\n');
    case 'fields': {
      // Two fields a line, as the cards show them.
      const labels = Math.max(...el.fields.map((f) => displayWidth(f.label)));
      const values = Math.max(...el.fields.map((f) => displayWidth(f.value)));
      const cell = (f: { label: string; value: string }) =>
        `${padDisplay(f.label, labels, 'left')}  ${padDisplay(f.value, values, 'left')}`;
      const lines: string[] = [];
      for (let i = 0; i < el.fields.length; i += 2)
        lines.push(
          [el.fields[i]!, el.fields[i + 1]]
            .filter(Boolean)
            .map((f) => cell(f!))
            .join('    ')
            .trimEnd(),
        );
      return lines.join('\n');
    }
    case 'table': {
      const right = el.columns.map((col) => isRightAligned(col, el.rows));
      const rows = el.rows.map((r) => el.columns.map((col) => (r[col.key] ?? '').replace(/\s+/g, ' ')));
      const head = el.columns.map((col) => col.label);
      const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]!))));
      const line = (cells: string[]) =>
        cells
          .map((x, i) => padDisplay(x, widths[i]!, right[i] ? 'right' : 'left'))
          .join('  ')
          .trimEnd();
      return [line(head), widths.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line), ...(el.more > 0 ? [moreLine(el.more)] : [])].join(
        '\n',
      );
    }
    case 'image':
      return `[${el.alt}]`;
    case 'divider':
      return '─'.repeat(40);
    default:
      return '';
  }
}
