import type { IncomingMessage, ServerResponse } from 'node:http';
import { hex, newId } from './events.ts';
import { parseMultipart, readBody } from './http.ts';
import type { LongConnection } from './longConnection.ts';
import { cardRefusal, refusalMessage } from './cardSchema.ts';
import { oidcAccessToken, userInfo, type AuthenState } from './authen.ts';
import type { ClientConfig, FakeFeishuMessage, FakeFeishuRequest } from './types.ts';
import { approvalRoutes, type ApprovalCentreState } from './approval.ts';

// The OpenAPI half of the fake: token, ws endpoint discovery and the im/interactive endpoints, in
// Feishu's {code, msg, data} envelope. Error codes are Feishu's where it documents one for the
// case; the few it does not are marked "invented".

export interface CardToken {
  messageId: string;
  uses: number;
  expiresAt: number;
  /** Feishu wants delayed updates only after the callback was answered. */
  answered: boolean;
}

export interface FailRule {
  method?: string;
  pathIncludes: string;
  status: number;
  code?: number;
  msg?: string;
  resetSeconds?: number;
  remaining: number;
}

/** Everything the endpoints read and write; owned by startFakeFeishu. */
export interface PlatformState {
  appId: string;
  appSecret: string;
  tenantKey: string;
  tenantToken: string;
  botOpenId: string;
  botName: string;
  clientConfig: ClientConfig;
  domain: () => string;
  longConnection: LongConnection;
  messages: FakeFeishuMessage[];
  requests: FakeFeishuRequest[];
  uploadedImages: { imageKey: string; bytes: number }[];
  byUuid: Map<string, { message: FakeFeishuMessage; response: unknown }>;
  /** Messages users sent (by message_id), with the files they carried. */
  inbound: Map<string, { chatId: string; files: Map<string, { name: string; content: Buffer; kind: 'file' | 'image' }> }>;
  cardTokens: Map<string, CardToken>;
  failRules: FailRule[];
  /** open_ids outside the app's availability range (可用范围): a direct message to them gets 230013. */
  unreachable: Set<string>;
  /** The one-to-one chat (oc_…) of the bot and each person it has messaged, by open_id. */
  p2pChats: Map<string, string>;
  /** Web app sign-in: auth codes and user access tokens (authen.ts). */
  authen: AuthenState;
  /** Third-party approval definitions and instances (approval.ts). */
  approval: ApprovalCentreState;
}

