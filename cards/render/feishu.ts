/**
 * Feishu / Lark card JSON 2.0 (https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-structure).
 * 2.0 rejects unknown properties instead of ignoring them, so every element here uses only documented fields.
 */
import type { Button, Card, CardElement } from '../model.ts';
import { fitCard } from './fit.ts';
import { markdownToLark } from './markdown.ts';
import { MENTION_SEPARATOR, mentionsOn } from './mentions.ts';
import { STATE_COLOUR, escapeLarkMd, isRightAligned, moreLine } from './text.ts';

/** Feishu refuses a card whose request body is over 30 KB; this leaves room for the rest of the request. */
export const FEISHU_CARD_BUDGET = 28 * 1024;

/**
 * At most five tables per card, and markdown tables count toward the same five: a sixth of either kind is
 * refused with 230099 "ErrCode: 11310; ErrMsg: card table number over limit". Later tables are therefore
 * written as lists, never as markdown tables (and user text cannot form one: escapeLarkMd escapes `|`).
 */
export const FEISHU_MAX_TABLES = 5;

/**
 * Card JSON 2.0 holds at most 200 elements or components, plain_text elements included ("一张卡片最多支持
 * 200 个元素（如 tag 为 plain_text 的文本元素）或组件", cardkit error 300305).
 */
export const FEISHU_MAX_ELEMENTS = 200;

/** Options for `renderFeishu`. */
export interface FeishuRenderOptions {
  /** The `image_key` of an image already uploaded with `im.v1.image.create`, looked up by its base64 PNG. */
  imageKey?: (png: string) => string | undefined;
  /** The URL a `page` element opens (the web app's page that signs the user in); undefined: left out. */
  pageUrl?: (path: string) => string | null;
}

/** A card 2.0 payload: send it as `content: JSON.stringify(card)` with `msg_type: 'interactive'`. */
export interface FeishuCard {
  schema: '2.0';
  config: { update_multi: true; width_mode: 'fill' };
  header: { title: PlainText; subtitle?: PlainText; template: string };
  body: { elements: FeishuElement[] };
}
type PlainText = { tag: 'plain_text'; content: string };
/** One card 2.0 component (markdown, table, column_set, button, select_static, form, img, hr). */
export type FeishuElement = Record<string, unknown> & { tag: string };

/** Bytes the card takes inside a request body, where it travels as an escaped JSON string. */
export const feishuCardBytes = (c: FeishuCard): number => Buffer.byteLength(JSON.stringify(JSON.stringify(c)));

/** Elements and components on the card as Feishu counts them: every object with a `tag`, texts included. */
export function feishuElementCount(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + feishuElementCount(x), 0);
  if (!node || typeof node !== 'object') return 0;
  const own = typeof (node as { tag?: unknown }).tag === 'string' ? 1 : 0;
  return own + Object.values(node).reduce((n: number, v) => n + feishuElementCount(v), 0);
}

/**
 * Renders a neutral card as a Feishu card JSON 2.0 object. Taps come back in `card.action.trigger` with
 * `action.value.t` (the token), plus `action.option` for a select and `action.form_value` for a form: the
 * text as `input` (`input_2`… on later forms), a select with a note as `option` and `input` together.
 * Within Feishu's limits: five tables (later ones become lists), 200 elements (over it, fields are written
 * as plain lines instead of two-column rows), and `FEISHU_CARD_BUDGET` bytes (table rows are dropped from
 * the end, then markdown is cut); buttons and the mentions line are never dropped.
 */
export function renderFeishu(card: Card, opts: FeishuRenderOptions = {}): FeishuCard {
  const compact = feishuElementCount(build(card, opts, false)) > FEISHU_MAX_ELEMENTS;
  const fitted = fitCard(card, (c) => feishuCardBytes(build(c, opts, compact)) <= FEISHU_CARD_BUDGET);
  return build(fitted, opts, compact);
}

const plain = (content: string): PlainText => ({ tag: 'plain_text', content });
const callback = (token: string) => [{ type: 'callback', value: { t: token } }];
/** Small grey text: 2.0 dropped the `note` component, so notes are notation-size markdown. */
const note = (text: string): FeishuElement => ({
  tag: 'markdown',
  content: `<font color='grey'>${escapeLarkMd(text)}</font>`,
  text_size: 'notation',
});

/** open_id (ou_…), user_id or union_id: letters, digits, "_" and "-" only, so the `<at>` tag cannot be broken out of. */
const FEISHU_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The mentions line: `<at id=OPEN_ID></at>` for each Feishu account, which Feishu shows as the person's name
 * and notifies them (card JSON 2.0 rich text, "@指定人";
 * https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-components/content-components/rich-text),
 * and the name, as plain text, for someone without one.
 */
