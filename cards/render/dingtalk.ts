/**
 * DingTalk, two ways: `renderDingTalkCard` fills the variables of one generic interactive-card template
 * (taps come back over Stream with the token), and `renderDingTalkMessage` builds an actionCard/markdown
 * message for when no template is configured (taps make the user's client send "tap <token>" to the bot).
 *
 * Limits applied (DingTalk documents neither for cards, so both renderers use the same, stricter pair):
 * - the markdown body is kept to `DINGTALK_MARKDOWN_LIMIT` (3000) characters: longer markdown is reported
 *   to render as a blank card or as unformatted text (github.com/soimy/openclaw-channel-dingtalk/issues/615,
 *   github.com/agentscope-ai/QwenPaw/issues/3742);
 * - the serialized payload is kept to `DINGTALK_BODY_BUDGET` (18000) bytes, under the 20000-byte body
 *   DingTalk accepts ("message too long, exceed 20000 bytes", errcode 460101:
 *   github.com/timonwong/prometheus-webhook-dingtalk/issues/30).
 */
import { z } from 'zod';
import type { Card, CardElement } from '../model.ts';
import { fitCard } from './fit.ts';
import { markdownToDingTalk } from './markdown.ts';
import { MENTION_SEPARATOR, mentionsOn, type PlatformMention } from './mentions.ts';
import { STATE_EMOJI, codePoints, escapeDingTalkMd, moreLine, truncateText } from './text.ts';

/** First word of the text a fallback link button makes the client send: `tap <token>` or `tap <token>:<value>`. */
export const DINGTALK_TAP_COMMAND = 'tap';
/** First word of the text a user sends to fill an input on a fallback message (`note <token> <text>`). */
export const DINGTALK_NOTE_COMMAND = 'note';
/** Characters of DingTalk markdown kept in one card or message. */
export const DINGTALK_MARKDOWN_LIMIT = 3000;
/** Bytes of serialized card variables or message body kept, under DingTalk's 20000-byte limit. */
export const DINGTALK_BODY_BUDGET = 18_000;

/** Options for the DingTalk renderers. */
export interface DingTalkRenderOptions {
  /**
   * Where an image's PNG (base64) can be shown from: an https URL or the media id DingTalk's media upload
   * returned (`@lADO…`), which its markdown accepts as an image source. Images without one show their alt text.
   */
  imageUrl?: (png: string) => string | undefined;
  /**
   * The link a `page` element opens (inside DingTalk, the H5 micro-app page that signs the user in). The
   * template's buttons only call back, so the page is a markdown link, in cards and robot messages alike;
   * undefined: left out.
   */
  pageUrl?: (path: string) => string | null;
}

/**
 * Variables of the one card template every card kind goes through (bots/dingtalk/templates/stocktake-card.json,
 * imported into DingTalk's card platform). Every value is a string: DingTalk takes `cardParamMap` as
 * Map<String,String> and parses a loop, options, number or boolean variable from its JSON text
 * (https://open.dingtalk.com/document/orgapp/instructions-for-filling-in-api-card-data).
 *
 * | variable             | type in the template | content                                                   |
 * |----------------------|----------------------|-----------------------------------------------------------|
 * | `title`              | string               | header title, plain text                                  |
 * | `subtitle`           | string               | the state's emoji and the subtitle (markdown)             |
 * | `markdown`           | markdown             | the body: mentions, text, fields, tables, captions, footer |
 * | `image`              | string               | a chart's media id or https URL, or ""                    |
 * | `buttons`            | loopArray            | `[{"id": token, "text": label, "color": "blue"\|"red"\|"gray"}]` |
 * | `select_id`          | string               | the select's action token, or ""                          |
 * | `select_placeholder` | string               |                                                           |
 * | `select_options`     | selectOptions        | `[{"value", "text": {"zh_CN", "en_US"}}]`                  |
 * | `select_values`      | string               | JSON array of the option values, in the same order        |
 * | `select_index`       | number               | the chosen option's index, -1 for none                    |
 * | `input_id`           | string               | the input's action token, or ""                           |
 * | `input_label` / `input_placeholder` | string |                                                          |
 * | `hasButtons` / `hasSelect` / `hasInput` | boolean | "true" or "false", to hide empty parts               |
 * | `toast` / `toastKind` | string, private     | set by a tap's answer (see bots/dingtalk/index.ts)        |
 *
 * What the template reports (`content` of a card callback, `cardPrivateData`): a button `actionIds:
 * [<its id>]` (the loop's dynamic actionId `${loop.id}`) and no params; the select `actionIds: [select_id]`
 * with `params[select_id] = {index}` — the index of the chosen option, not its value, as DingTalk's select
 * does — and `params.select_values` echoed from the variable, which turns the index back into a value; the
 * input `actionIds: [input_id]` with `params[input_id] = "<text>"`. One select and one input per card: a
 * card with more shows the first of each.
 */
