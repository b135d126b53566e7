/**
 * Telegram: an HTML-formatted message (https://core.telegram.org/bots/api#html-style) with an inline keyboard.
 * Telegram has no select menu and no text input on a message, so a select becomes a grid of buttons and an
 * input a button the adapter answers with a ForceReply prompt.
 */
import type { Card, CardElement } from '../model.ts';
import { fitCard } from './fit.ts';
import { markdownToTelegram } from './markdown.ts';
import { MENTION_SEPARATOR, mentionsOn } from './mentions.ts';
import {
  STATE_EMOJI,
  decodeEntities,
  displayWidth,
  escapeTelegram,
  isRightAligned,
  moreLine,
  padDisplay,
  truncateDisplay,
} from './text.ts';

/** Between a select's token and the chosen option value in `callback_data`: `${token}:${value}`. */
export const TELEGRAM_OPTION_SEPARATOR = ':';
/**
 * Suffix on an input's `callback_data`: `${token}!`. The adapter answers such a tap with a ForceReply
 * prompt and sends the reply's text with the token, as other platforms send an input's value.
 */
export const TELEGRAM_INPUT_SUFFIX = '!';

/** sendMessage `text` is 1–4096 characters after entities parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** `callback_data` is 1–64 bytes. */
export const TELEGRAM_CALLBACK_DATA_BYTES = 64;
/** Telegram accepts at most 100 buttons in one inline keyboard. */
export const TELEGRAM_MAX_BUTTONS = 100;
/** A table cell wider than this (display columns) is cut: a phone shows about 35 monospace columns. */
const MAX_CELL_WIDTH = 16;

/**
 * One inline keyboard button: a callback, or (for a `page` element) a Mini App (`web_app`, private chats
 * only) or a link (`url`: a direct Mini App link t.me/<bot>/<app>?startapp=…, or a plain page).
 */
export type TelegramButton = { text: string } & (
  | { callback_data: string; web_app?: never; url?: never }
  | { web_app: { url: string }; callback_data?: never; url?: never }
  | { url: string; callback_data?: never; web_app?: never }
);

/** Options for `renderTelegram`. */
export interface TelegramRenderOptions {
  /**
   * The button a `page` element becomes in this chat (the adapter knows whether it is a private chat and
   * which URLs are configured); undefined or null: the element is left out.
   */
  page?: (path: string) => { web_app: { url: string } } | { url: string } | null;
}

/** The sendMessage / editMessageText parameters for a card (add `chat_id` or `message_id`). */
export interface TelegramMessage {
  text: string;
  parse_mode: 'HTML';
  reply_markup?: { inline_keyboard: TelegramButton[][] };
  /** Bot API 7.0 replaced this with `link_preview_options`; grammY still forwards it and Telegram still honours it. */
  disable_web_page_preview?: boolean;
}

/** What a tap on a rendered card carried. */
export interface TelegramCallback {
  token: string;
  option?: string;
  wantsInput: boolean;
}

/**
 * Renders a neutral card as a Telegram message. Over 4096 visible characters, table rows are dropped
 * (raising "… and N more") and then markdown is cut; the keyboard and the mentions line are never trimmed.
 * Throws when a token plus an option value would exceed 64 bytes of `callback_data`: tokens are at most
 * 22 characters and values 40, so that is a bug where they are minted.
 */
export function renderTelegram(card: Card, opts: TelegramRenderOptions = {}): TelegramMessage {
  const keyboard = inlineKeyboard(card, opts);
  const fitted = fitCard(card, (c) => visibleLength(text(c)) <= TELEGRAM_TEXT_LIMIT);
  const preview = card.hints?.['telegram.disablePreview'];
  return {
    text: text(fitted),
    parse_mode: 'HTML',
    ...(keyboard.length > 0 && { reply_markup: { inline_keyboard: keyboard } }),
    disable_web_page_preview: typeof preview === 'boolean' ? preview : true,
  };
}

/**
 * Reads `callback_data` produced by `renderTelegram`. Tokens never contain ":" or "!", so the first
 * separator splits token from option.
 */
export function parseTelegramCallback(data: string): TelegramCallback {
  if (data.endsWith(TELEGRAM_INPUT_SUFFIX)) return { token: data.slice(0, -TELEGRAM_INPUT_SUFFIX.length), wantsInput: true };
  const at = data.indexOf(TELEGRAM_OPTION_SEPARATOR);
  if (at < 0) return { token: data, wantsInput: false };
  return { token: data.slice(0, at), option: data.slice(at + 1), wantsInput: false };
}

/** Characters Telegram counts: the text with tags removed and entities decoded, in UTF-16 units as it counts them. */
export function visibleLength(html: string): number {
  return decodeEntities(html.replace(/<[^>]*>/g, '')).length;
}

/** Telegram user ids are positive integers (group ids are negative and cannot be mentioned). */
const TELEGRAM_USER_ID = /^[1-9]\d{0,19}$/;

/**
 * The mentions line: an inline link to `tg://user?id=ID` is a text mention, which notifies the user even
 * without a username, where their privacy settings allow it (https://core.telegram.org/bots/api#html-style,
 * https://core.telegram.org/bots/api#messageentity `text_mention`). Someone without a Telegram account is
 * named without an "@", which Telegram would otherwise read as some stranger's username.
 */
