import { groupDigits } from '../domain/display.ts';
import { problemText, type InputProblem } from '../domain/errors.ts';
import type { PhraseLocale } from '../domain/phrase.ts';
export { cliLocale } from './locale.ts';
import { wallClock } from '../domain/time.ts';

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

const pad = (text: string, width: number, right: boolean) => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
};

/** A plain text table; columns listed in `rightAlign` (numbers) are right-aligned. */
export function renderTable(headers: string[], rows: (string | number | null)[][], rightAlign: number[] = []): string {
  // Right-aligned columns are figures: grouped like every number a person reads (src/domain/display.ts).
  const cells = rows.map((r) => r.map((c, i) => (c === null ? '-' : rightAlign.includes(i) ? groupDigits(String(c)) : String(c))));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => pad(c, widths[i]!, rightAlign.includes(i)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Problems as "line 3, column 数量: quantity is negative", one per line. */
export function renderProblems(problems: readonly InputProblem[], locale: PhraseLocale = 'en'): string {
  const zh = locale === 'zh-CN';
  return problems
    .map((p) => {
      const where = [
        p.line !== null ? (zh ? `第 ${p.line} 行` : `line ${p.line}`) : null,
        p.column ? (zh ? `列 ${p.column}` : `column ${p.column}`) : null,
      ]
        .filter(Boolean)
        .join(zh ? '，' : ', ');
      return `  ${where ? `${where}${zh ? '：' : ': '}` : ''}${problemText(p, locale, 'cli')}`;
    })
    .join('\n');
}

/** An instant as the warehouse's wall clock: "2026-11-25 13:04 (Asia/Shanghai)". */
export function localTime(iso: string, timezone: string): string {
  return `${wallClock(new Date(iso), timezone)} (${timezone})`;
}
