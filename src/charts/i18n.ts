/**
 * The words on digest charts and in their alt texts, in en and zh-CN. States are labelled from the one
 * catalogue (cards/i18n/states.ts, `progressLabel`), so a chart and the card around it say the same thing.
 */
import type { Locale } from '../../cards/i18n/index.ts';
import { stateLabels } from '../../cards/i18n/states.ts';

export type { Locale };

const en = {
  cause: {
    title: 'Variance value by cause',
    gains: 'Gains',
    losses: 'Losses',
    value: (currency?: string) => (currency ? `Value (${currency})` : 'Value'),
    lines: (n: number) => `${n} line${n === 1 ? '' : 's'}`,
    empty: 'No variances with a cause yet',
    alt: (title: string, parts: string[], more: number) =>
      `${title}: ${parts.join('; ')}${more > 0 ? `; and ${more} more cause${more === 1 ? '' : 's'}` : ''}.`,
    altPart: (label: string, gain: string, loss: string, lines: string) => `${label}, gains ${gain}, losses ${loss} (${lines})`,
  },
  progress: {
    title: 'Counting and review progress',
    counting: 'Counting (lines)',
    review: 'Review (variances)',
    empty: 'No counting or review activity yet',
    alt: (title: string, from: string, to: string, counting: string, review: string) =>
      `${title}, ${from === to ? from : `${from} to ${to}`}. On ${to}: lines ${counting}; variances ${review}.`,
  },
  trend: {
    title: 'Weekly trend',
    cycleTime: 'Cycle time, median (h)',
    accuracy: 'Accuracy (%)',
    absVariance: (currency?: string) => (currency ? `Absolute variance value (${currency})` : 'Absolute variance value'),
    hours: 'h',
    week: (year: string, week: number) => `W${String(week).padStart(2, '0')}`,
    weekAlt: (year: string, week: number) => `week ${week} of ${year}`,
    empty: 'No finished weeks yet',
    none: 'none',
    alt: (title: string, n: number, from: string, to: string, accuracy: string, cycle: string, value: string) =>
      `${title}, ${n} week${n === 1 ? '' : 's'} from ${from} to ${to}. Latest week: accuracy ${accuracy}, median cycle time ${cycle}, absolute variance value ${value}.`,
  },
  emptyAlt: (title: string, message: string) => `${title}: ${message}.`,
};

export type ChartTexts = typeof en;

const zhCN: ChartTexts = {
  cause: {
    title: '各原因差异金额',
    gains: '盘盈',
    losses: '盘亏',
    value: (currency) => (currency ? `金额（${currency}）` : '金额'),
    lines: (n) => `${n} 行`,
    empty: '暂无已说明原因的差异',
    alt: (title, parts, more) => `${title}：${parts.join('；')}${more > 0 ? `；另有 ${more} 个原因` : ''}。`,
    altPart: (label, gain, loss, lines) => `${label}，盘盈 ${gain}，盘亏 ${loss}（${lines}）`,
  },
  progress: {
    title: '盘点与复核进度',
    counting: '盘点（行）',
    review: '复核（差异）',
    empty: '暂无盘点或复核记录',
    alt: (title, from, to, counting, review) =>
      `${title}，${from === to ? from : `${from} 至 ${to}`}。${to}：盘点行 ${counting}；差异 ${review}。`,
  },
  trend: {
    title: '周趋势',
    cycleTime: '处理周期中位数（小时）',
    accuracy: '准确率（%）',
    absVariance: (currency) => (currency ? `差异绝对金额（${currency}）` : '差异绝对金额'),
    hours: '小时',
    week: (_year, week) => `第${week}周`,
    weekAlt: (year, week) => `${year} 年第 ${week} 周`,
    empty: '暂无已结束的周',
    none: '无',
    alt: (title, n, from, to, accuracy, cycle, value) =>
      `${title}，共 ${n} 周，${from} 至 ${to}。最近一周：准确率 ${accuracy}，处理周期中位数 ${cycle}，差异绝对金额 ${value}。`,
  },
  emptyAlt: (title, message) => `${title}：${message}。`,
};

const catalogues: Record<Locale, ChartTexts> = { en, 'zh-CN': zhCN };

/** The chart words of a locale. */
export function chartTexts(locale: Locale): ChartTexts {
  return catalogues[locale];
}

/** The label of a counting or review state on the progress chart: the one every surface uses. */
export function progressLabel(
  locale: Locale,
  state: 'counted' | 'verified' | 'conflict' | 'uncounted' | 'open' | 'confirmed' | 'documented' | 'posted',
): string {
  const labels = stateLabels(locale);
  return state in labels.count ? labels.count[state as keyof typeof labels.count] : labels.review[state as keyof typeof labels.review];
}