export interface DingTalkCardData {
  cardParamMap: Record<string, string>;
}

/**
 * Who a robot message @-mentions: their staff ids, each also written as "@<staff id>" in the text, which the
 * client shows as the person's name and notifies them. Only a `sessionWebhook` (and custom robots) honour it,
 * and only on text and markdown messages; the robot send APIs (groupMessages/send) have no such field.
 */
export interface DingTalkAt {
  atUserIds: string[];
  isAtAll: false;
}

/** A message body for a robot's `sessionWebhook` (or the robot send APIs, which ignore `at`). */
export type DingTalkMessage =
  | {
      msgtype: 'actionCard';
      actionCard: { title: string; text: string; btns: { title: string; actionURL: string }[]; btnOrientation: '0' };
    }
  | { msgtype: 'markdown'; markdown: { title: string; text: string }; at?: DingTalkAt };

/** Options for `renderDingTalkMessage`. */
export interface DingTalkMessageOptions extends DingTalkRenderOptions {
  /**
   * Mention people by "@<staff id>" with an `at` list (for a sessionWebhook), rather than by name (for the
   * robot send APIs, where "@<staff id>" would show as the bare id). An actionCard (one-to-one, where nobody
   * needs an @) cannot carry `at`, so it always names them; a group message is markdown (`typed`), which can.
   * Default: false.
   */
  at?: boolean;
  /**
   * For a group without a card template: no link buttons (a `dtmd://…sendMessage` link posts its text
   * without the @ a group robot needs, so it would do nothing); the message says plainly what to send with
   * an @-mention of the robot instead. Default: false (one-to-one chats, where the robot reads every message).
   */
  typed?: boolean;
}

/** The line a typed (group) fallback message opens its instructions with, in both languages. */
export const DINGTALK_TYPED_INTRO = '👉 在群里 @机器人 并发送下面的文字 · @-mention the bot and send:';

/** What a tap carried: the token, and the chosen option or the typed text. */
export interface DingTalkCallback {
  token: string;
  option?: string;
  input?: string;
}

/** Fills the generic card template's variables (see `DingTalkCardData`). */
export function renderDingTalkCard(card: Card, opts: DingTalkRenderOptions = {}): DingTalkCardData {
  const fits = (c: Card) => {
    const data = cardData(c, opts);
    return (
      codePoints(data.cardParamMap.markdown!) <= DINGTALK_MARKDOWN_LIMIT && Buffer.byteLength(JSON.stringify(data)) <= DINGTALK_BODY_BUDGET
    );
  };
  return cardData(fitCard(card, fits), opts);
}

/**
 * The fallback message: an `actionCard` whose buttons are `dtmd://` links making the client send
 * "tap <token>" (or "tap <token>:<value>" for a select option), or plain `markdown` when nothing is tappable.
 * An input becomes a line asking for "note <token> <text>". Such links only reach the bot where it reads
 * every message (a one-to-one chat); for a group, `typed: true` gives markdown that lists what to send
 * with an @-mention instead (see `DingTalkMessageOptions.typed`).
 * The card's mentions are named, or with `at: true` on a markdown message written "@<staff id>" and listed
 * in `at.atUserIds` (see `DingTalkMessageOptions`).
 */
export function renderDingTalkMessage(card: Card, opts: DingTalkMessageOptions = {}): DingTalkMessage {
  const fits = (c: Card) => {
    const m = message(c, opts);
    const text = m.msgtype === 'actionCard' ? m.actionCard.text : m.markdown.text;
    return codePoints(text) <= DINGTALK_MARKDOWN_LIMIT && Buffer.byteLength(JSON.stringify(m)) <= DINGTALK_BODY_BUDGET;
  };
  return message(fitCard(card, fits), opts);
}

