/**
 * The stocktake page's charts: counting progress, review progress and variance value by cause. Figures
 * arrive as exact decimal strings and become numbers here only as chart coordinates.
 */
import { esc } from '../layout.ts';
import { renderSvg } from '../../charts/render.ts';

export interface Segment {
  label: string;
  count: number;
  colour: string;
}

const GREY = '#6e7781';

/** One 100% bar split into segments (line counts), with a legend that names each segment and its count. */
export function progressChart(segments: Segment[]): string {
  const total = segments.reduce((n, s) => n + s.count, 0);
  return renderSvg(
    {
      legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: GREY } },
      grid: { left: 4, right: 4, top: 44, bottom: 8, containLabel: false },
      xAxis: { type: 'value', max: Math.max(total, 1), show: false },
      yAxis: { type: 'category', data: [''], show: false },
      series: segments.map((s) => ({
        type: 'bar',
        name: `${s.label} ${s.count}`,
        stack: 'all',
        barWidth: 22,
        data: [s.count],
        itemStyle: { color: s.colour },
      })),
    },
    { width: 420, height: 84 },
  );
}

export interface CauseValue {
  label: string;
  /** Decimal strings: the sum of gains (≥ 0) and of losses (≤ 0) tagged with the cause. */
  gain: string;
  loss: string;
}

const LABEL_WIDTH = 200;

/** Horizontal bars per cause: gains to the right, losses to the left, in the stocktake's currency. */
export function causeChart(rows: CauseValue[], names: { gain: string; loss: string; currency: string }): string {
  const labels = rows.map((r) => r.label);
  return renderSvg(
    {
      legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: GREY } },
      // A fixed label column: the server measures text only approximately, so containLabel would clip.
      grid: { left: LABEL_WIDTH + 16, right: 48, top: 32, bottom: 28 },
      xAxis: { type: 'value', name: names.currency, nameLocation: 'end', axisLabel: { color: GREY }, nameTextStyle: { color: GREY } },
      yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { color: '#1f2328', width: LABEL_WIDTH, overflow: 'truncate' } },
      series: [
        { type: 'bar', name: names.gain, stack: 'value', data: rows.map((r) => Number(r.gain)), itemStyle: { color: '#1a7f37' } },
        { type: 'bar', name: names.loss, stack: 'value', data: rows.map((r) => Number(r.loss)), itemStyle: { color: '#cf222e' } },
      ],
    },
    { width: 860, height: 72 + 30 * Math.max(rows.length, 1) },
  );
}

/** A chart in its figure, captioned. */
export function figure(caption: string, svg: string): string {
  return `<figure class="chart"><figcaption>${esc(caption)}</figcaption>${svg}</figure>`;
}
