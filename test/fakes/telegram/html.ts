/**
 * Telegram's `parse_mode: 'HTML'` parser, written after the rules tdlib applies for the Bot API
 * (td/telegram/MessageEntity.cpp, parse_html): only a handful of tags, only the entities
 * &lt; &gt; &amp; &quot; and numeric ones (anything else after `&` stays literal text), a bare `<`
 * always opens a tag (so "a < b" fails), end tags must match the innermost open tag, and every
 * error names a UTF-8 byte offset. The caller turns an error into
 * `400 Bad Request: can't parse entities: <message>`.
 */

export interface ParsedEntity {
  type: string;
  /** UTF-16 code units, as the Bot API counts. */
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: { id: number };
}

export class HtmlParseError extends Error {}

const TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string) => c >= '0' && c <= '9';
const isHex = (c: string) => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

/** Decodes the entity at `text[pos] === '&'`; returns null when tdlib would keep the '&' literally. */
function decodeEntity(text: string, pos: number): { ch: string; end: number } | null {
  let end = pos + 1;
  let code = 0;
  if (text[end] === '#') {
    end++;
    if (text[end] === 'x') {
      end++;
      while (end < text.length && isHex(text[end]!)) {
        code = code * 16 + parseInt(text[end++]!, 16);
        if (code >= 0x10ffff) return null;
      }
    } else {
      while (end < text.length && isDigit(text[end]!)) {
        code = code * 10 + Number(text[end++]);
        if (code >= 0x10ffff) return null;
      }
    }
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) return null;
  } else {
    while (end < text.length && isAlpha(text[end]!)) end++;
    const name = text.slice(pos + 1, end);
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    if (!(name in named)) return null;
    code = named[name]!;
  }
  if (text[end] === ';') end++;
  return { ch: String.fromCodePoint(code), end };
}

const byteOffset = (text: string, pos: number) => Buffer.byteLength(text.slice(0, pos), 'utf8');

interface Open {
  tag: string;
  argument: string;
  offset: number;
}