/** Staff ids (userId): letters, digits and "_.-", written bare after "@" (an escape would break the match). */
const STAFF_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Code points of a name on the mentions line, escapes included: 30 names stay well within the 3000 of a card. */
const MENTION_NAME_LIMIT = 40;

/** A name as DingTalk markdown, cut (before escaping, so no escape is split) until it fits MENTION_NAME_LIMIT. */
function mentionName(name: string): string {
  let keep = codePoints(name);
  let out = escapeDingTalkMd(name);
  while (codePoints(out) > MENTION_NAME_LIMIT) out = escapeDingTalkMd(truncateText(name, --keep));
  return out;
}

/** Names on the mentions line: "@name" for someone the delivery notifies, the bare name for the others. */
const namedMentions = (mentions: PlatformMention[], notified: boolean) =>
  mentions.map((m) => (notified && m.id ? `@${mentionName(m.name)}` : mentionName(m.name))).join(MENTION_SEPARATOR);

/**
 * The people a templated card notifies when delivered to a group: `imGroupOpenDeliverModel.atUserIds`
 * of createAndDeliver, staff id → name (alibabacloud dingtalk card_1_0 CreateAndDeliverRequest, "消息@人").
 * The card's `markdown` variable names them; this is what makes DingTalk notify them. Empty: nobody.
 */
export function dingTalkAtUsers(card: Card): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of mentionsOn(card, 'dingtalk', STAFF_ID)) if (m.id) out[m.id] ??= m.name;
  return out;
}

const callbackSchema = z.object({
  cardPrivateData: z.object({
    actionIds: z.array(z.string().min(1)).min(1),
    params: z.record(z.string(), z.unknown()).optional(),
  }),
});

const selectionSchema = z.object({ index: z.number().int() });

/** `params.select_values` as the template echoes it: the variable's JSON text, or already parsed. */
function optionValues(raw: unknown): string[] | null {
  let values = raw;
  if (typeof raw === 'string') {
    try {
      values = JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }
  const parsed = z.array(z.string()).safeParse(values);
  return parsed.success ? parsed.data : null;
}

/**
 * Reads a template tap's `content` (`{"cardPrivateData":{"actionIds":[...],"params":{...}}}`, see
 * `DingTalkCardData` for what each part reports); null if malformed, or a choice whose index names no option.
 */
export function parseDingTalkCallback(content: string): DingTalkCallback | null {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return null;
  }
  const parsed = callbackSchema.safeParse(json);
  if (!parsed.success) return null;
  const { actionIds, params = {} } = parsed.data.cardPrivateData;
  const token = actionIds[0]!;
  const own = params[token];
  if (typeof own === 'string') return { token, input: own };
  const selection = selectionSchema.safeParse(own);
  if (selection.success) {
    const option = optionValues(params.select_values)?.[selection.data.index];
    return option === undefined ? null : { token, option };
  }
  return { token };
}

/**
 * Reads the text a fallback message makes a user send: "tap <token>", "tap <token>:<value>" or
 * "note <token> <text>" (a leading @mention, as DingTalk adds in groups, is skipped); null for other text.
 */
export function parseDingTalkText(text: string): DingTalkCallback | null {
  // A client that shows markdown escapes literally lets the user copy "note Ab.\_x"; tokens hold no backslash.
  const words = text
    .trim()
    .replace(/^(@\S+\s+)+/, '')
    .replace(/^(\S+\s+)(\S+)/, (_m, cmd: string, tok: string) => cmd + tok.replace(/\\/g, ''));
  const tap = new RegExp(`^${DINGTALK_TAP_COMMAND}\\s+([A-Za-z0-9._-]+)(?::(\\S+))?$`).exec(words);
  if (tap) return { token: tap[1]!, ...(tap[2] !== undefined && { option: tap[2] }) };
  const note = new RegExp(`^${DINGTALK_NOTE_COMMAND}\\s+([A-Za-z0-9._-]+)(?:\\s+([\\s\\S]*))?$`).exec(words);
  if (note) return { token: note[1]!, input: (note[2] ?? '').trim() };
  return null;
}

