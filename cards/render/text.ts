/**
 * Text helpers every renderer shares: escaping for each target, display width for monospace tables, and
 * truncation that never leaves half a character or half an entity behind.
 */
import type { CardState } from '../model.ts';

/** The emoji that stands for a header state where the platform has no header colour (Telegram, DingTalk). */
export const STATE_EMOJI: Record<CardState, string> = {
  info: 'ℹ️',
  success: '✅',
  warning: '⚠️',
  danger: '⛔',
  neutral: '▫️',
};

/** The colour name for a header state; Feishu's header `template` and the DingTalk template use the same names. */
export const STATE_COLOUR: Record<CardState, 'blue' | 'green' | 'orange' | 'red' | 'grey'> = {
  info: 'blue',
  success: 'green',
  warning: 'orange',
  danger: 'red',
  neutral: 'grey',
};

/** The line a table ends with when rows were left off. */
export const moreLine = (n: number): string => `… and ${n} more`;

/** The ellipsis appended where text was cut. */
export const ELLIPSIS = '…';

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for Telegram's HTML parse mode: only `<`, `>` and `&` must be replaced
 * (https://core.telegram.org/bots/api#html-style); quotes need no entity there.
 */
export function escapeTelegram(text: string): string {
  return text.replace(/[&<>]/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Escapes text for a Feishu card 2.0 `markdown` element. That component reads CommonMark plus HTML tags
 * (`<font>`, `<at>`, …), so `<`, `>` and `&` become entities and the markdown punctuation becomes numeric
 * entities, which it decodes as literal characters
 * (https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-components/content-components/rich-text).
 */
export function escapeLarkMd(text: string): string {
  return text
    .replace(/[&<>*_~`[\]|\\]/g, (c) => LARK_ENTITIES[c]!)
    .replace(LINE_MARKER, (_m, space: string, mark: string) => space + mark.replace(/[#+\-.]/, (c) => LARK_ENTITIES[c]!));
}
/** A line start CommonMark would read as a heading, list item or ordered list item. */
const LINE_MARKER = /^(\s*)(#{1,6}|[+-]|\d{1,9}\.)(?=\s|$)/gm;
const LARK_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '|': '&#124;',
  '\\': '&#92;',
  '#': '&#35;',
  '+': '&#43;',
  '-': '&#45;',
  '.': '&#46;',
};

/**
 * Escapes text for DingTalk markdown. DingTalk documents a small subset (headings, quote, bold, italic, link,
 * image, lists: https://open.dingtalk.com/document/orgapp/message-type) and no escape
 * syntax, so this uses CommonMark backslash escapes for the characters that subset would misread.
 */
export function escapeDingTalkMd(text: string): string {
  return (
    text
      .replace(/[\\*`[\]<>~|]/g, (c) => `\\${c}`)
      // An underscore inside a word (a SKU such as AB_12, an action token) cannot start emphasis; leaving it
      // bare keeps it copyable should a client ignore backslash escapes.
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
      .replace(LINE_MARKER, (_m, space: string, mark: string) => space + mark.replace(/[#+\-.]/, (c) => `\\${c}`))
  );
}

/**
 * Columns a character takes in a monospace font: East Asian wide and full-width characters and most emoji
 * take two, combining marks, variation selectors and zero-width characters none.
 */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x20e3) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Columns a string takes in a monospace font (see `charWidth`). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** Cuts text to at most `width` display columns, ending in "…" when cut; never splits a character. */
export function truncateDisplay(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return width > 0 ? out + ELLIPSIS : '';
}

/** Pads text with spaces to `width` display columns, on the left when right-aligned. */
export function padDisplay(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Number of code points (what a person would call characters, emoji aside). */
export const codePoints = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** Cuts text to at most `max` code points, the last one "…" when cut; never splits a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max || codePoints(text) <= max) return text;
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n === max - 1) break;
    out += ch;
    n++;
  }
  return out + ELLIPSIS;
}

/**
 * The largest index ≤ `index` where already-escaped text may be cut: never between the halves of a
 * surrogate pair, never inside an HTML entity such as `&amp;` or `&#42;`.
 */
export function safeCutIndex(text: string, index: number): number {
  let i = Math.max(0, Math.min(index, text.length));
  const code = text.charCodeAt(i - 1);
  if (i > 0 && i < text.length && code >= 0xd800 && code <= 0xdbff) i--;
  const amp = text.lastIndexOf('&', i - 1);
  if (amp >= 0 && /^&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/i.test(text.slice(amp, amp + 40))) {
    const end = text.indexOf(';', amp);
    if (end >= i) i = amp;
  }
  return i;
}

const NUMERIC = /^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$/;

/** True for a cell that reads as a number ("1,234.50", "-3", "12%"), which tables right-align. */
export const isNumeric = (text: string): boolean => NUMERIC.test(text.trim());

/** A table column is right-aligned when the template says so or when every non-empty cell is a number. */
export function isRightAligned(column: { key: string; align: 'left' | 'right' }, rows: Record<string, string>[]): boolean {
  if (column.align === 'right') return true;
  const cells = rows.map((r) => r[column.key] ?? '').filter((c) => c.trim() !== '');
  return cells.length > 0 && cells.every(isNumeric);
}

/** Decodes the entities our own renderers emit (and numeric ones), for measuring visible text. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (m, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[lower] ?? m;
  });
}