function mentionLine(card: Card): FeishuElement[] {
  const mentions = mentionsOn(card, 'feishu', FEISHU_ID);
  if (mentions.length === 0) return [];
  const parts = mentions.map((m) => (m.id ? `<at id=${m.id}></at>` : escapeLarkMd(m.name)));
  return [{ tag: 'markdown', content: parts.join(MENTION_SEPARATOR) }];
}

function build(card: Card, opts: FeishuRenderOptions, compact: boolean): FeishuCard {
  const elements: FeishuElement[] = [...mentionLine(card)];
  let tables = 0;
  let forms = 0;
  for (const el of card.elements) {
    if (el.type === 'table' && tables++ >= FEISHU_MAX_TABLES) elements.push(...listTable(el));
    else if (el.type === 'input') elements.push(form(el, ++forms));
    else if (el.type === 'select' && el.note) elements.push(selectForm(el, ++forms));
    else if (el.type === 'fields' && compact) elements.push(fieldLines(el.fields));
    else elements.push(...element(el, opts));
  }
  if (card.footer) elements.push(note(card.footer));
  const { title, subtitle, state } = card.header;
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill' },
    header: { title: plain(title), ...(subtitle && { subtitle: plain(subtitle) }), template: STATE_COLOUR[state] },
    body: { elements },
  };
}

function element(el: Exclude<CardElement, { type: 'input' }>, opts: FeishuRenderOptions): FeishuElement[] {
  switch (el.type) {
    case 'markdown':
      return el.text.trim() ? [{ tag: 'markdown', content: markdownToLark(el.text) }] : [];
    case 'fields':
      return fields(el.fields);
    case 'table':
      return table(el);
    case 'image': {
      const key = el.png ? opts.imageKey?.(el.png) : undefined;
      return key ? [{ tag: 'img', img_key: key, alt: plain(el.alt) }] : [note(el.alt)];
    }
    case 'buttons':
      return [buttonRow(el.buttons)];
    case 'page': {
      const url = opts.pageUrl?.(el.path);
      return url ? [{ tag: 'button', text: plain(el.label), type: 'primary', behaviors: [{ type: 'open_url', default_url: url }] }] : [];
    }
    case 'select':
      return [
        {
          tag: 'select_static',
          ...(el.placeholder && { placeholder: plain(el.placeholder) }),
          options: el.options.map((o) => ({ text: plain(o.label), value: o.value })),
          ...(el.selected !== undefined && el.options.some((o) => o.value === el.selected) && { initial_option: el.selected }),
          behaviors: callback(el.action.token),
        },
      ];
    case 'divider':
      return [{ tag: 'hr' }];
  }
}

/** Short fields two to a row in a `column_set`; a long field takes a whole row. */
function fields(list: { label: string; value: string; short: boolean }[]): FeishuElement[] {
  const md = (f: { label: string; value: string }) => ({
    tag: 'markdown',
    content: [f.label && `**${escapeLarkMd(f.label)}**`, escapeLarkMd(f.value)].filter(Boolean).join('\n') || '—',
  });
  const out: FeishuElement[] = [];
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    const next = list[i + 1];
    if (f.short && next?.short) {
      out.push({
        tag: 'column_set',
        flex_mode: 'bisect',
        columns: [f, next].map((x) => ({ tag: 'column', width: 'weighted', weight: 1, elements: [md(x)] })),
      });
      i++;
    } else out.push(md(f));
  }
  return out;
}

type TableEl = Extract<CardElement, { type: 'table' }>;

/**
 * The 2.0 `table` component rather than a markdown table: it pages (10 rows a page) so a long variance list
 * stays compact, aligns per column, and `text` cells are shown verbatim, so SKU names need no escaping.
 * Columns are named c0, c1… because `name` must be a plain key while the model's keys are free text.
 */
function table(el: TableEl): FeishuElement[] {
  const out: FeishuElement[] = [
    {
      tag: 'table',
      page_size: Math.min(10, Math.max(1, el.rows.length)),
      row_height: 'low',
      header_style: { background_style: 'grey', bold: true },
      columns: el.columns.map((c, i) => ({
        name: `c${i}`,
        display_name: c.label,
        data_type: 'text',
        horizontal_align: isRightAligned(c, el.rows) ? 'right' : 'left',
        width: 'auto',
      })),
      rows: el.rows.map((r) => Object.fromEntries(el.columns.map((c, i) => [`c${i}`, r[c.key] ?? '']))),
    },
  ];
  if (el.more > 0) out.push(note(moreLine(el.more)));
  return out;
}