function mentionLine(card: Card): string {
  return mentionsOn(card, 'telegram', TELEGRAM_USER_ID)
    .map((m) => (m.id ? `<a href="tg://user?id=${m.id}">${escapeTelegram(m.name)}</a>` : escapeTelegram(m.name)))
    .join(MENTION_SEPARATOR);
}

function text(card: Card): string {
  const { title, subtitle, state } = card.header;
  const blocks = [`${STATE_EMOJI[state]} <b>${escapeTelegram(title)}</b>${subtitle ? `\n<i>${escapeTelegram(subtitle)}</i>` : ''}`];
  const mentions = mentionLine(card);
  if (mentions) blocks.push(mentions);
  for (const el of card.elements) {
    const block = element(el);
    if (block) blocks.push(block);
  }
  if (card.footer) blocks.push(`<i>${escapeTelegram(card.footer)}</i>`);
  return blocks.join('\n\n');
}

function element(el: CardElement): string {
  switch (el.type) {
    case 'markdown':
      return markdownToTelegram(el.text).trim();
    case 'fields':
      return el.fields
        .map((f) => (f.label ? `<b>${escapeTelegram(f.label)}</b>: ${escapeTelegram(f.value)}` : escapeTelegram(f.value)))
        .join('\n');
    case 'table':
      return table(el);
    case 'image':
      // The adapter sends the PNG itself with sendPhoto; the message keeps what it shows.
      return `🖼 ${escapeTelegram(el.alt)}`;
    case 'select':
      // No form here: the note an option needs is asked for after the pick (a prompt to reply to).
      return [el.placeholder, el.note?.hint]
        .filter(Boolean)
        .map((s) => `<i>${escapeTelegram(s!)}</i>`)
        .join('\n');
    case 'input':
      return el.label ? `✍️ ${escapeTelegram(el.label)}` : '';
    case 'divider':
      return '──────────';
    case 'buttons':
    case 'page':
      return '';
  }
}

/** A `<pre>` table padded to display width (CJK counts two), numbers right-aligned. */
function table(el: Extract<CardElement, { type: 'table' }>): string {
  const right = el.columns.map((c) => isRightAligned(c, el.rows));
  const head = el.columns.map((c) => truncateDisplay(c.label, MAX_CELL_WIDTH));
  const body = el.rows.map((r) => el.columns.map((c) => truncateDisplay((r[c.key] ?? '').replace(/\s+/g, ' '), MAX_CELL_WIDTH)));
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i]!))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => padDisplay(c, widths[i]!, right[i] ? 'right' : 'left'))
      .join('  ')
      .trimEnd();
  const rows = [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)];
  const more = el.more > 0 ? `\n<i>${escapeTelegram(moreLine(el.more))}</i>` : '';
  return `<pre>${escapeTelegram(rows.join('\n'))}</pre>${more}`;
}

function inlineKeyboard(card: Card, opts: TelegramRenderOptions): TelegramButton[][] {
  const rows: TelegramButton[][] = [];
  for (const el of card.elements) {
    if (el.type === 'page') {
      const target = opts.page?.(el.path);
      if (target) rows.push([{ text: el.label, ...target }]);
    } else if (el.type === 'buttons') {
      const buttons = el.buttons.map((b) => ({ text: b.label, callback_data: callbackData(b.action.token) }));
      rows.push(...chunk(buttons, buttons.length <= 3 ? 3 : Math.ceil(buttons.length / 2)));
    } else if (el.type === 'select') {
      const buttons = el.options.map((o) => ({
        text: `${o.value === el.selected ? '✓ ' : ''}${o.label}`,
        callback_data: callbackData(el.action.token, { option: o.value }),
      }));
      // Three to a row while labels are short, else two, so labels stay readable on a phone.
      const perRow = el.options.every((o) => displayWidth(o.label) <= 10) ? 3 : 2;
      rows.push(...chunk(buttons, perRow));
    } else if (el.type === 'input') {
      rows.push([{ text: `✍️ ${el.submitLabel}`, callback_data: callbackData(el.action.token, { input: true }) }]);
    }
  }
  return capButtons(rows);
}

function callbackData(token: string, tail: { option?: string; input?: boolean } = {}): string {
  if (token.includes(TELEGRAM_OPTION_SEPARATOR) || token.includes(TELEGRAM_INPUT_SUFFIX)) {
    throw new Error(`Action token "${token}" contains ":" or "!", which Telegram callback_data uses as separators`);
  }
  const data =
    tail.option !== undefined ? `${token}${TELEGRAM_OPTION_SEPARATOR}${tail.option}` : tail.input ? token + TELEGRAM_INPUT_SUFFIX : token;
  const bytes = Buffer.byteLength(data);
  if (bytes > TELEGRAM_CALLBACK_DATA_BYTES) {
    throw new Error(
      `Telegram callback_data "${data}" is ${bytes} bytes, over the ${TELEGRAM_CALLBACK_DATA_BYTES}-byte limit: ` +
        'action tokens must be at most 22 characters and option values at most 40',
    );
  }
  return data;
}

const chunk = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Keeps the first 100 buttons: Telegram refuses a larger keyboard outright, which would lose the whole card. */
function capButtons(rows: TelegramButton[][]): TelegramButton[][] {
  const out: TelegramButton[][] = [];
  let left = TELEGRAM_MAX_BUTTONS;
  for (const row of rows) {
    if (left <= 0) break;
    out.push(row.slice(0, left));
    left -= row.length;
  }
  return out;
}
