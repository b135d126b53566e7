/**
 * Delivery to the console: a card sent is a row in web_message, an update replaces it in place, and the
 * chat's open pages are woken. There is no platform to throttle us, so no pacing beyond the sender's own.
 */
import type { Db } from '../../db/client.ts';
import { DeliveryError, type Deliverer, type PlatformLimits } from '../../src/core/delivery.ts';
import type { LiveHub } from './live.ts';
import { appendMessage, replaceCard } from './store.ts';

export const WEB_LIMITS: PlatformLimits = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };

export function createWebDeliverer(db: Db, hub: LiveHub): Deliverer {
  return {
    platform: 'web',
    limits: WEB_LIMITS,
    // Each browser shows cards in its reader's language (the console's language switch).
    everyLocale: true,
    async send(chatId, card, { idempotencyKey, replyTo, translations }) {
      // The outbox row's id names the message, so a send retried after a crash is still one message.
      const messageId = await appendMessage(db, {
        chatId,
        messageId: `o-${idempotencyKey}`,
        kind: 'card',
        card,
        cards: translations ?? null,
        replyTo: replyTo ?? null,
      });
      hub.notify(chatId);
      return { messageId };
    },
    async update(chatId, messageId, card, options) {
      if (!(await replaceCard(db, chatId, messageId, card, options?.translations ?? null))) {
        throw new DeliveryError(`console card ${messageId} is not in chat ${chatId}`, { permanent: true });
      }
      hub.notify(chatId);
    },
    async prompt(chatId, text, { idempotencyKey, replyTo }) {
      const messageId = await appendMessage(db, {
        chatId,
        messageId: `o-${idempotencyKey}`,
        kind: 'prompt',
        text,
        replyTo: replyTo ?? null,
      });
      hub.notify(chatId);
      return { messageId };
    },
  };
}
