// A local stand-in for DingTalk (api.dingtalk.com + the stream gateway + sessionWebhook host) on
// 127.0.0.1, so the real dingtalk-stream SDK and the product's fetch calls can be tested offline.
// See payloads.ts / openapi.ts for where each shape comes from.
import { decideTask, newWorkflowState, type Post, type WorkflowState } from './workflow.ts';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundaryOf, parseMultipart } from '../telegram/multipart.ts';
import { PATIENCE_MS, waitFor as waitUntil } from '../../support/wait.ts';
import {
  apiError,
  applyCardUpdate,
  route,
  type ApiState,
  type FakeCard,
  type MediaEntry,
  type Reply,
  type RobotMessage,
  type WebhookMessage,
} from './openapi.ts';
import {
  opaqueId,
  randomOpaqueId,
  TOPIC_CARD,
  TOPIC_ROBOT,
  type CardCallbackPayload,
  type RobotMessagePayload,
  type Subscription,
} from './payloads.ts';
import { issueDingTalkAuthCode } from './authCode.ts';
import { StreamGateway, type AckRecord, type FrameLogEntry } from './stream.ts';
import { fileURLToPath } from 'node:url';
import { loadCardTemplate, tapContent, type CardTemplate, type TemplateTap } from './template.ts';

/** The card template the project ships, which an admin imports into DingTalk's card platform. */
export const SHIPPED_TEMPLATE_PATH = fileURLToPath(new URL('../../../bots/dingtalk/templates/stocktake-card.json', import.meta.url));
/** The id the fake gives the shipped template, as the card platform gives one on publishing. */
export const STOCKTAKE_TEMPLATE_ID = 'tpl-stocktake.schema';

export { TOPIC_CARD, TOPIC_ROBOT } from './payloads.ts';
export type { AckFrame, CardCallbackPayload, RobotMessagePayload, StreamFrame, Subscription } from './payloads.ts';
export type { FakeCard, MediaEntry, RobotMessage, WebhookMessage } from './openapi.ts';
export type { AckRecord, FrameLogEntry } from './stream.ts';

export interface FakeDingTalkOptions {
  clientId?: string;
  clientSecret?: string;
  /** For an enterprise-internal app the robot code is the app's clientId (AppKey); default: clientId. */
  robotCode?: string;
  corpId?: string;
  /** Re-push delay for unacked CALLBACK frames (real: ~60 s window). Default 2000. */
  redeliveryDelayMs?: number;
  /** Re-pushes after the first; 0 turns redelivery off. Default 3. */
  maxRedeliveries?: number;
  /** How long sendRobotMessage / tapCard / redeliver / ping wait for the client's ack. Default PATIENCE_MS. */
  ackTimeoutMs?: number;
  /** How long an inbound push waits for a subscribed stream connection (e.g. mid-reconnect). Default PATIENCE_MS. */
  connectTimeoutMs?: number;
  /** accessToken expireIn. Default 7200. */
  tokenTtlSeconds?: number;
  /** sessionWebhook validity (real: about 1.5 h). Default 90 min. */
  sessionWebhookTtlMs?: number;
  /** Between SYSTEM disconnect and the socket closing (real: 10 s). Default 100. */
  disconnectGraceMs?: number;
  /** Published templates linked to the app: id → template JSON file. Default: the shipped one as STOCKTAKE_TEMPLATE_ID. */
  cardTemplates?: Record<string, string>;
  /**
   * Staff ids of the organisation, who can get one-to-one robot messages and IM_ROBOT cards. Everyone who
   * writes to the robot joins it too. Default: none besides them.
   */
  staff?: string[];
  /** Integrated process codes that exist (the process centre refuses others). */
  processCodes?: string[];
}

export interface FailRule {
  method?: string;
  /** Matched against path + query string, e.g. '/v1.0/card/instances' or 'sendBySession'. */
  pathIncludes: string;
}

export interface FailReply {
  status: number;
  /** How many matching requests fail. Default 1. */
  times?: number;
  /** Sent as a Retry-After header. */
  retryAfterSeconds?: number;
  /** Replaces the default error body. */
  body?: unknown;
}

