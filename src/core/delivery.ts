/**
 * What the sender needs from a platform: send a card, update one in place, ask for a reply. Adapters in
 * bots/ implement it; the sender knows nothing else about them.
 */
import type { Locale } from '../../cards/i18n/index.ts';
import type { Card } from '../../cards/model.ts';

export interface PlatformLimits {
  /** Minimum spacing of messages to one chat, in ms (Telegram ~1/s per chat). */
  perChatIntervalMs: number;
  /** Messages to one group per minute (Telegram 20, DingTalk 20); null when only the spacing applies. */
  perChatPerMinute: number | null;
  /** Calls per second for the whole app (Feishu 50/s, Telegram ~30/s). */
  perAppPerSecond: number;
}

/**
 * Platform ids of media already uploaded (Telegram file_id, Feishu image_key, DingTalk media id) by the
 * content's hash. The sender passes one backed by the database (table platform_media, src/core/media.ts),
 * so every instance reuses what any of them uploaded; adapters fall back to memory when called without one.
 */
export interface MediaIds {
  /**
   * The platform's id for the content, or null: then the caller uploads it, and calls `put` with the id (or
   * `forget` when the upload failed). Throws a throttled DeliveryError while another instance uploads it.
   */
  claim(contentHash: string): Promise<string | null>;
  put(contentHash: string, mediaId: string): Promise<void>;
  forget(contentHash: string): Promise<void>;
}

/** What the sender tells a deliverer about the row it delivers. */
export interface SendOptions {
  /** Stable across retries of the same outbox row, on any instance (Feishu's uuid, DingTalk's outTrackId). */
  idempotencyKey: string;
  replyTo?: string;
  /** Messages of this send an earlier attempt already delivered (charts posted before the text): skip them. */
  partsSent?: number;
  /**
   * Call after each message of a multi-message send but the last: records `n` messages as delivered (so a
   * retry does not post them again) and waits until the chat and the app may receive the next one.
   */
  partSent?: (n: number) => Promise<void>;
  media?: MediaIds;
  /** The card in every language, for a deliverer with `everyLocale` (its readers each choose theirs). */
  translations?: Partial<Record<Locale, Card>>;
}

export interface Deliverer {
  readonly platform: string;
  /**
   * The bot or app within the platform (Telegram bot id, Feishu app id, DingTalk robot code): its app-wide
   * budget and its uploaded media are shared by the instances running the same one. Defaults to the platform.
   */
  readonly app?: string;
  readonly limits: PlatformLimits;
  /**
   * Each reader sees the card in their own language (the console's language switch): the sender renders a
   * card that has a view in every locale and passes them as `translations`.
   */
  readonly everyLocale?: boolean;
  /** Sends a card; `idempotencyKey` is stable across retries of the same outbox row (Feishu's uuid). */
  send(chatId: string, card: Card, options: SendOptions): Promise<{ messageId: string }>;
  /** Replaces a sent card in place for everyone in the chat. */
  update(
    chatId: string,
    messageId: string,
    card: Card,
    options?: { media?: MediaIds; translations?: Partial<Record<Locale, Card>> },
  ): Promise<void>;
  /**
   * Asks the user to answer in a reply (Telegram ForceReply); the answer arrives as a TextEvent with
   * replyToMessageId. `token` is the action the answer completes, for a platform where nobody can reply to
   * the bot and the answer is typed with it instead (DingTalk: "note <token> …").
   */
  prompt(
    chatId: string,
    text: string,
    options: { idempotencyKey: string; replyTo?: string; token?: string },
  ): Promise<{ messageId: string }>;
}

/**
 * A platform refused or failed a delivery. `retryAfterMs` comes from the platform (Telegram retry_after,
 * Feishu x-ogw-ratelimit-reset); `permanent` marks refusals that no retry will fix (a bad request, a chat
 * the bot was removed from). A throttled refusal (status 429, or a retry-after) says "not now": the sender
 * waits and never counts it as a failed attempt; `scope` says whether the platform throttled the chat or
 * the whole app (Feishu's 99991400 is the app's gateway limit), so the wait holds the right one.
 */
export class DeliveryError extends Error {
  readonly code = 'DELIVERY_FAILED';
  constructor(
    message: string,
    readonly options: {
      status?: number;
      retryAfterMs?: number | null;
      permanent?: boolean;
      /** The person of a direct message (`dm:<user id>`) cannot be reached there: the core falls back to the group. */
      unreachable?: boolean;
      scope?: 'chat' | 'app';
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
  }
  get retryAfterMs(): number | null {
    return this.options.retryAfterMs ?? null;
  }
  get permanent(): boolean {
    return this.options.permanent ?? false;
  }
  /** The platform said "too many" (429 or a throttling code): wait, and do not count the attempt. */
  get throttled(): boolean {
    return !this.permanent && (this.options.status === 429 || this.options.retryAfterMs != null);
  }
  get scope(): 'chat' | 'app' {
    return this.options.scope ?? 'chat';
  }
}
