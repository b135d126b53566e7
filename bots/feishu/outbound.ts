/**
 * Neutral cards out to Feishu: send (or reply) as an interactive message, patch in place, plain-text
 * prompts, PNGs uploaded for image keys, and the platform's refusals turned into DeliveryErrors the
 * sender knows how to retry.
 */
import type { Client } from '@larksuiteoapi/node-sdk';
import type { Card } from '../../cards/model.ts';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { DeliveryError, type Deliverer, type MediaIds, type PlatformLimits } from '../../src/core/delivery.ts';
import { memoryMediaIds, uploadOnce } from '../../src/core/media.ts';

/**
 * 5 QPS per chat (shared by every bot in a group) and 50 messages/s per app; the 1000/min app cap is
 * far above what one team's cards need, so only the spacing and the per-second cap are paced.
 */
export const FEISHU_LIMITS: PlatformLimits = { perChatIntervalMs: 200, perChatPerMinute: null, perAppPerSecond: 50 };

/**
 * Codes that mean "too fast" even when the HTTP status is 400 (older APIs) or 200 (business envelope):
 * 99991400 is the app's gateway limit (it holds every chat), 230020 and 11232 a chat's or a message's.
 */
const THROTTLE_CODES = new Set([99991400, 230020, 11232]);
const APP_THROTTLE_CODE = 99991400;

interface Envelope {
  code?: number;
  msg?: string;
  data?: { message_id?: string } | undefined;
}

/** The axios error the SDK rethrows (axios itself is only the SDK's dependency). */
interface HttpFailure {
  isAxiosError?: boolean;
  code?: string;
  response?: { status: number; data?: unknown; headers?: Record<string, unknown> };
}

function retryAfterMs(headers: Record<string, unknown> | undefined): number | null {
  const reset = Number(headers?.['x-ogw-ratelimit-reset']);
  return Number.isFinite(reset) && reset >= 0 ? Math.max(reset, 0.2) * 1000 : null;
}

/**
 * Maps what a Feishu call threw or answered to a DeliveryError: throttled → retry after
 * x-ogw-ratelimit-reset; 5xx or no response → retry with backoff; any other refusal → permanent, with
 * Feishu's code and msg (never the request, which may carry tokens).
 */
export function toDeliveryError(what: string, failure: unknown): DeliveryError {
  if (failure instanceof DeliveryError) return failure;
  const f = failure as HttpFailure;
  const res = f?.response;
  if (!res) {
    const reason = f?.code ?? (failure instanceof Error ? failure.message : 'unknown error');
    return new DeliveryError(`feishu ${what} failed: ${reason}`, { cause: failure });
  }
  const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as Envelope;
  const detail = `HTTP ${res.status}${body.code !== undefined ? `, code ${body.code}` : ''}${body.msg ? `: ${body.msg}` : ''}`;
  if (res.status === 429 || (body.code !== undefined && THROTTLE_CODES.has(body.code))) {
    const scope = body.code === APP_THROTTLE_CODE || (res.status === 429 && body.code === undefined) ? 'app' : 'chat';
    return new DeliveryError(`feishu ${what} throttled (${detail})`, { status: 429, retryAfterMs: retryAfterMs(res.headers), scope });
  }
  if (res.status >= 500) return new DeliveryError(`feishu ${what} failed (${detail})`, { status: res.status });
  return new DeliveryError(`feishu ${what} refused (${detail})`, { status: res.status, permanent: true });
}

/** A business refusal inside an HTTP 200 envelope, shaped like an HTTP failure so one mapping serves both. */
function checkEnvelope(what: string, res: Envelope | null | undefined): Envelope {
  if (res && (res.code === undefined || res.code === 0)) return res;
  throw toDeliveryError(what, { response: { status: 200, data: res ?? {}, headers: {} } });
}

/** The SDK's HTTP client has no timeout: a hung call would hold the sender, so give up after this (retryable). */
const CALL_TIMEOUT_MS = 20_000;

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`feishu ${what} timed out after ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
  });
  try {
    // A late answer to a timed-out send is harmless: the retry carries the same uuid.
    return await Promise.race([run(), timeout]);
  } catch (error) {
    throw toDeliveryError(what, error);
  } finally {
    clearTimeout(timer);
  }
}

/** The Deliverer half of the Feishu adapter; `appId` names the app whose image keys instances share. */
export function createFeishuDeliverer(client: Client, appId = 'feishu'): Deliverer {
  // Without the sender's media ids (the deliverer used on its own), this process remembers image keys.
  const localMedia = memoryMediaIds();

  /** The card as Feishu JSON, its charts uploaded once (image keys shared by instances through `media`). */
  async function render(card: Card, media: MediaIds = localMedia) {
    const imageKeys = new Map<string, string>();
    for (const el of card.elements) {
      if (el.type !== 'image' || !el.png || imageKeys.has(el.png)) continue;
      const png = el.png;
      const key = await uploadOnce(media, png, async () => {
        // image.create resolves to `data` itself ({image_key}), not the {code, msg, data} envelope.
        const res = await call('image upload', () =>
          client.im.v1.image.create({ data: { image_type: 'message', image: Buffer.from(png, 'base64') } }),
        );
        if (!res?.image_key) throw new DeliveryError('feishu image upload returned no image_key', { permanent: true });
        return res.image_key;
      });
      imageKeys.set(png, key);
    }
    return renderFeishu(card, { imageKey: (png) => imageKeys.get(png) });
  }

  /**
   * Creates a message, as a reply when `replyTo` is given (threads the card under the user's message).
   * `uuid` makes the create idempotent on Feishu's side for a while, so a retried outbox row is one
   * message; Feishu caps it at 50 characters.
   */
  async function post(chatId: string, msgType: 'interactive' | 'text', content: string, key: string, replyTo?: string) {
    const uuid = key.slice(0, 50);
    if (replyTo) {
      try {
        const res = await call('reply', () =>
          client.im.v1.message.reply({ path: { message_id: replyTo }, data: { msg_type: msgType, content, uuid } }),
        );
        const id = checkEnvelope('reply', res).data?.message_id;
        if (id) return { messageId: id };
      } catch (error) {
        // The message replied to may be gone (recalled, too old): post into the chat instead.
        if (!(error instanceof DeliveryError) || !error.permanent) throw error;
      }
    }
    const res = await call('send', () =>
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, msg_type: msgType, content, uuid },
      }),
    );
    const id = checkEnvelope('send', res).data?.message_id;
    if (!id) throw new DeliveryError('feishu send returned no message_id', { permanent: true });
    return { messageId: id };
  }

  return {
    platform: 'feishu',
    app: appId,
    limits: FEISHU_LIMITS,
    async send(chatId, card, { idempotencyKey, replyTo, media }) {
      return post(chatId, 'interactive', JSON.stringify(await render(card, media)), idempotencyKey, replyTo);
    },
    async update(_chatId, messageId, card, options) {
      // Needs config.update_multi (renderFeishu sets it) and a message at most 14 days old.
      const content = JSON.stringify(await render(card, options?.media));
      const res = await call('update', () => client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }));
      checkEnvelope('update', res);
    },
    async prompt(chatId, text, { idempotencyKey, replyTo }) {
      // Cards on Feishu carry their own inputs, so this is only a fallback: a text the user replies to.
      return post(chatId, 'text', JSON.stringify({ text }), idempotencyKey, replyTo);
    },
  };
}