const CARD_LIMIT = 30 * 1024; // bytes, for interactive content (Feishu: 230025 above it)
/** message.patch: "仅支持更新 14 天内发送的消息"; past that Feishu answers 230031 (im-v1/message/patch error codes). */
const UPDATABLE_MS = 14 * 24 * 3600_000;
const TEXT_LIMIT = 150 * 1024;
const MSG_TYPES = new Set([
  'text',
  'post',
  'image',
  'file',
  'audio',
  'media',
  'sticker',
  'interactive',
  'share_chat',
  'share_user',
  'system',
]);
const RECEIVE_ID_TYPES = new Set(['open_id', 'union_id', 'user_id', 'email', 'chat_id']);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}
const invalidParam = (ext: string) => new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=${ext}`);
const fieldViolation = (field: string) => new ApiError(400, 99992402, `field validation failed: ${field}`);

/** Card JSON 2.0 checked as Feishu does (cardSchema.ts): 230099 with the sub-code, or 230025 over 30 KB. */
function checkCardContent(card: unknown) {
  const refusal = cardRefusal(card);
  if (!refusal) return;
  if (refusal.errCode === 230025) throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
  throw new ApiError(400, 230099, refusalMessage(refusal));
}

/** A shared card can be updated for everyone. JSON 2.0 cards are always shared (update_multi defaults to true there). */
export function isSharedCard(card: unknown): boolean {
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

export function createOpenApi(s: PlatformState): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const {
    appId,
    appSecret,
    tenantKey,
    tenantToken,
    botOpenId,
    botName,
    messages,
    requests,
    uploadedImages,
    byUuid,
    inbound,
    cardTokens,
    failRules,
  } = s;

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
    if (body.msg_type === 'interactive') checkCardContent(content);
    const now = Date.now();
    const message: FakeFeishuMessage = {
      messageId: newId.message(),
      chatId,
      receiveIdType,
      msgType: body.msg_type,
      content,
      ...(receiveIdType === 'open_id' ? { openId: body.receive_id as string } : {}),
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
        chat_id: chatId,
        sender: { id: appId, id_type: 'app_id', sender_type: 'app', tenant_key: tenantKey },
        body: { content: body.content },
      },
    };
    if (uuid) byUuid.set(uuid, { message, response });
    return response;
  }

  const appToken = `a-${tenantToken.slice(2)}`;
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
          ? { code: 0, msg: 'ok', app_access_token: appToken, tenant_access_token: tenantToken, expire: 7200 }
          : { code: 0, msg: 'ok', tenant_access_token: tenantToken, expire: 7200 };
      },
    },
    {
      method: 'POST',
      path: /^\/open-apis\/authen\/v1\/oidc\/access_token$/,
      auth: false,
      handle: (req, _url, raw) =>
        oidcAccessToken(s.authen, appId, appToken, req, json(raw), (st, code, msg) => new ApiError(st, code, msg)),
    },
    {
      method: 'GET',
      path: /^\/open-apis\/authen\/v1\/user_info$/,
      auth: false,
      handle: (req) => userInfo(s.authen, tenantKey, req, (st, code, msg) => new ApiError(st, code, msg)),
    },
    {
      method: 'POST',
      path: /^\/callback\/ws\/endpoint$/,
      auth: false,
      handle: (_req, _url, raw) => {
        const b = json(raw);
        if (b.AppID !== appId || b.AppSecret !== appSecret) return { code: 514, msg: 'auth failed', data: {} };
        const { ticket, serviceId } = s.longConnection.issueTicket();
        // device_id must not be the first parameter: the SDK runs qs.parse over the whole URL, so
        // the first key would come out as "ws://host/path?device_id".
        const url = `${s.domain().replace(/^http/, 'ws')}/ws/v2?fpid=493&aid=552564&device_id=${hex(8)}&access_key=${hex(16)}&service_id=${serviceId}&ticket=${ticket}`;
        return { code: 0, msg: 'ok', data: { URL: url, ClientConfig: s.clientConfig } };
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
        if (receiveIdType === 'chat_id') return createMessage(b, receiveIdType, b.receive_id);
        if (receiveIdType !== 'open_id') throw invalidParam('the fake sends to chat_id and open_id only'); // invented ext
        // A direct message: Feishu refuses a person outside the app's availability range with 230013
        // ("Bot has NO availability to this user", im-v1/message/create error codes).
        if (!/^ou_[0-9a-z]{1,64}$/.test(b.receive_id))
          throw new ApiError(400, 99992351, `The id '${b.receive_id}' is not a valid open_id.`);
        if (s.unreachable.has(b.receive_id)) throw new ApiError(400, 230013, 'Bot has NO availability to this user.');
        let p2p = s.p2pChats.get(b.receive_id);
        if (!p2p) s.p2pChats.set(b.receive_id, (p2p = `oc_${hex(16)}`));
        return createMessage(b, receiveIdType, p2p);
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
        if (Date.now() - msg.createdAt > UPDATABLE_MS) {
          throw new ApiError(400, 230031, 'Message can only be modified within 14 days after sending.');
        }
        const card = parseJson(b.content, 'content');
        // Feishu: update_multi must be true on the card both before and after the update.
        const current = msg.updates.length ? msg.updates[msg.updates.length - 1] : msg.content;
        if (!isSharedCard(current) || !isSharedCard(card)) {
          throw invalidParam('only shared cards can be updated: set config.update_multi=true'); // invented ext
        }
        checkCardContent(card);
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
          throw new ApiError(
            400,
            200831,
            'update the card only after answering the callback (Feishu: otherwise the update fails or is reverted)',
          );
        }
        if (t.uses >= 2) throw new ApiError(400, 200832, 'card update token already used twice');
        const card = typeof b.card === 'string' ? parseJson(b.card, 'card') : b.card;
        if (!card || typeof card !== 'object') throw fieldViolation('card');
        checkCardContent(card);
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
        // "type: image 对应消息中的图片，file 对应消息中的文件、音频、视频" (获取消息中的资源文件): the wrong kind is not found.
        if (file.kind !== type) throw new ApiError(400, 234003, 'File not in msg.');
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
    // Third-party approval (approval.ts): the definition and instance sync endpoints.
    ...approvalRoutes(s.approval).map((r) => ({ ...r, handle: ((_req, _url, raw) => r.handle(json(raw))) as Route })),
  ];

  function describeBody(req: IncomingMessage, raw: Buffer): unknown {
    if (raw.length === 0) return undefined;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/')) {
      try {
        return Object.fromEntries(
          parseMultipart(raw, type).map((p) => [
            p.name,
            p.filename !== undefined || p.name === 'image' ? { bytes: p.data.length } : p.data.toString('utf8'),
          ]),
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

  return handle;
}
