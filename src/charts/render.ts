/**
 * Charts rendered on the server: ECharts draws to an SVG string (no DOM, no canvas) and resvg turns that SVG
 * into a PNG for chat cards. Only the chart types and components our charts use are registered, and the
 * option type admits only those, so an option cannot ask for something that would silently not draw.
 *
 * The casts are there because echarts 5's subpath type declarations re-export without file extensions,
 * which TypeScript's NodeNext resolution does not follow; the declarations under types/dist are the same
 * API, imported by their own path.
 */
import { createRequire } from 'node:module';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import * as coreModule from 'echarts/core';
import * as chartsModule from 'echarts/charts';
import * as componentsModule from 'echarts/components';
import * as renderersModule from 'echarts/renderers';
import type * as Core from 'echarts/types/dist/core';
import type * as Charts from 'echarts/types/dist/charts';
import type * as Components from 'echarts/types/dist/components';
import type * as Renderers from 'echarts/types/dist/renderers';
import { FONT_FAMILY, withChartFonts } from './fonts.ts';

const echarts = coreModule as unknown as typeof Core;
const { BarChart, LineChart } = chartsModule as unknown as typeof Charts;
const { GridComponent, LegendComponent, TitleComponent } = componentsModule as unknown as typeof Components;
const { SVGRenderer } = renderersModule as unknown as typeof Renderers;

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

/** An ECharts option limited to what is registered here: bar and line series, grid, legend, title. */
export type EChartsOption = Core.ComposeOption<
  | Charts.BarSeriesOption
  | Charts.LineSeriesOption
  | Components.GridComponentOption
  | Components.LegendComponentOption
  | Components.TitleComponentOption
>;

/** Pixel size of a chart (CSS pixels for SVG; multiplied by `scale` for PNG). */
export interface ChartSize {
  width: number;
  height: number;
}

/**
 * The family for charts shown in a browser: whatever sans-serif face the viewer has for Latin and Chinese.
 * No quotes: ECharts writes the family inside a double-quoted SVG style attribute.
 */
export const WEB_FONT_FAMILY = 'system-ui, -apple-system, Segoe UI, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif';

/** The family bundled with the product (@embedpdf/fonts-sc) and the only one resvg is given. */
export const PNG_FONT_FAMILY = FONT_FAMILY;

export interface RenderSvgOptions {
  /** Defaults to {@link WEB_FONT_FAMILY}. */
  fontFamily?: string;
}

/**
 * Renders an ECharts option to an SVG string, with animation off. The chart instance is disposed even when
 * ECharts throws. Text is escaped by ECharts' SVG writer, so user-edited labels cannot inject markup.
 *
 * @example renderSvg({ xAxis: { type: 'category', data: ['报损'] }, yAxis: {}, series: [{ type: 'bar', data: [3] }] }, { width: 400, height: 200 })
 */
export function renderSvg(option: EChartsOption, size: ChartSize, options: RenderSvgOptions = {}): string {
  assertSize(size);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({
      ...option,
      animation: false,
      textStyle: { ...(option.textStyle as object | undefined), fontFamily: options.fontFamily ?? WEB_FONT_FAMILY },
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export interface RenderPngOptions {
  /** Device pixels per chart pixel: 2 gives a sharp image on high-density phone screens. Default 1. */
  scale?: number;
}

/**
 * Renders an ECharts option to a PNG on a white background, `size × scale` pixels, with Chinese and Latin
 * text in the bundled Noto Sans Hans (resvg is given no system fonts, so the image is the same on every host).
 * Takes some 20–60 ms for a digest chart.
 *
 * @example writeFileSync('causes.png', renderPng(causeDistributionChart({ locale: 'zh-CN', causes }), { width: 720, height: 320 }, { scale: 2 }))
 */
export function renderPng(option: EChartsOption, size: ChartSize, options: RenderPngOptions = {}): Buffer {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0 || Math.max(size.width, size.height) * scale > MAX_PNG_SIDE) {
    throw new RangeError(
      `Chart scale must be above 0 and keep each side at most ${MAX_PNG_SIDE} pixels, not ${scale} for ${size.width}×${size.height}`,
    );
  }
  const svg = renderSvg({ backgroundColor: '#ffffff', ...option }, size, { fontFamily: PNG_FONT_FAMILY });
  const fitTo = { mode: 'zoom' as const, value: scale };
  const { Resvg } = resvg();
  return withChartFonts(svg, (fontFiles) =>
    new Resvg(svg, { ...RESVG_OPTIONS, fitTo, font: { ...RESVG_OPTIONS.font, fontFiles } }).render().asPng(),
  );
}

const MAX_PNG_SIDE = 8192;

let resvgModule: typeof import('@resvg/resvg-js') | undefined;

/** Loaded on first use: the dashboard's SVG charts need no native binary. */
function resvg(): typeof import('@resvg/resvg-js') {
  resvgModule ??= createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  return resvgModule;
}

function assertSize(size: ChartSize): void {
  for (const side of ['width', 'height'] as const) {
    const n = size[side];
    if (!Number.isInteger(n) || n < 16 || n > 4096)
      throw new RangeError(`Chart ${side} must be a whole number of pixels from 16 to 4096, not ${n}`);
  }
}

/** resvg is given the bundled family and nothing from the host, so an image is the same on every machine. */
const RESVG_OPTIONS = {
  background: '#ffffff',
  font: { loadSystemFonts: false, defaultFontFamily: PNG_FONT_FAMILY, sansSerifFamily: PNG_FONT_FAMILY },
  logLevel: 'off',
} as const satisfies ResvgRenderOptions;
