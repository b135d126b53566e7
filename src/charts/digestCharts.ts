/**
 * The digest charts, as pure builders from plain data to an ECharts option, plus `chartPng` to turn one into
 * a card image with its alt text. Money arrives as decimal strings and becomes a number only as a chart
 * coordinate; every label on the chart shows the string itself.
 */
import { chartAlt } from './alt.ts';
import { compactNumber, coordinate, dayLabel, grouped, isZero, magnitude, textWidth, weekLabel } from './format.ts';
import { chartTexts, progressLabel, type Locale } from './i18n.ts';
import { renderPng, renderSvg, type ChartSize, type EChartsOption } from './render.ts';
import { stockStructureChart, type StockStructureInput } from './structureChart.ts';

export interface CauseDistributionInput {
  locale: Locale;
  /** Defaults to "Variance value by cause" / "各原因差异金额". */
  title?: string;
  /** Shown in the value axis name, e.g. "CNY". */
  currency?: string;
  /**
   * One row per cause, drawn top to bottom in the given order. `gainValue` is ≥ 0; `lossValue` may be given
   * negative (as ledgers sign it) or as its magnitude: losses are drawn left of zero either way.
   */
  causes: { label: string; gainValue: string; lossValue: string; count: number }[];
}

export interface ProgressDay {
  /** YYYY-MM-DD. */
  day: string;
  /** Book lines by counting state at the end of the day. */
  counted: number;
  verified: number;
  conflict: number;
  uncounted: number;
  /** Variances by review state at the end of the day. */
  open: number;
  confirmed: number;
  documented: number;
  posted: number;
}

export interface DailyProgressInput {
  locale: Locale;
  title?: string;
  days: ProgressDay[];
}

export interface TrendWeek {
  /** "YYYY-Www" (ISO week, shown as W07 / 第7周) or any label. */
  week: string;
  cycleTimeMedianHours: number | null;
  /** Decimal string, 0–100; null when nothing was counted that week. */
  accuracyPct: string | null;
  absVarianceValue: string;
}

export interface WeeklyTrendInput {
  locale: Locale;
  title?: string;
  currency?: string;
  weeks: TrendWeek[];
}

const INK = '#1f2328';
const GREY = '#6e7781';
const GAIN = '#1a7f37';
const LOSS = '#cf222e';
const COUNT_COLOURS = { counted: '#0969da', verified: '#1a7f37', conflict: '#cf222e', uncounted: '#afb8c1' };
const REVIEW_COLOURS = { open: '#d4a72c', confirmed: '#fb8f44', documented: '#8250df', posted: '#1b7c83' };
const LABEL_SIZE = 12;

function heading(text: string): NonNullable<EChartsOption['title']> {
  return { text, left: 16, top: 12, textStyle: { color: INK, fontSize: 16, fontWeight: 'bold' } };
}

/** A chart with only its title and a sentence in the middle: what a digest shows before there is data. */
function nothingYet(title: string, message: string): EChartsOption {
  return {
    title: [
      heading(title),
      { text: message, left: 'center', top: 'middle', textStyle: { color: GREY, fontSize: 14, fontWeight: 'normal' } },
    ],
  };
}

/**
 * Horizontal bars per cause: gains to the right of zero in green, losses to the left in red, each bar
 * labelled with its exact value, each cause with its number of lines.
 *
 * @example causeDistributionChart({ locale: 'zh-CN', causes: [{ label: '报损', gainValue: '0', lossValue: '-1280.00', count: 3 }] })
 */
export function causeDistributionChart(input: CauseDistributionInput): EChartsOption {
  const t = chartTexts(input.locale).cause;
  const title = input.title ?? t.title;
  if (input.causes.length === 0) return nothingYet(title, t.empty);
  const labels = input.causes.map((c) => `${c.label} · ${t.lines(c.count)}`);
  const labelWidth = Math.min(260, Math.max(...labels.map((l) => textWidth(l, LABEL_SIZE))));
  const gains = input.causes.map((c) => {
    const value = Math.abs(coordinate(c.gainValue, `Gain value of cause "${c.label}"`));
    return { value, label: { show: !isZero(c.gainValue), formatter: grouped(magnitude(c.gainValue)) } };
  });
  const losses = input.causes.map((c) => {
    const value = -Math.abs(coordinate(c.lossValue, `Loss value of cause "${c.label}"`));
    return { value, label: { show: !isZero(c.lossValue), formatter: `-${grouped(magnitude(c.lossValue))}` } };
  });
  return {
    title: heading(title),
    legend: { top: 14, right: 16, itemWidth: 12, itemHeight: 10, textStyle: { color: GREY } },
    // A fixed label column: ECharts measures text only approximately on the server, so containLabel clips.
    grid: { left: labelWidth + 24, right: 40, top: 56, bottom: 44 },
    xAxis: {
      type: 'value',
      name: t.value(input.currency),
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: GREY },
      // Room beside the longest bars for their value labels.
      boundaryGap: ['18%', '18%'],
      axisLabel: { color: GREY, formatter: (n: number) => compactNumber(n, input.locale) },
      splitLine: { lineStyle: { color: '#eaeef2' } },
    },
    yAxis: {
      type: 'category',
      data: labels,
      inverse: true,
      // The labels stay in their column instead of following the zero line into the loss bars.
      axisLine: { onZero: false, lineStyle: { color: '#d0d7de' } },
      axisTick: { show: false },
      axisLabel: { color: INK, fontSize: LABEL_SIZE, width: labelWidth, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: t.gains,
        stack: 'value',
        data: gains,
        itemStyle: { color: GAIN },
        barMaxWidth: 22,
        label: { position: 'right', color: INK, fontSize: 11 },
      },
      {
        type: 'bar',
        name: t.losses,
        stack: 'value',
        data: losses,
        itemStyle: { color: LOSS },
        barMaxWidth: 22,
        label: { position: 'left', color: INK, fontSize: 11 },
      },
    ],
  };
}