/** Parses Telegram HTML into plain text and entities, or throws HtmlParseError with tdlib's wording. */
export function parseTelegramHtml(text: string): { text: string; entities: ParsedEntity[] } {
  let out = '';
  const entities: ParsedEntity[] = [];
  const open: Open[] = [];
  const at = (i: number) => text[i] ?? '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '&') {
      const decoded = decodeEntity(text, i);
      if (decoded) {
        out += decoded.ch;
        i = decoded.end;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const begin = i++;
    if (at(i) !== '/') {
      while (at(i) !== '' && !isSpace(at(i)) && at(i) !== '>') i++;
      if (at(i) === '') throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
      const tag = text.slice(begin + 1, i).toLowerCase();
      if (!TAGS.has(tag)) {
        throw new HtmlParseError(`Unsupported start tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
      }
      let argument = '';
      while (at(i) !== '>') {
        while (at(i) !== '' && isSpace(at(i))) i++;
        if (at(i) === '>') break;
        if (at(i) === '') throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
        const nameBegin = i;
        while (at(i) !== '' && !isSpace(at(i)) && at(i) !== '=' && at(i) !== '>') i++;
        const attribute = text.slice(nameBegin, i);
        if (attribute === '') {
          throw new HtmlParseError(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
        }
        while (at(i) !== '' && isSpace(at(i))) i++;
        if (at(i) !== '=') {
          if (tag === 'blockquote' && attribute === 'expandable') {
            argument = 'expandable';
            continue;
          }
          if (at(i) === '') throw new HtmlParseError(`Unclosed start tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
          throw new HtmlParseError(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(text, begin)}`,
          );
        }
        i++;
        while (at(i) !== '' && isSpace(at(i))) i++;
        if (at(i) === '') throw new HtmlParseError(`Unclosed start tag "${tag}" at byte offset ${byteOffset(text, begin)}`);
        let value = '';
        if (at(i) !== '"' && at(i) !== "'") {
          const tokenBegin = i;
          while (isAlpha(at(i)) || isDigit(at(i)) || at(i) === '.' || at(i) === '-') i++;
          value = text.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== '>') {
            throw new HtmlParseError(`Unexpected end of name token at byte offset ${byteOffset(text, tokenBegin)}`);
          }
        } else {
          const quote = text[i++]!;
          while (at(i) !== '' && at(i) !== quote) {
            if (at(i) === '&') {
              const decoded = decodeEntity(text, i);
              if (decoded) {
                value += decoded.ch;
                i = decoded.end;
                continue;
              }
            }
            value += text[i++];
          }
          if (at(i) === quote) i++;
        }
        if (at(i) === '') throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(text, begin)}`);
        if (tag === 'a' && attribute === 'href') argument = value;
        else if (tag === 'code' && attribute === 'class' && value.startsWith('language-')) argument = value.slice(9);
        else if (tag === 'span' && attribute === 'class' && value.startsWith('tg-')) argument = value.slice(3);
        else if (tag === 'tg-emoji' && attribute === 'emoji-id') argument = value;
      }
      if (tag === 'span' && argument !== 'spoiler') {
        throw new HtmlParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(text, begin)}`);
      }
      open.push({ tag, argument, offset: out.length });
      i++; // past '>'
    } else {
      if (open.length === 0) throw new HtmlParseError(`Unexpected end tag at byte offset ${byteOffset(text, begin)}`);
      i++; // past '/'
      const nameBegin = i;
      while (at(i) !== '' && !isSpace(at(i)) && at(i) !== '>') i++;
      const endTag = text.slice(nameBegin, i).toLowerCase();
      while (at(i) !== '' && isSpace(at(i))) i++;
      if (at(i) !== '>') throw new HtmlParseError(`Unclosed end tag at byte offset ${byteOffset(text, begin)}`);
      const top = open.pop()!;
      if (endTag !== '' && endTag !== top.tag) {
        throw new HtmlParseError(
          `Unmatched end tag at byte offset ${byteOffset(text, begin)}, expected "</${top.tag}>", found "</${endTag}>"`,
        );
      }
      i++; // past '>'
      const length = out.length - top.offset;
      if (length > 0) entities.push(toEntity(top, length, open));
    }
  }
  if (open.length > 0) {
    throw new HtmlParseError(`Can't find end tag corresponding to start tag "${open[open.length - 1]!.tag}"`);
  }
  return trim(
    out,
    entities.sort((a, b) => a.offset - b.offset || b.length - a.length),
  );
}

function toEntity(top: Open, length: number, outer: Open[]): ParsedEntity {
  const base = { offset: top.offset, length };
  switch (top.tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', ...base };
    case 'i':
    case 'em':
      return { type: 'italic', ...base };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', ...base };
    case 'u':
    case 'ins':
      return { type: 'underline', ...base };
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', ...base };
    case 'tg-emoji':
      return { type: 'custom_emoji', ...base, custom_emoji_id: top.argument };
    case 'blockquote':
      return { type: top.argument === 'expandable' ? 'expandable_blockquote' : 'blockquote', ...base };
    case 'pre': {
      return { type: 'pre', ...base };
    }
    case 'code': {
      const parent = outer[outer.length - 1];
      if (parent?.tag === 'pre' && top.argument) return { type: 'pre', ...base, language: top.argument };
      return { type: 'code', ...base };
    }
    case 'a': {
      const user = /^tg:\/\/user\?id=(\d+)$/.exec(top.argument);
      if (user) return { type: 'text_mention', ...base, user: { id: Number(user[1]) } };
      return { type: 'text_link', ...base, url: top.argument };
    }
    default:
      return { type: top.tag, ...base };
  }
}

/** Telegram strips leading and trailing white space from message texts; entities move with the text. */
export function trim(text: string, entities: ParsedEntity[]): { text: string; entities: ParsedEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const out: ParsedEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(trimmed.length, e.offset + e.length - lead);
    if (end > start) out.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: out };
}
