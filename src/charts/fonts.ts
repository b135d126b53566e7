/**
 * The bundled Noto Sans Hans (regular and bold, from @embedpdf/fonts-sc) as resvg font files for one chart:
 * subsets holding the chart's glyphs, written to a temporary directory and removed after use (see
 * fontSubset.ts for why). Anything that prevents subsetting falls back to the original 8 MB files, which
 * render the same pixels, only slower.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadSubsettableFont, type SubsettableFont } from './fontSubset.ts';

export const FONT_FAMILY = 'Noto Sans Hans';

interface BundledFont {
  path: string;
  subsettable: SubsettableFont | null;
}

let bundled: BundledFont[] | undefined;

/**
 * The original font files, located through the package resolver rather than relative to the working
 * directory. The package exports only its index, so the fonts are found beside it.
 */
export function bundledFontPaths(): string[] {
  const fonts = join(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  return [join(fonts, 'NotoSansHans-Regular.otf'), join(fonts, 'NotoSansHans-Bold.otf')];
}

function fonts(): BundledFont[] {
  bundled ??= bundledFontPaths().map((path) => ({ path, subsettable: loadSubsettableFont(path) }));
  return bundled;
}

/** A fresh directory under the system's temporary directory, or null when none can be made (read-only). */
function scratchDir(): string | null {
  try {
    return mkdtempSync(join(tmpdir(), 'stocktake-chart-fonts-'));
  } catch {
    return null;
  }
}

/** Every code point that can appear in the SVG's text, numeric character references included. */
export function codePointsOf(svg: string): Set<number> {
  const points = new Set<number>();
  for (const ch of svg) points.add(ch.codePointAt(0)!);
  for (const m of svg.matchAll(/&#(x[0-9a-f]+|\d+);/gi)) {
    const ref = m[1]!;
    points.add(ref[0] === 'x' || ref[0] === 'X' ? Number.parseInt(ref.slice(1), 16) : Number(ref));
  }
  return points;
}

/**
 * Calls `use` with font file paths that cover the SVG's text (render inside it). The subsets live in a
 * directory of their own, made for this chart and removed right after, so nothing is left behind by a
 * process that is killed rather than exits.
 */
export function withChartFonts<T>(svg: string, use: (fontFiles: string[]) => T): T {
  const all = fonts();
  if (all.every((font) => !font.subsettable)) return use(all.map((font) => font.path));
  const dir = scratchDir();
  if (!dir) return use(all.map((font) => font.path));
  const codePoints = codePointsOf(svg);
  try {
    const files = all.map((font, i) => {
      if (!font.subsettable) return font.path;
      try {
        const path = join(dir, `${i}.otf`);
        writeFileSync(path, font.subsettable.subset(codePoints));
        return path;
      } catch {
        return font.path;
      }
    });
    return use(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
