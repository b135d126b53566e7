/**
 * Telegram updates → neutral events. Pure mapping plus the file download; what a text means is the
 * core's business (it also strips the "@botname" Telegram appends to commands in groups).
 */
import type { CallbackQuery, Message, User } from 'grammy/types';
import { parseTelegramCallback } from '../../cards/render/telegram.ts';
import type { ActionEvent, FileEvent, TextEvent } from '../../src/core/events.ts';

/** The bot as Telegram knows it (from getMe): needed to tell whether a group message is for it. */
export interface BotIdentity {
  id: number;
  username: string;
}

/** Fetches a file's bytes by file_id (getFile, then the file endpoint). */
export type Download = (fileId: string) => Promise<Buffer>;

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
 * Whether a group message is meant for the bot: a /command (not one addressed to another bot), an
 * @-mention of the bot, or a reply to one of its messages. Direct messages always are.
 */
export function isAddressed(message: Message, bot: BotIdentity): boolean {
  if (message.chat.type === 'private') return true;
  const text = message.text ?? '';
  const command = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(text);
  if (command) return command[1] === undefined || command[1].toLowerCase() === bot.username.toLowerCase();
  if (new RegExp(`@${escapeRegExp(bot.username)}\\b`, 'i').test(text)) return true;
  return message.reply_to_message?.from?.id === bot.id;
}

/** The text without the bot's @-mention, so "@stocktake_bot status" reads as "status". */
export function withoutMention(text: string, bot: BotIdentity): string {
  if (/^\//.test(text)) return text.trim(); // "/status@bot": the core's parser drops the suffix
  return text
    .replace(new RegExp(`@${escapeRegExp(bot.username)}\\b`, 'gi'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A text or document message as an event; null for anything else (stickers, photos, service messages). */
export function messageToEvent(message: Message, bot: BotIdentity, download: Download): TextEvent | FileEvent | null {
  const base = {
    platform: PLATFORM,
    eventId: messageEventId(message),
    chatId: String(message.chat.id),
    chatType: chatType(message),
    userId: String(message.from?.id ?? message.chat.id),
    messageId: String(message.message_id),
    ...(displayName(message.from) ? { userName: displayName(message.from)! } : {}),
  };
  if (message.document) {
    const doc = message.document;
    return {
      ...base,
      type: 'file',
      fileName: doc.file_name ?? 'document',
      ...(doc.file_size !== undefined ? { size: doc.file_size } : {}),
      download: () => download(doc.file_id),
    };
  }
  if (typeof message.text !== 'string') return null;
  return {
    ...base,
    type: 'text',
    text: withoutMention(message.text, bot),
    addressed: isAddressed(message, bot),
    ...(message.reply_to_message ? { replyToMessageId: String(message.reply_to_message.message_id) } : {}),
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
    // The tapped card: replies (a prompt, a notice) thread under it.
    messageId: String(message.message_id),
    token,
    ...(option !== undefined ? { option } : {}),
    ...(wantsInput ? { wantsInput: true } : {}),
  };
}

/**
 * Downloads through getFile and `${apiRoot}/file/bot<token>/<file_path>`. The URL holds the token, so a
 * failure says only the HTTP status.
 */
export function fileDownloader(getFile: (fileId: string) => Promise<{ file_path?: string }>, apiRoot: string, token: string): Download {
  return async (fileId) => {
    const file = await getFile(fileId);
    if (!file.file_path) throw new Error('Telegram getFile returned no file_path (file over 20 MB?)');
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
