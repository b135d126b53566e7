import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { loadSubsettableFont } from '../../src/charts/fontSubset.ts';
import { bundledFontPaths, codePointsOf, withChartFonts } from '../../src/charts/fonts.ts';
import { PNG_FONT_FAMILY, renderPng, renderSvg, WEB_FONT_FAMILY, type EChartsOption } from '../../src/charts/render.ts';
import { darkPixels, decode, differenceBox, isWhite, type Box } from './png.ts';

const barChart = (labels: string[]): EChartsOption => ({
  xAxis: { type: 'category', data: labels },
  yAxis: { type: 'value' },
  series: [{ type: 'bar', data: labels.map((_, i) => i + 1) }],
});

/** Only a title, 32 px high, in the top left corner: the label's pixels are in TITLE_BOX and nowhere else. */
const titleOnly = (text: string): EChartsOption => ({
  title: { text, left: 10, top: 10, textStyle: { fontSize: 32, color: '#000000', fontWeight: 'normal' } },
});
const TITLE_BOX: Box = { left: 0, top: 0, right: 120, bottom: 60 };

describe('renderSvg', () => {
  it('returns an SVG of the requested size with the labels escaped as text', () => {
    const svg = renderSvg(barChart(['报损 <b>&', 'Expired "lot"']), { width: 480, height: 240 });
    expect(svg).toMatch(/^<svg width="480" height="240"/);
    expect(svg).toContain('报损 &lt;b&gt;&amp;');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('Expired &quot;lot&quot;');
  });

  it('uses the browser font stack by default and the bundled family when asked', () => {
    expect(renderSvg(barChart(['a']), { width: 200, height: 100 })).toContain(WEB_FONT_FAMILY);
    const png = renderSvg(barChart(['a']), { width: 200, height: 100 }, { fontFamily: PNG_FONT_FAMILY });
    expect(png).toContain(PNG_FONT_FAMILY);
    expect(png).not.toContain('system-ui');
  });

  it('refuses a size that is not a whole number of pixels in range', () => {
    expect(() => renderSvg(barChart(['a']), { width: 0, height: 100 })).toThrow(/width must be a whole number of pixels/);
    expect(() => renderSvg(barChart(['a']), { width: 200, height: 10.5 })).toThrow(/height/);
  });

  it('disposes every chart, also when ECharts throws: 100 renders do not keep their instances alive', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const broken = { ...barChart(['a']), series: [{ type: 'bar', data: [1], xAxisIndex: 5 }] } as EChartsOption;
    expect(() => renderSvg(broken, { width: 200, height: 100 })).toThrow(/xAxis "5" not found/);
    for (let i = 0; i < 20; i++) renderSvg(barChart(['报损', '过期']), { width: 600, height: 300 });
    const before = heap();
    for (let i = 0; i < 100; i++) {
      renderSvg(barChart(['报损', '过期', `${i}`]), { width: 600, height: 300 });
      expect(() => renderSvg(broken, { width: 200, height: 100 })).toThrow();
    }
    // Undisposed, 100 such charts hold about 13 MB (and keep the process from exiting).
    expect(heap() - before).toBeLessThan(5 * 1024 * 1024);
  });
});

