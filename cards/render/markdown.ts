/**
 * The card model's markdown subset — `**bold**`, `` `code` ``, line breaks and "- " list items, with
 * backslash escapes for `\`, `*`, `` ` `` and a leading `-` — parsed once and written out in each platform's
 * dialect. Anything else is text, so user text can never turn into markup a platform would act on.
 */
import { ELLIPSIS, codePoints, escapeDingTalkMd, escapeHtml, escapeLarkMd, escapeTelegram } from './text.ts';

/** A run of inline text. */
export interface Span {
  kind: 'text' | 'bold' | 'code';
  text: string;
}

/** One source line: a list item or a plain line (empty for a blank line). */
export interface Line {
  item: boolean;
  spans: Span[];
}

/** Escapes text so that the markdown subset shows it literally (for templates that interpolate user text). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*`]/g, (c) => `\\${c}`).replace(/^(\s*)-(?=\s)/gm, '$1\\-');
}

/** Parses the markdown subset into lines of spans. Unclosed `**` or `` ` `` stay literal. */
export function parseMarkdown(md: string): Line[] {
  return md
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((raw) => {
      const m = /^\s*- (.*)$/.exec(raw);
      return m ? { item: true, spans: parseInline(m[1]!) } : { item: false, spans: parseInline(raw) };
    });
}

function parseInline(src: string): Span[] {
  const spans: Span[] = [];
  let text = '';
  const flush = () => {
    if (text) spans.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length && '\\*`-'.includes(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
    } else if (c === '`' && src.indexOf('`', i + 1) > i + 1) {
      const end = src.indexOf('`', i + 1);
      flush();
      spans.push({ kind: 'code', text: src.slice(i + 1, end) });
      i = end + 1;
    } else if (src.startsWith('**', i) && closingBold(src, i + 2) > i + 2) {
      const end = closingBold(src, i + 2);
      flush();
      spans.push({ kind: 'bold', text: unescape(src.slice(i + 2, end)) });
      i = end + 2;
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return spans;
}

/** Index of the `**` closing a bold run that starts at `from`, skipping escaped asterisks; -1 if none. */
function closingBold(src: string, from: number): number {
  for (let i = from; i < src.length - 1; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '*' && src[i + 1] === '*') return i;
  }
  return -1;
}

const unescape = (s: string) => s.replace(/\\([\\*`-])/g, '$1');

/** Writes parsed lines back as the markdown subset (escaping literal markers), so truncation can round-trip. */
export function serializeMarkdown(lines: Line[]): string {
  const esc = (s: string) => s.replace(/[\\*`]/g, (c) => `\\${c}`);
  return lines
    .map((l) => {
      const body = l.spans
        .map((s) => (s.kind === 'bold' ? `**${esc(s.text)}**` : s.kind === 'code' && !s.text.includes('`') ? `\`${s.text}\`` : esc(s.text)))
        .join('');
      return l.item ? `- ${body}` : body.replace(/^(\s*)-(?=\s)/, '$1\\-');
    })
    .join('\n');
}

/** Characters a reader sees: span text, one per line break and two per list bullet ("• "). */
export function markdownLength(md: string): number {
  const lines = parseMarkdown(md);
  return lines.reduce((n, l, i) => n + (i ? 1 : 0) + (l.item ? 2 : 0) + l.spans.reduce((m, s) => m + codePoints(s.text), 0), 0);
}

/** Cuts markdown to at most `max` visible characters (see `markdownLength`), ending in "…"; markup stays whole. */
export function truncateMarkdown(md: string, max: number): string {
  if (markdownLength(md) <= max) return md;
  if (max <= 0) return '';
  let budget = max - 1;
  const out: Line[] = [];
  for (const line of parseMarkdown(md)) {
    const cost = (out.length ? 1 : 0) + (line.item ? 2 : 0);
    if (budget < cost) break;
    budget -= cost;
    const spans: Span[] = [];
    let cut = false;
    for (const s of line.spans) {
      const n = codePoints(s.text);
      if (n <= budget) {
        spans.push(s);
        budget -= n;
      } else {
        const head = [...s.text].slice(0, budget).join('');
        if (head) spans.push({ kind: s.kind, text: head });
        cut = true;
        break;
      }
    }
    out.push({ item: line.item, spans });
    if (cut) break;
  }
  const last = out[out.length - 1] ?? { item: false, spans: [] };
  if (!out.length) out.push(last);
  last.spans.push({ kind: 'text', text: ELLIPSIS });
  return serializeMarkdown(out);
}

/** How a dialect writes each piece of the subset. */
interface Dialect {
  text: (s: string) => string;
  bold: (s: string) => string;
  code: (s: string) => string;
  item: (body: string) => string;
  lineBreak: string;
}

function render(md: string, d: Dialect): string {
  return parseMarkdown(md)
    .map((l) => {
      const body = l.spans.map((s) => (s.kind === 'bold' ? d.bold(s.text) : s.kind === 'code' ? d.code(s.text) : d.text(s.text))).join('');
      return l.item ? d.item(body) : body;
    })
    .join(d.lineBreak);
}

/** Telegram HTML: `<b>`, `<code>`, "• " bullets, `\n` line breaks (Telegram has no `<br>` or lists). */
export const markdownToTelegram = (md: string): string =>
  render(md, {
    text: escapeTelegram,
    bold: (s) => `<b>${escapeTelegram(s)}</b>`,
    code: (s) => `<code>${escapeTelegram(s)}</code>`,
    item: (b) => `• ${b}`,
    lineBreak: '\n',
  });

/**
 * Feishu card 2.0 markdown. A code span holding a backtick, `<` or `&` is written as escaped text instead:
 * a code span cannot escape a backtick, and Feishu might still read its tags (`<at id=all>`) inside one.
 */
export const markdownToLark = (md: string): string =>
  render(md, {
    text: escapeLarkMd,
    bold: (s) => `**${escapeLarkMd(s)}**`,
    code: (s) => (/[`<>&]/.test(s) ? escapeLarkMd(s) : `\`${s}\``),
    item: (b) => `- ${b}`,
    lineBreak: '\n',
  });

/**
 * DingTalk markdown. Its documented subset has no code span, so code is plain text; a line break is
 * two spaces before `\n`, which DingTalk's own samples use to force one inside a paragraph.
 */
export const markdownToDingTalk = (md: string): string =>
  render(md, {
    text: escapeDingTalkMd,
    bold: (s) => `**${escapeDingTalkMd(s)}**`,
    code: escapeDingTalkMd,
    item: (b) => `- ${b}`,
    lineBreak: '  \n',
  });

/** HTML for the web console: paragraphs with `<br>`, runs of items as `<ul>`, everything escaped. */
export function markdownToHtml(md: string): string {
  const inline = (l: Line) =>
    l.spans
      .map((s) =>
        s.kind === 'bold'
          ? `<strong>${escapeHtml(s.text)}</strong>`
          : s.kind === 'code'
            ? `<code>${escapeHtml(s.text)}</code>`
            : escapeHtml(s.text),
      )
      .join('');
  const out: string[] = [];
  let para: string[] = [];
  let items: string[] = [];
  const flushPara = () => {
    if (para.length) out.push(`<p>${para.join('<br>')}</p>`);
    para = [];
  };
  const flushItems = () => {
    if (items.length) out.push(`<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`);
    items = [];
  };
  for (const line of parseMarkdown(md)) {
    if (line.item) {
      flushPara();
      items.push(inline(line));
    } else {
      flushItems();
      if (line.spans.length === 0) flushPara();
      else para.push(inline(line));
    }
  }
  flushPara();
  flushItems();
  return out.join('');
}
