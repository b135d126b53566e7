/**
 * DingTalk Stream payloads → neutral events. Robot messages (TOPIC_ROBOT) become text or file events,
 * card taps (TOPIC_CARD) become action events. Payloads are checked with zod; anything else is null.
 *
 * Chat ids: a group is its conversationId (the openConversationId the card and group-message APIs take);
 * a one-to-one chat is "dm:<staff id>" (the direct-message chat id the core uses too), since what sends
 * back there (oToMessages, IM_ROBOT cards) is addressed to the user, not to the conversation.
 */
import { z } from 'zod';
import { parseDingTalkCallback, parseDingTalkText, DINGTALK_NOTE_COMMAND, DINGTALK_TAP_COMMAND } from '../../cards/render/dingtalk.ts';
import type { ActionEvent, FileEvent, PhotoEvent, TextEvent } from '../../src/core/events.ts';
import { DIRECT_CHAT_PREFIX } from './outbound.ts';

const PLATFORM = 'dingtalk';

const robotMessageSchema = z.object({
  conversationId: z.string().min(1),
  /** '1' one-to-one, '2' group. */
  conversationType: z.enum(['1', '2']),
  msgId: z.string().min(1),
  /** Only users of the app's own organisation have one; external contacts do not. */
  senderStaffId: z.string().optional(),
  senderId: z.string().min(1),
  senderNick: z.string().optional(),
  isInAtList: z.boolean().optional(),
  msgtype: z.string(),
  text: z.object({ content: z.string() }).optional(),
  content: z
    .object({
      downloadCode: z.string().min(1),
      fileName: z.string().min(1),
      /** A rich-text message (text with pictures, the only way to @ the bot with a photo in a group). */
      richText: z.array(
        z.object({
          text: z.string().optional(),
          type: z.string().optional(),
          downloadCode: z.string().optional(),
          pictureDownloadCode: z.string().optional(),
        }),
      ),
    })
    .partial()
    .optional(),
});

export type RobotMessage = z.infer<typeof robotMessageSchema>;

const cardCallbackSchema = z.object({
  outTrackId: z.string().min(1),
  userId: z.string().min(1),
  spaceType: z.string().optional(),
  spaceId: z.string().optional(),
  content: z.string().optional(),
  /** The older name of `content`, still sent. */
  value: z.string().optional(),
});

const groupSessionSchema = z.object({
  conversationId: z.string().min(1),
  conversationType: z.literal('2'),
  sessionWebhook: z.string().regex(/^https?:\/\/\S+$/),
  /** Epoch milliseconds. */
  sessionWebhookExpiredTime: z.number(),
});

/** A group robot message's sessionWebhook and when it lapses; null for a one-to-one chat or without one. */
export function groupSessionWebhook(payload: unknown): { chatId: string; url: string; expiresAt: number } | null {
  const parsed = groupSessionSchema.safeParse(payload);
  if (!parsed.success) return null;
  return { chatId: parsed.data.conversationId, url: parsed.data.sessionWebhook, expiresAt: parsed.data.sessionWebhookExpiredTime };
}

/** Parses a Stream frame's `data` (a JSON string); null when it is not JSON. */
export function parseFrameData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return null;
  }
}

/**
 * A robot message as a text, file or photo event; null for what the bot does not read (voice, video,
 * malformed payloads). `download` fetches a file or picture by its downloadCode.
 */
export function robotMessageEvent(
  payload: unknown,
  download: (downloadCode: string) => Promise<Buffer>,
): TextEvent | FileEvent | PhotoEvent | null {
  return robotMessageEvents(payload, download)[0] ?? null;
}

/**
 * A robot message as events: one text or file event, or one photo event per picture. DingTalk has no
 * reply-to-a-card for bots, so a photo names its line in the text of the same message: a rich-text message
 * "@bot A-100@R1 <picture>" (a picture alone in a group cannot @ the bot and never arrives; in a one-to-one
 * chat it arrives with no line, and the bot says how to name one).
 */
