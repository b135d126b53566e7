/**
 * The monthly stock structure report as a neutral card, and the same card as terminal text: totals, the ABC
 * classes, turnover by category, the top consumers, slow movers and dead stock, then the chart image.
 */
import { localDay } from '../../src/domain/time.ts';
import { render, type Phrase } from '../../src/domain/phrase.ts';
import type { ItemStructure, StockStructure } from '../../src/domain/structure.ts';
import { structureColumns, structureTexts } from '../../src/domain/texts/structure.ts';
import type { Locale } from '../i18n/index.ts';
import { card, type Card, type CardElementInput } from '../model.ts';
import { escapeMarkdown } from '../render/markdown.ts';
import { count, money, qty, type TemplateContext } from './context.ts';
import { cardText, type DigestChart } from './digest.ts';

/** Rows of each top list on a card: a phone shows them without scrolling past the chart. */
const TOP = 5;

const percent = (p: string | null) => (p === null ? '—' : `${p}%`);

/** The month the report is for: the one that ended at as-of (a report on 1 November is October's). */
function monthOf(s: StockStructure): string {
  const day = localDay(new Date(new Date(s.asOf).getTime() - 1), s.warehouse.timezone);
  return day.slice(0, 7);
}

export function structureReportCard(ctx: TemplateContext, s: StockStructure, charts: readonly DigestChart[] = []): Card {
  const w = (p: Phrase) => render(p, ctx.locale, 'chat');
  const c = structureColumns;
  const tz = s.warehouse.timezone;
  const cur = s.warehouse.currency;
  const elements: CardElementInput[] = [];
  if (s.totals.items === 0) elements.push({ type: 'markdown', text: escapeMarkdown(w(structureTexts.nothingYet())) });
  elements.push({
    type: 'fields',
    fields: [
      { label: w(c.items()), value: count(s.totals.items) },
      { label: w(c.issueValue()), value: money(s.totals.issueValue, cur) },
      { label: w(c.stockValue()), value: money(s.totals.stockValue, cur) },
      { label: w(c.turnover()), value: s.totals.turnover ?? '—' },
      { label: w(c.daysOfStock()), value: s.totals.daysOfStock ?? '—' },
      { label: w(structureTexts.chartSlow()), value: `${count(s.slow.items)} · ${money(s.slow.stockValue, cur)}` },
      { label: w(structureTexts.chartDead()), value: `${count(s.dead.items)} · ${money(s.dead.stockValue, cur)}` },
    ],
  });
  elements.push({
    type: 'table',
    columns: [
      { key: 'cls', label: w(c.class()) },
      { key: 'items', label: w(c.items()), align: 'right' },
      { key: 'issue', label: w(structureTexts.chartConsumption()), align: 'right' },
      { key: 'stock', label: w(structureTexts.chartStock()), align: 'right' },
    ],
    rows: s.classes.map((x) => ({
      cls: x.abcClass,
      items: count(x.items),
      issue: percent(x.issuePercent),
      stock: percent(x.stockPercent),
    })),
  });
  if (s.categories.length > 0) {
    const shown = s.categories.slice(0, 8);
    elements.push(
      { type: 'markdown', text: `**${escapeMarkdown(w(structureTexts.byCategory()))}**` },
      {
        type: 'table',
        columns: [
          { key: 'cat', label: w(c.category()) },
          { key: 'issue', label: w(c.issueValue()), align: 'right' },
          { key: 'turnover', label: w(c.turnover()), align: 'right' },
          { key: 'days', label: w(c.daysOfStock()), align: 'right' },
        ],
        rows: shown.map((x) => ({
          cat: x.category ?? w(structureTexts.uncategorised()),
          issue: qty(x.issueValue),
          turnover: x.turnover ?? '—',
          days: x.daysOfStock ?? '—',
        })),
        more: s.categories.length - shown.length,
      },
    );
  }
  const list = (title: Phrase, rows: ItemStructure[], total: number, idle: boolean) => {
    if (rows.length === 0) return;
    const shown = rows.slice(0, TOP);
    elements.push(
      { type: 'markdown', text: `**${escapeMarkdown(w(title))}**` },
      {
        type: 'table',
        columns: idle
          ? [
              { key: 'sku', label: w(c.sku()) },
              { key: 'value', label: w(c.stockValue()), align: 'right' },
              { key: 'last', label: w(c.lastIssue()) },
              { key: 'days', label: w(c.daysIdle()), align: 'right' },
            ]
          : [
              { key: 'sku', label: w(c.sku()) },
              { key: 'value', label: w(c.issueValue()), align: 'right' },
              { key: 'turnover', label: w(c.turnover()), align: 'right' },
              { key: 'days', label: w(c.daysOfStock()), align: 'right' },
            ],
        rows: shown.map(
          (i): Record<string, string> =>
            idle
              ? {
                  sku: i.sku,
                  value: qty(i.stockValue),
                  last: i.lastIssueAt ? localDay(new Date(i.lastIssueAt), tz) : w(structureTexts.never()),
                  days: i.daysIdle === null ? '—' : String(i.daysIdle),
                }
              : { sku: i.sku, value: qty(i.issueValue), turnover: i.turnover ?? '—', days: i.daysOfStock ?? '—' },
        ),
        more: Math.max(0, total - shown.length),
      },
    );
  };
  list(structureTexts.topConsumers(), s.topConsumers, s.topConsumers.length, false);
  list(structureTexts.topSlow(), s.topSlow, s.slow.items, true);
  list(structureTexts.topDead(), s.topDead, s.dead.items, true);
  elements.push(
    ...charts.map((x) => ({ type: 'image' as const, alt: x.alt, png: typeof x.png === 'string' ? x.png : x.png.toString('base64') })),
  );
  elements.push({
    type: 'markdown',
    text: escapeMarkdown(
      w(structureTexts.settings(s.settings.abcAPercent, s.settings.abcBPercent, s.settings.slowDays, s.settings.deadDays)),
    ),
  });
  const state = s.dead.items > 0 ? 'warning' : 'info';
  return card({
    header: {
      title: w(structureTexts.monthlyTitle(`${s.warehouse.code} ${s.warehouse.name}`, monthOf(s))),
      subtitle: w(
        structureTexts.period(localDay(new Date(s.from), tz), localDay(new Date(new Date(s.asOf).getTime() - 1), tz), s.periodDays),
      ),
      state,
    },
    elements,
  });
}

/** The monthly report for a terminal. */
export function structureText(s: StockStructure, locale: Locale = 'en'): string {
  const ctx: TemplateContext = {
    locale,
    timezone: s.warehouse.timezone,
    act: () => {
      throw new Error('structure cards have no buttons');
    },
  };
  return cardText(structureReportCard(ctx, s));
}
