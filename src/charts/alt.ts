/**
 * Alt texts for the digest charts: what the chart says, in a sentence or two in the chart's locale, for the
 * card image's alt (screen readers, clients that do not load images, notification previews).
 */
import type { CauseDistributionInput, ChartInputs, ChartKind, DailyProgressInput, WeeklyTrendInput } from './digestCharts.ts';
import { grouped, magnitude, weekSpoken } from './format.ts';
import { chartTexts, progressLabel } from './i18n.ts';
import { stockStructureAlt } from './structureChart.ts';

/** Causes named in the alt text; the rest are counted. */
const ALT_CAUSES = 5;

export function causeDistributionAlt(input: CauseDistributionInput): string {
  const all = chartTexts(input.locale);
  const t = all.cause;
  const title = input.title ?? t.title;
  if (input.causes.length === 0) return all.emptyAlt(title, t.empty);
  const money = (v: string) => `${grouped(magnitude(v))}${input.currency ? ` ${input.currency}` : ''}`;
  const parts = input.causes.slice(0, ALT_CAUSES).map((c) => t.altPart(c.label, money(c.gainValue), money(c.lossValue), t.lines(c.count)));
  return t.alt(title, parts, input.causes.length - parts.length);
}

export function dailyProgressAlt(input: DailyProgressInput): string {
  const all = chartTexts(input.locale);
  const t = all.progress;
  const title = input.title ?? t.title;
  const first = input.days[0];
  const last = input.days.at(-1);
  if (!first || !last) return all.emptyAlt(title, t.empty);
  const list = (states: Parameters<typeof progressLabel>[1][]) =>
    states.map((s) => `${progressLabel(input.locale, s)} ${last[s]}`).join(input.locale === 'zh-CN' ? '、' : ', ');
  return t.alt(
    title,
    first.day,
    last.day,
    list(['counted', 'verified', 'conflict', 'uncounted']),
    list(['open', 'confirmed', 'documented', 'posted']),
  );
}

export function weeklyTrendAlt(input: WeeklyTrendInput): string {
  const all = chartTexts(input.locale);
  const t = all.trend;
  const title = input.title ?? t.title;
  const first = input.weeks[0];
  const last = input.weeks.at(-1);
  if (!first || !last) return all.emptyAlt(title, t.empty);
  return t.alt(
    title,
    input.weeks.length,
    weekSpoken(first.week, input.locale),
    weekSpoken(last.week, input.locale),
    last.accuracyPct === null ? t.none : `${last.accuracyPct}%`,
    last.cycleTimeMedianHours === null ? t.none : `${Number(last.cycleTimeMedianHours.toFixed(1))} ${t.hours}`,
    `${grouped(magnitude(last.absVarianceValue))}${input.currency ? ` ${input.currency}` : ''}`,
  );
}

const alts: { [K in ChartKind]: (input: ChartInputs[K]) => string } = {
  causeDistribution: causeDistributionAlt,
  dailyProgress: dailyProgressAlt,
  weeklyTrend: weeklyTrendAlt,
  stockStructure: stockStructureAlt,
};

/** The alt text of a chart kind for its input. */
export function chartAlt<K extends ChartKind>(kind: K, input: ChartInputs[K]): string {
  return (alts[kind] as (i: ChartInputs[K]) => string)(input);
}
