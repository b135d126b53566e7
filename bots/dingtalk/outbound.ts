/**
 * DingTalk's OpenAPI for the adapter: the app access token, cards and robot messages out, files in, and
 * chart images uploaded (legacy oapi media upload) so cards and markdown can show them by media id.
 * Two ways to show a card: with the card template (bots/dingtalk/templates, DINGTALK_CARD_TEMPLATE_ID) an
 * interactive card that taps come back from over Stream and that can be updated in place; without one, a
 * robot message that can never be edited: one-to-one an ActionCard whose link buttons make the user's
 * client send "tap <token>" back; in a group markdown saying what to send with an @-mention, because a
 * link's text arrives there without the @ and the robot never sees it.
 *
 * Direct messages (chat id "dm:<staff id>"): oToMessages/batchSend, or an interactive card in the IM_ROBOT
 * space; a person DingTalk says cannot be reached makes a DeliveryError with `unreachable`.
 *
 * A card's mentions notify people in a group: a templated card through createAndDeliver's
 * `imGroupOpenDeliverModel.atUserIds`; a robot message only through the group's sessionWebhook (with
 * `at.atUserIds`), since the robot send API has no @ ("不支持@人":
 * https://open.dingtalk.com/document/orgapp/the-robot-sends-a-group-message). A session webhook exists
 * only for about 1.5 h after someone wrote to the bot in that group, so without a template a mention
 * outside that window (or on another instance) names the people instead of notifying them.
 */
import { createHash } from 'node:crypto';
import type { Card } from '../../cards/model.ts';
import {
  DINGTALK_NOTE_COMMAND,
  DINGTALK_TYPED_INTRO,
  dingTalkAtUsers,
  renderDingTalkCard,
  renderDingTalkMessage,
  type DingTalkMessage,
  type DingTalkRenderOptions,
} from '../../cards/render/dingtalk.ts';
import { DeliveryError, type Deliverer, type MediaIds, type PlatformLimits } from '../../src/core/delivery.ts';
import { memoryMediaIds, uploadOnce } from '../../src/core/media.ts';
import { dingTalkPageUrl } from '../pageLinks.ts';
import type { DingTalkConfig } from './config.ts';

/** Budget DingTalk gives a robot: about 20 messages a minute per group; 20 calls a second is our app-wide pace. */
export const DINGTALK_LIMITS: PlatformLimits = { perChatIntervalMs: 1000, perChatPerMinute: 20, perAppPerSecond: 20 };

/**
 * Chat ids of one-to-one chats: the person's staff id (userId) behind this prefix, the contract the core
 * uses for a direct message (groups use their openConversationId). Ids written before it was "dm:" still send.
 */
export const DIRECT_CHAT_PREFIX = 'dm:';
const LEGACY_DIRECT_PREFIX = 'user:';

const TOKEN_MARGIN_MS = 5 * 60_000;
const TIMEOUT_MS = 15_000;

/**
 * DingTalk's throttling answers: 429 Throttling, 403 Forbidden.AccessDenied.QpsLimitFor… (the app's API
 * quota), robot "send too fast" codes (a group's 20 a minute).
 */
const THROTTLED = /QpsLimit|Throttl|send\.too\.fast|tooFast/i;
const APP_THROTTLED = /QpsLimit/i;

/** The OpenAPI with the app access token cached until shortly before it expires; errors become DeliveryError. */
export class DingTalkApi {
  private token: { value: string; expiresAt: number } | null = null;
  private fetching: Promise<string> | null = null;

  constructor(private readonly config: Pick<DingTalkConfig, 'clientId' | 'clientSecret' | 'apiBase' | 'robotCode' | 'oapiBase'>) {}

  /** The cached token, or a fresh one (one request however many callers wait for it). */
  accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return Promise.resolve(this.token.value);
    this.fetching ??= this.fetchToken().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  /** Drops the cached token (DingTalk said it is no longer good); the next call fetches a fresh one. */
  forgetToken(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const body = { appKey: this.config.clientId, appSecret: this.config.clientSecret };
    const res = await this.raw('POST', '/v1.0/oauth2/accessToken', body, {});
    const data = (await res.json().catch(() => null)) as { accessToken?: string; expireIn?: number } | null;
    if (!res.ok || !data?.accessToken) throw await failure('POST /v1.0/oauth2/accessToken', res, data);
    const ttlMs = (data.expireIn ?? 7200) * 1000;
    this.token = { value: data.accessToken, expiresAt: Date.now() + Math.max(ttlMs - TOKEN_MARGIN_MS, ttlMs / 2) };
    return data.accessToken;
  }

