/**
 * What the sender needs from a platform: send a card, update one in place, ask for a reply. Adapters in
 * bots/ implement it; the sender knows nothing else about them.
 */
import type { Card } from '../../cards/model.ts';

export interface PlatformLimits {
  /** Minimum spacing of messages to one chat, in ms (Telegram ~1/s per chat). */
  perChatIntervalMs: number;
  /** Messages to one group per minute (Telegram 20, DingTalk 20); null when only the spacing applies. */
  perChatPerMinute: number | null;
  /** Calls per second for the whole app (Feishu 50/s, Telegram ~30/s). */
  perAppPerSecond: number;
}

export interface Deliverer {
  readonly platform: string;
  readonly limits: PlatformLimits;
  /** Sends a card; `idempotencyKey` is stable across retries of the same outbox row (Feishu's uuid). */
  send(chatId: string, card: Card, options: { idempotencyKey: string; replyTo?: string }): Promise<{ messageId: string }>;
  /** Replaces a sent card in place for everyone in the chat. */
  update(chatId: string, messageId: string, card: Card): Promise<void>;
  /** Asks the user to answer in a reply (Telegram ForceReply); the answer arrives as a TextEvent with replyToMessageId. */
  prompt(chatId: string, text: string, options: { idempotencyKey: string; replyTo?: string }): Promise<{ messageId: string }>;
}

/**
 * A platform refused or failed a delivery. `retryAfterMs` comes from the platform (Telegram retry_after,
 * Feishu x-ogw-ratelimit-reset); `permanent` marks refusals that no retry will fix (a bad request, a chat
 * the bot was removed from).
 */
export class DeliveryError extends Error {
  readonly code = 'DELIVERY_FAILED';
  constructor(
    message: string,
    readonly options: { status?: number; retryAfterMs?: number | null; permanent?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
  get retryAfterMs(): number | null {
    return this.options.retryAfterMs ?? null;
  }
  get permanent(): boolean {
    return this.options.permanent ?? false;
  }
}