/** The `dtmd://` link that makes the DingTalk client send `text` to the conversation. */
export const sendMessageLink = (text: string): string => `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(text)}`;

/** A button's colour in the template (SingleButton `color`). */
const BUTTON_COLOUR = { primary: 'blue', danger: 'red', default: 'gray' } as const;

function cardData(card: Card, opts: DingTalkRenderOptions): DingTalkCardData {
  const buttons = card.elements.flatMap((el) =>
    el.type === 'buttons' ? el.buttons.map((b) => ({ id: b.action.token, text: b.label, color: BUTTON_COLOUR[b.style] })) : [],
  );
  const select = card.elements.find((el) => el.type === 'select');
  const input = card.elements.find((el) => el.type === 'input');
  const imageEl = card.elements.find((el) => el.type === 'image' && imageSource(el, opts));
  const image = imageEl?.type === 'image' ? imageSource(imageEl, opts) : undefined;
  const body = [
    namedMentions(mentionsOn(card, 'dingtalk', STAFF_ID), true),
    ...card.elements.filter((el) => el !== imageEl).map((el) => block(el, opts, false)),
  ];
  if (card.footer) body.push(`*${escapeDingTalkMd(card.footer)}*`);
  const { subtitle, state } = card.header;
  const options = select?.type === 'select' ? select.options : [];
  return {
    cardParamMap: {
      title: card.header.title,
      subtitle: subtitle ? `${STATE_EMOJI[state]} ${escapeDingTalkMd(subtitle)}` : STATE_EMOJI[state],
      markdown: body.filter(Boolean).join('\n\n'),
      image: image ?? '',
      buttons: JSON.stringify(buttons),
      hasButtons: String(buttons.length > 0),
      select_id: select?.type === 'select' ? select.action.token : '',
      select_placeholder: select?.type === 'select' ? select.placeholder : '',
      // The card's own language is in its labels; both slots carry them.
      select_options: JSON.stringify(options.map((o) => ({ value: o.value, text: { zh_CN: o.label, en_US: o.label } }))),
      select_values: JSON.stringify(options.map((o) => o.value)),
      select_index: String(select?.type === 'select' ? options.findIndex((o) => o.value === select.selected) : -1),
      hasSelect: String(select !== undefined),
      input_id: input?.type === 'input' ? input.action.token : '',
      input_label: input?.type === 'input' ? input.label || input.submitLabel : '',
      input_placeholder: input?.type === 'input' ? input.placeholder : '',
      hasInput: String(input !== undefined),
    },
  };
}

function message(card: Card, opts: DingTalkMessageOptions): DingTalkMessage {
  const { title, subtitle, state } = card.header;
  const blocks = [`#### ${STATE_EMOJI[state]} ${escapeDingTalkMd(title)}`];
  if (subtitle) blocks.push(`> ${escapeDingTalkMd(subtitle)}`);
  const btns = opts.typed === true ? [] : linkButtons(card);
  const mentions = mentionsOn(card, 'dingtalk', STAFF_ID);
  const at = opts.at === true && btns.length === 0 ? mentions.flatMap((m) => (m.id ? [m.id] : [])) : [];
  blocks.push(
    at.length > 0 ? mentions.map((m) => (m.id ? `@${m.id}` : mentionName(m.name))).join(MENTION_SEPARATOR) : namedMentions(mentions, false),
  );
  blocks.push(...card.elements.map((el) => block(el, opts, true)));
  if (opts.typed === true) {
    const commands = typedCommands(card);
    if (commands.length > 0) blocks.push(DINGTALK_TYPED_INTRO, commands.join('  \n'));
  }
  if (card.footer) blocks.push(`*${escapeDingTalkMd(card.footer)}*`);
  const text = blocks.filter(Boolean).join('\n\n');
  if (btns.length === 0)
    return {
      msgtype: 'markdown',
      markdown: { title, text },
      ...(at.length > 0 && { at: { atUserIds: [...new Set(at)], isAtAll: false as const } }),
    };
  return { msgtype: 'actionCard', actionCard: { title, text, btns, btnOrientation: '0' } };
}

