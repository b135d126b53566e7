// The HTTP half of the fake: the stream gateway's connections/open, tokens, interactive cards, robot
// messages, file downloads and sessionWebhook replies. Request/response field names follow the
// official Tea SDK models (alibabacloud_dingtalk card_1_0 / robot_1_0) and open-dingtalk examples.
// Error `code` strings the docs list (param.cardTemplateIdEmpty, param.outTrackIdEmpty,
// invalidClientIdOrSecret, InvalidAuthentication, InvalidAction.NotFound) are used as is; the rest are
// plausible stand-ins — product code should branch on HTTP status / errcode ≠ 0, not on these strings.
import { randomBytes, randomUUID } from 'node:crypto';
import type { StreamGateway } from './stream.ts';
import { templateProblem, type CardTemplate } from './template.ts';
import type { Subscription } from './payloads.ts';
import { getUserInfo, type AuthCode } from './authCode.ts';
import { workflowRoutes, type WorkflowState } from './workflow.ts';

export interface Reply {
  status: number;
  json?: unknown;
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export interface FakeCard {
  outTrackId: string;
  cardTemplateId: string;
  openSpaceId: string;
  /** From openSpaceId dtv1.card//<spaceType>.<spaceId>, e.g. IM_GROUP + the openConversationId. */
  spaceType: string;
  spaceId: string;
  robotCode?: string;
  /** 'STREAM' routes taps to the stream connection; anything else means an HTTP callback route. */
  callbackType?: string;
  /** Latest public card data (cardData.cardParamMap). */
  params: Record<string, string>;
  /** Snapshot of params after creation and after every change. */
  history: Record<string, string>[];
  /** Per-user private data (privateData / callback userPrivateData), keyed by userId. */
  privateData: Record<string, Record<string, string>>;
  createBody: unknown;
  /** The template it was created from: updates and taps are held to it. */
  template: CardTemplate;
}

export interface WebhookMessage {
  conversationId: string;
  body: any;
}

export interface RobotMessage {
  kind: 'group' | 'oto';
  body: any;
  /** body.msgParam parsed. */
  msgParam: any;
}

export interface FileEntry {
  name: string;
  content: Buffer;
  downloadToken: string;
}

/** A file uploaded with the legacy media API (oapi /media/upload): images shown by their media_id. */
export interface MediaEntry {
  mediaId: string;
  type: string;
  filename: string;
  contentType: string | undefined;
  content: Buffer;
}

/** A multipart/form-data request body, as the fake hands it to a route. */
export interface FormBody {
  form: { name: string; filename?: string; contentType?: string; data: Buffer }[];
}

export interface ApiState {
  base: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  tokenTtlSeconds: number;
  sessionTtlMs: number;
  tokens: Map<string, number>;
  cards: Map<string, FakeCard>;
  files: Map<string, FileEntry>;
  media: Map<string, MediaEntry>;
  sessions: Map<string, { conversationId: string; expiresAt: number }>;
  webhookMessages: WebhookMessage[];
  robotMessages: RobotMessage[];
  stream: StreamGateway;
  /** Published card templates linked to the app, by cardTemplateId. */
  templates: Map<string, CardTemplate>;
  /** Staff ids of the organisation: who can get the robot's one-to-one messages. */
  staff: Set<string>;
  /** 免登 codes as `dd.runtime.permission.requestAuthCode` gives an H5 micro-app's page (authCode.ts). */
  authCodes: Map<string, AuthCode>;
  /** The process centre: integrated approval instances and tasks (workflow.ts). */
  workflow: WorkflowState;
}

export function apiError(status: number, code: string, message: string): Reply {
  return { status, json: { code, requestid: randomUUID().toUpperCase(), message } };
}

const ok = (json: unknown): Reply => ({ status: 200, json });

export function route(
  state: ApiState,
  method: string,
  path: string,
  query: URLSearchParams,
  body: any,
  headers: Record<string, string | string[] | undefined>,
): Reply {
  const key = `${method} ${path}`;
  switch (key) {
    case 'POST /v1.0/gateway/connections/open':
      return openConnection(state, body);
    case 'POST /v1.0/oauth2/accessToken':
      return accessToken(state, body);
    case 'GET /gettoken':
      return legacyToken(state, query);
    case 'POST /robot/sendBySession':
      return sessionWebhook(state, query, body);
    case 'POST /media/upload':
      return mediaUpload(state, query, body);
    case 'POST /topapi/v2/user/getuserinfo':
      return getUserInfo(state, query, body);
  }
  if (method === 'GET' && path.startsWith('/files/')) return download(state, path.slice('/files/'.length));
  const handler = authed[key];
  if (!handler) return apiError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
  const token = headers['x-acs-dingtalk-access-token'];
  const expiresAt = typeof token === 'string' ? state.tokens.get(token) : undefined;
  if (expiresAt === undefined || expiresAt < Date.now()) return apiError(401, 'InvalidAuthentication', '不合法的access_token');
  return handler(state, body ?? {});
}

const authed: Record<string, (state: ApiState, body: any) => Reply> = {
  'POST /v1.0/card/instances/createAndDeliver': createAndDeliver,
  'PUT /v1.0/card/instances': updateCard,
  'POST /v1.0/robot/messageFiles/download': messageFileDownload,
  'POST /v1.0/robot/groupMessages/send': groupMessage,
  'POST /v1.0/robot/oToMessages/batchSend': otoMessage,
  ...workflowRoutes,
};

function openConnection(state: ApiState, body: any): Reply {
  if (body?.clientId !== state.clientId || body?.clientSecret !== state.clientSecret) {
    return apiError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
  }
  if (!Array.isArray(body.subscriptions) || body.subscriptions.length === 0) {
    return apiError(400, 'param.invalid', 'subscriptions is required');
  }
  const subscriptions = (body.subscriptions as Subscription[]).map((s) => ({ type: String(s.type), topic: String(s.topic) }));
  const ticket = state.stream.issueTicket(subscriptions);
  return ok({ endpoint: `${state.base.replace(/^http/, 'ws')}/connect`, ticket });
}

function issueToken(state: ApiState): string {
  const token = randomBytes(16).toString('hex');
  state.tokens.set(token, Date.now() + state.tokenTtlSeconds * 1000);
  return token;
}

function accessToken(state: ApiState, body: any): Reply {
  if (body?.appKey !== state.clientId || body?.appSecret !== state.clientSecret) {
    return apiError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
  }
  return ok({ accessToken: issueToken(state), expireIn: state.tokenTtlSeconds });
}

/** Legacy oapi endpoint the SDK's own getAccessToken() calls; errors come back as HTTP 200 + errcode. */
function legacyToken(state: ApiState, query: URLSearchParams): Reply {
  if (query.get('appkey') !== state.clientId || query.get('appsecret') !== state.clientSecret) {
    return ok({ errcode: 40089, errmsg: '不合法的corpid或corpsecret' });
  }
  return ok({ errcode: 0, errmsg: 'ok', access_token: issueToken(state), expires_in: state.tokenTtlSeconds });
}

/** cardParamMap is Map<String,String> in the API: a number, boolean, array or object value is rejected. */
function nonStringParam(map: unknown): string | undefined {
  if (map === undefined) return undefined;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return '(cardParamMap itself)';
  for (const [k, v] of Object.entries(map)) if (typeof v !== 'string') return k;
  return undefined;
}

function badParamMap(key: string): Reply {
  return apiError(400, 'param.invalid', `cardParamMap value must be a string (JSON.stringify non-text data): ${key}`);
}

function parseOpenSpaceId(openSpaceId: string): { spaceType: string; spaceId: string }[] | undefined {
  const spaces = openSpaceId
    .split(';')
    .filter(Boolean)
    .map((one) => /^dtv1\.card\/\/([A-Z_]+)\.(.+)$/.exec(one));
  if (spaces.length === 0 || spaces.some((m) => !m)) return undefined;
  return spaces.map((m) => ({ spaceType: m![1]!, spaceId: m![2]! }));
}

function createAndDeliver(state: ApiState, body: any): Reply {
  if (!body.cardTemplateId) return apiError(400, 'param.cardTemplateIdEmpty', 'param.cardTemplateIdEmpty');
  if (!body.outTrackId) return apiError(400, 'param.outTrackIdEmpty', 'param.outTrackIdEmpty');
  if (state.cards.has(body.outTrackId))
    return apiError(400, 'param.outTrackIdDuplicate', `card instance ${body.outTrackId} already exists`);
  const bad = nonStringParam(body.cardData?.cardParamMap);
  if (bad) return badParamMap(bad);
  // A template must be published and linked to the app in the card platform; its id is what it was given there.
  // (Error code: a stand-in; the docs name only param.cardTemplateIdEmpty.)
  const template = state.templates.get(body.cardTemplateId);
  if (!template)
    return apiError(400, 'param.cardTemplateNotExist', `card template ${body.cardTemplateId} does not exist or is not linked to the app`);
  const contract = templateProblem(template, body.cardData?.cardParamMap ?? {});
  if (contract) return apiError(400, 'param.invalid', contract);
  const spaces = typeof body.openSpaceId === 'string' ? parseOpenSpaceId(body.openSpaceId) : undefined;
  if (!spaces) return apiError(400, 'param.openSpaceIdInvalid', 'openSpaceId must look like dtv1.card//IM_GROUP.<openConversationId>');
  for (const { spaceType } of spaces) {
    if (spaceType === 'IM_GROUP') {
      if (!body.imGroupOpenSpaceModel)
        return apiError(400, 'param.openSpaceModelInvalid', 'imGroupOpenSpaceModel is required for IM_GROUP');
      if (body.imGroupOpenDeliverModel?.robotCode !== state.robotCode) {
        return apiError(400, 'param.openDeliverModelInvalid', 'imGroupOpenDeliverModel.robotCode must be the robot code');
      }
      // atUserIds is Map<String,String> in the API: userId → name ("消息@人").
      const at = body.imGroupOpenDeliverModel.atUserIds;
      if (
        at !== undefined &&
        (at === null || typeof at !== 'object' || Array.isArray(at) || Object.values(at).some((v) => typeof v !== 'string'))
      ) {
        return apiError(400, 'param.openDeliverModelInvalid', 'imGroupOpenDeliverModel.atUserIds must map userId to a name');
      }
    } else if (spaceType === 'IM_ROBOT') {
      if (!body.imRobotOpenSpaceModel)
        return apiError(400, 'param.openSpaceModelInvalid', 'imRobotOpenSpaceModel is required for IM_ROBOT');
      // open-dingtalk/dingtalk-card-examples cardReplier.ts: imRobotOpenDeliverModel {spaceType: "IM_ROBOT"}.
      if (body.imRobotOpenDeliverModel?.spaceType !== 'IM_ROBOT')
        return apiError(400, 'param.openDeliverModelInvalid', 'imRobotOpenDeliverModel.spaceType must be IM_ROBOT');
      if (body.imRobotOpenDeliverModel.robotCode !== undefined && body.imRobotOpenDeliverModel.robotCode !== state.robotCode)
        return apiError(400, 'param.openDeliverModelInvalid', 'imRobotOpenDeliverModel.robotCode must be the robot code');
    } else {
      return apiError(400, 'param.openSpaceIdInvalid', `space type ${spaceType} is not one the fake serves (IM_GROUP, IM_ROBOT)`);
    }
  }
  const first = spaces[0]!;
  const params = { ...(body.cardData?.cardParamMap ?? {}) } as Record<string, string>;
  const privateData: Record<string, Record<string, string>> = {};
  for (const [userId, value] of Object.entries((body.privateData ?? {}) as Record<string, any>)) {
    const badPrivate = nonStringParam(value?.cardParamMap);
    if (badPrivate) return badParamMap(badPrivate);
    const privateContract = templateProblem(template, value?.cardParamMap ?? {});
    if (privateContract) return apiError(400, 'param.invalid', privateContract);
    privateData[userId] = { ...(value?.cardParamMap ?? {}) };
  }
  // The call succeeds as a whole and reports each space: a one-to-one card for someone outside the
  // organisation is not delivered (stand-in errorMsg; the model is CreateAndDeliverResponseBodyResultDeliverResults).
  const deliverResults = spaces.map((s) =>
    s.spaceType === 'IM_ROBOT' && !state.staff.has(s.spaceId)
      ? { spaceType: s.spaceType, spaceId: s.spaceId, success: false, errorMsg: 'staffId.notExisted: the user is not in the organisation' }
      : { spaceType: s.spaceType, spaceId: s.spaceId, success: true },
  );
  if (deliverResults.every((r) => !r.success)) return ok({ success: true, result: { outTrackId: body.outTrackId, deliverResults } });
  state.cards.set(body.outTrackId, {
    outTrackId: body.outTrackId,
    cardTemplateId: body.cardTemplateId,
    openSpaceId: body.openSpaceId,
    spaceType: first.spaceType,
    spaceId: first.spaceId,
    robotCode: body.imGroupOpenDeliverModel?.robotCode,
    callbackType: body.callbackType,
    params,
    history: [{ ...params }],
    privateData,
    createBody: body,
    template,
  });
  return ok({ success: true, result: { outTrackId: body.outTrackId, deliverResults } });
}

/**
 * Apply {cardData, privateData | userPrivateData, cardUpdateOptions} to a card — shared by
 * PUT /v1.0/card/instances and by a card-callback response. Without updateCardDataByKey /
 * updatePrivateDataByKey the map replaces the old one ("不填默认覆盖更新").
 */
export function applyCardUpdate(card: FakeCard, update: any, tapperUserId?: string): string | undefined {
  const options = update?.cardUpdateOptions ?? {};
  const publicMap = update?.cardData?.cardParamMap;
  const bad = nonStringParam(publicMap);
  if (bad) return `cardParamMap value must be a string: ${bad}`;
  const privates: [string, unknown][] = Object.entries((update?.privateData ?? {}) as Record<string, any>).map(([u, v]) => [
    u,
    v?.cardParamMap,
  ]);
  if (tapperUserId !== undefined && update?.userPrivateData) privates.push([tapperUserId, update.userPrivateData.cardParamMap]);
  for (const [, map] of privates) {
    const badPrivate = nonStringParam(map);
    if (badPrivate) return `private cardParamMap value must be a string: ${badPrivate}`;
  }
  for (const map of [publicMap, ...privates.map(([, m]) => m)]) {
    const contract = map ? templateProblem(card.template, map as Record<string, string>) : undefined;
    if (contract) return contract;
  }
  if (publicMap) {
    card.params = options.updateCardDataByKey ? { ...card.params, ...publicMap } : { ...publicMap };
    card.history.push({ ...card.params });
  }
  for (const [userId, map] of privates) {
    if (!map) continue;
    card.privateData[userId] = options.updatePrivateDataByKey
      ? { ...(card.privateData[userId] ?? {}), ...(map as object) }
      : { ...(map as Record<string, string>) };
  }
  return undefined;
}

function updateCard(state: ApiState, body: any): Reply {
  if (!body.outTrackId) return apiError(400, 'param.outTrackIdEmpty', 'param.outTrackIdEmpty');
  const card = state.cards.get(body.outTrackId);
  if (!card) return apiError(400, 'param.cardInstanceNotExist', `card instance ${body.outTrackId} does not exist`);
  const error = applyCardUpdate(card, body);
  if (error) return apiError(400, 'param.invalid', error);
  return ok({ success: true, result: true });
}

function messageFileDownload(state: ApiState, body: any): Reply {
  if (body.robotCode !== state.robotCode) return apiError(400, 'chatbot.notFound', "robotCode is not this app's robot");
  const file = typeof body.downloadCode === 'string' ? state.files.get(body.downloadCode) : undefined;
  if (!file) return apiError(400, 'invalidParameter.downloadCode', 'downloadCode is invalid or expired');
  // Real URLs are short-lived, unauthenticated OSS links; the file name is not part of them.
  return ok({ downloadUrl: `${state.base}/files/${file.downloadToken}` });
}

function download(state: ApiState, token: string): Reply {
  for (const file of state.files.values()) {
    if (file.downloadToken === token) return { status: 200, bytes: file.content, headers: { 'content-type': 'application/octet-stream' } };
  }
  return { status: 404, bytes: Buffer.from('NoSuchKey') };
}

/** Required msgParam keys for the common msgKeys (robot message templates). */
const MSG_PARAM_KEYS: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleLink: ['text', 'title', 'messageUrl'],
};

