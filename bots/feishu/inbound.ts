/**
 * Feishu payloads in, neutral events out: im.message.receive_v1 → TextEvent / FileEvent and
 * card.action.trigger → ActionEvent, and the core's tap answer back into Feishu's callback reply.
 * The SDK hands handlers the schema 2.0 body flattened ({...header, ...event}).
 */
import type { Readable } from 'node:stream';
import type { Client } from '@larksuiteoapi/node-sdk';
import { z } from 'zod';
import { renderFeishu, type FeishuRenderOptions } from '../../cards/render/feishu.ts';
import type { ActionAnswer, ActionEvent, FileEvent, PhotoEvent, TextEvent } from '../../src/core/events.ts';

const mention = z
  .object({ key: z.string(), name: z.string().optional(), id: z.object({ open_id: z.string().optional() }).loose().optional() })
  .loose();

const messageReceive = z
  .object({
    event_id: z.string().min(1),
    sender: z.object({ sender_type: z.string().optional(), sender_id: z.object({ open_id: z.string().min(1) }).loose() }).loose(),
    message: z
      .object({
        message_id: z.string().min(1),
        parent_id: z.string().optional(),
        chat_id: z.string().min(1),
        chat_type: z.string(),
        message_type: z.string(),
        content: z.string(),
        mentions: z.array(mention).optional(),
      })
      .loose(),
  })
  .loose();

const cardAction = z
  .object({
    event_id: z.string().min(1),
    operator: z.object({ open_id: z.string().min(1) }).loose(),
    action: z
      .object({
        value: z.object({ t: z.string().min(1) }).loose(),
        option: z.string().optional(),
        input_value: z.string().optional(),
        form_value: z.record(z.string(), z.unknown()).optional(),
      })
      .loose(),
    context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().min(1) }).loose(),
  })
  .loose();

/** What turning a message into an event needs from the adapter. */
export interface InboundContext {
  /** The bot's own open_id (GET /open-apis/bot/v3/info at start): a group message counts when it mentions it. */
  botOpenId: string;
  client: Client;
}

type Mention = z.infer<typeof mention>;

/**
 * Mentions arrive as placeholders (`@_user_1`) with the names in `mentions`: the bot's own is dropped,
 * other people's become `@name` so the text still reads as typed.
 */
