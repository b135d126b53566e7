import { describe, expect, it } from 'vitest';
import {
  causeDistributionChart,
  chartPng,
  chartSvg,
  dailyProgressChart,
  weeklyTrendChart,
  type CauseDistributionInput,
  type ProgressDay,
  type TrendWeek,
} from '../../src/charts/digestCharts.ts';
import { grouped } from '../../src/charts/format.ts';
import { renderPng } from '../../src/charts/render.ts';
import { darkPixels, decode, differenceBox } from './png.ts';

const causes: CauseDistributionInput['causes'] = [
  { label: '报损', gainValue: '0', lossValue: '-12800.50', count: 7 },
  { label: '单位换算错误', gainValue: '3200.00', lossValue: '2900.00', count: 4 },
  { label: 'Swapped locations', gainValue: '450.00', lossValue: '-450.00', count: 1 },
];

const day = (d: string, n: number): ProgressDay => ({
  day: d,
  counted: 20 * n,
  verified: 10 * n,
  conflict: n % 2,
  uncounted: 100 - 30 * n,
  open: 3 * n,
  confirmed: 2 * n,
  documented: n,
  posted: 0,
});
const days = [day('2025-03-05', 0), day('2025-03-06', 1), day('2025-03-07', 2)];

const weeks: TrendWeek[] = [
  { week: '2025-W06', cycleTimeMedianHours: 40, accuracyPct: '97.50', absVarianceValue: '8200.00' },
  { week: '2025-W07', cycleTimeMedianHours: null, accuracyPct: null, absVarianceValue: '0' },
  { week: '2025-W08', cycleTimeMedianHours: 31.25, accuracyPct: '98.20', absVarianceValue: '-5120.5' },
];

type Loose = any;

describe('causeDistributionChart', () => {
  it('draws gains right of zero and losses left of it, whichever sign the loss is given with', () => {
    const option: Loose = causeDistributionChart({ locale: 'en', causes });
    const [gains, losses] = option.series;
    expect(gains.name).toBe('Gains');
    expect(losses.name).toBe('Losses');
    expect(gains.data.map((d: Loose) => d.value)).toEqual([0, 3200, 450]);
    expect(losses.data.map((d: Loose) => d.value)).toEqual([-12800.5, -2900, -450]);
  });

  it('labels each bar with its exact decimal and each cause with its number of lines, in the given order', () => {
    const option: Loose = causeDistributionChart({ locale: 'en', causes });
    expect(option.yAxis.data).toEqual(['报损 · 7 lines', '单位换算错误 · 4 lines', 'Swapped locations · 1 line']);
    expect(option.series[1].data[0].label).toEqual({ show: true, formatter: '-12,800.50' });
    expect(option.series[0].data[0].label.show).toBe(false);
    expect(option.title.text).toBe('Variance value by cause');
  });

  it('speaks Chinese in zh-CN and takes a title and a currency', () => {
    const option: Loose = causeDistributionChart({ locale: 'zh-CN', causes, title: '本周差异原因', currency: 'CNY' });
    expect(option.title.text).toBe('本周差异原因');
    expect(option.series.map((s: Loose) => s.name)).toEqual(['盘盈', '盘亏']);
    expect(option.yAxis.data[0]).toBe('报损 · 7 行');
    expect(option.xAxis.name).toBe('金额（CNY）');
  });

  it('names the cause whose value is not a decimal string', () => {
    expect(() =>
      causeDistributionChart({ locale: 'en', causes: [{ label: 'Theft', gainValue: '1,200', lossValue: '0', count: 1 }] }),
    ).toThrow(/Gain value of cause "Theft" must be a decimal string/);
  });
});