/** The fallback message's link buttons: one per button and one per select option. */
function linkButtons(card: Card): { title: string; actionURL: string }[] {
  return card.elements.flatMap((el) => {
    if (el.type === 'buttons')
      return el.buttons.map((b) => ({ title: b.label, actionURL: sendMessageLink(`${DINGTALK_TAP_COMMAND} ${b.action.token}`) }));
    if (el.type === 'select') {
      return el.options.map((o) => ({
        title: `${o.value === el.selected ? '✓ ' : ''}${o.label}`,
        actionURL: sendMessageLink(`${DINGTALK_TAP_COMMAND} ${el.action.token}:${o.value}`),
      }));
    }
    return [];
  });
}

/** What to send for each action of a typed fallback message, e.g. "label — tap <token>[:value]", "label — note <token> …". */
function typedCommands(card: Card): string[] {
  const line = (label: string, command: string) => `**${escapeDingTalkMd(label)}** — ${escapeDingTalkMd(command)}`;
  return card.elements.flatMap((el) => {
    if (el.type === 'buttons') return el.buttons.map((b) => line(b.label, `${DINGTALK_TAP_COMMAND} ${b.action.token}`));
    if (el.type === 'select')
      return el.options.map((o) =>
        line(`${o.value === el.selected ? '✓ ' : ''}${o.label}`, `${DINGTALK_TAP_COMMAND} ${el.action.token}:${o.value}`),
      );
    if (el.type === 'input')
      return [line(el.label || el.submitLabel, `${DINGTALK_NOTE_COMMAND} ${el.action.token} ${el.placeholder || '…'}`)];
    return [];
  });
}

/** Only https/http URLs and DingTalk media ids ("@…") can be an image source; anything else shows as alt text. */
function imageSource(el: Extract<CardElement, { type: 'image' }>, opts: DingTalkRenderOptions): string | undefined {
  const src = (el.png ? opts.imageUrl?.(el.png) : undefined) ?? el.url;
  return src && /^(https?:\/\/|@)\S+$/.test(src) ? src : undefined;
}

/** One element as DingTalk markdown; lines inside a block end in two spaces to force a break. */
function block(el: CardElement, opts: DingTalkRenderOptions, inMessage: boolean): string {
  const lines = (l: string[]) => l.join('  \n');
  switch (el.type) {
    case 'markdown':
      return markdownToDingTalk(el.text).trim();
    case 'fields':
      return lines(
        el.fields.map((f) => (f.label ? `**${escapeDingTalkMd(f.label)}**: ${escapeDingTalkMd(f.value)}` : escapeDingTalkMd(f.value))),
      );
    case 'table': {
      // DingTalk markdown has no tables and no monospace: a bold header line, then one line per row.
      const cells = (r: string[]) => r.map((c) => escapeDingTalkMd(c.replace(/\s+/g, ' '))).join(' · ');
      const head = `**${cells(el.columns.map((c) => c.label))}**`;
      const rows = el.rows.map((r) => cells(el.columns.map((c) => r[c.key] ?? '')));
      return lines([head, ...rows, ...(el.more > 0 ? [`*${escapeDingTalkMd(moreLine(el.more))}*`] : [])]);
    }
    case 'image': {
      const src = imageSource(el, opts);
      return src ? `![${escapeDingTalkMd(el.alt)}](${src.replace(/[()]/g, encodeURIComponent)})` : `🖼 ${escapeDingTalkMd(el.alt)}`;
    }
    case 'divider':
      return '──────────';
    case 'select': {
      // No form in the template or a message: the note an option needs is asked for after the pick.
      const hint = el.note?.hint ? `*${escapeDingTalkMd(el.note.hint)}*` : '';
      return lines([inMessage && el.placeholder ? `**${escapeDingTalkMd(el.placeholder)}**` : '', hint].filter(Boolean));
    }
    case 'input': {
      if (!inMessage || (opts as DingTalkMessageOptions).typed === true) return '';
      const example = `${DINGTALK_NOTE_COMMAND} ${el.action.token} ${el.placeholder || '…'}`;
      return `✍️ **${escapeDingTalkMd(el.label || el.submitLabel)}**: send “${escapeDingTalkMd(example)}”`;
    }
    case 'buttons':
      return '';
    case 'page': {
      const url = opts.pageUrl?.(el.path);
      return url ? `**[${escapeDingTalkMd(el.label)}](${url.replace(/[()]/g, encodeURIComponent)})**` : '';
    }
  }
}
