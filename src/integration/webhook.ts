/**
 * The webhook target: POSTs the event's envelope (JSON) to the subscription's URL, signed per Standard
 * Webhooks (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md)
 * with the maintained `standardwebhooks` package: `webhook-id` (the event id, the same on every retry),
 * `webhook-timestamp` (this attempt, unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`;
 * during a rotation a second signature with the previous secret, space-separated).
 *
 * Responses, as the spec suggests: 2xx delivered; 410 Gone fails at once and deactivates the
 * subscription (the receiver asked to stop); every other status, a timeout (15 s) or a network error is a
 * failure retried with backoff, a Retry-After header (429, 503) asking for a later attempt. Redirects are
 * not followed (the spec counts 3xx as failure: update the URL instead).
 *
 * Errors name the URL without its query string and never a secret.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { DeliveryError, registerDeliveryTarget, type DeliveryHandler } from './delivery.ts';

/** A new signing secret: `whsec_` and 32 random bytes in base64 (the spec asks for 24 to 64). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** The URL as errors and listings may show it: no query string or credentials (they may carry tokens). */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export const WEBHOOK_TIMEOUT_MS = 15_000;

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers and body of one attempt: signed with `secret`, and also with `previousSecret` while it is
 * valid (a rotation's grace period).
 */
export function signedRequest(
  eventId: string,
  body: string,
  secrets: { secret: string; previousSecret?: string | null; previousSecretUntil?: Date | null },
  now = new Date(),
): SignedRequest {
  const signatures = [new Webhook(secrets.secret).sign(eventId, now, body)];
  if (secrets.previousSecret && secrets.previousSecretUntil && secrets.previousSecretUntil.getTime() > now.getTime())
    signatures.push(new Webhook(secrets.previousSecret).sign(eventId, now, body));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'stocktake-assistant-webhooks/1',
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
    },
  };
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or null. */
function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Sends one signed POST; resolves with the status when 2xx, throws a DeliveryError otherwise. */
export async function postSigned(url: string, request: SignedRequest, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<number> {
  const where = shownUrl(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = timedOut
      ? `no answer within ${Math.round(timeoutMs / 1000)} s`
      : ((error as { cause?: { code?: string } }).cause?.code ?? 'network error');
    throw new DeliveryError(`POST ${where}: ${reason}`, { retryable: true });
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {});
    return response.status;
  }
  const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
  const said = `POST ${where}: HTTP ${response.status}${text ? ` ${text}` : ''}`;
  if (response.status === 410)
    throw new DeliveryError(`${said} (the receiver asked to stop: subscription deactivated)`, { retryable: false });
  const after = retryAfterMs(response.headers.get('retry-after'));
  throw new DeliveryError(said, { retryable: true, ...(after !== null ? { retryAfterMs: after } : {}) });
}

interface SubscriptionRow {
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: string | null;
  active: boolean;
}

async function subscription(db: DbOrTx, id: string): Promise<SubscriptionRow | undefined> {
  const [row] = await queryRows<SubscriptionRow>(
    db,
    sql`select url, secret, previous_secret, previous_secret_until::text as previous_secret_until, active
        from webhook_subscription where id = ${id}::uuid`,
  );
  return row;
}

/** The 'webhook' delivery target. */
export const deliverWebhook: DeliveryHandler = async ({ db, event, targetId }) => {
  const sub = await subscription(db, targetId);
  if (!sub || !sub.active) throw new DeliveryError('the webhook subscription was removed', { retryable: false });
  const request = signedRequest(event.id, JSON.stringify(event.payload), {
    secret: sub.secret,
    previousSecret: sub.previous_secret,
    previousSecretUntil: sub.previous_secret_until ? new Date(sub.previous_secret_until) : null,
  });
  try {
    await postSigned(sub.url, request);
  } catch (error) {
    if (error instanceof DeliveryError && !error.retryable && / HTTP 410/.test(error.message))
      await db.execute(sql`update webhook_subscription set active = false where id = ${targetId}::uuid`);
    throw error;
  }
  return {};
};

registerDeliveryTarget('webhook', deliverWebhook);
