/**
 * The stock structure chart of the monthly report and the dashboard: for classes A, B and C the share of
 * the period's consumption value beside the share of today's stock value, then the share of stock value
 * held by slow movers and dead stock — the picture of "C items tie up money they do not earn". Shares arrive
 * as decimal strings and become numbers only as coordinates; each bar is labelled with the string itself.
 */
import { render } from '../domain/phrase.ts';
import { structureTexts } from '../domain/texts/structure.ts';
import { coordinate } from './format.ts';
import type { Locale } from './i18n.ts';
import type { EChartsOption } from './render.ts';

export interface StockStructureInput {
  locale: Locale;
  /** Per class A, B, C: percent of consumption value and of stock value (null: nothing to share). */
  classes: { abcClass: string; issuePercent: string | null; stockPercent: string | null }[];
  slowPercent: string | null;
  deadPercent: string | null;
}

const INK = '#1f2328';
const GREY = '#6e7781';

const words = (locale: Locale) => {
  const w = (p: ReturnType<(typeof structureTexts)[keyof typeof structureTexts]>) => render(p, locale, 'page');
  return {
    title: w(structureTexts.chartTitle()),
    consumption: w(structureTexts.chartConsumption()),
    stock: w(structureTexts.chartStock()),
    slow: w(structureTexts.chartSlow()),
    dead: w(structureTexts.chartDead()),
  };
};

const bar = (value: string | null, what: string) =>
  value === null ? { value: 0, label: { show: false } } : { value: coordinate(value, what), label: { show: true, formatter: `${value}%` } };

/**
 * @example stockStructureChart({ locale: 'zh-CN', classes: [{ abcClass: 'A', issuePercent: '80.12', stockPercent: '35.00' }], slowPercent: '8.28', deadPercent: '11.72' })
 */
export function stockStructureChart(input: StockStructureInput): EChartsOption {
  const t = words(input.locale);
  const categories = [...input.classes.map((c) => c.abcClass), t.slow, t.dead];
  const consumption = [...input.classes.map((c) => bar(c.issuePercent, `Consumption share of class ${c.abcClass}`)), '-', '-'];
  const stock = [
    ...input.classes.map((c) => bar(c.stockPercent, `Stock share of class ${c.abcClass}`)),
    bar(input.slowPercent, 'Stock share of slow movers'),
    bar(input.deadPercent, 'Stock share of dead stock'),
  ];
  return {
    title: { text: t.title, left: 16, top: 12, textStyle: { color: INK, fontSize: 16, fontWeight: 'bold' } },
    legend: { bottom: 8, left: 'center', itemWidth: 12, itemHeight: 10, textStyle: { color: GREY } },
    grid: { left: 48, right: 24, top: 56, bottom: 56 },
    xAxis: {
      type: 'category',
      data: categories,
      axisTick: { show: false },
      axisLabel: { color: INK, fontSize: 13 },
      axisLine: { lineStyle: { color: '#d0d7de' } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      axisLabel: { color: GREY, formatter: '{value}%' },
      splitLine: { lineStyle: { color: '#eaeef2' } },
    },
    series: [
      {
        type: 'bar',
        name: t.consumption,
        data: consumption,
        barMaxWidth: 36,
        itemStyle: { color: '#0969da' },
        label: { position: 'top', color: INK, fontSize: 11 },
      },
      {
        type: 'bar',
        name: t.stock,
        data: stock,
        barMaxWidth: 36,
        itemStyle: { color: '#bf8700' },
        label: { position: 'top', color: INK, fontSize: 11 },
      },
    ],
  };
}

/** What the chart says, for the card image's alt text. */
export function stockStructureAlt(input: StockStructureInput): string {
  const pct = (v: string | null | undefined) => v ?? '0';
  const of = (cls: string) => pct(input.classes.find((c) => c.abcClass === cls)?.stockPercent);
  return render(structureTexts.chartAlt(of('A'), of('B'), of('C'), pct(input.slowPercent), pct(input.deadPercent)), input.locale, 'page');
}