export interface SendRobotMessage {
  conversationId: string;
  /** Default '2' (group). */
  conversationType?: '1' | '2';
  staffId: string;
  nick?: string;
  text?: string;
  /** Group messages reach the bot only when they @ it; default true. */
  atBot?: boolean;
  /** Single chat only: DingTalk does not push group file messages to bots (a file cannot @ the bot). */
  file?: { name: string; content: Buffer };
  /** A picture on its own (msgtype picture): single chat only, for the same reason as a file. */
  picture?: Buffer;
  /** A rich-text message (msgtype richText): text and pictures in one, which can @ the bot in a group. */
  richText?: ({ text: string } | { picture: Buffer })[];
  msgId?: string;
  conversationTitle?: string;
  isAdmin?: boolean;
}

export interface TapCard {
  outTrackId: string;
  userId: string;
  /**
   * What the user touched: a button by its id, a select's option by its index, or text typed into the input.
   * The fake reports it as the card's template does (see template.ts), from the card as the user sees it.
   */
  tap: TemplateTap;
  /**
   * The card data as the user's client still shows it (e.g. `card.history[0]` for a client that has not
   * refreshed since); default: the card as it is now, with the user's private data over it.
   */
  shown?: Record<string, string>;
  /** Reuse a messageId to emulate the platform pushing the same tap again. */
  messageId?: string;
  /** How long to wait for the ack (default ackTimeoutMs): short for a tap the client is meant to leave unanswered. */
  ackWaitMs?: number;
}

export interface FakeDingTalk {
  gatewayUrl: string;
  apiBase: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  corpId: string;
  /** The bot's own opaque user id (atUsers[].dingtalkId when it is @-ed). */
  chatbotUserId: string;

  /** Push a robot message (TOPIC_ROBOT CALLBACK). `acked` is the parsed ack data ({response: …}) or undefined if none came within ackTimeoutMs. */
  sendRobotMessage(
    e: SendRobotMessage,
  ): Promise<{ msgId: string; messageId?: string; delivered: boolean; payload?: RobotMessagePayload; acked: unknown }>;
  /** Push a card tap (TOPIC_CARD CALLBACK) and wait for socketCallBackResponse; its `response` is applied to the card. */
  tapCard(
    e: TapCard,
  ): Promise<{ messageId: string; response: any; ms: number; acked: boolean; payload: CardCallbackPayload; cardUpdateError?: string }>;
  /** Push an already-pushed frame again (same messageId and data) and wait for the next ack. */
  redeliver(messageId: string): Promise<{ response: any; acked: boolean; cardUpdateError?: string }>;
  /** CALLBACK messageIds pushed but never acknowledged. */
  unacked(): string[];
  /** How many times a messageId has been pushed (1 + redeliveries). */
  pushes(messageId: string): number;
  /** SYSTEM ping; resolves with the client's echo (or undefined). */
  ping(): Promise<AckRecord | undefined>;
  /** SYSTEM disconnect to every connection, then close them (the SDK reconnects when autoReconnect). */
  disconnectAll(reason?: string): Promise<void>;
  connectionCount(): number;
  /** Subscriptions the newest connection registered via connections/open. */
  subscriptions(): Subscription[];
  /** Every frame in both directions. */
  frames: FrameLogEntry[];

  cards: Map<string, FakeCard>;
  /** Files uploaded with oapi /media/upload, by media_id. */
  media: Map<string, MediaEntry>;
  webhookMessages: WebhookMessage[];
  robotMessages: RobotMessage[];
  requests: { method: string; path: string; query: string; body: unknown; status: number }[];
  failNext(match: FailRule, reply: FailReply): void;
  /** Make every issued access token invalid (the next authed call gets 401). */
  expireTokens(): void;
  /**
   * A 免登 code for `userId`, as `dd.runtime.permission.requestAuthCode` gives the H5 micro-app's page:
   * good once, for 5 minutes (`ttlMs`), for this app (or for `clientId`, which this app then cannot use).
   */
  issueAuthCode(userId: string, o?: { name?: string; clientId?: string; ttlMs?: number }): string;
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** The process centre's instances and tasks, and the data source its quick actions call (workflow.ts). */
  workflow: WorkflowState;
  /** An approver taps Approve/Refuse on an integrated task in 待办 (workflow.ts decideTask). */
  decideTask(input: Parameters<typeof decideTask>[2], post?: Post): ReturnType<typeof decideTask>;
  close(): Promise<void>;
}

