/**
 * Neutral cards out to Feishu: send (or reply) as an interactive message, patch in place, plain-text
 * prompts, PNGs uploaded for image keys, and the platform's refusals turned into DeliveryErrors the
 * sender knows how to retry.
 */
import type { Client } from '@larksuiteoapi/node-sdk';
import type { Card } from '../../cards/model.ts';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { DeliveryError, type Deliverer, type MediaIds, type PlatformLimits } from '../../src/core/delivery.ts';
import type { Logger } from '../../src/core/log.ts';
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

/**
 * Refusals of a direct message that mean "this person cannot be reached by this app", so the core falls
 * back to the group: 230013 "Bot has NO availability to this user" (outside the app's availability range,
 * 可用范围), 230038 cross-tenant one-to-one chat forbidden (im-v1/message/create error codes), and
 * 99992351 / 99992361, an open_id that is not valid or belongs to another app.
 */
const UNREACHABLE_CODES = new Set([230013, 230038, 99992351, 99992361]);

/** message.patch on a message sent more than 14 days ago: "Message can only be modified within 14 days after sending." */
export const TOO_OLD_TO_UPDATE = 230031;

/** `dm:<open_id>`: the core's address for a direct message to a person (their open_id, as events report userId). */
const DM_PREFIX = 'dm:';

/** Where a chat id sends to: a group's chat_id, or a person's open_id for `dm:<open_id>`. */
export function receiver(chatId: string): { receive_id_type: 'chat_id' | 'open_id'; receive_id: string } {
  return chatId.startsWith(DM_PREFIX)
    ? { receive_id_type: 'open_id', receive_id: chatId.slice(DM_PREFIX.length) }
    : { receive_id_type: 'chat_id', receive_id: chatId };
}

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
export function toDeliveryError(what: string, failure: unknown, { direct = false }: { direct?: boolean } = {}): DeliveryError {
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
  const unreachable = direct && body.code !== undefined && UNREACHABLE_CODES.has(body.code);
  return new DeliveryError(`feishu ${what} refused (${detail})`, {
    status: res.status,
    permanent: true,
    ...(unreachable ? { unreachable: true } : {}),
    ...(body.code !== undefined ? { cause: { feishuCode: body.code } } : {}),
  });
}

/** Feishu's business code behind a refusal, if it gave one. */
export function feishuCode(error: DeliveryError): number | undefined {
  const cause = error.cause as { feishuCode?: unknown } | undefined;
  return typeof cause?.feishuCode === 'number' ? cause.feishuCode : undefined;
}

/** A business refusal inside an HTTP 200 envelope, shaped like an HTTP failure so one mapping serves both. */
function checkEnvelope(what: string, res: Envelope | null | undefined, direct = false): Envelope {
  if (res && (res.code === undefined || res.code === 0)) return res;
  throw toDeliveryError(what, { response: { status: 200, data: res ?? {}, headers: {} } }, { direct });
}

/** The SDK's HTTP client has no timeout: a hung call would hold the sender, so give up after this (retryable). */
const CALL_TIMEOUT_MS = 20_000;

async function call<T>(what: string, run: () => Promise<T>, direct = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`feishu ${what} timed out after ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
  });
  try {
    // A late answer to a timed-out send is harmless: the retry carries the same uuid.
    return await Promise.race([run(), timeout]);
  } catch (error) {
    throw toDeliveryError(what, error, { direct });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The Deliverer half of the Feishu adapter; `appId` names the app whose image keys instances share. Chat
 * ids are a group's `oc_…` or `dm:<open_id>` for a direct message (sent by open_id into the one-to-one
 * chat); a person the app cannot reach is a DeliveryError with `unreachable`, so the core uses the group.
 */
export function createFeishuDeliverer(
  client: Client,
  appId = 'feishu',
  log?: Logger,
  pageUrl: (path: string) => string | null = () => null,
): Deliverer {
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
    return renderFeishu(card, { imageKey: (png) => imageKeys.get(png), pageUrl });
  }

  /**
   * Creates a message, as a reply when `replyTo` is given (threads the card under the user's message).
   * `uuid` makes the create idempotent on Feishu's side for a while, so a retried outbox row is one
   * message; Feishu caps it at 50 characters.
   */
  async function post(chatId: string, msgType: 'interactive' | 'text', content: string, key: string, replyTo?: string) {
    const uuid = key.slice(0, 50);
    const to = receiver(chatId);
    const direct = to.receive_id_type === 'open_id';
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
    const res = await call(
      direct ? 'direct message' : 'send',
      () =>
        client.im.v1.message.create({
          params: { receive_id_type: to.receive_id_type },
          data: { receive_id: to.receive_id, msg_type: msgType, content, uuid },
        }),
      direct,
    );
    const id = checkEnvelope(direct ? 'direct message' : 'send', res, direct).data?.message_id;
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
    async update(chatId, messageId, card, options) {
      // Needs config.update_multi (renderFeishu sets it) and a message at most 14 days old (same for a DM:
      // the message id alone names it).
      const content = JSON.stringify(await render(card, options?.media));
      try {
        const res = await call('update', () => client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }));
        checkEnvelope('update', res);
      } catch (error) {
        // Past 14 days Feishu refuses every update (230031) and no retry can change that. Sending the card
        // afresh would post a new message on every later change of the card (its row keeps the old message
        // id), so the old card is left as it is, and the log says so.
        if (error instanceof DeliveryError && feishuCode(error) === TOO_OLD_TO_UPDATE) {
          log?.('warn', 'feishu card older than 14 days: Feishu no longer updates it, left as it is', { chatId, messageId });
          return;
        }
        throw error;
      }
    },
    async prompt(chatId, text, { idempotencyKey, replyTo }) {
      // Cards on Feishu carry their own inputs, so this is only a fallback: a text the user replies to.
      return post(chatId, 'text', JSON.stringify({ text }), idempotencyKey, replyTo);
    },
  };
}
