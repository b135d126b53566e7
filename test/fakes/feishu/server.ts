import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  cardActionEvent,
  envelope,
  hex,
  messageReceiveEvent,
  newId,
  type AppIdentity,
  type EventEnvelope,
} from './events.ts';
import { decodeFrame, encodeFrame, FrameMethod, headerValue, type Frame } from './frame.ts';
import { parseMultipart, readBody } from './http.ts';

// A local stand-in for open.feishu.cn that the real @larksuiteoapi/node-sdk talks to unmodified:
// pass `domain` to Client and WSClient. HTTP for the OpenAPI, a websocket for the long connection.
// Shapes follow the SDK source (lib/index.js) and Feishu's docs; where Feishu documents no error
// code for a case, the code used here is marked "invented".

export interface ClientConfig {
  /** Seconds between the client's pings. */
  PingInterval: number;
  /** Reconnect attempts after a drop (-1: forever, Feishu's real setting). */
  ReconnectCount: number;
  /** Seconds between reconnect attempts. */
  ReconnectInterval: number;
  /** Upper bound, in seconds, of the random delay before the first reconnect attempt. */
  ReconnectNonce: number;
}

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  botOpenId?: string;
  botName?: string;
  tenantKey?: string;
  /** Goes into every event's header.token (Feishu's "Verification Token"). */
  verificationToken?: string;
  /** Sent with the ws endpoint and in every pong. Defaults are small so reconnects are fast. */
  clientConfig?: Partial<ClientConfig>;
  /** How long an inbound event waits for a connection and then for the client's reply frame. */
  ackTimeoutMs?: number;
  /** Split event payloads into frames of at most this many bytes (sum/seq headers, as Feishu does). */
  maxFramePayload?: number;
}

export interface FakeFeishuMessage {
  messageId: string;
  chatId: string;
  receiveIdType: string;
  msgType: string;
  /** Parsed content JSON: the card for `interactive`, `{text}` for `text`. */
  content: unknown;
  uuid?: string;
  /** Set when sent with im.v1.message.reply. */
  replyTo?: string;
  /** Every later version of the card, parsed: from message.patch, interactive/v1/card/update and a tap's reply card. */
  updates: unknown[];
  createdAt: number;
}

export interface FakeFeishuRequest {
  method: string;
  /** Path with query string, e.g. `/open-apis/im/v1/messages?receive_id_type=chat_id`. */
  path: string;
  body: unknown;
  status: number;
}

export interface SendMessageInput {
  chatId: string;
  chatType?: 'group' | 'p2p';
  openId: string;
  text?: string;
  mentionBot?: boolean;
  file?: { name: string; content: Buffer };
  messageId?: string;
  eventId?: string;
}

export interface TapCardInput {
  messageId: string;
  /** Defaults to the chat the card was sent to. */
  chatId?: string;
  openId: string;
  value: Record<string, unknown>;
  /** Element tag; defaults from what is given (option → select_static, inputValue → input, else button). */
  tag?: string;
  option?: string;
  inputValue?: string;
  formValue?: Record<string, unknown>;
  eventId?: string;
}

/** What came back on the reply frame: `code` 200 (or 500 if the handler threw) and the decoded handler result. */
export interface Delivery {
  code: number;
  reply: any;
  ms: number;
}

export interface FakeFeishu {
  domain: string;
  appId: string;
  appSecret: string;
  botOpenId: string;
  botName: string;
  tenantKey: string;
  verificationToken: string;
  sendMessage(e: SendMessageInput): Promise<{ eventId: string; messageId: string; fileKey?: string; reply: unknown; code: number }>;
  tapCard(e: TapCardInput): Promise<{ eventId: string; token: string; reply: any; ms: number; code: number }>;
  redeliver(eventId: string): Promise<Delivery>;
  messages: FakeFeishuMessage[];
  requests: FakeFeishuRequest[];
  uploadedImages: { imageKey: string; bytes: number }[];
  failNext(
    match: { method?: string; pathIncludes: string },
    reply: { status: number; code?: number; msg?: string; resetSeconds?: number; times?: number },
  ): void;
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Long connections that have sent their first ping (events only go to those). */
  readonly connections: number;
  /** Drops every long connection, as a network failure would; the SDK reconnects by itself. */
  disconnect(): void;
  close(): Promise<void>;
}

