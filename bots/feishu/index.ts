/**
 * The Feishu / Lark adapter: events in over the SDK's long connection (or signed HTTP callbacks), cards
 * out through the OpenAPI. Messages are acknowledged at once and handled in the background, one at a time
 * per chat (an import may take longer than Feishu waits, and it would redeliver); taps are answered
 * within Feishu's 3 s with a toast and the card as it is now.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, EventDispatcher, LoggerLevel, WSClient, adaptDefault, type Logger as SdkLogger } from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/core/log.ts';
import type { InboundHandler, PlatformAdapter } from '../adapter.ts';
import type { FeishuConfig } from './config.ts';
import { actionEvent, messageEvent, tapReply } from './inbound.ts';
import { createFeishuDeliverer, toDeliveryError } from './outbound.ts';
import { feishuPageUrl } from '../pageLinks.ts';

export { loadFeishuConfig, type FeishuConfig } from './config.ts';

/** The adapter, plus what tests and shutdown need to see of it. */
export interface FeishuAdapter extends PlatformAdapter {
  /** The bot's open_id, learned in start(). */
  readonly botOpenId: string | null;
  /** Resolves once every message handed to the core so far has been handled. */
  idle(): Promise<void>;
  /** Where the callback server listens (http mode, after start()). */
  httpAddress(): AddressInfo | null;
}

/** Options of createFeishuAdapter. */
export interface FeishuAdapterOptions {
  log: Logger;
  /** How long start() waits for the long connection before going on (it keeps reconnecting). */
  readyTimeoutMs?: number;
  /** How long a tap waits for the core before it is answered "still working" (default FEISHU_TAP_DEADLINE_MS). */
  tapDeadlineMs?: number;
}

/**
 * Feishu shows the user an error when a tap's answer takes over 3 s ("在接收回调的 3 秒内…响应", handle card
 * callbacks). The core gets 2.5 s: the rest is for rendering the answer, the SDK's reply frame and the
 * network. A tap the core finishes later still takes effect; its card then replaces the tapped one by patch.
 */
export const FEISHU_TAP_DEADLINE_MS = 2_500;

const MAX_BODY_BYTES = 1024 * 1024;
const FAILED_TOAST = { toast: { type: 'error' as const, content: '出错了，请稍后再试 / Something went wrong, please try again' } };
const SLOW_TOAST = { toast: { type: 'info' as const, content: '仍在处理，卡片稍后更新 / Still working: the card updates shortly' } };
const LATE = Symbol('late');

/** One part of an SDK log line; a failed call becomes its method, URL, status and Feishu's code/msg. */
function describePart(part: unknown): string {
  if (typeof part === 'string') return part;
  const p = part as {
    message?: unknown;
    config?: { method?: unknown; url?: unknown };
    response?: { status?: unknown; data?: { code?: unknown; msg?: unknown } };
  } | null;
  if (p && typeof p === 'object' && ('config' in p || 'response' in p)) {
    // Never the request body: the token request's body holds the app secret, and cards are long.
    const code =
      p.response?.data && typeof p.response.data === 'object'
        ? ` code ${String(p.response.data.code)}: ${String(p.response.data.msg)}`
        : '';
    return `${String(p.message ?? 'request failed')} (${String(p.config?.method ?? '').toUpperCase()} ${String(p.config?.url ?? '')} → ${String(p.response?.status ?? 'no response')}${code})`;
  }
  if (p && typeof p === 'object' && 'code' in p && 'msg' in p)
    return `code ${String((p as { code: unknown }).code)}: ${String((p as { msg: unknown }).msg)}`;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}

/**
 * The SDK logs through console unless given a logger (its level option alone does not silence it).
 * Its lines pass through here, summarised, with any configured secret scrubbed.
 */
export function sdkLogger(log: Logger, secrets: string[]): SdkLogger {
  const text = (parts: unknown[]) => {
    // The SDK logs a failed call twice over (the error, then its response body): keep what is new.
    const described = parts.flat(2).map(describePart);
    let out = described.filter((d, i) => !described.slice(0, i).some((earlier) => earlier.includes(d))).join(' ');
    for (const s of secrets) if (s) out = out.split(s).join('***');
    return out.slice(0, 1000);
  };
  // The SDK says "error" for every refused call; the sender decides whether that is an error for us.
  const at =
    (level: 'warn' | 'debug') =>
    (...parts: unknown[]) =>
      log(level, 'feishu sdk', { detail: text(parts) });
  return { error: at('warn'), warn: at('warn'), info: at('debug'), debug: () => {}, trace: () => {} };
}