describe('dailyProgressChart', () => {
  it('stacks lines by counting state above and variances by review state below, one bar per day', () => {
    const option: Loose = dailyProgressChart({ locale: 'en', days });
    expect(option.series.map((s: Loose) => `${s.stack}:${s.name}`)).toEqual([
      'counting:counted',
      'counting:verified',
      'counting:conflict',
      'counting:uncounted',
      'review:to review',
      'review:confirmed',
      'review:on a document',
      'review:posted',
    ]);
    expect(option.series[3].data).toEqual([100, 70, 40]);
    expect(option.series[4].xAxisIndex).toBe(1);
    expect(option.xAxis[0].data).toEqual(['03-05', '03-06', '03-07']);
  });

  it('uses the dashboard words for the states in zh-CN', () => {
    const option: Loose = dailyProgressChart({ locale: 'zh-CN', days });
    expect(option.series.map((s: Loose) => s.name)).toEqual(['已盘', '已核实', '冲突', '未盘', '待复核', '已确认', '已生成单据', '已过账']);
    expect(option.title[0].text).toBe('盘点与复核进度');
  });
});

describe('weeklyTrendChart', () => {
  it('puts cycle time and accuracy on two y axes of the top panel and leaves a gap for a week without figures', () => {
    const option: Loose = weeklyTrendChart({ locale: 'en', weeks, currency: 'CNY' });
    const [cycle, accuracy, value] = option.series;
    expect([cycle.yAxisIndex, accuracy.yAxisIndex, value.yAxisIndex]).toEqual([0, 1, 2]);
    expect(option.yAxis[0].gridIndex).toBe(0);
    expect(option.yAxis[1]).toMatchObject({ gridIndex: 0, position: 'right', max: 100 });
    expect(cycle.data).toEqual([40, '-', 31.25]);
    expect(accuracy.data).toEqual([97.5, '-', 98.2]);
    expect(value.data).toEqual([8200, 0, 5120.5]);
    expect(value.name).toBe('Absolute variance value (CNY)');
    expect(option.xAxis[0].data).toEqual(['W06', 'W07', 'W08']);
  });

  it('writes ISO weeks the Chinese way in zh-CN and shows other labels as given', () => {
    const option: Loose = weeklyTrendChart({
      locale: 'zh-CN',
      weeks: [...weeks, { week: '3月第2周', cycleTimeMedianHours: 1, accuracyPct: '100', absVarianceValue: '1' }],
    });
    expect(option.xAxis[1].data).toEqual(['第6周', '第7周', '第8周', '3月第2周']);
    expect(option.series[1].name).toBe('准确率（%）');
  });
});

describe('charts without data', () => {
  it('say there is nothing yet instead of failing, in both locales', () => {
    const cases = [
      [causeDistributionChart({ locale: 'en', causes: [] }), 'No variances with a cause yet'],
      [dailyProgressChart({ locale: 'zh-CN', days: [] }), '暂无盘点或复核记录'],
      [weeklyTrendChart({ locale: 'en', weeks: [] }), 'No finished weeks yet'],
    ] as const;
    for (const [option, message] of cases) {
      const titles = (option as Loose).title;
      expect(titles[1].text).toBe(message);
      expect((option as Loose).series).toBeUndefined();
      expect(decode(renderPng(option, { width: 400, height: 200 }))).toMatchObject({ width: 400, height: 200 });
    }
  });

  it('render as images with an alt text that says so', () => {
    const image = chartPng('weeklyTrend', { locale: 'zh-CN', weeks: [] });
    expect(image.alt).toBe('周趋势：暂无已结束的周。');
    expect(decode(image.png)).toMatchObject({ width: image.width, height: image.height });
    expect(chartPng('causeDistribution', { locale: 'en', causes: [] }).alt).toBe('Variance value by cause: No variances with a cause yet.');
  });
});