  /** Calls an authenticated endpoint; a 401 (token revoked early) drops the cached token and tries once more. */
  async call<T>(method: string, path: string, body: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const res = await this.raw(method, path, body, { 'x-acs-dingtalk-access-token': token });
      const data = (await res.json().catch(() => null)) as unknown;
      if (res.ok) return data as T;
      if (res.status === 401 && attempt === 0) {
        this.token = null;
        continue;
      }
      throw await failure(`${method} ${path}`, res, data);
    }
  }

  /** A file a user sent the robot: messageFiles/download gives a short-lived URL, which needs no token. */
  async downloadMessageFile(downloadCode: string): Promise<Buffer> {
    const { downloadUrl } = await this.call<{ downloadUrl?: string }>('POST', '/v1.0/robot/messageFiles/download', {
      downloadCode,
      robotCode: this.config.robotCode,
    });
    if (!downloadUrl) throw new DeliveryError('DingTalk messageFiles/download gave no downloadUrl', { permanent: true });
    const res = await fetch(downloadUrl, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new DeliveryError(`DingTalk file download: HTTP ${res.status}`, { status: res.status, permanent: res.status < 500 });
    return Buffer.from(await res.arrayBuffer());
  }

  /**
   * Uploads an image with the legacy media API and returns its media id ("@lADO…"), which DingTalk markdown
   * and the card template's image take as a source. oapi answers HTTP 200 with an errcode; the app token of
   * the new API is accepted there (https://open.dingtalk.com/document/orgapp/upload-media-files).
   */
  async uploadImage(png: Buffer, fileName = 'chart.png'): Promise<string> {
    const base = this.config.oapiBase ?? this.config.apiBase;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const form = new FormData();
      form.set('type', 'image');
      form.set('media', new Blob([new Uint8Array(png)], { type: 'image/png' }), fileName);
      let res: Response;
      try {
        res = await fetch(`${base}/media/upload?access_token=${encodeURIComponent(token)}`, {
          method: 'POST',
          body: form,
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        throw new DeliveryError(`DingTalk media upload: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const data = (await res.json().catch(() => null)) as { errcode?: number; errmsg?: string; media_id?: string } | null;
      if (res.ok && data?.errcode === 0 && data.media_id) return data.media_id;
      // 40014 / 42001: the token is not (or no longer) good; fetch a fresh one once.
      if ((data?.errcode === 40014 || data?.errcode === 42001) && attempt === 0) {
        this.token = null;
        continue;
      }
      const throttled = res.status === 429 || data?.errcode === 90018 || data?.errcode === 90002;
      throw new DeliveryError(`DingTalk media upload: HTTP ${res.status} errcode ${data?.errcode ?? '?'} ${data?.errmsg ?? ''}`.trim(), {
        status: throttled ? 429 : res.status,
        retryAfterMs: throttled ? retryAfter(res.headers.get('retry-after')) : null,
        permanent: !throttled && res.status < 500 && data?.errcode !== -1,
      });
    }
  }

  /**
   * Posts a message to a conversation's sessionWebhook, which needs no token (the URL is the credential, so
   * it never goes into an error). oapi-style: HTTP 200 with an errcode; a lapsed session is permanent.
   */
  async sendBySession(url: string, message: DingTalkMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new DeliveryError(`DingTalk sessionWebhook: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const data = (await res.json().catch(() => null)) as { errcode?: number; errmsg?: string } | null;
    if (res.ok && data?.errcode === 0) return;
    // 130101 is the robots' "send too fast" (20 messages a minute per group).
    const throttled = res.status === 429 || data?.errcode === 130101;
    throw new DeliveryError(`DingTalk sessionWebhook: HTTP ${res.status} errcode ${data?.errcode ?? '?'} ${data?.errmsg ?? ''}`.trim(), {
      status: throttled ? 429 : res.status,
      retryAfterMs: throttled ? retryAfter(res.headers.get('retry-after')) : null,
      permanent: !throttled && res.status < 500 && data?.errcode !== -1,
    });
  }

  private async raw(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(`${this.config.apiBase}${path}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      // Network trouble or a timeout: the request may or may not have landed; the sender retries.
      throw new DeliveryError(`DingTalk ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** DingTalk answers errors as {code, message, requestid}; the code says whether a retry can help. */
async function failure(what: string, res: Response, data: unknown): Promise<DeliveryError> {
  const { code = '', message = '' } = (data ?? {}) as { code?: string; message?: string };
  const throttled = res.status === 429 || THROTTLED.test(code);
  return new DeliveryError(`DingTalk ${what}: HTTP ${res.status} ${code} ${message}`.trim(), {
    // A QpsLimit refusal comes as HTTP 403: it is still "not now", so it carries 429 for the sender.
    status: throttled ? 429 : res.status,
    retryAfterMs: throttled ? retryAfter(res.headers.get('retry-after')) : null,
    permanent: !throttled && res.status < 500,
    ...(throttled ? { scope: APP_THROTTLED.test(code) ? 'app' : 'chat' } : {}),
  });
}

/** Retry-After in seconds or as an HTTP date; null lets the sender back off on its own. */
function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** A session webhook is given up this long before it lapses, so that a send made with it still lands. */
const SESSION_MARGIN_MS = 60_000;
const MAX_SESSIONS = 1000;

/**
 * The latest sessionWebhook of each group chat, from the robot messages received there. In memory only:
 * lost on a restart and not shared between instances (a send that finds none names people instead).
 */
export class SessionWebhooks {
  private readonly byChat = new Map<string, { url: string; expiresAt: number }>();

  remember(chatId: string, url: string, expiresAt: number): void {
    this.byChat.delete(chatId);
    this.byChat.set(chatId, { url, expiresAt });
    if (this.byChat.size > MAX_SESSIONS) this.byChat.delete(this.byChat.keys().next().value as string);
  }

  /** The chat's session webhook while it is good for a while yet, else null. */
  fresh(chatId: string, now = Date.now()): string | null {
    const session = this.byChat.get(chatId);
    return session && session.expiresAt - SESSION_MARGIN_MS > now ? session.url : null;
  }

  forget(chatId: string): void {
    this.byChat.delete(chatId);
  }
}

/** A group chat's openConversationId, or a one-to-one chat's staff id. */
function target(chatId: string): { kind: 'group'; openConversationId: string } | { kind: 'direct'; userId: string } {
  for (const prefix of [DIRECT_CHAT_PREFIX, LEGACY_DIRECT_PREFIX])
    if (chatId.startsWith(prefix)) return { kind: 'direct', userId: chatId.slice(prefix.length) };
  return { kind: 'group', openConversationId: chatId };
}

/**
 * DingTalk's refusals that mean this person cannot get the robot's one-to-one messages: a staff id not (or no
 * longer) in the organisation ("staffId.notExisted", https://developer.aliyun.com/ask/588455), or one outside
 * the robot's reach. The core then falls back to the group.
 */
const UNREACHABLE =
  /staffId\.notExisted|staffId\.invalid|userId\.notExist|user\.notExist|notInOrg|robot\.notAvailable|chatbot\.noPermission/i;

/** A permanent refusal of a direct message, re-thrown as `unreachable` when it is about the person. */
function unreachable(error: unknown): unknown {
  if (error instanceof DeliveryError && error.permanent && UNREACHABLE.test(error.message))
    return new DeliveryError(error.message, { ...error.options, permanent: true, unreachable: true, cause: error });
  return error;
}

/**
 * The card instance's id, derived from the outbox row's key: a retried send asks for the same card,
 * which DingTalk then refuses as a duplicate instead of showing it twice.
 */
export function outTrackIdFor(robotCode: string, idempotencyKey: string): string {
  return `stk_${createHash('sha256').update(`${robotCode}\n${idempotencyKey}`).digest('base64url').slice(0, 32)}`;
}

/** The robot-message template (msgKey) and its parameters for a rendered fallback message. */
export function robotMessage(message: DingTalkMessage): { msgKey: string; msgParam: Record<string, string> } {
  if (message.msgtype === 'markdown')
    return { msgKey: 'sampleMarkdown', msgParam: { title: message.markdown.title, text: message.markdown.text } };
  const { title, text, btns } = message.actionCard;
  if (btns.length === 1)
    return { msgKey: 'sampleActionCard', msgParam: { title, text, singleTitle: btns[0]!.title, singleURL: btns[0]!.actionURL } };
  // sampleActionCard2…5 hold 2 to 5 buttons (actionTitleN/actionURLN); there is no template for more, so a
  // card with more (a cause picker) lists every action as a markdown link, which takes dtmd:// links too.
  if (btns.length <= 5) {
    const param: Record<string, string> = { title, text };
    btns.forEach((b, i) => {
      param[`actionTitle${i + 1}`] = b.title;
      param[`actionURL${i + 1}`] = b.actionURL;
    });
    return { msgKey: `sampleActionCard${btns.length}`, msgParam: param };
  }
  const links = btns.map((b) => `- [${b.title.replace(/[[\]]/g, '')}](${b.actionURL})`).join('\n');
  return { msgKey: 'sampleMarkdown', msgParam: { title, text: `${text}\n\n${links}` } };
}

/**
 * Sends and updates cards: interactive cards with a template, robot messages without. `sessions` are the
 * groups' session webhooks the adapter has seen, which let a robot message @-mention people.
 */
export function createDingTalkDeliverer(
  api: DingTalkApi,
  config: DingTalkConfig,
  limits: PlatformLimits = DINGTALK_LIMITS,
  sessions: SessionWebhooks = new SessionWebhooks(),
): Deliverer {
  const { robotCode, cardTemplateId } = config;
  const pageUrl = dingTalkPageUrl(config.publicUrl, config.corpId);
  // Without the sender's media ids (the deliverer used on its own), this process remembers them.
  const localMedia = memoryMediaIds();

  /**
   * Uploads the card's images once (media ids shared by instances through `media`) and gives the
   * renderers their ids. A refusal no retry fixes (the app lacks the permission) leaves the image as its
   * alt text rather than losing the whole card; throttling and outages propagate, so the sender retries
   * the card later.
   */
  async function imageOptions(card: Card, media: MediaIds = localMedia): Promise<DingTalkRenderOptions> {
    const mediaIds = new Map<string, string>();
    for (const el of card.elements) {
      if (el.type !== 'image' || !el.png || mediaIds.has(el.png)) continue;
      const png = el.png;
      try {
        mediaIds.set(png, await uploadOnce(media, png, () => api.uploadImage(Buffer.from(png, 'base64'))));
      } catch (error) {
        if (!(error instanceof DeliveryError && error.permanent)) throw error;
      }
    }
    return { imageUrl: (png) => mediaIds.get(png), pageUrl };
  }

  async function sendRobotMessage(chatId: string, msgKey: string, msgParam: Record<string, string>): Promise<{ messageId: string }> {
    const to = target(chatId);
    const common = { robotCode, msgKey, msgParam: JSON.stringify(msgParam) };
    if (to.kind === 'group') {
      const res = await api.call<{ processQueryKey?: string }>('POST', '/v1.0/robot/groupMessages/send', {
        ...common,
        openConversationId: to.openConversationId,
      });
      return { messageId: res.processQueryKey ?? '' };
    }
    const res = await api
      .call<{ processQueryKey?: string; invalidStaffIdList?: string[]; flowControlledStaffIdList?: string[] }>(
        'POST',
        '/v1.0/robot/oToMessages/batchSend',
        { ...common, userIds: [to.userId] },
      )
      .catch((error: unknown) => {
        throw unreachable(error);
      });
    // batchSend answers 200 and lists the users it skipped: flow control is throttling, an invalid id is
    // a person the robot cannot reach.
    if (res.flowControlledStaffIdList?.length) throw new DeliveryError('DingTalk oToMessages/batchSend: flow controlled', { status: 429 });
    if (res.invalidStaffIdList?.length)
      throw new DeliveryError('DingTalk oToMessages/batchSend: invalid staff id', { status: 400, permanent: true, unreachable: true });
    return { messageId: res.processQueryKey ?? '' };
  }

  /**
   * A robot message to a group that @-mentions the card's people through the group's session webhook, as
   * markdown (which carries `at`; in a group the message has no link buttons, so it always is). Null when
   * that cannot be done (nobody to mention, no session, the session lapsed), and the card goes out through
   * the robot API with the people named.
   */
  async function sendWithMentions(
    chatId: string,
    card: Card,
    opts: DingTalkRenderOptions,
    idempotencyKey: string,
  ): Promise<{ messageId: string } | null> {
    if (target(chatId).kind !== 'group' || Object.keys(dingTalkAtUsers(card)).length === 0) return null;
    const webhook = sessions.fresh(chatId);
    if (!webhook) return null;
    const message = renderDingTalkMessage(card, { ...opts, at: true, typed: true });
    if (message.msgtype !== 'markdown') return null;
    try {
      await api.sendBySession(webhook, message);
    } catch (error) {
      // A lapsed or refused session falls back to the robot API; a timeout or 5xx is retried by the sender.
      if (!(error instanceof DeliveryError && error.permanent)) throw error;
      sessions.forget(chatId);
      return null;
    }
    // A session webhook answers no message id; the row's key stands in (card_message ids are unique per chat).
    return { messageId: `session-${idempotencyKey}` };
  }

  async function createCard(chatId: string, card: Card, outTrackId: string, opts: DingTalkRenderOptions): Promise<void> {
    const to = target(chatId);
    const preview = { supportForward: false, lastMessageI18n: { ZH_CN: card.header.title, EN_US: card.header.title } };
    // The delivery @-mentions the card's people (staff id → name); the card itself only names them.
    const atUserIds = dingTalkAtUsers(card);
    const deliver = { robotCode, ...(Object.keys(atUserIds).length > 0 && { atUserIds }) };
    const space =
      to.kind === 'group'
        ? { openSpaceId: `dtv1.card//IM_GROUP.${to.openConversationId}`, imGroupOpenSpaceModel: preview, imGroupOpenDeliverModel: deliver }
        : {
            openSpaceId: `dtv1.card//IM_ROBOT.${to.userId}`,
            imRobotOpenSpaceModel: preview,
            imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode },
          };
    const res = await api
      .call<{ result?: { deliverResults?: { spaceType?: string; success?: boolean; errorMsg?: string }[] } }>(
        'POST',
        '/v1.0/card/instances/createAndDeliver',
        { cardTemplateId, outTrackId, callbackType: 'STREAM', cardData: renderDingTalkCard(card, opts), ...space },
      )
      .catch((error: unknown) => {
        throw to.kind === 'direct' ? unreachable(error) : error;
      });
    // The call succeeds as a whole and reports each space: a one-to-one space that failed did not reach the person.
    const failed = res?.result?.deliverResults?.find((r) => r.success === false);
    if (failed) {
      const message = `DingTalk createAndDeliver: ${failed.spaceType ?? 'space'} not delivered ${failed.errorMsg ?? ''}`.trim();
      throw new DeliveryError(message, { status: 400, permanent: true, ...(to.kind === 'direct' && { unreachable: true }) });
    }
  }

  async function updateCard(outTrackId: string, card: Card, opts: DingTalkRenderOptions): Promise<void> {
    await api.call('PUT', '/v1.0/card/instances', {
      outTrackId,
      cardData: renderDingTalkCard(card, opts),
      cardUpdateOptions: { updateCardDataByKey: true },
    });
  }

  return {
    platform: 'dingtalk',
    app: robotCode,
    limits,
    async send(chatId, card, { idempotencyKey, media }) {
      const opts = await imageOptions(card, media);
      if (!cardTemplateId) {
        const mentioned = await sendWithMentions(chatId, card, opts, idempotencyKey);
        if (mentioned) return mentioned;
        // In a group a link button would post text without the @ the robot needs: say what to type instead.
        const typed = target(chatId).kind === 'group';
        const { msgKey, msgParam } = robotMessage(renderDingTalkMessage(card, { ...opts, typed }));
        return sendRobotMessage(chatId, msgKey, msgParam);
      }
      const outTrackId = outTrackIdFor(robotCode, idempotencyKey);
      try {
        await createCard(chatId, card, outTrackId, opts);
      } catch (error) {
        // An earlier attempt that timed out may have created the card: then it is ours, bring it up to date.
        if (!(error instanceof DeliveryError && error.permanent && /duplicate|already exist/i.test(error.message))) throw error;
        await updateCard(outTrackId, card, opts);
      }
      return { messageId: outTrackId };
    },
    async update(_chatId, messageId, card, options) {
      // Robot messages cannot be edited (DingTalk has no API for it), so without a template an update
      // sends nothing; a tap typed as text is answered with a notice by the dispatcher instead.
      if (!cardTemplateId) return;
      await updateCard(messageId, card, await imageOptions(card, options?.media));
    },
    async prompt(chatId, text, { token }) {
      // Nobody can reply to a robot's message in DingTalk: the answer is sent as "@robot note <token> …",
      // which the inbound side reads as the prompt's input (parseDingTalkText).
      const how = token ? `\n\n${DINGTALK_TYPED_INTRO}\n${DINGTALK_NOTE_COMMAND} ${token} …` : '';
      return sendRobotMessage(chatId, 'sampleText', { content: text + how });
    },
  };
}
