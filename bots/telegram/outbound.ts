/**
 * Neutral cards → Bot API calls: sendMessage with the rendered HTML and inline keyboard, editMessageText
 * to update in place, a ForceReply message to ask for text. Failures become DeliveryErrors the outbox
 * sender understands (it does the retrying, so no auto-retry plugin here).
 */
import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { Card } from '../../cards/model.ts';
import { renderTelegram, type TelegramMessage } from '../../cards/render/telegram.ts';
import { escapeTelegram } from '../../cards/render/text.ts';
import { DeliveryError, type Deliverer, type PlatformLimits } from '../../src/core/delivery.ts';
import { mediaHash, memoryMediaIds } from '../../src/core/media.ts';
import { telegramPageButton } from '../pageLinks.ts';
import type { TelegramConfig } from './config.ts';
import { chatRef, isDirect, messageRef, parseMessageRef } from './refs.ts';

/**
 * Telegram's pace (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * about one message a second per chat, 20 a minute per group, 30 a second overall. The spacings have a
 * 10% margin: Telegram counts arrivals, the sender paces departures, and the time from one to the other
 * varies by a few milliseconds from message to message.
 */
export const TELEGRAM_LIMITS: PlatformLimits = { perChatIntervalMs: 1100, perChatPerMinute: 20, perAppPerSecond: 27 };

/** answerCallbackQuery text is 0–200 characters. */
export const TELEGRAM_TOAST_LIMIT = 200;

/** Who tapped an input button, so the prompt that follows can mention them. */
export interface Tapper {
  id: number;
  name: string;
}

/** The Deliverer for Telegram, plus the memory that makes prompts address the person who asked. */
export interface TelegramDeliverer extends Deliverer {
  /** Called when `user` tapped an input button on card `cardMessageId`; the prompt replying to that card mentions them. */
  rememberInputTap(chatId: string, cardMessageId: string, user: Tapper): void;
}

const NOT_MODIFIED = /message is not modified/i;
/**
 * Telegram's answers when a person cannot get a direct message: they never pressed Start ("bot can't
 * initiate conversation with a user"; "chat not found" when the bot never met them at all), blocked the
 * bot, or deleted their account.
 */
const UNREACHABLE = /bot can't initiate conversation with a user|bot was blocked by the user|user is deactivated|chat not found/i;
const TAPPER_TTL_MS = 5 * 60_000;
const MAX_REMEMBERED = 1000;

/** Removes the bot token from text: it is part of every Bot API URL, so any URL in an error carries it. */
export function redactToken(text: string, token: string): string {
  const secret = token.split(':')[1];
  let out = text.split(token).join('***');
  if (secret && secret.length >= 8) out = out.split(secret).join('***');
  return out;
}

/**
 * A Bot API failure as the sender wants it: 429 waits `retry_after` seconds, 5xx and network errors are
 * retried with backoff, any other refusal (a bad request, a chat the bot was removed from) is permanent.
 * For a direct message (`direct`), a person Telegram will not let the bot write to is `unreachable`, so
 * the core falls back to the group.
 */
export function toDeliveryError(error: unknown, token: string, direct = false): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof GrammyError) {
    const status = typeof error.error_code === 'number' ? error.error_code : undefined;
    const migrated = error.parameters.migrate_to_chat_id;
    const detail =
      redactToken(error.description ?? 'no description', token) +
      (migrated ? ` (the group is now supergroup ${migrated}: bind that chat)` : '');
    const message = `Telegram ${error.method} failed: ${status ?? '?'} ${detail}`;
    if (status === 429) return new DeliveryError(message, { status, retryAfterMs: (error.parameters.retry_after ?? 1) * 1000 });
    if (status === undefined || status >= 500) return new DeliveryError(message, status ? { status } : {});
    const unreachable = direct && (status === 403 || status === 400) && UNREACHABLE.test(error.description ?? '');
    return new DeliveryError(message, { status, permanent: true, ...(unreachable ? { unreachable: true } : {}) });
  }
  if (error instanceof HttpError) return new DeliveryError(redactToken(error.message, token));
  const text = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`Telegram call failed: ${redactToken(text, token)}`);
}

/**
 * Where a message answering `replyTo` goes: under it, and in its forum topic. The topic is named too, because
 * with allow_sending_without_reply a message whose reply target is gone would otherwise land in General.
 */
function replyParameters(replyTo?: string) {
  const ref = replyTo ? parseMessageRef(replyTo) : null;
  if (!ref) return {};
  return {
    ...(ref.threadId !== undefined ? { message_thread_id: ref.threadId } : {}),
    reply_parameters: { message_id: ref.messageId, allow_sending_without_reply: true },
  };
}

/** The Bot API message id of a core messageId (a topic message's is `<thread>/<id>`). */
function messageIdOf(ref: string): number {
  const parsed = parseMessageRef(ref);
  if (!parsed) throw new DeliveryError(`not a Telegram message id: ${ref}`, { permanent: true });
  return parsed.messageId;
}

/** sendMessage / editMessageText options of a rendered card. */
function messageOptions(rendered: TelegramMessage) {
  return {
    parse_mode: rendered.parse_mode,
    ...(rendered.reply_markup ? { reply_markup: rendered.reply_markup } : {}),
    // The renderer's disable_web_page_preview predates Bot API 7.0; link_preview_options replaces it.
    ...(rendered.disable_web_page_preview ? { link_preview_options: { is_disabled: true } } : {}),
  };
}