/**
 * Past the five-table limit: the column labels in bold, then one list item a row, cells apart by " · ".
 * Not a markdown table, which would be a sixth table to Feishu.
 */
function listTable(el: TableEl): FeishuElement[] {
  const cell = (s: string) => escapeLarkMd(s).replace(/\n/g, ' ');
  const lines = [
    `**${el.columns.map((c) => cell(c.label)).join(' · ')}**`,
    ...el.rows.map((r) => `- ${el.columns.map((c) => cell(r[c.key] ?? '')).join(' · ')}`),
  ];
  return [{ tag: 'markdown', content: lines.join('\n') }, ...(el.more > 0 ? [note(moreLine(el.more))] : [])];
}

/** Fields as one markdown element, a line each ("**label** value"): for a card that would pass 200 elements. */
function fieldLines(list: { label: string; value: string }[]): FeishuElement {
  const line = (f: { label: string; value: string }) =>
    [f.label && `**${escapeLarkMd(f.label)}**`, escapeLarkMd(f.value)].filter(Boolean).join(' ') || '—';
  return { tag: 'markdown', content: list.map(line).join('\n') };
}

function button(b: Button): FeishuElement {
  return {
    tag: 'button',
    text: plain(b.label),
    type: b.style,
    behaviors: callback(b.action.token),
    ...(b.confirm && { confirm: { title: plain(b.confirm.title), text: plain(b.confirm.text) } }),
  };
}

/** 2.0 has no `action` container: several buttons sit in a flowing `column_set`, one per auto-width column. */
function buttonRow(buttons: Button[]): FeishuElement {
  if (buttons.length === 1) return button(buttons[0]!);
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [button(b)] })),
  };
}

/**
 * Names inside the n-th form. Feishu wants the name of a form and of every component in a form unique on
 * the whole card ("卡片全局唯一，否则提交失败"), hence f, f2… and input, input_2…; the inbound side reads
 * `input*` and `option*` from whichever form was submitted (bots/feishu/inbound.ts).
 */
const formNames = (n: number) => {
  const suffix = n === 1 ? '' : `_${n}`;
  return { form: n === 1 ? 'f' : `f${n}`, input: `input${suffix}`, option: `option${suffix}`, submit: `submit${suffix}` };
};

/**
 * A text input has to sit in a `form` with a submit button to be sent; the tap arrives with
 * `action.form_value.input` (`input_2`… on later forms).
 */
function form(el: Extract<CardElement, { type: 'input' }>, n: number): FeishuElement {
  const names = formNames(n);
  return {
    tag: 'form',
    name: names.form,
    elements: [
      {
        tag: 'input',
        name: names.input,
        ...(el.label && { label: plain(el.label) }),
        ...(el.placeholder && { placeholder: plain(el.placeholder) }),
        max_length: el.maxLength,
        required: el.required,
      },
      {
        tag: 'button',
        name: names.submit,
        text: plain(el.submitLabel),
        type: 'primary',
        form_action_type: 'submit',
        behaviors: callback(el.action.token),
      },
    ],
  };
}

/**
 * A select that is sent with a note (a cause and what was checked): the select, the note and one submit
 * in a form, so both arrive in one tap as `form_value.option` and `form_value.input`. The select is
 * required (Feishu stops an empty submit on the phone); the note is not, since only some options need it
 * and the hint says which: the core answers a missing one with a toast, leaving the form as it was.
 */
function selectForm(el: Extract<CardElement, { type: 'select' }>, n: number): FeishuElement {
  const box = el.note!;
  const names = formNames(n);
  return {
    tag: 'form',
    name: names.form,
    elements: [
      {
        tag: 'select_static',
        name: names.option,
        required: true,
        ...(el.placeholder && { placeholder: plain(el.placeholder) }),
        options: el.options.map((o) => ({ text: plain(o.label), value: o.value })),
        ...(el.selected !== undefined && el.options.some((o) => o.value === el.selected) && { initial_option: el.selected }),
      },
      {
        tag: 'input',
        name: names.input,
        ...(box.label && { label: plain(box.label) }),
        ...(box.placeholder && { placeholder: plain(box.placeholder) }),
        max_length: box.maxLength,
        required: false,
      },
      ...(box.hint ? [note(box.hint)] : []),
      {
        tag: 'button',
        name: names.submit,
        text: plain(box.submitLabel),
        type: 'primary',
        form_action_type: 'submit',
        behaviors: callback(el.action.token),
      },
    ],
  };
}
