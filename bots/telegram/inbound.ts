/**
 * Telegram updates → neutral events. Pure mapping plus the file download; what a text means is the
 * core's business (it also strips the "@botname" Telegram appends to commands in groups).
 */
import { GrammyError } from 'grammy';
import type { CallbackQuery, Message, User } from 'grammy/types';
import { parseTelegramCallback } from '../../cards/render/telegram.ts';
import type { ActionEvent, FileEvent, PhotoEvent, TextEvent } from '../../src/core/events.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { messageRef } from './refs.ts';
import { botTexts } from '../../src/domain/texts/bots.ts';
import { TELEGRAM_DOWNLOAD_LIMIT_BYTES } from './texts.ts';

/** The bot as Telegram knows it (from getMe): needed to tell whether a group message is for it. */
export interface BotIdentity {
  id: number;
  username: string;
}

/** Fetches a file's bytes by file_id (getFile, then the file endpoint); `size` is the document's file_size when known. */
export type Download = (fileId: string, size?: number) => Promise<Buffer>;

const PLATFORM = 'telegram';

const chatType = (message: Message): 'group' | 'direct' => (message.chat.type === 'private' ? 'direct' : 'group');

const displayName = (user: User | undefined): string | undefined =>
  user ? [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username : undefined;

/**
 * The id of a message event. Not the update_id: Telegram restarts update ids at a random number after a
 * week without updates (https://core.telegram.org/bots/api#getting-updates), which could make a new
 * message look like one already handled. A chat's message id never repeats, and a redelivered update
 * carries the same one.
 */
export const messageEventId = (message: Message): string => `${message.chat.id}:${message.message_id}`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a group message is addressed to the bot: a /command (not one addressed to another bot) or an
 * @-mention of the bot. Direct messages always are. A reply to one of the bot's messages is not addressed
 * but says so (`replyToBot`): the core decides what a reply means.
 */
export function isAddressed(message: Message, bot: BotIdentity): boolean {
  if (message.chat.type === 'private') return true;
  const text = message.text ?? '';
  const command = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(text);
  if (command) return command[1] === undefined || command[1].toLowerCase() === bot.username.toLowerCase();
  return new RegExp(`@${escapeRegExp(bot.username)}\\b`, 'i').test(text);
}

/**
 * The message this one really replies to, if any. In a forum topic every message carries
 * `reply_to_message`: the topic's root (its forum_topic_created message, whose id is the topic's
 * message_thread_id) when the person did not reply to anything. That is no reply.
 */
export function repliedMessage(message: Message): Message['reply_to_message'] | undefined {
  const replied = message.reply_to_message;
  if (!replied) return undefined;
  if (message.is_topic_message && replied.message_id === message.message_thread_id) return undefined;
  return replied;
}

/** The text without the bot's @-mention, so "@stocktake_bot status" reads as "status". */
export function withoutMention(text: string, bot: BotIdentity): string {
  if (/^\//.test(text)) return text.trim(); // "/status@bot": the core's parser drops the suffix
  return text
    .replace(new RegExp(`@${escapeRegExp(bot.username)}\\b`, 'gi'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A text, document or photo message as an event; null for anything else (stickers, service messages). */
export function messageToEvent(message: Message, bot: BotIdentity, download: Download): TextEvent | FileEvent | PhotoEvent | null {
  const base = {
    platform: PLATFORM,
    eventId: messageEventId(message),
    chatId: String(message.chat.id),
    chatType: chatType(message),
    userId: String(message.from?.id ?? message.chat.id),
    // In a forum topic the id names the topic too, so what answers this message is posted there.
    messageId: messageRef(message),
    ...(displayName(message.from) ? { userName: displayName(message.from)! } : {}),
  };
  if (message.document) {
    const doc = message.document;
    return {
      ...base,
      type: 'file',
      fileName: doc.file_name ?? 'document',
      ...(doc.file_size !== undefined ? { size: doc.file_size } : {}),
      download: () => download(doc.file_id, doc.file_size),
    };
  }
  const replied = repliedMessage(message);
  const replyTo = replied ? { replyToMessageId: messageRef({ ...message, message_id: replied.message_id }) } : {};
  if (message.photo && message.photo.length > 0) {
    // Telegram sends each photo in several sizes, smallest first: the largest is the picture as taken (at most 2560 px).
    const largest = message.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return {
      ...base,
      type: 'photo',
      ...(largest.file_size !== undefined ? { size: largest.file_size } : {}),
      download: () => download(largest.file_id, largest.file_size),
      ...replyTo,
    };
  }
  if (typeof message.text !== 'string') return null;
  return {
    ...base,
    type: 'text',
    text: withoutMention(message.text, bot),
    addressed: isAddressed(message, bot),
    // A reply stays in its topic, so the replied message is named with this message's topic.
    ...replyTo,
    ...(replied?.from?.id === bot.id ? { replyToBot: true } : {}),
  };
}

/**
 * A tap on an inline button as an event; null when it carries no data or its message is gone (too old
 * to be sent with the query). The event id is the query's id: a redelivered update has the same one, a
 * second tap gets a new one.
 */
export function callbackToEvent(query: CallbackQuery): ActionEvent | null {
  const message = query.message;
  if (!query.data || !message) return null;
  const { token, option, wantsInput } = parseTelegramCallback(query.data);
  return {
    platform: PLATFORM,
    type: 'action',
    eventId: `cbq:${query.id}`,
    chatId: String(message.chat.id),
    chatType: message.chat.type === 'private' ? 'direct' : 'group',
    userId: String(query.from.id),
    ...(displayName(query.from) ? { userName: displayName(query.from)! } : {}),
    // The tapped card: replies (a prompt, a notice) thread under it, in its topic.
    messageId: messageRef(message as Message),
    token,
    ...(option !== undefined ? { option } : {}),
    ...(wantsInput ? { wantsInput: true } : {}),
  };
}

/** Telegram's refusal of a file over the bot download limit, as a message the person can act on. */
const tooBig = (cause?: unknown) => new InvalidInputError(botTexts.telegramFileTooBig(), [], { cause });

/**
 * Downloads through getFile and `${apiRoot}/file/bot<token>/<file_path>`. The URL holds the token, so a
 * failure says only the HTTP status. A file over Telegram's 20 MB is refused before asking (getFile would
 * answer "file is too big"), with a message saying so, whatever STOCKTAKE_MAX_UPLOAD_MB allows.
 */
export function fileDownloader(getFile: (fileId: string) => Promise<{ file_path?: string }>, apiRoot: string, token: string): Download {
  return async (fileId, size) => {
    if (size !== undefined && size > TELEGRAM_DOWNLOAD_LIMIT_BYTES) throw tooBig();
    let file: { file_path?: string };
    try {
      file = await getFile(fileId);
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 400 && /file is too big/i.test(error.description)) throw tooBig(error);
      throw error;
    }
    if (!file.file_path) throw new Error('Telegram getFile returned no file_path');
    let res: Response;
    try {
      res = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`);
    } catch {
      throw new Error('Telegram file download failed: network error');
    }
    if (!res.ok) throw new Error(`Telegram file download failed: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
}