function safeEqual(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Builds the Feishu adapter; nothing connects before start(). */
export function createFeishuAdapter(
  config: FeishuConfig,
  { log, readyTimeoutMs = 30_000, tapDeadlineMs = FEISHU_TAP_DEADLINE_MS }: FeishuAdapterOptions,
): FeishuAdapter {
  const secrets = [config.appSecret, config.encryptKey ?? '', config.verificationToken ?? ''];
  const logger = sdkLogger(log, secrets);
  const sdk = { logger, loggerLevel: LoggerLevel.info };
  const client = new Client({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, ...sdk });
  const pageUrl = feishuPageUrl(config.publicUrl);
  const deliverer = createFeishuDeliverer(client, config.appId, log, pageUrl);
  const chatTypes = new Map<string, 'group' | 'direct'>();
  const chains = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();
  let botOpenId: string | null = null;
  let ws: WSClient | null = null;
  let server: Server | null = null;

  /** Runs `job` after the chat's earlier messages, without holding up the acknowledgement. */
  function background(chatId: string, job: () => Promise<unknown>) {
    const run = (chains.get(chatId) ?? Promise.resolve()).then(job).then(
      () => {},
      (error: unknown) => log('error', 'feishu message handling failed', { chatId, error }),
    );
    chains.set(chatId, run);
    inflight.add(run);
    void run.finally(() => {
      inflight.delete(run);
      if (chains.get(chatId) === run) chains.delete(chatId);
    });
  }

  async function idle() {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  }

  async function learnBotOpenId() {
    try {
      const res = await client.request<{ code?: number; msg?: string; bot?: { open_id?: string } }>({
        method: 'GET',
        url: '/open-apis/bot/v3/info',
      });
      if (res.code === 0 && res.bot?.open_id) return res.bot.open_id;
      throw toDeliveryError('bot info', { response: { status: 200, data: res, headers: {} } });
    } catch (error) {
      const reason = toDeliveryError('bot info', error).message;
      throw new Error(
        `feishu: could not read the bot's identity (${reason}); check FEISHU_APP_ID / FEISHU_APP_SECRET and that the app has the bot feature`,
      );
    }
  }

  function eventDispatcher(handler: InboundHandler, me: string) {
    return new EventDispatcher({
      ...(config.encryptKey ? { encryptKey: config.encryptKey } : {}),
      ...(config.verificationToken ? { verificationToken: config.verificationToken } : {}),
      ...sdk,
    }).register({
      'im.message.receive_v1': async (data: unknown) => {
        const event = messageEvent(data, { botOpenId: me, client });
        if (!event) return;
        if (chatTypes.size > 10_000) chatTypes.clear();
        chatTypes.set(event.chatId, event.chatType);
        background(event.chatId, () => handler(event));
      },
      'card.action.trigger': async (data: unknown) => {
        const event = actionEvent(data, chatTypes);
        if (!event) return undefined; // not one of our cards' buttons
        const handled = handler(event);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<typeof LATE>((resolve) => {
          timer = setTimeout(() => resolve(LATE), tapDeadlineMs);
        });
        try {
          const answer = await Promise.race([handled, late]);
          if (answer !== LATE) return answer ? tapReply(answer, pageUrl) : undefined;
          log('warn', 'feishu tap not answered within the deadline: told the user it is still working', {
            chatId: event.chatId,
            eventId: event.eventId,
            deadlineMs: tapDeadlineMs,
          });
          // The card in the late answer was not shown (the core queued no update for it): patch it in.
          const patched = handled
            .then(
              async (a) => {
                if (a?.card && event.messageId) await deliverer.update(event.chatId, event.messageId, a.card);
              },
              (error: unknown) => log('error', 'feishu tap failed', { chatId: event.chatId, eventId: event.eventId, error }),
            )
            .catch((error: unknown) => log('warn', 'feishu card of a late tap answer not updated', { chatId: event.chatId, error }));
          inflight.add(patched);
          void patched.finally(() => inflight.delete(patched));
          return SLOW_TOAST;
        } catch (error) {
          log('error', 'feishu tap failed', { chatId: event.chatId, eventId: event.eventId, error });
          return FAILED_TOAST;
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }

  async function startLongConnection(dispatcher: EventDispatcher) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        log('warn', 'feishu long connection not up yet; it keeps trying', { waitedMs: readyTimeoutMs });
        resolve();
      }, readyTimeoutMs);
      ws = new WSClient({
        appId: config.appId,
        appSecret: config.appSecret,
        domain: config.domain,
        handshakeTimeoutMs: 10_000,
        ...sdk,
        onReady: () => {
          clearTimeout(timer);
          resolve();
        },
        onError: (error) => {
          clearTimeout(timer);
          const message = secrets.reduce((m, s) => (s ? m.split(s).join('***') : m), error.message);
          log('error', 'feishu long connection failed', { reason: message });
          reject(new Error(`feishu long connection failed: ${message}`));
        },
      });
      void ws.start({ eventDispatcher: dispatcher });
    });
  }

  /**
   * HTTP callbacks go through the SDK's adaptDefault (URL challenge, decryption). The check is ours as
   * well as the SDK's so that a forged request gets a 401 rather than the SDK's empty 200: with an
   * encrypt key, x-lark-signature = sha256(timestamp + nonce + key + body); without one, the
   * verification token in the body.
   */
  function verified(data: { headers?: Record<string, unknown>; header?: { token?: unknown }; token?: unknown }): boolean {
    if (config.encryptKey) {
      const h = data.headers ?? {};
      const expected = createHash('sha256')
        .update(`${h['x-lark-request-timestamp'] ?? ''}${h['x-lark-request-nonce'] ?? ''}${config.encryptKey}${JSON.stringify(data)}`)
        .digest('hex');
      return safeEqual(h['x-lark-signature'], expected);
    }
    return safeEqual(data.header?.token ?? data.token, config.verificationToken ?? '');
  }

  async function startHttp(dispatcher: EventDispatcher) {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url !== config.httpPath) return void res.writeHead(404).end();
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return void res.writeHead(413).end();
      const guarded: EventDispatcher = Object.create(dispatcher);
      guarded.invoke = async (data, params) => {
        if (!verified(data)) {
          log('warn', 'refused a feishu callback: signature or token does not match', { remote: req.socket.remoteAddress });
          res.statusCode = 401;
          return { code: 401, msg: 'verification failed' };
        }
        return dispatcher.invoke(data, params);
      };
      res.setHeader('content-type', 'application/json; charset=utf-8');
      adaptDefault(config.httpPath, guarded, { autoChallenge: true })(req, res).catch((error: unknown) => {
        log('error', 'feishu callback failed', { error });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    };
    const s = createServer(handle);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(config.httpPort, config.httpHost, () => {
        s.off('error', reject);
        resolve();
      });
    });
    server = s;
  }

  return {
    ...deliverer,
    capabilities: { cardInAnswer: true },
    health() {
      if (config.mode === 'ws') {
        const state = ws?.getConnectionStatus().state ?? 'idle';
        return { connected: state === 'connected', detail: `long connection ${state}` };
      }
      return {
        connected: server?.listening ?? false,
        detail: server?.listening ? 'HTTP callbacks listening' : 'HTTP callbacks not listening',
      };
    },
    get botOpenId() {
      return botOpenId;
    },
    async start(handler) {
      botOpenId = await learnBotOpenId();
      const dispatcher = eventDispatcher(handler, botOpenId);
      if (config.mode === 'ws') await startLongConnection(dispatcher);
      else await startHttp(dispatcher);
    },
    async stop() {
      ws?.close({ force: true });
      ws = null;
      const s = server;
      server = null;
      if (s) {
        // Lets a tap being answered finish; idle keep-alive sockets are closed by server.close() itself.
        const force = setTimeout(() => s.closeAllConnections(), 5_000);
        await new Promise<void>((resolve) => s.close(() => resolve()));
        clearTimeout(force);
      }
      await idle();
    },
    idle,
    httpAddress() {
      return (server?.address() as AddressInfo | null) ?? null;
    },
  };
}