describe('renderPng', () => {
  it('produces a PNG of the chart size on a white background', () => {
    const image = decode(renderPng(barChart(['报损', '过期']), { width: 400, height: 200 }));
    expect([image.width, image.height]).toEqual([400, 200]);
    expect(isWhite(image, 0, 0)).toBe(true);
    expect(isWhite(image, 399, 199)).toBe(true);
  });

  it('multiplies both sides by the scale', () => {
    expect(decode(renderPng(barChart(['a']), { width: 400, height: 200 }, { scale: 2 }))).toMatchObject({ width: 800, height: 400 });
    expect(decode(renderPng(barChart(['a']), { width: 400, height: 200 }, { scale: 1.5 }))).toMatchObject({ width: 600, height: 300 });
  });

  it('refuses a scale that is not positive or would make a side larger than 8192 pixels', () => {
    expect(() => renderPng(barChart(['a']), { width: 400, height: 200 }, { scale: 0 })).toThrow(/scale/);
    expect(() => renderPng(barChart(['a']), { width: 4000, height: 200 }, { scale: 3 })).toThrow(/8192/);
  });

  it('draws Chinese labels as real glyphs: two labels of the same length differ where the label is, and only there', () => {
    const a = decode(renderPng(titleOnly('报损'), { width: 300, height: 120 }));
    const b = decode(renderPng(titleOnly('过期'), { width: 300, height: 120 }));
    // Missing-glyph boxes would be the same two boxes in both images.
    const changed = differenceBox(a, b);
    expect(changed).not.toBeNull();
    expect(changed!.left).toBeGreaterThanOrEqual(TITLE_BOX.left);
    expect(changed!.right).toBeLessThanOrEqual(TITLE_BOX.right);
    expect(changed!.bottom).toBeLessThanOrEqual(TITLE_BOX.bottom);
    expect(darkPixels(a, TITLE_BOX)).toBeGreaterThan(150);
    expect(darkPixels(b, TITLE_BOX)).toBeGreaterThan(150);
    expect(darkPixels(a, { left: 0, top: 60, right: 300, bottom: 120 })).toBe(0);
  });

  it('draws the same pixels from the per-chart font subset as from the full bundled fonts', () => {
    const option: EChartsOption = {
      title: { text: '盘点差异 Office ﬁ · 第7周（报损）', subtext: 'affluent ﬀ ½ № ‰ €12,800.50 —「库位互换」' },
      ...barChart(['报损 fi', '单位换算错误', 'Wrong UoM', '库位互换！', '过期ffl']),
    };
    const size = { width: 640, height: 320 };
    const subsetPng = decode(renderPng(option, size));
    const svg = renderSvg({ backgroundColor: '#ffffff', ...option }, size, { fontFamily: PNG_FONT_FAMILY });
    const full = new Resvg(svg, {
      background: '#ffffff',
      font: { fontFiles: bundledFontPaths(), loadSystemFonts: false, defaultFontFamily: PNG_FONT_FAMILY },
    }).render();
    expect(full.width).toBe(subsetPng.width);
    expect(differenceBox(subsetPng, { width: full.width, height: full.height, data: full.pixels })).toBeNull();
  });
});

describe('font subsets', () => {
  it('are written to a temporary directory that is gone once the PNG is made', () => {
    const own = mkdtempSync(join(tmpdir(), 'chart-test-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      const seen = withChartFonts('<text>报损</text>', (files) => {
        expect(files).toHaveLength(2);
        for (const file of files) expect(statSync(file).size).toBeLessThan(1_500_000);
        return files;
      });
      expect(seen.every((file) => file.startsWith(own))).toBe(true);
      renderPng(barChart(['报损']), { width: 200, height: 100 });
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('keep the glyph ids and shrink the 8 MB bundled fonts to about a megabyte', () => {
    for (const path of bundledFontPaths()) {
      const font = loadSubsettableFont(path);
      expect(font).not.toBeNull();
      expect(font!.glyphOf('报'.codePointAt(0)!)).toBeGreaterThan(0);
      const subset = font!.subset(codePointsOf('<text>报损 过期</text>'));
      expect(statSync(path).size).toBeGreaterThan(8_000_000);
      expect(subset.length).toBeLessThan(1_500_000);
      expect(subset.toString('latin1', 0, 4)).toBe('OTTO');
    }
  });

  it('finds characters written as numeric references in the SVG', () => {
    expect(codePointsOf('a&#x62A5;&#25439;')).toEqual(
      new Set(['a', '&', '#', 'x', '6', '2', 'A', '5', ';', '3', '9', '4'].map((c) => c.codePointAt(0)!).concat([0x62a5, 25439])),
    );
  });

  it('is refused for a file that is not a CFF OpenType font', () => {
    expect(loadSubsettableFont(new URL(import.meta.url).pathname)).toBeNull();
  });
});