export function robotMessageEvents(
  payload: unknown,
  download: (downloadCode: string) => Promise<Buffer>,
): (TextEvent | FileEvent | PhotoEvent)[] {
  const parsed = robotMessageSchema.safeParse(payload);
  if (!parsed.success) return [];
  const msg = parsed.data;
  const group = msg.conversationType === '2';
  // Staff ids are what card taps report as userId, so people bind once and are known in both.
  const userId = msg.senderStaffId || msg.senderId;
  const base = {
    platform: PLATFORM,
    eventId: msg.msgId,
    chatId: group ? msg.conversationId : `${DIRECT_CHAT_PREFIX}${userId}`,
    chatType: group ? ('group' as const) : ('direct' as const),
    userId,
    ...(msg.senderNick ? { userName: msg.senderNick } : {}),
    messageId: msg.msgId,
  };
  const addressed = !group || msg.isInAtList === true;
  if (msg.msgtype === 'text' && msg.text) {
    return [{ ...base, type: 'text', text: normalizeText(msg.text.content), addressed }];
  }
  if (msg.msgtype === 'file' && msg.content?.downloadCode && msg.content.fileName) {
    const code = msg.content.downloadCode;
    return [{ ...base, type: 'file', fileName: msg.content.fileName, download: () => download(code) }];
  }
  if (msg.msgtype === 'picture' && msg.content?.downloadCode) {
    const code = msg.content.downloadCode;
    return [{ ...base, type: 'photo', addressed, download: () => download(code) }];
  }
  if (msg.msgtype === 'richText' && msg.content?.richText) {
    const parts = msg.content.richText;
    const lineRef = parts
      .map((p) => p.text ?? '')
      .join(' ')
      .replace(/^\s*(照片|拍照|photo)\s*/i, '')
      .trim();
    const codes = parts.map((p) => p.downloadCode ?? p.pictureDownloadCode).filter((c): c is string => Boolean(c));
    // Each picture its own event (and id): a redelivered message attaches none twice.
    return codes.map((code, i) => ({
      ...base,
      eventId: i === 0 ? msg.msgId : `${msg.msgId}#${i}`,
      type: 'photo' as const,
      addressed,
      ...(lineRef ? { lineRef } : {}),
      download: () => download(code),
    }));
  }
  return [];
}

/**
 * DingTalk removes the "@Bot" from group text but leaves the space after it. A tap typed by a fallback
 * link comes back in the canonical "tap <token>[:option]" / "note <token> <text>" form, with any markdown
 * escapes a client copied along dropped.
 */
function normalizeText(content: string): string {
  const text = content.trim();
  const tap = parseDingTalkText(text);
  if (!tap) return text;
  if (tap.input !== undefined) return `${DINGTALK_NOTE_COMMAND} ${tap.token} ${tap.input}`.trim();
  return `${DINGTALK_TAP_COMMAND} ${tap.token}${tap.option !== undefined ? `:${tap.option}` : ''}`;
}

/**
 * A card tap as an action event. `messageId` is the Stream frame's id: DingTalk pushes an unacknowledged
 * tap again under the same id (one effect), while a second tap is a new frame with a new id.
 */
export function cardCallbackEvent(payload: unknown, messageId: string): ActionEvent | null {
  const parsed = cardCallbackSchema.safeParse(payload);
  if (!parsed.success) return null;
  const tap = parsed.data;
  const action = parseDingTalkCallback(tap.content ?? tap.value ?? '');
  if (!action) return null;
  // A card in a one-to-one chat (IM_ROBOT) can only be tapped by that user: the same chat id as their messages.
  const direct = tap.spaceType === 'IM_ROBOT' || !tap.spaceId;
  return {
    platform: PLATFORM,
    type: 'action',
    eventId: messageId,
    chatId: direct ? `${DIRECT_CHAT_PREFIX}${tap.userId}` : tap.spaceId!,
    chatType: direct ? 'direct' : 'group',
    userId: tap.userId,
    messageId: tap.outTrackId,
    token: action.token,
    ...(action.option !== undefined ? { option: action.option } : {}),
    ...(action.input !== undefined ? { input: action.input } : {}),
  };
}
