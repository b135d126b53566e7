/**
 * How the adapter names Telegram chats and messages to the core, which keeps them as opaque strings.
 *
 * A message in a forum topic is `<thread>/<message>` (as in t.me/c/<chat>/<thread>/<message> links), any
 * other message its bare id: the core stores the id it is given (card_message, outbox replyTo) and hands it
 * back, so a reply, an edit or a prompt lands in the topic it answers without the adapter remembering
 * anything, on any instance. Only messages Telegram marks `is_topic_message` carry a topic: a reply in a
 * forum's General topic also has a message_thread_id, but that names the replied message's reply thread,
 * and sending to it fails with "message thread not found" (https://github.com/tdlib/telegram-bot-api/issues/447).
 *
 * A chat id `dm:<user id>` is the core's "a direct message to this person": on Telegram the private chat
 * with a user has the user's id.
 */
import type { Message } from 'grammy/types';

/** The core's messageId of a Telegram message (its topic included). */
export function messageRef(message: Pick<Message, 'message_id' | 'message_thread_id' | 'is_topic_message'>): string {
  return message.is_topic_message && message.message_thread_id !== undefined
    ? `${message.message_thread_id}/${message.message_id}`
    : String(message.message_id);
}

/** A messageId from the core back into Telegram's message id and topic; null when it is not one of ours. */
export function parseMessageRef(ref: string): { messageId: number; threadId?: number } | null {
  const match = /^(?:(\d+)\/)?(\d+)$/.exec(ref);
  if (!match) return null;
  return { messageId: Number(match[2]), ...(match[1] ? { threadId: Number(match[1]) } : {}) };
}

/** The prefix of a direct message's chat id (src/core: a message to one person). */
export const DIRECT_PREFIX = 'dm:';

/** Whether the core addressed a person rather than a chat. */
export const isDirect = (chatId: string): boolean => chatId.startsWith(DIRECT_PREFIX);

/** The Bot API chat_id of a core chat id: groups are negative numbers, a person's private chat has their id. */
export function chatRef(chatId: string): number | string {
  const id = isDirect(chatId) ? chatId.slice(DIRECT_PREFIX.length) : chatId;
  return /^-?\d+$/.test(id) ? Number(id) : id;
}