function checkRobotBody(state: ApiState, body: any): { error?: Reply; msgParam?: any } {
  if (body.robotCode !== state.robotCode) return { error: apiError(400, 'chatbot.notFound', "robotCode is not this app's robot") };
  if (typeof body.msgKey !== 'string' || !body.msgKey) return { error: apiError(400, 'param.invalid', 'msgKey is required') };
  if (typeof body.msgParam !== 'string') return { error: apiError(400, 'param.invalid', 'msgParam must be a JSON string') };
  let msgParam: any;
  try {
    msgParam = JSON.parse(body.msgParam);
  } catch {
    return { error: apiError(400, 'param.invalid', 'msgParam is not valid JSON') };
  }
  for (const k of MSG_PARAM_KEYS[body.msgKey] ?? []) {
    if (typeof msgParam?.[k] !== 'string') return { error: apiError(400, 'param.invalid', `msgParam.${k} is required for ${body.msgKey}`) };
  }
  return { msgParam };
}

function groupMessage(state: ApiState, body: any): Reply {
  const { error, msgParam } = checkRobotBody(state, body);
  if (error) return error;
  if (typeof body.openConversationId !== 'string' || !body.openConversationId)
    return apiError(400, 'param.invalid', 'openConversationId is required');
  state.robotMessages.push({ kind: 'group', body, msgParam });
  return ok({ processQueryKey: randomBytes(12).toString('base64') });
}

