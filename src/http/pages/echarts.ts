/**
 * ECharts rendered on the server to an SVG string (no DOM, no canvas): only the chart types and components
 * the dashboard uses are registered. The digests use the same library for their PNG charts.
 *
 * The casts are there because echarts 5's subpath type declarations re-export without file extensions,
 * which TypeScript's NodeNext resolution does not follow; the declarations under types/dist are the same
 * API, imported by their own path.
 */
import * as coreModule from 'echarts/core';
import * as chartsModule from 'echarts/charts';
import * as componentsModule from 'echarts/components';
import * as renderersModule from 'echarts/renderers';
import type * as Core from 'echarts/types/dist/core';
import type * as Charts from 'echarts/types/dist/charts';
import type * as Components from 'echarts/types/dist/components';
import type * as Renderers from 'echarts/types/dist/renderers';

const echarts = coreModule as unknown as typeof Core;
const { BarChart } = chartsModule as unknown as typeof Charts;
const { GridComponent, LegendComponent } = componentsModule as unknown as typeof Components;
const { SVGRenderer } = renderersModule as unknown as typeof Renderers;

echarts.use([BarChart, GridComponent, LegendComponent, SVGRenderer]);

export type ChartOption = Core.ComposeOption<Charts.BarSeriesOption | Components.GridComponentOption | Components.LegendComponentOption>;

/** No quotes: the family lands inside an SVG style attribute. */
const FONT = 'system-ui, -apple-system, Segoe UI, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif';

/**
 * Renders a chart to an SVG string. Text in labels is escaped by ECharts' SVG writer, so user-edited cause
 * labels cannot inject markup into the page.
 */
export function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