export async function startFakeDingTalk(options: FakeDingTalkOptions = {}): Promise<FakeDingTalk> {
  const clientId = options.clientId ?? 'dingfakeclient0001';
  const clientSecret = options.clientSecret ?? 'fake-client-secret';
  const robotCode = options.robotCode ?? clientId;
  const corpId = options.corpId ?? 'dingfakecorp0001';
  const ackTimeoutMs = options.ackTimeoutMs ?? PATIENCE_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? PATIENCE_MS;
  const chatbotUserId = opaqueId('$:LWCP_v1:$', `bot:${clientId}`);

  const stream = new StreamGateway({
    appId: randomOpaqueId(''),
    redeliveryDelayMs: options.redeliveryDelayMs ?? 2000,
    maxRedeliveries: options.maxRedeliveries ?? 3,
    ticketTtlMs: 90_000,
    disconnectGraceMs: options.disconnectGraceMs ?? 100,
  });
  const failures: (FailRule & FailReply & { left: number })[] = [];
  const requests: FakeDingTalk['requests'] = [];
  const state: ApiState = {
    base: '',
    clientId,
    clientSecret,
    robotCode,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    sessionTtlMs: options.sessionWebhookTtlMs ?? 90 * 60_000,
    tokens: new Map(),
    cards: new Map(),
    files: new Map(),
    media: new Map(),
    sessions: new Map(),
    webhookMessages: [],
    robotMessages: [],
    stream,
    templates: new Map(
      Object.entries(options.cardTemplates ?? { [STOCKTAKE_TEMPLATE_ID]: SHIPPED_TEMPLATE_PATH }).map(
        ([id, path]): [string, CardTemplate] => [id, loadCardTemplate(path)],
      ),
    ),
    staff: new Set(options.staff ?? []),
    authCodes: new Map(),
    workflow: newWorkflowState(options.processCodes),
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'InternalError', message: String(error) }));
    });
  });
  server.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', state.base);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    let body: unknown;
    let reply: Reply | undefined;
    const boundary = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '') ? boundaryOf(req.headers['content-type']!) : null;
    if (boundary) {
      try {
        body = { form: parseMultipart(bytes, boundary) };
      } catch (error) {
        reply = apiError(400, 'InvalidParameter', `request body is not multipart: ${String(error)}`);
      }
    } else if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        reply = apiError(400, 'InvalidParameter', 'request body is not JSON');
      }
    }
    const method = req.method ?? 'GET';
    reply ??= takeFailure(method, url.pathname + url.search) ?? route(state, method, url.pathname, url.searchParams, body, req.headers);
    // A form is logged by its parts' names and sizes, not its bytes.
    const logged =
      boundary && body
        ? {
            form: (body as { form: { name: string; filename?: string; data: Buffer }[] }).form.map((p) => ({
              name: p.name,
              filename: p.filename,
              size: p.data.length,
            })),
          }
        : body;
    requests.push({ method, path: url.pathname, query: url.search, body: logged, status: reply.status });
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.bytes) {
      res.writeHead(reply.status, headers);
      res.end(reply.bytes);
    } else {
      res.writeHead(reply.status, { 'content-type': 'application/json;charset=utf-8', ...headers });
      res.end(JSON.stringify(reply.json ?? {}));
    }
  }

  function takeFailure(method: string, pathAndQuery: string): Reply | undefined {
    const rule = failures.find(
      (f) => f.left > 0 && (!f.method || f.method.toUpperCase() === method) && pathAndQuery.includes(f.pathIncludes),
    );
    if (!rule) return undefined;
    rule.left -= 1;
    if (rule.left === 0) failures.splice(failures.indexOf(rule), 1);
    const headers = rule.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(rule.retryAfterSeconds) };
    if (rule.body !== undefined) return { status: rule.status, json: rule.body, headers };
    // sessionWebhook (oapi) reports errors in errcode; api.dingtalk.com in {code, message}.
    if (pathAndQuery.startsWith('/robot/sendBySession')) {
      return { status: rule.status, json: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }, headers };
    }
    const code =
      rule.status === 429
        ? 'Throttling'
        : rule.status === 403
          ? 'Forbidden.AccessDenied.QpsLimitForApi'
          : rule.status >= 500
            ? 'ServiceUnavailable'
            : 'InvalidParameter';
    return { ...apiError(rule.status, code, `fake DingTalk: injected HTTP ${rule.status}`), headers };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.base = `http://127.0.0.1:${port}`;

  /**
   * The platform applies a card callback's response ({cardData, userPrivateData, privateData,
   * cardUpdateOptions}) to the card, as it would a PUT /v1.0/card/instances. Late acks (after the
   * ack wait ran out) are not applied here.
   */
  function applyTapResponse(messageId: string, ack: AckRecord | undefined): { response: any; cardUpdateError?: string } {
    const response = (ack?.data as { response?: unknown } | undefined)?.response;
    const f = stream.frameOf(messageId);
    if (!response || typeof response !== 'object' || f?.headers.topic !== TOPIC_CARD) return { response };
    const tap = JSON.parse(f.data) as CardCallbackPayload;
    const card = state.cards.get(tap.outTrackId);
    const cardUpdateError = card ? applyCardUpdate(card, response, tap.userId) : undefined;
    return cardUpdateError ? { response, cardUpdateError } : { response };
  }

  function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T> {
    return waitUntil(probe, { timeoutMs, intervalMs: 10, what: `fake DingTalk: ${probe.toString()}` });
  }

  const fake: FakeDingTalk = {
    workflow: state.workflow,
    decideTask: (input, post) => decideTask(state, corpId, input, post),
    gatewayUrl: `${state.base}/v1.0/gateway/connections/open`,
    apiBase: state.base,
    clientId,
    clientSecret,
    robotCode,
    corpId,
    chatbotUserId,

    async sendRobotMessage(e) {
      const conversationType = e.conversationType ?? '2';
      const group = conversationType === '2';
      const atBot = e.atBot ?? true;
      const msgId = e.msgId ?? randomOpaqueId('msg');
      if ((e.file || e.picture) && group) {
        throw new Error(
          'fake DingTalk: group file messages are never pushed to bots (a file cannot @ the bot); ' +
            "send the file in a single chat (conversationType '1')",
        );
      }
      state.staff.add(e.staffId);
      if (group && !atBot) return { msgId, delivered: false, acked: undefined };
      const now = Date.now();
      const session = randomBytes(16).toString('hex');
      state.sessions.set(session, { conversationId: e.conversationId, expiresAt: now + state.sessionTtlMs });
      const payload: RobotMessagePayload = {
        conversationId: e.conversationId,
        atUsers: group ? [{ dingtalkId: chatbotUserId }] : [],
        chatbotCorpId: corpId,
        chatbotUserId,
        msgId,
        senderNick: e.nick ?? e.staffId,
        isAdmin: e.isAdmin ?? false,
        senderStaffId: e.staffId,
        sessionWebhookExpiredTime: now + state.sessionTtlMs,
        createAt: now,
        senderCorpId: corpId,
        conversationType,
        senderId: opaqueId('$:LWCP_v1:$', `user:${e.staffId}`),
        sessionWebhook: `${state.base}/robot/sendBySession?session=${session}`,
        robotCode,
        isInAtList: true,
        msgtype: e.file ? 'file' : e.picture ? 'picture' : e.richText ? 'richText' : 'text',
      };
      // A picture is downloaded like a file: robot/messageFiles/download with its downloadCode.
      const stored = (name: string, content: Buffer) => {
        const downloadCode = randomBytes(24).toString('base64url');
        state.files.set(downloadCode, { name, content, downloadToken: randomBytes(12).toString('hex') });
        return downloadCode;
      };
      if (group) payload.conversationTitle = e.conversationTitle ?? 'Stocktake group';
      if (e.file) {
        const downloadCode = stored(e.file.name, e.file.content);
        payload.content = { downloadCode, fileName: e.file.name, spaceId: String(10_000 + port), fileId: randomBytes(6).toString('hex') };
      } else if (e.picture) {
        const downloadCode = stored('picture.jpg', e.picture);
        payload.content = { downloadCode, pictureDownloadCode: randomBytes(24).toString('base64url') };
      } else if (e.richText) {
        // The @Bot mention is stripped from the text parts as from plain text.
        payload.content = {
          richText: e.richText.map((part) =>
            'text' in part
              ? { text: part.text }
              : {
                  type: 'picture',
                  downloadCode: stored('picture.jpg', part.picture),
                  pictureDownloadCode: randomBytes(24).toString('base64url'),
                },
          ),
        };
      } else {
        // DingTalk strips the "@Bot" mention from group text but keeps the space after it (protocol.md sample: " 测试数据").
        payload.text = { content: group ? ` ${e.text ?? ''}` : (e.text ?? '') };
      }
      await stream.waitForSubscriber(TOPIC_ROBOT, connectTimeoutMs);
      const messageId = stream.pushCallback(TOPIC_ROBOT, payload);
      const ack = await stream.nextAck(messageId, ackTimeoutMs);
      return { msgId, messageId, delivered: true, payload, acked: ack?.data };
    },

    async tapCard(e) {
      const card = state.cards.get(e.outTrackId);
      if (!card) throw new Error(`fake DingTalk: no card with outTrackId ${e.outTrackId} was delivered`);
      if (card.callbackType !== 'STREAM') {
        throw new Error(
          `fake DingTalk: card ${e.outTrackId} was created with callbackType ${String(card.callbackType)}; ` +
            "taps reach the stream only with callbackType 'STREAM'",
        );
      }
      // The user sees the public data with their own private data over it.
      const shown = e.shown ?? { ...card.params, ...(card.privateData[e.userId] ?? {}) };
      const reported = tapContent(card.template, shown, e.tap);
      if ('error' in reported) throw new Error(`fake DingTalk: cannot tap card ${e.outTrackId}: ${reported.error}`);
      const content = JSON.stringify({ cardPrivateData: reported });
      const payload: CardCallbackPayload = {
        extension: '{}',
        corpId,
        userId: e.userId,
        userIdType: 1,
        type: 'actionCallback',
        spaceType: card.spaceType,
        spaceId: card.spaceId,
        outTrackId: e.outTrackId,
        content,
        value: content,
      };
      await stream.waitForSubscriber(TOPIC_CARD, connectTimeoutMs);
      const started = Date.now();
      const messageId = stream.pushCallback(TOPIC_CARD, payload, e.messageId);
      const ack = await stream.nextAck(messageId, e.ackWaitMs ?? ackTimeoutMs);
      const ms = Date.now() - started;
      const { response, cardUpdateError } = applyTapResponse(messageId, ack);
      return { messageId, response, ms, acked: ack !== undefined, payload, ...(cardUpdateError ? { cardUpdateError } : {}) };
    },

    async redeliver(messageId) {
      const next = stream.nextAck(messageId, ackTimeoutMs);
      stream.redeliver(messageId);
      const ack = await next;
      const { response, cardUpdateError } = applyTapResponse(messageId, ack);
      return { response, acked: ack !== undefined, ...(cardUpdateError ? { cardUpdateError } : {}) };
    },

    unacked: () => stream.unacked(),
    pushes: (messageId) => stream.pushesFor(messageId),
    ping: () => stream.ping(ackTimeoutMs),
    disconnectAll: (reason = 'connection is expired') => stream.disconnectAll(reason),
    connectionCount: () => stream.connectionCount(),
    subscriptions: () => stream.subscriptions(),
    frames: stream.frames,

    cards: state.cards,
    media: state.media,
    webhookMessages: state.webhookMessages,
    robotMessages: state.robotMessages,
    requests,
    failNext(match, reply) {
      failures.push({ ...match, ...reply, left: reply.times ?? 1 });
    },
    expireTokens() {
      for (const token of state.tokens.keys()) state.tokens.set(token, 0);
    },
    issueAuthCode: (userId, o) => issueDingTalkAuthCode(state, userId, o),
    waitFor,
    async close() {
      await stream.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