function otoMessage(state: ApiState, body: any): Reply {
  const { error, msgParam } = checkRobotBody(state, body);
  if (error) return error;
  // userIds: staff ids, at most 20 a call (robot_1_0 BatchSendOTORequest).
  if (
    !Array.isArray(body.userIds) ||
    body.userIds.length === 0 ||
    body.userIds.length > 20 ||
    !body.userIds.every((u: unknown) => typeof u === 'string')
  )
    return apiError(400, 'param.invalid', 'userIds must be 1 to 20 staff ids');
  // An id outside the organisation: "staffId.notExisted" (https://developer.aliyun.com/ask/588455).
  const unknown = (body.userIds as string[]).filter((u) => !state.staff.has(u));
  if (unknown.length > 0) return apiError(400, 'staffId.notExisted', `staffId not existed: ${unknown.join(',')}`);
  state.robotMessages.push({ kind: 'oto', body, msgParam });
  return ok({ processQueryKey: randomBytes(12).toString('base64'), invalidStaffIdList: [], flowControlledStaffIdList: [] });
}

const MEDIA_FORMATS: Record<string, { extensions: string[]; maxBytes: number }> = {
  image: { extensions: ['jpg', 'jpeg', 'gif', 'png', 'bmp'], maxBytes: 20 * 1024 * 1024 },
  file: { extensions: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'], maxBytes: 20 * 1024 * 1024 },
};

/**
 * Legacy oapi media upload (https://oapi.dingtalk.com/media/upload?access_token=…, multipart fields `type`
 * and `media` with a file name): HTTP 200 with errcode; the media_id starts with "@" and DingTalk markdown
 * shows it as an image source (`![alt](@lADO…)`).
 */
function mediaUpload(state: ApiState, query: URLSearchParams, body: any): Reply {
  const expiresAt = state.tokens.get(query.get('access_token') ?? '');
  if (expiresAt === undefined || expiresAt < Date.now()) return ok({ errcode: 40014, errmsg: '不合法的access_token' });
  const form = (body as FormBody | undefined)?.form;
  if (!Array.isArray(form)) return ok({ errcode: 40035, errmsg: '缺少参数 media（multipart/form-data）' });
  const type = (form.find((p) => p.name === 'type' && p.filename === undefined)?.data.toString('utf8') ?? query.get('type') ?? '').trim();
  const format = MEDIA_FORMATS[type];
  if (!format) return ok({ errcode: 40004, errmsg: `不合法的媒体文件类型 ${type}` });
  const media = form.find((p) => p.name === 'media');
  if (!media?.filename) return ok({ errcode: 40035, errmsg: '缺少参数 media（需要文件名）' });
  const extension = media.filename.split('.').pop()?.toLowerCase() ?? '';
  if (!format.extensions.includes(extension)) return ok({ errcode: 40005, errmsg: `不合法的文件类型 ${extension}` });
  if (media.data.length === 0 || media.data.length > format.maxBytes) return ok({ errcode: 40006, errmsg: '不合法的文件大小' });
  const mediaId = `@lADP${randomBytes(12).toString('base64url')}`;
  state.media.set(mediaId, { mediaId, type, filename: media.filename, contentType: media.contentType, content: media.data });
  return ok({ errcode: 0, errmsg: 'ok', type, media_id: mediaId, created_at: Date.now() });
}

/** oapi-style: always HTTP 200, success is errcode 0. */
function sessionWebhook(state: ApiState, query: URLSearchParams, body: any): Reply {
  const session = state.sessions.get(query.get('session') ?? '');
  if (!session) return ok({ errcode: 300001, errmsg: 'session不存在' });
  if (session.expiresAt < Date.now()) return ok({ errcode: 300001, errmsg: 'session已过期' });
  const problem = webhookProblem(body);
  if (problem) return ok({ errcode: 40035, errmsg: `缺少参数 ${problem}` });
  state.webhookMessages.push({ conversationId: session.conversationId, body });
  return ok({ errcode: 0, errmsg: 'ok' });
}

function webhookProblem(body: any): string | undefined {
  // at: {atUserIds?: string[], atMobiles?: string[], isAtAll?: boolean}, read on text and markdown messages.
  const at = body?.at;
  if (at !== undefined) {
    const list = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (
      at === null ||
      typeof at !== 'object' ||
      !list(at.atUserIds) ||
      !list(at.atMobiles) ||
      (at.isAtAll !== undefined && typeof at.isAtAll !== 'boolean')
    )
      return 'at';
  }
  switch (body?.msgtype) {
    case 'text':
      return typeof body.text?.content === 'string' ? undefined : 'text.content';
    case 'markdown':
      return typeof body.markdown?.title === 'string' && typeof body.markdown?.text === 'string'
        ? undefined
        : 'markdown.title/markdown.text';
    case 'actionCard': {
      const card = body.actionCard;
      if (typeof card?.title !== 'string' || typeof card?.text !== 'string') return 'actionCard.title/actionCard.text';
      const single = typeof card.singleTitle === 'string' && typeof card.singleURL === 'string';
      const btns =
        Array.isArray(card.btns) && card.btns.every((b: any) => typeof b?.title === 'string' && typeof b?.actionURL === 'string');
      return single || btns ? undefined : 'actionCard.singleTitle+singleURL or actionCard.btns[{title,actionURL}]';
    }
    case 'link':
      return typeof body.link?.title === 'string' && typeof body.link?.messageUrl === 'string' ? undefined : 'link.title/link.messageUrl';
    default:
      return 'msgtype';
  }
}