describe('chartPng', () => {
  it('renders at twice the chart size by default and reports the PNG size', () => {
    const image = chartPng('dailyProgress', { locale: 'en', days });
    expect([image.width, image.height]).toEqual([1440, 880]);
    expect(decode(image.png)).toMatchObject({ width: 1440, height: 880 });
    expect(chartPng('dailyProgress', { locale: 'en', days }, { width: 600, height: 400, scale: 1 })).toMatchObject({
      width: 600,
      height: 400,
    });
  });

  it('makes the cause chart taller with more causes', () => {
    const one = chartPng('causeDistribution', { locale: 'en', causes: causes.slice(0, 1) }, { scale: 1 });
    const three = chartPng('causeDistribution', { locale: 'en', causes }, { scale: 1 });
    expect(three.height).toBeGreaterThan(one.height);
    expect(three.width).toBe(720);
  });

  it('describes each chart in its alt text in the locale, with the exact figures', () => {
    expect(chartPng('causeDistribution', { locale: 'zh-CN', causes: causes.slice(0, 2), currency: 'CNY' }, { scale: 1 }).alt).toBe(
      '各原因差异金额：报损，盘盈 0 CNY，盘亏 12,800.50 CNY（7 行）；单位换算错误，盘盈 3,200.00 CNY，盘亏 2,900.00 CNY（4 行）。',
    );
    expect(chartPng('dailyProgress', { locale: 'en', days }, { scale: 1 }).alt).toBe(
      'Counting and review progress, 2025-03-05 to 2025-03-07. On 2025-03-07: lines counted 40, verified 20, conflict 0, uncounted 40; variances to review 6, confirmed 4, on a document 2, posted 0.',
    );
    expect(chartPng('weeklyTrend', { locale: 'en', weeks, currency: 'CNY' }, { scale: 1 }).alt).toBe(
      'Weekly trend, 3 weeks from week 6 of 2025 to week 8 of 2025. Latest week: accuracy 98.20%, median cycle time 31.3 h, absolute variance value 5,120.5 CNY.',
    );
    expect(chartPng('weeklyTrend', { locale: 'zh-CN', weeks: weeks.slice(0, 2) }, { scale: 1 }).alt).toBe(
      '周趋势，共 2 周，2025 年第 6 周 至 2025 年第 7 周。最近一周：准确率 无，处理周期中位数 无，差异绝对金额 0。',
    );
  });

  it('names at most five causes in the alt text and counts the rest', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ label: `Cause ${i + 1}`, gainValue: '1', lossValue: '0', count: 1 }));
    expect(chartPng('causeDistribution', { locale: 'en', causes: many }, { scale: 1 }).alt).toMatch(
      /Cause 5, gains 1, losses 0 \(1 line\); and 2 more causes\.$/,
    );
  });

  it('draws a Chinese cause label as glyphs: changing 报损 to 过期 changes pixels in the label column only', () => {
    const render = (label: string) =>
      decode(chartPng('causeDistribution', { locale: 'zh-CN', causes: [{ ...causes[0]!, label }, causes[1]!] }, { scale: 1 }).png);
    const a = render('报损');
    const b = render('过期');
    const changed = differenceBox(a, b);
    expect(changed).not.toBeNull();
    // The label column ends where the grid starts (label width + 24); the bars, values and legend are identical.
    const option: Loose = causeDistributionChart({ locale: 'zh-CN', causes: [causes[0]!, causes[1]!] });
    expect(changed!.right).toBeLessThanOrEqual(option.grid.left);
    expect(darkPixels(a, changed!)).toBeGreaterThan(20);
    expect(darkPixels(b, changed!)).toBeGreaterThan(20);
  });
});

describe('chartSvg', () => {
  it('gives the dashboard the same chart as SVG with its labels and alt text', () => {
    const { svg, width, height, alt } = chartSvg('causeDistribution', {
      locale: 'zh-CN',
      causes: [{ label: '报损 <过期>', gainValue: '0', lossValue: '-1', count: 1 }],
    });
    expect([width, height]).toEqual([720, 148]);
    expect(svg).toContain('报损 &lt;过期&gt; · 1 行');
    expect(svg).toContain('盘亏');
    expect(alt).toContain('报损 <过期>');
  });
});

describe('grouped', () => {
  it('groups thousands on the decimal string', () => {
    expect(grouped('-1234567.505')).toBe('-1,234,567.505');
    expect(grouped('999')).toBe('999');
    expect(grouped('-0.00')).toBe('0.00');
  });
});