/**
 * Two panels of stacked bars per day: book lines by counting state (top) and variances by review state
 * (bottom), so a manager sees counting close and review catch up.
 *
 * @example dailyProgressChart({ locale: 'en', days: [{ day: '2025-03-07', counted: 80, verified: 30, conflict: 2, uncounted: 8, open: 5, confirmed: 3, documented: 0, posted: 0 }] })
 */
export function dailyProgressChart(input: DailyProgressInput): EChartsOption {
  const t = chartTexts(input.locale).progress;
  const title = input.title ?? t.title;
  if (input.days.length === 0) return nothingYet(title, t.empty);
  const days = input.days.map((d) => dayLabel(d.day));
  const panel = (top: string, height: string) => ({ left: 56, right: 24, top, height });
  const axes = [0, 1].map((i) => ({
    x: {
      type: 'category' as const,
      gridIndex: i,
      data: days,
      axisTick: { show: false },
      axisLabel: { color: GREY },
      axisLine: { lineStyle: { color: '#d0d7de' } },
    },
    y: { type: 'value' as const, gridIndex: i, minInterval: 1, axisLabel: { color: GREY }, splitLine: { lineStyle: { color: '#eaeef2' } } },
  }));
  const bars = (panelIndex: number, stack: string, colours: Record<string, string>) =>
    (Object.keys(colours) as (keyof typeof COUNT_COLOURS | keyof typeof REVIEW_COLOURS)[]).map((state) => ({
      type: 'bar' as const,
      name: progressLabel(input.locale, state),
      stack,
      xAxisIndex: panelIndex,
      yAxisIndex: panelIndex,
      barMaxWidth: 28,
      itemStyle: { color: colours[state] },
      data: input.days.map((d) => d[state] as number),
    }));
  const subtitle = (text: string, top: string) => ({
    text,
    left: 16,
    top,
    textStyle: { color: GREY, fontSize: 12, fontWeight: 'normal' as const },
  });
  return {
    title: [heading(title), subtitle(t.counting, '11%'), subtitle(t.review, '50%')],
    legend: { bottom: 8, left: 'center', itemWidth: 12, itemHeight: 10, textStyle: { color: GREY } },
    grid: [panel('17%', '26%'), panel('56%', '26%')],
    xAxis: axes.map((a) => a.x),
    yAxis: axes.map((a) => a.y),
    series: [...bars(0, 'counting', COUNT_COLOURS), ...bars(1, 'review', REVIEW_COLOURS)],
  };
}

/**
 * The trend over the last weeks: median cycle time (hours, left axis) and counting accuracy (%, right axis)
 * as lines in the top panel, the absolute variance value as bars below. A week without a figure leaves a
 * gap in its line rather than a drop to zero.
 *
 * @example weeklyTrendChart({ locale: 'zh-CN', weeks: [{ week: '2025-W07', cycleTimeMedianHours: 36, accuracyPct: '98.20', absVarianceValue: '5120.00' }] })
 */