/** Images of a card, sent as photos ahead of its text: the text with the buttons stays last, by the input field. */
interface Photo {
  png?: string;
  url?: string;
  caption: string;
}
function photosOf(card: Card): Photo[] {
  return card.elements.flatMap((el): Photo[] => {
    if (el.type !== 'image') return [];
    const caption = el.alt.slice(0, 1024);
    if (el.png) return [{ png: el.png, caption }];
    if (el.url) return [{ url: el.url, caption }];
    return [];
  });
}

/** The file_id to send the same photo again by: Telegram's largest size of it. */
const fileIdOf = (sent: { photo?: { file_id: string; width: number }[] }) =>
  sent.photo?.reduce((best, size) => (size.width >= best.width ? size : best)).file_id ?? null;

/** The Deliverer over a grammy `Api`. */
export function createTelegramDeliverer(
  api: Api,
  token: string,
  limits: PlatformLimits = TELEGRAM_LIMITS,
  pages: Pick<TelegramConfig, 'publicUrl' | 'miniAppUrl'> = {},
): TelegramDeliverer {
  const pageButton = telegramPageButton(pages.publicUrl, pages.miniAppUrl);
  const render = (chatId: string, card: Card) => renderTelegram(card, { page: (path) => pageButton(chatRef(chatId), path) });
  // Without the sender's progress and media ids (the adapter used on its own), this process remembers them.
  const photosSent = new Map<string, number>();
  const localMedia = memoryMediaIds();
  const tappers = new Map<string, Tapper & { at: number }>();

  const call = async <T>(chatId: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toDeliveryError(error, token, isDirect(chatId));
    }
  };

  const bounded = <K, V>(map: Map<K, V>, key: K, value: V) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as K);
  };

  return {
    platform: 'telegram',
    // The bot's id (the token's public half): instances running the same bot share its pace and file ids.
    app: token.split(':')[0]!,
    limits,

    async send(chatId, card, { idempotencyKey, replyTo, partsSent, partSent, media = localMedia }) {
      const photos = photosOf(card);
      // Each photo is a message of its own: the sender records it (so no retry, on any instance, posts it
      // again) and paces the chat before the next; a chart Telegram already has goes by its file_id.
      for (let i = partsSent ?? photosSent.get(idempotencyKey) ?? 0; i < photos.length; i++) {
        const { png, url, caption } = photos[i]!;
        const hash = png ? mediaHash(png) : null;
        const known = hash ? await media.claim(hash) : null;
        const input = known ?? url ?? new InputFile(Buffer.from(png!, 'base64'), 'chart.png');
        let sent: Awaited<ReturnType<Api['sendPhoto']>>;
        try {
          sent = await call(chatId, () => api.sendPhoto(chatRef(chatId), input, { caption, ...replyParameters(replyTo) }));
        } catch (error) {
          if (hash && !known) await media.forget(hash).catch(() => {});
          throw error;
        }
        const fileId = fileIdOf(sent);
        if (hash && !known) await (fileId ? media.put(hash, fileId) : media.forget(hash));
        if (partSent) await partSent(i + 1);
        else bounded(photosSent, idempotencyKey, i + 1);
      }
      const rendered = render(chatId, card);
      const sent = await call(chatId, () =>
        api.sendMessage(chatRef(chatId), rendered.text, { ...messageOptions(rendered), ...replyParameters(replyTo) }),
      );
      photosSent.delete(idempotencyKey);
      return { messageId: messageRef(sent) };
    },

    async update(chatId, messageId, card) {
      const rendered = render(chatId, card);
      try {
        // Without reply_markup the keyboard goes: a card that lost its buttons loses them on screen too.
        await api.editMessageText(chatRef(chatId), messageIdOf(messageId), rendered.text, messageOptions(rendered));
      } catch (error) {
        // The card already shows this (an update raced another, or a retry after a lost response).
        if (error instanceof GrammyError && error.error_code === 400 && NOT_MODIFIED.test(error.description)) return;
        throw toDeliveryError(error, token, isDirect(chatId));
      }
    },

    async prompt(chatId, text, { replyTo }) {
      const key = `${chatId}:${replyTo ?? ''}`;
      const tapper = tappers.get(key);
      // Group and supergroup ids are negative; in a private chat there is nobody else to tell apart.
      const fresh = tapper && Date.now() - tapper.at < TAPPER_TTL_MS && chatId.startsWith('-') ? tapper : null;
      // `selective` shows the reply box only to people mentioned in the prompt (or the author of the message
      // it replies to, here the bot's own card): so it is set only when the prompt mentions the tapper.
      const html = fresh
        ? `<a href="tg://user?id=${fresh.id}">${escapeTelegram(fresh.name)}</a>: ${escapeTelegram(text)}`
        : escapeTelegram(text);
      const sent = await call(chatId, () =>
        api.sendMessage(chatRef(chatId), html, {
          parse_mode: 'HTML',
          reply_markup: { force_reply: true, ...(fresh ? { selective: true } : {}) },
          ...replyParameters(replyTo),
        }),
      );
      tappers.delete(key); // kept until sent, so a retried prompt still mentions the tapper
      return { messageId: messageRef(sent) };
    },

    rememberInputTap(chatId, cardMessageId, user) {
      bounded(tappers, `${chatId}:${cardMessageId}`, { ...user, at: Date.now() });
    },
  };
}