function resolveMentions(text: string, mentions: Mention[], botOpenId: string): string {
  const byKey = new Map(mentions.map((m) => [m.key, m]));
  return text
    .replace(/@_user_\d+|@_all/g, (key) => {
      const m = byKey.get(key);
      return !m || m.id?.open_id === botOpenId ? '' : `@${m.name ?? 'someone'}`;
    })
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** Rich-text ("post") messages: the text runs of every paragraph, one paragraph a line. */
function postText(content: Record<string, unknown>): string {
  const body = content.content;
  if (!Array.isArray(body)) return '';
  return body
    .map((para) =>
      Array.isArray(para)
        ? para
            .map((run: { tag?: string; text?: string; user_id?: string }) => (run.tag === 'at' ? (run.user_id ?? '') : (run.text ?? '')))
            .join('')
        : '',
    )
    .join('\n');
}

async function streamBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

/**
 * A received message as a TextEvent, FileEvent or PhotoEvent; null for what the bot does not read
 * (stickers, messages from other bots). `addressed` is true in a direct chat or when the bot is among the mentions.
 */
export function messageEvent(data: unknown, ctx: InboundContext): TextEvent | FileEvent | PhotoEvent | null {
  const parsed = messageReceive.safeParse(data);
  if (!parsed.success) return null;
  const { event_id, sender, message } = parsed.data;
  if (sender.sender_type && sender.sender_type !== 'user') return null;
  let content: Record<string, unknown>;
  try {
    content = JSON.parse(message.content) as Record<string, unknown>;
  } catch {
    return null;
  }
  const base = {
    platform: 'feishu',
    eventId: event_id,
    chatId: message.chat_id,
    chatType: message.chat_type === 'p2p' ? ('direct' as const) : ('group' as const),
    userId: sender.sender_id.open_id,
    messageId: message.message_id,
  };
  if (message.message_type === 'file') {
    const fileKey = typeof content.file_key === 'string' ? content.file_key : null;
    if (!fileKey) return null;
    return {
      ...base,
      type: 'file',
      fileName: typeof content.file_name === 'string' ? content.file_name : 'upload',
      async download() {
        // type 'file' (not 'image'): the resource endpoint serves a message's attachments by kind.
        const res = await ctx.client.im.v1.messageResource.get({
          path: { message_id: message.message_id, file_key: fileKey },
          params: { type: 'file' },
        });
        return streamBytes(res.getReadableStream());
      },
    };
  }
  if (message.message_type === 'image') {
    // An image message: evidence for a line when it replies to the line's card (the core decides).
    const imageKey = typeof content.image_key === 'string' ? content.image_key : null;
    if (!imageKey) return null;
    return {
      ...base,
      type: 'photo',
      ...(message.parent_id ? { replyToMessageId: message.parent_id } : {}),
      async download() {
        const res = await ctx.client.im.v1.messageResource.get({
          path: { message_id: message.message_id, file_key: imageKey },
          params: { type: 'image' },
        });
        return streamBytes(res.getReadableStream());
      },
    };
  }
  const raw =
    message.message_type === 'text'
      ? typeof content.text === 'string'
        ? content.text
        : ''
      : message.message_type === 'post'
        ? postText(content)
        : null;
  if (raw === null) return null;
  const mentions = message.mentions ?? [];
  return {
    ...base,
    type: 'text',
    text: resolveMentions(raw, mentions, ctx.botOpenId),
    addressed: base.chatType === 'direct' || mentions.some((m) => m.id?.open_id === ctx.botOpenId),
    ...(message.parent_id ? { replyToMessageId: message.parent_id } : {}),
  };
}

/**
 * A card tap as an ActionEvent: the token is `action.value.t` (renderFeishu puts it there), a select
 * reports `action.option`, a form's input arrives as `form_value.input` (a lone input as `input_value`)
 * and a form's select as `form_value.option` (`input_2`, `option_2`… on later forms of the card).
 * The callback does not say whether the chat is a group; `chatTypes` remembers it from messages.
 */
export function actionEvent(data: unknown, chatTypes: ReadonlyMap<string, 'group' | 'direct'>): ActionEvent | null {
  const parsed = cardAction.safeParse(data);
  if (!parsed.success) return null;
  const { event_id, operator, action, context } = parsed.data;
  // A form submitted with its text box left empty may leave the box out of form_value: it still came from
  // a form that had one (the core tells "sent without the note" from "picked where there is no box").
  const formInput = formField(action.form_value, 'input') ?? (action.form_value ? '' : undefined);
  const input = formInput ?? action.input_value;
  const option = action.option ?? formField(action.form_value, 'option');
  return {
    type: 'action',
    platform: 'feishu',
    eventId: event_id,
    chatId: context.open_chat_id,
    chatType: chatTypes.get(context.open_chat_id) ?? 'group',
    userId: operator.open_id,
    ...(context.open_message_id ? { messageId: context.open_message_id } : {}),
    token: action.value.t,
    ...(option !== undefined ? { option } : {}),
    ...(input !== undefined ? { input } : {}),
  };
}

/** The form's value named `name` or `name_<n>` (renderFeishu's names, unique on the card), when a string. */
function formField(values: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!values) return undefined;
  const pattern = new RegExp(`^${name}(_\\d+)?$`);
  for (const [key, value] of Object.entries(values)) if (pattern.test(key) && typeof value === 'string') return value;
  return undefined;
}

/** Feishu's reply to card.action.trigger: a toast, and the card as it is now replacing the tapped one. */
export interface FeishuTapReply {
  toast: { type: 'success' | 'info' | 'warning' | 'error'; content: string };
  card?: { type: 'raw'; data: ReturnType<typeof renderFeishu> };
}

/**
 * The core's answer in Feishu's shape (toast kinds are the same four words). The card is rendered without
 * image keys (an image shows as its alt text): nothing is uploaded inside the 3-second deadline.
 */
export function tapReply(answer: ActionAnswer, pageUrl?: FeishuRenderOptions['pageUrl']): FeishuTapReply {
  return {
    toast: { type: answer.toast.kind, content: answer.toast.text },
    ...(answer.card ? { card: { type: 'raw' as const, data: renderFeishu(answer.card, pageUrl ? { pageUrl } : {}) } } : {}),
  };
}