export function weeklyTrendChart(input: WeeklyTrendInput): EChartsOption {
  const t = chartTexts(input.locale).trend;
  const title = input.title ?? t.title;
  if (input.weeks.length === 0) return nothingYet(title, t.empty);
  const weeks = input.weeks.map((w) => weekLabel(w.week, input.locale));
  const category = (gridIndex: number) => ({
    type: 'category' as const,
    gridIndex,
    data: weeks,
    axisTick: { show: false },
    axisLabel: { color: GREY },
    axisLine: { lineStyle: { color: '#d0d7de' } },
  });
  const axisText = { color: GREY };
  const gap = '-';
  return {
    title: heading(title),
    legend: { top: 14, right: 16, itemWidth: 12, itemHeight: 10, textStyle: { color: GREY } },
    grid: [
      { left: 64, right: 64, top: '17%', height: '36%' },
      { left: 64, right: 64, top: '66%', height: '22%' },
    ],
    xAxis: [category(0), category(1)],
    yAxis: [
      {
        type: 'value',
        gridIndex: 0,
        name: t.cycleTime,
        nameTextStyle: { ...axisText, align: 'left' },
        min: 0,
        axisLabel: axisText,
        splitLine: { lineStyle: { color: '#eaeef2' } },
      },
      {
        type: 'value',
        gridIndex: 0,
        name: t.accuracy,
        nameTextStyle: { ...axisText, align: 'right' },
        position: 'right',
        scale: true,
        max: 100,
        axisLabel: { ...axisText, formatter: '{value}%' },
        splitLine: { show: false },
      },
      {
        type: 'value',
        gridIndex: 1,
        name: t.absVariance(input.currency),
        nameTextStyle: { ...axisText, align: 'left' },
        min: 0,
        axisLabel: { ...axisText, formatter: (n: number) => compactNumber(n, input.locale) },
        splitLine: { lineStyle: { color: '#eaeef2' } },
      },
    ],
    series: [
      {
        type: 'line',
        name: t.cycleTime,
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: input.weeks.map((w) => (w.cycleTimeMedianHours === null ? gap : w.cycleTimeMedianHours)),
        itemStyle: { color: '#0969da' },
        symbolSize: 6,
      },
      {
        type: 'line',
        name: t.accuracy,
        xAxisIndex: 0,
        yAxisIndex: 1,
        data: input.weeks.map((w, i) =>
          w.accuracyPct === null ? gap : coordinate(w.accuracyPct, `Accuracy of week ${i + 1} (${w.week})`),
        ),
        itemStyle: { color: GAIN },
        symbolSize: 6,
      },
      {
        type: 'bar',
        name: t.absVariance(input.currency),
        xAxisIndex: 1,
        yAxisIndex: 2,
        barMaxWidth: 28,
        data: input.weeks.map((w, i) => Math.abs(coordinate(w.absVarianceValue, `Absolute variance value of week ${i + 1} (${w.week})`))),
        itemStyle: { color: '#8c959f' },
      },
    ],
  };
}

/** What each chart is drawn from. */
export interface ChartInputs {
  causeDistribution: CauseDistributionInput;
  dailyProgress: DailyProgressInput;
  weeklyTrend: WeeklyTrendInput;
  stockStructure: StockStructureInput;
}

export type ChartKind = keyof ChartInputs;

export interface ChartImageOptions extends Partial<ChartSize> {
  /** Device pixels per chart pixel. Default 2, sharp on phone screens; chat clients scale the image to the card. */
  scale?: number;
}

/** A rendered chart: the PNG, its size in pixels (chart size × scale) and the alt text for the card image. */
export interface ChartImage {
  png: Buffer;
  width: number;
  height: number;
  alt: string;
}

const builders: { [K in ChartKind]: (input: ChartInputs[K]) => EChartsOption } = {
  causeDistribution: causeDistributionChart,
  dailyProgress: dailyProgressChart,
  weeklyTrend: weeklyTrendChart,
  stockStructure: stockStructureChart,
};

/** The chart's size before scaling: the cause chart grows with its number of causes. */
export function defaultChartSize<K extends ChartKind>(kind: K, input: ChartInputs[K]): ChartSize {
  if (kind === 'causeDistribution') {
    const n = (input as CauseDistributionInput).causes.length;
    return { width: 720, height: n === 0 ? 200 : Math.min(1600, 112 + 36 * n) };
  }
  return { width: 720, height: 440 };
}

/** The ECharts option of a chart kind. */
export function chartOption<K extends ChartKind>(kind: K, input: ChartInputs[K]): EChartsOption {
  return (builders[kind] as (i: ChartInputs[K]) => EChartsOption)(input);
}

/**
 * Renders a digest chart to a PNG with its alt text in the input's locale.
 *
 * @example const { png, alt } = chartPng('causeDistribution', { locale: 'zh-CN', causes })
 */
export function chartPng<K extends ChartKind>(kind: K, input: ChartInputs[K], options: ChartImageOptions = {}): ChartImage {
  const base = defaultChartSize(kind, input);
  const size = { width: options.width ?? base.width, height: options.height ?? base.height };
  const scale = options.scale ?? 2;
  const png = renderPng(chartOption(kind, input), size, { scale });
  return { png, width: pngSide(png, 16), height: pngSide(png, 20), alt: chartAlt(kind, input) };
}

/** The same chart as an SVG string for a web page (browser fonts), with its alt text. */
export function chartSvg<K extends ChartKind>(
  kind: K,
  input: ChartInputs[K],
  size?: Partial<ChartSize>,
): { svg: string; width: number; height: number; alt: string } {
  const base = defaultChartSize(kind, input);
  const s = { width: size?.width ?? base.width, height: size?.height ?? base.height };
  return { svg: renderSvg(chartOption(kind, input), s), ...s, alt: chartAlt(kind, input) };
}

/** Width (offset 16) or height (offset 20) from the PNG's IHDR chunk: the pixels resvg actually produced. */
function pngSide(png: Buffer, offset: number): number {
  return png.readUInt32BE(offset);
}