const CARD_LIMIT = 30 * 1024; // bytes, for interactive content (Feishu: 230025 above it)
const TEXT_LIMIT = 150 * 1024;
const MSG_TYPES = new Set(['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user', 'system']);
const RECEIVE_ID_TYPES = new Set(['open_id', 'union_id', 'user_id', 'email', 'chat_id']);

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}
const invalidParam = (ext: string) =>
  new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=${ext}`);
const fieldViolation = (field: string) => new ApiError(400, 99992402, `field validation failed: ${field}`);

/** A shared card can be updated for everyone. JSON 2.0 cards are always shared (update_multi defaults to true there). */
function isSharedCard(card: unknown): boolean {
  if (!card || typeof card !== 'object') return false;
  const c = card as { schema?: unknown; config?: { update_multi?: unknown } };
  return c.schema === '2.0' ? c.config?.update_multi !== false : c.config?.update_multi === true;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParam(`invalid ${what}: not JSON`);
  }
}

export async function startFakeFeishu(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const appId = options.appId ?? `cli_${hex(8)}`;
  const appSecret = options.appSecret ?? hex(16);
  const botOpenId = options.botOpenId ?? newId.openId();
  const botName = options.botName ?? 'Stocktake Bot';
  const tenantKey = options.tenantKey ?? hex(8);
  const verificationToken = options.verificationToken ?? hex(16);
  const clientConfig: ClientConfig = {
    PingInterval: 120,
    ReconnectCount: 10,
    ReconnectInterval: 0.2,
    ReconnectNonce: 0,
    ...options.clientConfig,
  };
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const app: AppIdentity = { appId, tenantKey, verificationToken };
  // Derived from the credentials, not random: the SDK caches tokens process-wide per appId
  // (internalCache), so a second fake with the same credentials must accept the cached token.
  const tenantToken = `t-g1044${createHash('sha256').update(`${appId}:${appSecret}`).digest('hex').slice(0, 34)}`;

  const messages: FakeFeishuMessage[] = [];
  const requests: FakeFeishuRequest[] = [];
  const uploadedImages: { imageKey: string; bytes: number }[] = [];
  const byUuid = new Map<string, { message: FakeFeishuMessage; response: unknown }>();
  const inbound = new Map<string, { chatId: string; files: Map<string, { name: string; content: Buffer }> }>();
  const unionIds = new Map<string, string>();
  const unionIdOf = (openId: string) => {
    let id = unionIds.get(openId);
    if (!id) unionIds.set(openId, (id = newId.unionId()));
    return id;
  };
  // Card callback tokens: valid 30 minutes, usable twice, only after the tap has been answered.
  const cardTokens = new Map<string, { messageId: string; uses: number; expiresAt: number; answered: boolean }>();
  const delivered = new Map<string, EventEnvelope>();
  const failRules: { method?: string; pathIncludes: string; status: number; code?: number; msg?: string; resetSeconds?: number; remaining: number }[] = [];

  // ---------------------------------------------------------------- long connection
  interface Conn {
    ws: WebSocket;
    serviceId: number;
    ready: boolean;
  }
  const conns = new Set<Conn>();
  const tickets = new Map<string, { serviceId: number }>();
  const readyWaiters = new Set<() => void>();
  const pending = new Map<string, { conn: Conn; started: number; resolve: (d: Delivery) => void; reject: (e: Error) => void }>();
  let seq = 0;
  const wss = new WebSocketServer({ noServer: true });

  const readyConn = () => [...conns].reverse().find((c) => c.ready && c.ws.readyState === c.ws.OPEN);

  function waitForConn(): Promise<Conn> {
    const now = readyConn();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        readyWaiters.delete(onReady);
        reject(new Error(`fake feishu: no long connection within ${ackTimeoutMs} ms (start a WSClient first)`));
      }, ackTimeoutMs);
      const onReady = () => {
        const c = readyConn();
        if (!c) return;
        clearTimeout(timer);
        readyWaiters.delete(onReady);
        resolve(c);
      };
      readyWaiters.add(onReady);
    });
  }

  function onConnection(ws: WebSocket, serviceId: number) {
    const conn: Conn = { ws, serviceId, ready: false };
    conns.add(conn);
    ws.on('message', (data: RawData) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      let frame: Frame;
      try {
        frame = decodeFrame(buf);
      } catch {
        return; // the real gateway ignores garbage too
      }
      const type = headerValue(frame, 'type');
      if (frame.method === FrameMethod.control && type === 'ping') {
        // Pong carries the ClientConfig; the SDK applies it (all four fields, or it computes NaN timers).
        ws.send(
          encodeFrame({
            SeqID: 0,
            LogID: 0,
            service: frame.service,
            method: FrameMethod.control,
            headers: [{ key: 'type', value: 'pong' }],
            payload: Buffer.from(JSON.stringify(clientConfig)),
          }),
        );
        // The SDK only listens for data frames once its first ping is out: push nothing before it.
        if (!conn.ready) {
          conn.ready = true;
          for (const w of [...readyWaiters]) w();
        }
        return;
      }
      if (frame.method === FrameMethod.data) {
        const id = headerValue(frame, 'message_id');
        const p = id === undefined ? undefined : pending.get(id);
        if (!p || !frame.payload) return;
        pending.delete(id!);
        const ms = performance.now() - p.started;
        try {
          const ack = JSON.parse(Buffer.from(frame.payload).toString('utf8')) as { code: number; data?: string };
          const reply = ack.data ? JSON.parse(Buffer.from(ack.data, 'base64').toString('utf8')) : undefined;
          p.resolve({ code: ack.code, reply, ms });
        } catch (e) {
          p.reject(new Error(`fake feishu: undecodable reply frame: ${String(e)}`));
        }
      }
    });
    ws.on('close', () => {
      conns.delete(conn);
      for (const [id, p] of pending) {
        if (p.conn !== conn) continue;
        pending.delete(id);
        p.reject(new Error('fake feishu: long connection closed before the event was acknowledged'));
      }
    });
    ws.on('error', () => {});
  }

  async function push(env: EventEnvelope): Promise<Delivery> {
    const conn = await waitForConn();
    const frameMessageId = hex(16);
    const traceId = hex(8);
    const payload = Buffer.from(JSON.stringify(env));
    const size = Math.max(1, options.maxFramePayload ?? payload.length);
    const chunks: Buffer[] = [];
    for (let at = 0; at < payload.length; at += size) chunks.push(payload.subarray(at, at + size));
    const result = new Promise<Delivery>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(frameMessageId);
        reject(new Error(`fake feishu: no reply frame for ${env.header.event_type} ${env.header.event_id} within ${ackTimeoutMs} ms`));
      }, ackTimeoutMs);
      pending.set(frameMessageId, {
        conn,
        started: performance.now(),
        resolve: (d) => (clearTimeout(timer), resolve(d)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
    chunks.forEach((chunk, i) => {
      seq += 1;
      conn.ws.send(
        encodeFrame({
          SeqID: seq,
          LogID: seq,
          service: conn.serviceId,
          method: FrameMethod.data,
          headers: [
            { key: 'type', value: 'event' },
            { key: 'message_id', value: frameMessageId },
            { key: 'sum', value: String(chunks.length) },
            { key: 'seq', value: String(i) },
            { key: 'trace_id', value: traceId },
          ],
          payload: chunk,
        }),
      );
    });
    return result;
  }

  // A tap's reply may carry a card ({type:'raw', data} or {type:'template', data}); Feishu then
  // replaces the card in place, so it counts as an update.
  function applyTapReply(env: EventEnvelope, reply: unknown) {
    if (env.header.event_type !== 'card.action.trigger') return;
    const token = (env.event as { token: string }).token;
    const t = cardTokens.get(token);
    if (t) t.answered = true;
    const card = (reply as { card?: { type?: string; data?: unknown } } | undefined)?.card;
    if (!card || !t) return;
    const msg = messages.find((m) => m.messageId === t.messageId);
    if (msg) msg.updates.push(card.type === 'raw' ? card.data : card);
  }

  async function deliver(env: EventEnvelope): Promise<Delivery> {
    delivered.set(env.header.event_id, env);
    const d = await push(env);
    applyTapReply(env, d.reply);
    return d;
  }

  // ---------------------------------------------------------------- HTTP
  function checkAuth(req: IncomingMessage) {
    const auth = req.headers.authorization;
    if (!auth || !/^Bearer\s+\S/.test(auth)) {
      throw new ApiError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
    }
    if (auth.replace(/^Bearer\s+/, '') !== tenantToken) {
      throw new ApiError(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    }
  }

  function createMessage(body: any, receiveIdType: string, chatId: string, replyTo?: string) {
    const uuid = typeof body.uuid === 'string' && body.uuid ? (body.uuid as string) : undefined;
    if (uuid && byUuid.has(uuid)) return byUuid.get(uuid)!.response; // idempotent send: same message, nothing new
    if (!MSG_TYPES.has(body.msg_type)) throw fieldViolation('msg_type');
    if (typeof body.content !== 'string') throw fieldViolation('content');
    const limit = body.msg_type === 'interactive' || body.msg_type === 'post' ? CARD_LIMIT : TEXT_LIMIT;
    if (Buffer.byteLength(body.content) > limit) {
      throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
    }
    const content = parseJson(body.content, 'content');
    const now = Date.now();
    const message: FakeFeishuMessage = {
      messageId: newId.message(),
      chatId,
      receiveIdType,
      msgType: body.msg_type,
      content,
      ...(uuid ? { uuid } : {}),
      ...(replyTo ? { replyTo } : {}),
      updates: [],
      createdAt: now,
    };
    messages.push(message);
    const response = {
      code: 0,
      msg: 'success',
      data: {
        message_id: message.messageId,
        ...(replyTo ? { root_id: replyTo, parent_id: replyTo } : {}),
        msg_type: message.msgType,
        create_time: String(now),
        update_time: String(now),
        deleted: false,
        updated: false,
        chat_id: receiveIdType === 'chat_id' ? chatId : `oc_${hex(16)}`,
        sender: { id: appId, id_type: 'app_id', sender_type: 'app', tenant_key: tenantKey },
        body: { content: body.content },
      },
    };
    if (uuid) byUuid.set(uuid, { message, response });
    return response;
  }

  type Route = (req: IncomingMessage, url: URL, raw: Buffer, match: RegExpExecArray) => unknown;
  const json = (raw: Buffer): any => {
    if (raw.length === 0) return {};
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError(400, 99992402, 'field validation failed: body is not JSON');
    }
  };

  const routes: { method: string; path: RegExp; auth: boolean; handle: Route }[] = [
    {
      method: 'POST',
      path: /^\/open-apis\/auth\/v3\/(tenant|app)_access_token\/internal$/,
      auth: false,
      handle: (_req, _url, raw, m) => {
        const b = json(raw);
        if (b.app_id !== appId || b.app_secret !== appSecret) throw new ApiError(400, 10014, 'app secret invalid');
        return m[1] === 'app'
          ? { code: 0, msg: 'ok', app_access_token: `a-${tenantToken.slice(2)}`, tenant_access_token: tenantToken, expire: 7200 }
          : { code: 0, msg: 'ok', tenant_access_token: tenantToken, expire: 7200 };
      },
    },
    {
      method: 'POST',
      path: /^\/callback\/ws\/endpoint$/,
      auth: false,
      handle: (_req, _url, raw) => {
        const b = json(raw);
        if (b.AppID !== appId || b.AppSecret !== appSecret) return { code: 514, msg: 'auth failed', data: {} };
        const ticket = hex(16);
        const serviceId = 33554000 + Math.floor(Math.random() * 1000);
        tickets.set(ticket, { serviceId });
        // device_id must not be the first parameter: the SDK runs qs.parse over the whole URL, so
        // the first key would come out as "ws://host/path?device_id".
        const url = `${domain.replace(/^http/, 'ws')}/ws/v2?fpid=493&aid=552564&device_id=${hex(8)}&access_key=${hex(16)}&service_id=${serviceId}&ticket=${ticket}`;
        return { code: 0, msg: 'ok', data: { URL: url, ClientConfig: clientConfig } };
      },
    },
    {
      method: 'GET',
      path: /^\/open-apis\/bot\/v3\/info$/,
      auth: true,
      handle: () => ({
        code: 0,
        msg: 'ok',
        bot: { activate_status: 2, app_name: botName, avatar_url: '', ip_white_list: [], open_id: botOpenId },
      }),
    },
    {
      method: 'POST',
      path: /^\/open-apis\/im\/v1\/messages$/,
      auth: true,
      handle: (_req, url, raw) => {
        const receiveIdType = url.searchParams.get('receive_id_type') ?? '';
        if (!RECEIVE_ID_TYPES.has(receiveIdType)) throw fieldViolation('receive_id_type');
        const b = json(raw);
        if (typeof b.receive_id !== 'string' || !b.receive_id) throw fieldViolation('receive_id');
        return createMessage(b, receiveIdType, b.receive_id);
      },
    },
    {
      method: 'POST',
      path: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/,
      auth: true,
      handle: (_req, _url, raw, m) => {
        const parentId = m[1]!;
        const chatId = inbound.get(parentId)?.chatId ?? messages.find((x) => x.messageId === parentId)?.chatId;
        if (!chatId) throw invalidParam('message not found'); // invented ext
        return createMessage(json(raw), 'chat_id', chatId, parentId);
      },
    },
    {
      method: 'PATCH',
      path: /^\/open-apis\/im\/v1\/messages\/([^/]+)$/,
      auth: true,
      handle: (_req, _url, raw, m) => {
        const msg = messages.find((x) => x.messageId === m[1]);
        if (!msg) throw invalidParam('message not found'); // invented ext
        if (msg.msgType !== 'interactive') throw invalidParam('This message is NOT a card');
        const b = json(raw);
        if (typeof b.content !== 'string') throw fieldViolation('content');
        if (Buffer.byteLength(b.content) > CARD_LIMIT) {
          throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
        }
        const card = parseJson(b.content, 'content');
        // Feishu: update_multi must be true on the card both before and after the update.
        const current = msg.updates.length ? msg.updates[msg.updates.length - 1] : msg.content;
        if (!isSharedCard(current) || !isSharedCard(card)) {
          throw invalidParam('only shared cards can be updated: set config.update_multi=true'); // invented ext
        }
        msg.updates.push(card);
        return { code: 0, msg: 'success', data: {} };
      },
    },
    {
      method: 'POST',
      path: /^\/open-apis\/interactive\/v1\/card\/update$/,
      auth: true,
      handle: (_req, _url, raw) => {
        const b = json(raw);
        const t = typeof b.token === 'string' ? cardTokens.get(b.token) : undefined;
        // Codes below are invented; Feishu documents the limits, not the codes.
        if (!t || t.expiresAt < Date.now()) throw new ApiError(400, 200830, 'card update token is invalid or expired');
        if (!t.answered) {
          throw new ApiError(400, 200831, 'update the card only after answering the callback (Feishu: otherwise the update fails or is reverted)');
        }
        if (t.uses >= 2) throw new ApiError(400, 200832, 'card update token already used twice');
        const card = typeof b.card === 'string' ? parseJson(b.card, 'card') : b.card;
        if (!card || typeof card !== 'object') throw fieldViolation('card');
        if (Buffer.byteLength(JSON.stringify(card)) > CARD_LIMIT) {
          throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
        }
        t.uses += 1;
        messages.find((x) => x.messageId === t.messageId)?.updates.push(card);
        return { code: 0, msg: 'success', data: {} };
      },
    },
    {
      method: 'GET',
      path: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/,
      auth: true,
      handle: (_req, url, _raw, m) => {
        const type = url.searchParams.get('type');
        if (type !== 'file' && type !== 'image') throw fieldViolation('type');
        const file = inbound.get(m[1]!)?.files.get(decodeURIComponent(m[2]!));
        if (!file) throw new ApiError(400, 234003, 'File not in msg.');
        return { binary: file.content, name: file.name };
      },
    },
    {
      method: 'POST',
      path: /^\/open-apis\/im\/v1\/images$/,
      auth: true,
      handle: (req, _url, raw) => {
        const parts = parseMultipart(raw, req.headers['content-type'] ?? '');
        const imageType = parts.find((p) => p.name === 'image_type')?.data.toString('utf8');
        const image = parts.find((p) => p.name === 'image');
        if (imageType !== 'message' && imageType !== 'avatar') throw fieldViolation('image_type');
        if (!image || image.data.length === 0) throw fieldViolation('image');
        if (image.data.length > 10 * 1024 * 1024) throw new ApiError(400, 234006, 'The file size exceed the max value.');
        const imageKey = newId.imageKey();
        uploadedImages.push({ imageKey, bytes: image.data.length });
        return { code: 0, msg: 'success', data: { image_key: imageKey } };
      },
    },
  ];

  function describeBody(req: IncomingMessage, raw: Buffer): unknown {
    if (raw.length === 0) return undefined;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/')) {
      try {
        return Object.fromEntries(
          parseMultipart(raw, type).map((p) => [p.name, p.filename !== undefined || p.name === 'image' ? { bytes: p.data.length } : p.data.toString('utf8')]),
        );
      } catch {
        return { bytes: raw.length };
      }
    }
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return raw.toString('utf8');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname + url.search;
    const record: FakeFeishuRequest = { method, path, body: describeBody(req, raw), status: 0 };
    requests.push(record);
    const logId = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${hex(12).toUpperCase()}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-tt-logid': logId, ...headers });
      res.end(JSON.stringify(body));
    };

    const rule = failRules.find((r) => (!r.method || r.method.toUpperCase() === method) && path.includes(r.pathIncludes));
    if (rule) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) failRules.splice(failRules.indexOf(rule), 1);
      const code = rule.code ?? (rule.status === 429 ? 99991400 : rule.status >= 500 ? 1 : rule.status);
      const headers: Record<string, string> = {};
      if (rule.status === 429 || rule.resetSeconds !== undefined) {
        headers['x-ogw-ratelimit-limit'] = '50';
        headers['x-ogw-ratelimit-reset'] = String(rule.resetSeconds ?? 1);
      }
      const msg = rule.msg ?? (rule.status === 429 ? 'request trigger frequency limit' : 'internal error');
      send(rule.status, { code, msg, error: { log_id: logId } }, headers);
      return;
    }

    let route: (typeof routes)[number] | undefined;
    let matched: RegExpExecArray | null = null;
    for (const r of routes) {
      matched = r.method === method ? r.path.exec(url.pathname) : null;
      if (matched) {
        route = r;
        break;
      }
    }
    if (!route || !matched) {
      record.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found');
      return;
    }
    try {
      if (route.auth) checkAuth(req);
      const result = route.handle(req, url, raw, matched) as { binary?: Buffer; name?: string };
      if (result && Buffer.isBuffer(result.binary)) {
        record.status = 200;
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${encodeURIComponent(result.name ?? 'file')}"`,
          'content-length': String(result.binary.length),
          'x-tt-logid': logId,
        });
        res.end(result.binary);
        return;
      }
      send(200, result);
    } catch (e) {
      if (e instanceof ApiError) send(e.status, { code: e.code, msg: e.message, error: { log_id: logId } });
      else send(500, { code: 1, msg: `fake feishu crashed: ${String(e)}` });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    const issued = tickets.get(ticket);
    if (url.pathname !== '/ws/v2' || !issued) {
      socket.end('HTTP/1.1 403 Forbidden\r\nhandshake-status: 403\r\nhandshake-msg: invalid ticket\r\n\r\n');
      return;
    }
    tickets.delete(ticket); // one ticket, one connection: the SDK fetches a fresh one for every (re)connect
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, issued.serviceId));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // ---------------------------------------------------------------- handle
  return {
    domain,
    appId,
    appSecret,
    botOpenId,
    botName,
    tenantKey,
    verificationToken,
    messages,
    requests,
    uploadedImages,

    async sendMessage(e) {
      const messageId = e.messageId ?? newId.message();
      const eventId = e.eventId ?? newId.event();
      const files = new Map<string, { name: string; content: Buffer }>();
      const fileKey = e.file ? newId.fileKey() : undefined;
      if (e.file && fileKey) files.set(fileKey, { name: e.file.name, content: e.file.content });
      inbound.set(messageId, { chatId: e.chatId, files });
      const event = messageReceiveEvent(app, {
        messageId,
        chatId: e.chatId,
        chatType: e.chatType ?? 'group',
        openId: e.openId,
        unionId: unionIdOf(e.openId),
        ...(e.text !== undefined ? { text: e.text } : {}),
        ...(e.mentionBot ? { mention: { openId: botOpenId, unionId: unionIdOf(botOpenId), name: botName } } : {}),
        ...(e.file && fileKey ? { file: { fileKey, name: e.file.name } } : {}),
      });
      const d = await deliver(envelope(app, 'im.message.receive_v1', eventId, event));
      return { eventId, messageId, ...(fileKey ? { fileKey } : {}), reply: d.reply, code: d.code };
    },

    async tapCard(e) {
      const msg = messages.find((m) => m.messageId === e.messageId);
      if (!msg || msg.msgType !== 'interactive') throw new Error(`fake feishu: ${e.messageId} is not a card the bot sent`);
      const eventId = e.eventId ?? newId.event();
      const token = newId.cardToken();
      cardTokens.set(token, { messageId: msg.messageId, uses: 0, expiresAt: Date.now() + 30 * 60_000, answered: false });
      const event = cardActionEvent(app, {
        messageId: msg.messageId,
        chatId: e.chatId ?? msg.chatId,
        openId: e.openId,
        unionId: unionIdOf(e.openId),
        token,
        value: e.value,
        ...(e.tag !== undefined ? { tag: e.tag } : {}),
        ...(e.option !== undefined ? { option: e.option } : {}),
        ...(e.inputValue !== undefined ? { inputValue: e.inputValue } : {}),
        ...(e.formValue !== undefined ? { formValue: e.formValue } : {}),
      });
      const d = await deliver(envelope(app, 'card.action.trigger', eventId, event));
      return { eventId, token, reply: d.reply, ms: d.ms, code: d.code };
    },

    async redeliver(eventId) {
      const env = delivered.get(eventId);
      if (!env) throw new Error(`fake feishu: no event ${eventId} was delivered`);
      return deliver(env);
    },

    failNext(match, reply) {
      failRules.push({
        ...(match.method ? { method: match.method } : {}),
        pathIncludes: match.pathIncludes,
        status: reply.status,
        ...(reply.code !== undefined ? { code: reply.code } : {}),
        ...(reply.msg !== undefined ? { msg: reply.msg } : {}),
        ...(reply.resetSeconds !== undefined ? { resetSeconds: reply.resetSeconds } : {}),
        remaining: reply.times ?? 1,
      });
    },

    async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 3000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = probe();
        if (v !== undefined && v !== null && v !== false) return v;
        if (Date.now() > deadline) throw new Error(`fake feishu: waitFor timed out after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },

    get connections() {
      return [...conns].filter((c) => c.ready && c.ws.readyState === c.ws.OPEN).length;
    },

    disconnect() {
      for (const c of conns) c.ws.terminate();
    },

    async close() {
      for (const c of conns) c.ws.terminate();
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new Error('fake feishu: closed'));
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
