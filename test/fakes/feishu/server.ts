import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cardActionEvent, envelope, hex, messageReceiveEvent, newId, type AppIdentity, type EventEnvelope } from './events.ts';
import { cardRefusal, refusalMessage } from './cardSchema.ts';
import { formSubmission } from './forms.ts';
import { createLongConnection, NoReplyError } from './longConnection.ts';
import { createOpenApi, type PlatformState } from './openapi.ts';
import { issueAuthCode, newAuthenState } from './authen.ts';
import { decideExternalTask, newApprovalCentreState } from './approval.ts';
import { FEISHU_RECOMMENDED_SCOPES, type ClientConfig, type Delivery, type FakeFeishu, type FakeFeishuOptions } from './types.ts';
import { PATIENCE_MS, waitFor } from '../../support/wait.ts';

// A local stand-in for open.feishu.cn that the real @larksuiteoapi/node-sdk talks to unmodified:
// pass `domain` to Client and WSClient. One port serves the OpenAPI (openapi.ts) and the long
// connection's websocket (longConnection.ts); this file owns the state and the test-facing handle.

export async function startFakeFeishu(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const appId = options.appId ?? `cli_${hex(8)}`;
  const appSecret = options.appSecret ?? hex(16);
  const tenantKey = options.tenantKey ?? hex(8);
  const verificationToken = options.verificationToken ?? hex(16);
  // Small reconnect settings (Feishu's real ones: -1 attempts, 120 s apart, up to 30 s jitter).
  const clientConfig: ClientConfig = {
    PingInterval: 120,
    ReconnectCount: 10,
    ReconnectInterval: 0.2,
    ReconnectNonce: 0,
    ...options.clientConfig,
  };
  const ackTimeoutMs = options.ackTimeoutMs ?? PATIENCE_MS;
  const tapTimeoutMs = options.tapTimeoutMs ?? 3_000;
  const scopes = new Set<string>(options.scopes ?? FEISHU_RECOMMENDED_SCOPES);
  const app: AppIdentity = { appId, tenantKey, verificationToken };
  const longConnection = createLongConnection({
    clientConfig,
    ackTimeoutMs,
    ...(options.maxFramePayload !== undefined ? { maxFramePayload: options.maxFramePayload } : {}),
  });
  let domain = '';
  const state: PlatformState = {
    appId,
    appSecret,
    tenantKey,
    // Derived from the credentials, not random: the SDK caches tokens process-wide per appId
    // (internalCache), so a second fake with the same credentials must accept the cached token.
    tenantToken: `t-g1044${createHash('sha256').update(`${appId}:${appSecret}`).digest('hex').slice(0, 34)}`,
    botOpenId: options.botOpenId ?? newId.openId(),
    botName: options.botName ?? 'Stocktake Bot',
    clientConfig,
    domain: () => domain,
    longConnection,
    messages: [],
    requests: [],
    uploadedImages: [],
    byUuid: new Map(),
    inbound: new Map(),
    cardTokens: new Map(),
    failRules: [],
    unreachable: new Set(),
    p2pChats: new Map(),
    authen: newAuthenState(),
    approval: newApprovalCentreState(),
  };
  const { messages, cardTokens } = state;
  const delivered = new Map<string, EventEnvelope>();
  const unionIds = new Map<string, string>();
  const unionIdOf = (openId: string) => {
    let id = unionIds.get(openId);
    if (!id) unionIds.set(openId, (id = newId.unionId()));
    return id;
  };

  // A tap's reply may carry a card ({type:'raw', data} or {type:'template', data}); Feishu then
  // replaces the card in place, so it counts as an update. Answering also unlocks the token. A card that
  // breaks the card rules is not shown (the client reports an error): the answer's refusal is returned.
  function applyTapReply(env: EventEnvelope, reply: unknown): string | undefined {
    if (env.header.event_type !== 'card.action.trigger') return undefined;
    const t = cardTokens.get((env.event as { token: string }).token);
    if (!t) return undefined;
    t.answered = true;
    const card = (reply as { card?: { type?: string; data?: unknown } } | undefined)?.card;
    if (!card) return undefined;
    const data = card.type === 'raw' ? card.data : card;
    const refusal = card.type === 'raw' ? cardRefusal(data) : null;
    if (refusal) return refusalMessage(refusal);
    messages.find((m) => m.messageId === t.messageId)?.updates.push(data);
    return undefined;
  }

  async function deliver(env: EventEnvelope): Promise<Delivery> {
    delivered.set(env.header.event_id, env);
    const isTap = env.header.event_type === 'card.action.trigger';
    const started = performance.now();
    try {
      const d = await longConnection.push(env, isTap ? tapTimeoutMs : ackTimeoutMs);
      const cardRefused = applyTapReply(env, d.reply);
      return { ...d, timedOut: false, ...(cardRefused ? { cardRefused } : {}) };
    } catch (e) {
      // Feishu waits 3 s for a tap's answer; after that the user sees an error and a late answer is dropped.
      if (isTap && e instanceof NoReplyError) return { code: 0, reply: undefined, ms: performance.now() - started, timedOut: true };
      throw e;
    }
  }

  /**
   * Whether Feishu pushes this message to the app, by its scopes: group messages that @ the bot need
   * im:message.group_at_msg:readonly (or group_msg), every other group message — files included, which
   * cannot @ anyone — needs im:message.group_msg; direct messages need im:message.p2p_msg:readonly.
   * (im.message.receive_v1, "权限要求": each scope names the messages it receives.)
   */
  function pushedByScopes(chatType: 'group' | 'p2p', mentionsBot: boolean): boolean {
    if (chatType === 'p2p') return scopes.has('im:message.p2p_msg:readonly') || scopes.has('im:message.p2p_msg');
    return scopes.has('im:message.group_msg') || (mentionsBot && scopes.has('im:message.group_at_msg:readonly'));
  }

  const handle = createOpenApi(state);
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', longConnection.handleUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeFeishu = {
    approval: state.approval,
    decideTask: (input, post) => decideExternalTask(state.approval, input, post),
    domain,
    appId,
    appSecret,
    botOpenId: state.botOpenId,
    botName: state.botName,
    tenantKey,
    verificationToken,
    messages,
    requests: state.requests,
    uploadedImages: state.uploadedImages,

    async sendMessage(e) {
      const messageId = e.messageId ?? newId.message();
      const eventId = e.eventId ?? newId.event();
      const fileKey = e.file ? newId.fileKey() : undefined;
      const imageKey = e.image ? newId.imageKey() : undefined;
      const files = new Map<string, { name: string; content: Buffer; kind: 'file' | 'image' }>();
      if (e.file && fileKey) files.set(fileKey, { name: e.file.name, content: e.file.content, kind: 'file' });
      if (e.image && imageKey) files.set(imageKey, { name: `${imageKey}.jpg`, content: e.image.content, kind: 'image' });
      state.inbound.set(messageId, { chatId: e.chatId, files });
      const event = messageReceiveEvent(app, {
        messageId,
        chatId: e.chatId,
        chatType: e.chatType ?? 'group',
        openId: e.openId,
        unionId: unionIdOf(e.openId),
        ...(e.text !== undefined ? { text: e.text } : {}),
        ...(e.mentionBot ? { mention: { openId: state.botOpenId, unionId: unionIdOf(state.botOpenId), name: state.botName } } : {}),
        ...(e.mentionUsers ? { mentionUsers: e.mentionUsers.map((u) => ({ ...u, unionId: unionIdOf(u.openId) })) } : {}),
        ...(e.parentId ? { parentId: e.parentId } : {}),
        ...(e.file && fileKey ? { file: { fileKey, name: e.file.name } } : {}),
        ...(imageKey ? { imageKey } : {}),
      });
      const mentionsBot = Boolean(e.mentionBot) && !e.file && !e.image;
      if (!pushedByScopes(e.chatType ?? 'group', mentionsBot)) {
        return { eventId, messageId, ...(fileKey ? { fileKey } : {}), reply: undefined, code: 0, delivered: false };
      }
      const d = await deliver(envelope(app, 'im.message.receive_v1', eventId, event));
      return { eventId, messageId, ...(fileKey ? { fileKey } : {}), reply: d.reply, code: d.code, delivered: true };
    },

    async tapCard(e) {
      const msg = messages.find((m) => m.messageId === e.messageId);
      if (!msg || msg.msgType !== 'interactive') throw new Error(`fake feishu: ${e.messageId} is not a card the bot sent`);
      // "2.0 结构：卡片可交互和可更新时间统一为 14 天" (card JSON 2.0 release notes): the client no longer sends taps.
      if (Date.now() - msg.createdAt > 14 * 24 * 3600_000)
        throw new Error(`fake feishu: ${e.messageId} is older than 14 days and cannot be tapped`);
      const eventId = e.eventId ?? newId.event();
      const token = newId.cardToken(); // valid 30 minutes, usable twice, once the tap is answered
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
      return {
        eventId,
        token,
        reply: d.reply,
        ms: d.ms,
        code: d.code,
        timedOut: d.timedOut ?? false,
        ...(d.cardRefused ? { cardRefused: d.cardRefused } : {}),
      };
    },

    async submitForm(e) {
      const msg = messages.find((m) => m.messageId === e.messageId);
      if (!msg || msg.msgType !== 'interactive') throw new Error(`fake feishu: ${e.messageId} is not a card the bot sent`);
      const card = msg.updates.length > 0 ? msg.updates[msg.updates.length - 1] : msg.content;
      const { value, formValue } = formSubmission(card, e.values);
      return fake.tapCard({
        messageId: e.messageId,
        openId: e.openId,
        value,
        tag: 'button',
        formValue,
        ...(e.eventId ? { eventId: e.eventId } : {}),
      });
    },

    ageMessage(messageId, ms) {
      const m = messages.find((x) => x.messageId === messageId);
      if (!m) throw new Error(`fake feishu: no message ${messageId}`);
      m.createdAt -= ms;
    },

    setReachable(openId, reachable) {
      if (reachable) state.unreachable.delete(openId);
      else state.unreachable.add(openId);
    },

    p2pChatOf: (openId) => state.p2pChats.get(openId),
    issueAuthCode: (openId, o = {}) => issueAuthCode(state.authen, o.appId ?? appId, openId, o.name ?? 'Feishu User', o.ttlMs),

    async redeliver(eventId) {
      const env = delivered.get(eventId);
      if (!env) throw new Error(`fake feishu: no event ${eventId} was delivered`);
      return deliver(env); // same envelope, same event_id, as Feishu's retries
    },

    failNext(match, reply) {
      state.failRules.push({
        ...(match.method ? { method: match.method } : {}),
        pathIncludes: match.pathIncludes,
        status: reply.status,
        ...(reply.code !== undefined ? { code: reply.code } : {}),
        ...(reply.msg !== undefined ? { msg: reply.msg } : {}),
        ...(reply.resetSeconds !== undefined ? { resetSeconds: reply.resetSeconds } : {}),
        remaining: reply.times ?? 1,
      });
    },

    waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T> {
      return waitFor(probe, { timeoutMs, intervalMs: 10, what: `fake feishu: ${probe.toString()}` });
    },

    get connections() {
      return longConnection.readyCount();
    },

    disconnect: () => longConnection.disconnect(),

    async close() {
      longConnection.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
