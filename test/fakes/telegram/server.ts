/**
 * A fake Telegram Bot API server for tests: node:http, no framework, no internet.
 *
 * The real SDK (grammy) talks to it unchanged through `new Bot(token, {client: {apiRoot}, botInfo})`.
 * It keeps the parts of the real service that bots get wrong in production:
 * - `getUpdates` keeps every update until a later call confirms it with a higher `offset`, long-polls
 *   for `timeout` seconds (answering as soon as an update arrives), honours `allowed_updates`, and
 *   answers 409 when a second poller or a webhook is active;
 * - a webhook (`setWebhook`) replaces `getUpdates`: updates are POSTed with
 *   `X-Telegram-Bot-Api-Secret-Token`, any non-2xx answer is retried until it succeeds, and a JSON body
 *   with a `method` is executed as a webhook reply;
 * - `parse_mode: 'HTML'` is parsed like tdlib does (see html.ts), texts over 4096 characters and
 *   `callback_data` outside 1–64 bytes are refused with the real descriptions;
 * - `editMessageText` without `reply_markup` removes the inline keyboard, and an edit that changes
 *   nothing is refused with "message is not modified";
 * - callback queries must be answered once and before a deadline;
 * - bots can only write to chats they have seen (a user wrote first, or `addChat`), and in groups a bot
 *   in privacy mode (the default for new bots) only receives commands and replies to its own messages;
 * - a bot cannot start a private chat: a user it met in a group but who never started it gets 403 "bot
 *   can't initiate conversation with a user", one it never met 400 "chat not found", and one who blocked
 *   it 403 "bot was blocked by the user" (blockBot), until they write to it again;
 * - forum supergroups (`addChat({isForum: true})`, `createTopic`): a message in a topic has
 *   `is_topic_message`, the topic's `message_thread_id` and, unless it replies to something else, the
 *   topic's root as `reply_to_message`; a reply in General (and in any supergroup) carries the replied
 *   thread's id as `message_thread_id` without `is_topic_message`; sends to an unknown thread are refused
 *   with "message thread not found", and a reply across threads is refused;
 * - getFile refuses files over 20 MB ("file is too big"), as the Bot API does;
 * - optional flood limits answer 429 with `retry_after`.
 *
 * Deliberately missing: MarkdownV2/Markdown are accepted without validation, inline mode, payments,
 * media groups, topic management methods (createForumTopic...), business connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Update, UserFromGetMe } from 'grammy/types';
import { HtmlParseError, parseTelegramHtml, trim, type ParsedEntity } from './html.ts';
import { boundaryOf, parseMultipart } from './multipart.ts';
import { waitFor } from '../../support/wait.ts';

// ---------------------------------------------------------------------------------------------
// Public types

export type ChatType = 'private' | 'group' | 'supergroup';

export interface RateLimits {
  /** Messages to one chat per second (Telegram: "avoid sending more than one message per second"). */
  perChatPerSecond: number;
  /** Messages to one group per minute (Telegram: 20). */
  perGroupPerMinute: number;
  /** Messages per second over all chats (Telegram: about 30). */
  globalPerSecond: number;
}

export interface FakeTelegramOptions {
  token?: string;
  botInfo?: Partial<UserFromGetMe>;
  /**
   * Privacy mode, on for every new bot: in groups the bot only receives commands and replies to its
   * own messages. Default true; `botInfo.can_read_all_group_messages` follows it.
   */
  privacyMode?: boolean;
  /** Refuse sends to chats no user has written from ("chat not found"); see addChat. Default true. */
  knownChatsOnly?: boolean;
  /** Answer 429 past the flood limits; `true` uses 1/s per chat, 20/min per group, 30/s overall. */
  enforceRateLimits?: boolean | Partial<RateLimits>;
  /** After this long an answerCallbackQuery is refused as "query is too old". Default 15 s. */
  callbackQueryDeadlineMs?: number;
  /**
   * How long tap() waits for the bot's answerCallbackQuery before resolving with answer null. Default: the
   * query's deadline, since a later answer is refused anyway; a shorter wait would fail a bot that is merely
   * slowed down by a busy machine.
   */
  tapTimeoutMs?: number;
  /** Delay before a failed webhook delivery is retried. Default 200 ms (Telegram: seconds to minutes). */
  webhookRetryMs?: number;
  /** A webhook request taking longer than this counts as failed. Default 10 s. */
  webhookTimeoutMs?: number;
}

export interface RecordedEdit {
  method: 'editMessageText' | 'editMessageReplyMarkup';
  /** The new text as sent (with markup), for editMessageText. */
  text?: string;
  plainText?: string;
  /** The markup after the edit: undefined means the keyboard was removed. */
  replyMarkup?: any;
  at: number;
}

export interface RecordedMessage {
  chatId: number;
  messageId: number;
  /** Current text as the bot sent it (HTML markup included when parseMode is HTML); edits update it. */
  text: string;
  /** Current text as the user sees it: entities parsed, surrounding white space trimmed. */
  plainText: string;
  parseMode?: string;
  entities: ParsedEntity[];
  /** Current reply markup (inline keyboard, force_reply, keyboard...); undefined once removed. */
  replyMarkup?: any;
  replyToMessageId?: number;
  /** The forum topic the message was posted in (its message_thread_id when is_topic_message). */
  threadId?: number;
  edits: RecordedEdit[];
  sentAt: number;
  deletedAt?: number;
}

export interface RecordedFile {
  chatId: number;
  messageId: number;
  fileId: string;
  bytes: number;
  content: Buffer;
  fileName?: string;
  mimeType?: string;
  caption?: string;
  sentAt: number;
}

export interface RecordedCall {
  /** The Bot API method, or 'downloadFile' for GET {apiRoot}/file/bot<token>/<file_path>. */
  method: string;
  /** Parameters as received; uploaded files appear as {fileName, bytes}. */
  payload: any;
  /** HTTP status of the answer; 0 while the call is still running (a pending long poll). */
  status: number;
  description?: string;
  at: number;
  via: 'http' | 'webhook-reply';
}

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
}

export interface TapResult {
  updateId: number;
  callbackQueryId: string;
  /** The bot's answerCallbackQuery, or null when it did not answer within tapTimeoutMs. */
  answer: CallbackAnswer | null;
  /** Time from the tap to the answer (or to giving up). */
  ms: number;
}

export interface WebhookDelivery {
  updateId: number;
  /** HTTP status of the bot's answer, 0 when the request failed outright. */
  status: number;
  error?: string;
  at: number;
}

export type FailReply =
  | { status: 429; retryAfter: number; times?: number }
  | { status: number; description?: string; times?: number; parameters?: Record<string, unknown> };

export interface InboundResult {
  updateId: number;
  messageId: number;
  /** False when Telegram would not hand the message to the bot (group privacy mode); updateId is then -1. */
  delivered: boolean;
}

export interface FakeTelegram {
  /** 'http://127.0.0.1:<port>', for `new Bot(token, {client: {apiRoot}})`. No trailing slash. */
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;

  // inbound (user → bot)
  sendText(e: {
    chatId: number;
    chatType?: ChatType;
    chatTitle?: string;
    userId: number;
    firstName?: string;
    text: string;
    replyToMessageId?: number;
    /** A forum topic of the chat (createTopic's id): the message is sent in it. */
    threadId?: number;
  }): InboundResult;
  sendDocument(e: {
    chatId: number;
    chatType?: ChatType;
    chatTitle?: string;
    userId: number;
    firstName?: string;
    fileName: string;
    content: Buffer;
    mimeType?: string;
    caption?: string;
    replyToMessageId?: number;
    threadId?: number;
  }): InboundResult;
  /**
   * A user sends a photo (not as a file): Telegram delivers it as `photo`, an array of sizes, smallest
   * first (a 90 px thumbnail and the picture as sent), each with its own file_id.
   */
  sendPhoto(e: {
    chatId: number;
    chatType?: ChatType;
    userId: number;
    firstName?: string;
    content: Buffer;
    width: number;
    height: number;
    caption?: string;
    replyToMessageId?: number;
    threadId?: number;
  }): InboundResult;
  /** Taps an inline button; rejects if the message has no such button (a user could not tap it). */
  tap(e: { chatId: number; messageId: number; userId: number; firstName?: string; data: string }): Promise<TapResult>;
  /** Queues an already sent update again with the same update_id, as after a crash before confirmation. */
  redeliver(updateId: number): void;
  /**
   * Makes a chat known without a user writing first (the bot was added to a group, a user pressed Start).
   * `isForum`: a supergroup with topics enabled.
   */
  addChat(e: { chatId: number; chatType?: ChatType; title?: string; firstName?: string; isForum?: boolean }): void;
  /**
   * A user (or the bot, `byBot`) creates a topic in a forum supergroup; returns its message_thread_id, the id
   * of its root message (a forum_topic_created service message).
   */
  createTopic(e: { chatId: number; name: string; userId?: number; byBot?: boolean }): number;
  /** The user blocks the bot: sends to their private chat are refused until they write to it again. */
  blockBot(userId: number): void;

  // outbound (bot → platform)
  messages: RecordedMessage[];
  photos: RecordedFile[];
  documents: RecordedFile[];
  calls: RecordedCall[];
  callbackAnswers: (CallbackAnswer & { callbackQueryId: string; at: number })[];
  webhookDeliveries: WebhookDelivery[];
  /** The bot's text messages in one chat, in order. */
  messagesIn(chatId: number): RecordedMessage[];
  /** Updates not yet confirmed (getUpdates) or not yet accepted (webhook). */
  pendingUpdates(): Update[];

  failNext(method: string, reply: FailReply): void;
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Internals

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}
const bad = (what: string) => new ApiError(400, `Bad Request: ${what}`);
const tooMany = (seconds: number) => new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

const DEFAULT_EXCLUDED_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';
const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

type Params = Record<string, unknown>;
interface Upload {
  fileName?: string;
  contentType?: string;
  data: Buffer;
}
interface StoredFile {
  fileId: string;
  uniqueId: string;
  path: string;
  content: Buffer;
  fileName?: string;
  mimeType?: string;
}
interface Chat {
  id: number;
  type: ChatType;
  title?: string;
  firstName?: string;
  nextMessageId: number;
  isForum?: boolean;
  /** Forum topics by message_thread_id (the id of the topic's forum_topic_created message). */
  topics: Set<number>;
}
/** Where a message goes: the message it replies to, and its thread (a forum topic, or a reply thread). */
interface Placement {
  reply?: Record<string, any>;
  threadId?: number;
  topic: boolean;
}
interface StoredMessage {
  json: Record<string, any>;
  fromBot: boolean;
  inlineMarkup?: any;
  record?: RecordedMessage;
}
interface QueueEntry {
  update: Update;
  /** Put back by redeliver(): survives one confirmation so a running poller sees it again. */
  redelivered: boolean;
  handedOut: boolean;
  inFlight: boolean;
  retryAt: number;
}
interface PendingQuery {
  at: number;
  answered: boolean;
  resolve?: (answer: CallbackAnswer) => void;
}

const utf16Length = (s: string) => s.length;
const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
const canonical = (v: unknown) => JSON.stringify(v ?? null);

function int(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw bad(`invalid ${key} specified`);
  return Math.trunc(n);
}
function str(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}
function bool(p: Params, key: string): boolean {
  const v = p[key];
  return v === true || v === 'true' || v === 1 || v === '1';
}
function json(p: Params, key: string, error: string): any {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw bad(error);
  }
}

function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

function imageSize(data: Buffer): { width: number; height: number } | null {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    // JPEG: walk the segments to the first start-of-frame.
    let i = 2;
    while (i + 9 < data.length) {
      if (data[i] !== 0xff) return null;
      const marker = data[i + 1]!;
      const length = data.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: data.readUInt16BE(i + 7), height: data.readUInt16BE(i + 5) };
      }
      i += 2 + length;
    }
    return { width: 1, height: 1 };
  }
  if (data.length >= 10 && data.subarray(0, 3).toString('latin1') === 'GIF') {
    return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  }
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') {
    return { width: 1, height: 1 };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegramServer(options);
  await fake.listen();
  return fake;
}

class FakeTelegramServer implements FakeTelegram {
  apiRoot = '';
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly messages: RecordedMessage[] = [];
  readonly photos: RecordedFile[] = [];
  readonly documents: RecordedFile[] = [];
  readonly calls: RecordedCall[] = [];
  readonly callbackAnswers: (CallbackAnswer & { callbackQueryId: string; at: number })[] = [];
  readonly webhookDeliveries: WebhookDelivery[] = [];

  private readonly opts: Required<Omit<FakeTelegramOptions, 'token' | 'botInfo' | 'enforceRateLimits'>>;
  private readonly limits: RateLimits | null;
  private readonly server = createServer((req, res) => {
    this.onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` }));
    });
  });
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly webhookAborts = new Set<AbortController>();
  private closed = false;

  private nextUpdateId = 1;
  private nextQueryId = 1;
  private nextFileNumber = 1;
  private queue: QueueEntry[] = [];
  private readonly archive = new Map<number, Update>();
  private readonly wakers = new Set<() => void>();
  private poller: { conflict: () => void } | null = null;
  private allowedUpdates: Set<string> | null = null; // null: the default set
  private webhook: {
    url: string;
    secret?: string;
    maxConnections: number;
    inFlight: number;
    lastErrorDate?: number;
    lastErrorMessage?: string;
  } | null = null;
  private readonly chats = new Map<number, Chat>();
  private readonly stored = new Map<string, StoredMessage>();
  private readonly files = new Map<string, StoredFile>();
  private readonly queries = new Map<string, PendingQuery>();
  /** Users the bot has met (in any chat): a private chat with one it never met is "chat not found". */
  private readonly users = new Set<number>();
  private readonly blocked = new Set<number>();
  private readonly failures = new Map<string, { reply: FailReply; remaining: number }[]>();
  private readonly sendTimes = new Map<number, number[]>();
  private globalSendTimes: number[] = [];
  private commands: unknown[] = [];

  constructor(options: FakeTelegramOptions) {
    this.token = options.token ?? '123456789:AAFakeTelegramTestTokenForOfflineTests';
    const privacyMode = options.privacyMode ?? true;
    this.opts = {
      privacyMode,
      knownChatsOnly: options.knownChatsOnly ?? true,
      callbackQueryDeadlineMs: options.callbackQueryDeadlineMs ?? 15_000,
      tapTimeoutMs: options.tapTimeoutMs ?? options.callbackQueryDeadlineMs ?? 15_000,
      webhookRetryMs: options.webhookRetryMs ?? 200,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    };
    const rl = options.enforceRateLimits;
    this.limits = rl ? { perChatPerSecond: 1, perGroupPerMinute: 20, globalPerSecond: 30, ...(rl === true ? {} : rl) } : null;
    const id = Number(this.token.split(':')[0]) || 123456789;
    this.botInfo = {
      id,
      is_bot: true,
      first_name: 'Stocktake Test Bot',
      username: 'stocktake_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: !privacyMode,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
      ...options.botInfo,
    } as UserFromGetMe;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
  }

  // -------------------------------------------------------------------------------------------
  // Test-facing API

  messagesIn(chatId: number): RecordedMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  pendingUpdates(): Update[] {
    return this.queue.map((e) => e.update);
  }

  addChat(e: { chatId: number; chatType?: ChatType; title?: string; firstName?: string; isForum?: boolean }): void {
    const chat = this.ensureChat(e.chatId, e.chatType, e.title, e.firstName);
    if (e.isForum) {
      if (chat.type !== 'supergroup') throw new Error('addChat: only a supergroup can be a forum');
      chat.isForum = true;
      // Thread id 1 is General, which is no topic one may send to; topics and messages come after it.
      chat.nextMessageId = Math.max(chat.nextMessageId, 2);
    }
    if (chat.type === 'private') this.users.add(chat.id);
  }

  createTopic(e: { chatId: number; name: string; userId?: number; byBot?: boolean }): number {
    const chat = this.chats.get(e.chatId);
    if (!chat?.isForum) throw new Error(`createTopic: chat ${e.chatId} is not a forum supergroup`);
    const id = chat.nextMessageId++;
    const root: Record<string, any> = {
      message_id: id,
      from: e.byBot ? this.botUser() : this.user(e.userId ?? 1),
      chat: this.chatJson(chat),
      date: Math.floor(Date.now() / 1000),
      message_thread_id: id,
      is_topic_message: true,
      forum_topic_created: { name: e.name, icon_color: 0x6fb9f0 },
    };
    chat.topics.add(id);
    this.stored.set(`${chat.id}/${id}`, { json: root, fromBot: e.byBot === true });
    return id;
  }

  blockBot(userId: number): void {
    this.blocked.add(userId);
  }

  sendText(e: Parameters<FakeTelegram['sendText']>[0]): InboundResult {
    const chat = this.ensureChat(e.chatId, e.chatType, e.chatTitle, e.firstName);
    const message: Record<string, any> = {
      ...this.userMessageBase(chat, e.userId, e.firstName, e.replyToMessageId, e.threadId),
      text: e.text,
    };
    const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?/.exec(e.text);
    if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length }];
    return this.deliverUserMessage(chat, message, command?.[0]);
  }

  sendDocument(e: Parameters<FakeTelegram['sendDocument']>[0]): InboundResult {
    const chat = this.ensureChat(e.chatId, e.chatType, e.chatTitle, e.firstName);
    const file = this.storeFile('documents', e.content, e.fileName, e.mimeType);
    const message: Record<string, any> = {
      ...this.userMessageBase(chat, e.userId, e.firstName, e.replyToMessageId, e.threadId),
      document: {
        file_id: file.fileId,
        file_unique_id: file.uniqueId,
        file_name: e.fileName,
        mime_type: e.mimeType ?? 'application/octet-stream',
        file_size: e.content.length,
      },
    };
    let command: string | undefined;
    if (e.caption !== undefined) {
      message.caption = e.caption;
      command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?/.exec(e.caption)?.[0];
      if (command) message.caption_entities = [{ type: 'bot_command', offset: 0, length: command.length }];
    }
    return this.deliverUserMessage(chat, message, command);
  }

  sendPhoto(e: Parameters<FakeTelegram['sendPhoto']>[0]): InboundResult {
    const chat = this.ensureChat(e.chatId, e.chatType, undefined, e.firstName);
    const small = this.storeFile('photos', e.content.subarray(0, Math.min(e.content.length, 1024)), undefined, 'image/jpeg');
    const full = this.storeFile('photos', e.content, undefined, 'image/jpeg');
    const scale = 90 / Math.max(e.width, e.height);
    const message: Record<string, any> = {
      ...this.userMessageBase(chat, e.userId, e.firstName, e.replyToMessageId, e.threadId),
      photo: [
        {
          file_id: small.fileId,
          file_unique_id: small.uniqueId,
          width: Math.round(e.width * scale),
          height: Math.round(e.height * scale),
          file_size: Math.min(e.content.length, 1024),
        },
        { file_id: full.fileId, file_unique_id: full.uniqueId, width: e.width, height: e.height, file_size: e.content.length },
      ],
      ...(e.caption !== undefined ? { caption: e.caption } : {}),
    };
    return this.deliverUserMessage(chat, message, undefined);
  }

  async tap(e: { chatId: number; messageId: number; userId: number; firstName?: string; data: string }): Promise<TapResult> {
    const stored = this.stored.get(`${e.chatId}/${e.messageId}`);
    if (!stored || !stored.fromBot) throw new Error(`tap: no bot message ${e.messageId} in chat ${e.chatId}`);
    const buttons: any[] = (stored.inlineMarkup?.inline_keyboard ?? []).flat();
    if (!buttons.some((b) => b?.callback_data === e.data)) {
      throw new Error(
        `tap: message ${e.messageId} in chat ${e.chatId} has no button with callback_data ${JSON.stringify(e.data)}` +
          ` (buttons: ${JSON.stringify(buttons.map((b) => b?.callback_data))})`,
      );
    }
    this.users.add(e.userId);
    const callbackQueryId = String(4_200_000_000_000_000n + BigInt(this.nextQueryId++));
    const started = Date.now();
    const answered = new Promise<CallbackAnswer>((resolve) => {
      this.queries.set(callbackQueryId, { at: started, answered: false, resolve });
    });
    const updateId = this.enqueue({
      callback_query: {
        id: callbackQueryId,
        from: this.user(e.userId, e.firstName),
        message: structuredClone(stored.json),
        chat_instance: String(BigInt(e.chatId) * 7919n),
        data: e.data,
      },
    } as Omit<Update, 'update_id'>);
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      answered,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), this.opts.tapTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return { updateId, callbackQueryId, answer, ms: Date.now() - started };
  }

  redeliver(updateId: number): void {
    const update = this.archive.get(updateId);
    if (!update) throw new Error(`redeliver: no update ${updateId}`);
    this.queue = this.queue.filter((e) => e.update.update_id !== updateId);
    this.queue.push({ update: structuredClone(update), redelivered: true, handedOut: false, inFlight: false, retryAt: 0 });
    this.queue.sort((a, b) => a.update.update_id - b.update.update_id);
    this.notify();
  }

  failNext(method: string, reply: FailReply): void {
    const key = method.toLowerCase();
    const list = this.failures.get(key) ?? [];
    list.push({ reply, remaining: reply.times ?? 1 });
    this.failures.set(key, list);
  }

  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T> {
    return waitFor(probe, { timeoutMs, intervalMs: 10, what: `fake Telegram: ${probe.toString()}` });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.webhookAborts) a.abort();
    for (const wake of [...this.wakers]) wake();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await done;
  }

  // -------------------------------------------------------------------------------------------
  // Inbound helpers

  private ensureChat(id: number, type?: ChatType, title?: string, firstName?: string): Chat {
    let chat = this.chats.get(id);
    if (!chat) {
      const t = type ?? (id > 0 ? 'private' : 'group');
      chat = { id, type: t, nextMessageId: 1, topics: new Set() };
      this.chats.set(id, chat);
    }
    if (type) chat.type = type;
    if (title) chat.title = title;
    if (firstName && chat.type === 'private') chat.firstName = firstName;
    return chat;
  }

  private chatJson(chat: Chat): Record<string, unknown> {
    if (chat.type === 'private') return { id: chat.id, type: 'private', first_name: chat.firstName ?? `User ${chat.id}` };
    return { id: chat.id, type: chat.type, title: chat.title ?? `Group ${chat.id}`, ...(chat.isForum ? { is_forum: true } : {}) };
  }

  private user(id: number, firstName?: string) {
    return { id, is_bot: false, first_name: firstName ?? `User ${id}`, language_code: 'en' };
  }

  private botUser() {
    return { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
  }

  private userMessageBase(chat: Chat, userId: number, firstName: string | undefined, replyTo?: number, threadId?: number) {
    this.users.add(userId);
    // Writing to the bot again is how a person who blocked it unblocks it (Restart in the client).
    if (chat.type === 'private') this.blocked.delete(userId);
    if (threadId !== undefined && !chat.topics.has(threadId)) throw new Error(`no topic ${threadId} in chat ${chat.id}`);
    let target: StoredMessage | undefined;
    if (replyTo !== undefined) {
      target = this.stored.get(`${chat.id}/${replyTo}`);
      if (!target) throw new Error(`reply to unknown message ${replyTo} in chat ${chat.id}`);
      // A client replies only within the topic the person is in.
      if (this.topicOf(target.json) !== threadId) throw new Error(`message ${replyTo} is not in topic ${threadId ?? 'General'}`);
    }
    return {
      message_id: chat.nextMessageId++,
      from: this.user(userId, firstName),
      chat: this.chatJson(chat),
      date: Math.floor(Date.now() / 1000),
      ...this.placed(chat, { ...(target ? { reply: this.shallow(target.json) } : {}), ...this.threadOf(chat, threadId, target?.json) }),
    } as Record<string, any>;
  }

  /** A message as nested in reply_to_message: without its own reply_to_message. */
  private shallow(json: Record<string, any>): Record<string, any> {
    const { reply_to_message: _nested, ...shallow } = json;
    return structuredClone(shallow);
  }

  /** The forum topic a stored message is in, if any. */
  private topicOf(json: Record<string, any>): number | undefined {
    return json.is_topic_message ? (json.message_thread_id as number) : undefined;
  }

  /**
   * The thread of a message sent in `topic` (or in General) replying to `replied`. In a supergroup a reply
   * outside topics belongs to the replied message's reply thread: message_thread_id without is_topic_message
   * (https://github.com/tdlib/telegram-bot-api/issues/356#issuecomment-1405378400).
   */
  private threadOf(chat: Chat, topic: number | undefined, replied: Record<string, any> | undefined): Omit<Placement, 'reply'> {
    if (topic !== undefined) return { threadId: topic, topic: true };
    if (replied && chat.type === 'supergroup')
      return { threadId: (replied.message_thread_id as number) ?? replied.message_id, topic: false };
    return { topic: false };
  }

  /** The fields a placement adds to a message: in a topic, the topic's root stands in for a missing reply. */
  private placed(chat: Chat, placement: Placement): Record<string, any> {
    const root = placement.topic ? this.stored.get(`${chat.id}/${placement.threadId}`) : undefined;
    const reply = placement.reply ?? (root ? this.shallow(root.json) : undefined);
    return {
      ...(placement.threadId !== undefined ? { message_thread_id: placement.threadId } : {}),
      ...(placement.topic ? { is_topic_message: true } : {}),
      ...(reply ? { reply_to_message: reply } : {}),
    };
  }

  private deliverUserMessage(chat: Chat, message: Record<string, any>, command: string | undefined): InboundResult {
    this.stored.set(`${chat.id}/${message.message_id}`, { json: message, fromBot: false });
    let delivered = true;
    // Privacy mode: commands (unless addressed to another bot) and replies to the bot's own messages.
    // Telegram only passes an unaddressed /command when this bot spoke last in the group; the fake
    // assumes it is the only bot there.
    if (chat.type !== 'private' && this.opts.privacyMode) {
      const mention = command?.split('@')[1];
      const forThisBot = command !== undefined && (mention === undefined || mention.toLowerCase() === this.botInfo.username.toLowerCase());
      // In a topic every message replies to the root: a topic the bot created brings it every message there.
      const replied = message.reply_to_message?.message_id as number | undefined;
      const replyToBot = replied !== undefined && this.stored.get(`${chat.id}/${replied}`)?.fromBot === true;
      delivered = forThisBot || replyToBot;
    }
    if (!delivered) return { updateId: -1, messageId: message.message_id, delivered };
    const updateId = this.enqueue({ message } as Omit<Update, 'update_id'>);
    return { updateId, messageId: message.message_id, delivered };
  }

  private enqueue(body: Omit<Update, 'update_id'>): number {
    const update = { update_id: this.nextUpdateId++, ...body } as Update;
    this.archive.set(update.update_id, structuredClone(update));
    this.queue.push({ update, redelivered: false, handedOut: false, inFlight: false, retryAt: 0 });
    this.notify();
    return update.update_id;
  }

  private notify(): void {
    for (const wake of [...this.wakers]) wake();
    this.pumpWebhook();
  }

  private updateType(update: Update): string {
    return Object.keys(update).find((k) => k !== 'update_id') ?? '';
  }

  private allowed(update: Update): boolean {
    const type = this.updateType(update);
    return this.allowedUpdates ? this.allowedUpdates.has(type) : !DEFAULT_EXCLUDED_UPDATES.has(type);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.serveFile(res, file[1]!, decodeURIComponent(file[2]!));
    const api = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    if (!api) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (api[1] !== this.token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

    let params: Params;
    const uploads = new Map<string, Upload>();
    try {
      params = Object.fromEntries(url.searchParams);
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (body.length > 0 && type.startsWith('application/json')) {
        Object.assign(params, JSON.parse(body.toString('utf8')));
      } else if (body.length > 0 && type.startsWith('application/x-www-form-urlencoded')) {
        Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
      } else if (type.startsWith('multipart/form-data')) {
        const boundary = boundaryOf(req.headers['content-type'] ?? '');
        if (!boundary) throw new Error('no boundary');
        for (const part of parseMultipart(body, boundary)) {
          if (part.filename !== undefined)
            uploads.set(part.name, { fileName: part.filename, contentType: part.contentType, data: part.data });
          else params[part.name] = part.data.toString('utf8');
        }
      }
    } catch (error) {
      return send(res, 400, { ok: false, error_code: 400, description: `Bad Request: can't parse request: ${String(error)}` });
    }

    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) aborter.abort();
    });
    const { status, payload } = await this.invoke(api[2]!, params, uploads, 'http', aborter.signal);
    if (res.destroyed || res.writableEnded) return;
    send(res, status, payload);
  }

  private serveFile(res: ServerResponse, token: string, path: string): void {
    if (token !== this.token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const file = [...this.files.values()].find((f) => f.path === path);
    this.calls.push({ method: 'downloadFile', payload: { file_path: path }, status: file ? 200 : 404, at: Date.now(), via: 'http' });
    if (!file) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.content.length });
    res.end(file.content);
  }

  private async invoke(
    rawMethod: string,
    params: Params,
    uploads: Map<string, Upload>,
    via: RecordedCall['via'],
    signal?: AbortSignal,
  ): Promise<{ status: number; payload: Record<string, unknown> }> {
    const at = Date.now();
    const key = rawMethod.toLowerCase(); // Bot API method names are case-insensitive
    const entry = Object.entries(this.methods).find(([name]) => name.toLowerCase() === key);
    const method = entry?.[0] ?? rawMethod;
    const recorded: Params = { ...params };
    for (const [name, up] of uploads) recorded[name] = { fileName: up.fileName, bytes: up.data.length };
    // Recorded on arrival (status 0 until answered), so a pending long poll is visible too.
    const call: RecordedCall = { method, payload: recorded, status: 0, at, via };
    this.calls.push(call);
    let status = 200;
    let payload: Record<string, unknown>;
    try {
      if (!entry) throw new ApiError(404, 'Not Found');
      this.takeFailure(key);
      payload = { ok: true, result: await entry[1].call(this, params, uploads, signal) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.code;
      payload = { ok: false, error_code: error.code, description: error.description };
      if (error.parameters) payload.parameters = error.parameters;
    }
    call.status = status;
    if (status !== 200) call.description = String(payload.description);
    return { status, payload };
  }

  private takeFailure(key: string): void {
    const list = this.failures.get(key);
    const head = list?.[0];
    if (!list || !head) return;
    if (--head.remaining <= 0) list.shift();
    const reply = head.reply;
    if (reply.status === 429) throw tooMany('retryAfter' in reply ? reply.retryAfter : 5);
    const description = ('description' in reply ? reply.description : undefined) ?? DEFAULT_DESCRIPTIONS[reply.status] ?? 'Error';
    throw new ApiError(reply.status, description, 'parameters' in reply ? reply.parameters : undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Bot API methods

  private readonly methods: Record<
    string,
    (this: FakeTelegramServer, p: Params, up: Map<string, Upload>, signal?: AbortSignal) => unknown
  > = {
    getMe() {
      return this.botInfo;
    },
    logOut() {
      return true;
    },
    getUpdates(p, _up, signal) {
      return this.getUpdates(p, signal);
    },
    setWebhook(p) {
      const url = str(p, 'url') ?? '';
      if (url === '') {
        this.webhook = null;
        if (bool(p, 'drop_pending_updates')) this.queue = [];
        return true;
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw bad('bad webhook: Failed to resolve host: Name or service not known');
      }
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
      // Telegram requires HTTPS on port 443, 80, 88 or 8443; plain http is allowed here for loopback only.
      if (parsed.protocol !== 'https:' && !(loopback && parsed.protocol === 'http:')) {
        throw bad('bad webhook: An HTTPS URL must be provided for webhook');
      }
      const secret = str(p, 'secret_token');
      // Documented rule (1-256 of A-Z a-z 0-9 _ -); the exact description is the fake's own.
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
        throw bad('secret token contains unallowed characters');
      }
      const allowed = json(p, 'allowed_updates', "can't parse allowed updates");
      if (Array.isArray(allowed)) this.allowedUpdates = allowed.length ? new Set(allowed.map(String)) : null;
      if (bool(p, 'drop_pending_updates')) this.queue = [];
      this.webhook = {
        url,
        ...(secret === undefined ? {} : { secret }),
        maxConnections: Math.min(100, Math.max(1, int(p, 'max_connections') ?? 40)),
        inFlight: 0,
      };
      for (const e of this.queue) e.retryAt = 0;
      // A running long poll learns about the webhook on its next call.
      this.pumpWebhook();
      return true;
    },
    deleteWebhook(p) {
      this.webhook = null;
      if (bool(p, 'drop_pending_updates')) this.queue = [];
      return true;
    },
    getWebhookInfo() {
      const w = this.webhook;
      return {
        url: w?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: this.queue.length,
        ...(w ? { max_connections: w.maxConnections } : {}),
        ...(w?.lastErrorDate ? { last_error_date: w.lastErrorDate, last_error_message: w.lastErrorMessage } : {}),
        ...(this.allowedUpdates ? { allowed_updates: [...this.allowedUpdates] } : {}),
      };
    },
    setMyCommands(p) {
      this.commands = json(p, 'commands', "can't parse commands JSON object") ?? [];
      return true;
    },
    getMyCommands() {
      return this.commands;
    },
    deleteMyCommands() {
      this.commands = [];
      return true;
    },
    sendChatAction(p) {
      this.requireChat(p);
      return true;
    },
    sendMessage(p) {
      const chat = this.requireChat(p);
      const raw = str(p, 'text');
      if (raw === undefined || raw === '') throw bad('message text is empty');
      const parseMode = str(p, 'parse_mode') || undefined;
      const { text, entities } = this.parseText(raw, parseMode);
      if (text === '') throw bad('message text is empty');
      if (utf16Length(text) > 4096) throw bad('message is too long');
      const markup = this.validateMarkup(p, chat);
      const replyTo = this.replyTarget(chat, p);
      this.checkFlood(chat);
      const json: Record<string, any> = { ...this.botMessageBase(chat, replyTo), text };
      if (entities.length) json.entities = entities;
      const stored = this.storeBotMessage(chat, json, markup);
      const record: RecordedMessage = {
        chatId: chat.id,
        messageId: json.message_id,
        text: raw,
        plainText: text,
        ...(parseMode ? { parseMode } : {}),
        entities,
        ...(markup ? { replyMarkup: markup } : {}),
        ...(replyTo.reply ? { replyToMessageId: replyTo.reply.message_id } : {}),
        ...(replyTo.topic ? { threadId: replyTo.threadId } : {}),
        edits: [],
        sentAt: Date.now(),
      };
      stored.record = record;
      this.messages.push(record);
      return json;
    },
    editMessageText(p) {
      const { chat, stored } = this.editTarget(p);
      if (typeof stored.json.text !== 'string') throw bad('there is no text in the message to edit');
      const raw = str(p, 'text');
      if (raw === undefined || raw === '') throw bad('message text is empty');
      const parseMode = str(p, 'parse_mode') || undefined;
      const { text, entities } = this.parseText(raw, parseMode);
      if (text === '') throw bad('message text is empty');
      if (utf16Length(text) > 4096) throw bad('message is too long');
      const markup = this.validateMarkup(p, chat);
      const inline = markup?.inline_keyboard ? markup : undefined;
      if (
        text === stored.json.text &&
        canonical(entities) === canonical(stored.json.entities ?? []) &&
        canonical(inline) === canonical(stored.inlineMarkup)
      ) {
        throw bad(NOT_MODIFIED);
      }
      stored.json.text = text;
      if (entities.length) stored.json.entities = entities;
      else delete stored.json.entities;
      this.setInline(stored, inline);
      stored.json.edit_date = Math.floor(Date.now() / 1000);
      if (stored.record) {
        stored.record.text = raw;
        stored.record.plainText = text;
        stored.record.entities = entities;
        if (parseMode) stored.record.parseMode = parseMode;
        else delete stored.record.parseMode;
        stored.record.replyMarkup = inline;
        stored.record.edits.push({ method: 'editMessageText', text: raw, plainText: text, replyMarkup: inline, at: Date.now() });
      }
      return structuredClone(stored.json);
    },
    editMessageReplyMarkup(p) {
      const { stored } = this.editTarget(p);
      const markup = this.validateMarkup(p);
      const inline = markup?.inline_keyboard ? markup : undefined;
      if (canonical(inline) === canonical(stored.inlineMarkup)) throw bad(NOT_MODIFIED);
      this.setInline(stored, inline);
      stored.json.edit_date = Math.floor(Date.now() / 1000);
      if (stored.record) {
        stored.record.replyMarkup = inline;
        stored.record.edits.push({ method: 'editMessageReplyMarkup', replyMarkup: inline, at: Date.now() });
      }
      return structuredClone(stored.json);
    },
    deleteMessage(p) {
      const chat = this.requireChat(p);
      const id = int(p, 'message_id');
      const key = `${chat.id}/${id}`;
      const stored = this.stored.get(key);
      if (!stored) throw bad('message to delete not found');
      if (!stored.fromBot && chat.type === 'private') throw bad("message can't be deleted for everyone");
      this.stored.delete(key);
      if (stored.record) stored.record.deletedAt = Date.now();
      return true;
    },
    answerCallbackQuery(p) {
      const id = str(p, 'callback_query_id') ?? '';
      const q = this.queries.get(id);
      if (!q || q.answered || Date.now() - q.at > this.opts.callbackQueryDeadlineMs) throw bad(QUERY_TOO_OLD);
      const text = str(p, 'text');
      // The documented limit is 0-200 characters; the description is the fake's own.
      if (text !== undefined && utf16Length(text) > 200) throw bad('MESSAGE_TOO_LONG');
      q.answered = true;
      const answer: CallbackAnswer = {
        ...(text !== undefined ? { text } : {}),
        ...(p.show_alert !== undefined ? { show_alert: bool(p, 'show_alert') } : {}),
        ...(p.url !== undefined ? { url: str(p, 'url')! } : {}),
      };
      this.callbackAnswers.push({ callbackQueryId: id, ...answer, at: Date.now() });
      q.resolve?.(answer);
      return true;
    },
    getFile(p) {
      const file = this.files.get(str(p, 'file_id') ?? '');
      if (!file) throw bad('invalid file_id');
      if (file.content.length > 20 * 1024 * 1024) throw bad('file is too big');
      return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.content.length, file_path: file.path };
    },
    sendDocument(p, up) {
      const chat = this.requireChat(p);
      const input = this.inputFile(p, up, 'document', 'documents');
      if (input.content.length > 50 * 1024 * 1024) throw new ApiError(413, 'Request Entity Too Large');
      const caption = this.caption(p);
      const markup = this.validateMarkup(p);
      const replyTo = this.replyTarget(chat, p);
      this.checkFlood(chat);
      const json: Record<string, any> = {
        ...this.botMessageBase(chat, replyTo),
        document: {
          file_id: input.fileId,
          file_unique_id: input.uniqueId,
          ...(input.fileName ? { file_name: input.fileName } : {}),
          mime_type: input.mimeType ?? 'application/octet-stream',
          file_size: input.content.length,
        },
        ...caption.json,
      };
      this.storeBotMessage(chat, json, markup);
      this.documents.push({
        chatId: chat.id,
        messageId: json.message_id,
        fileId: input.fileId,
        bytes: input.content.length,
        content: input.content,
        ...(input.fileName ? { fileName: input.fileName } : {}),
        ...(input.mimeType ? { mimeType: input.mimeType } : {}),
        ...(caption.raw !== undefined ? { caption: caption.raw } : {}),
        sentAt: Date.now(),
      });
      return json;
    },
    sendPhoto(p, up) {
      const chat = this.requireChat(p);
      const input = this.inputFile(p, up, 'photo', 'photos');
      const size = imageSize(input.content);
      if (!size) throw bad('IMAGE_PROCESS_FAILED');
      const { width, height } = size;
      if (width + height > 10_000 || Math.max(width, height) > 20 * Math.max(1, Math.min(width, height))) {
        throw bad('PHOTO_INVALID_DIMENSIONS');
      }
      const caption = this.caption(p);
      const markup = this.validateMarkup(p);
      const replyTo = this.replyTarget(chat, p);
      this.checkFlood(chat);
      const json: Record<string, any> = {
        ...this.botMessageBase(chat, replyTo),
        photo: [{ file_id: input.fileId, file_unique_id: input.uniqueId, width, height, file_size: input.content.length }],
        ...caption.json,
      };
      this.storeBotMessage(chat, json, markup);
      this.photos.push({
        chatId: chat.id,
        messageId: json.message_id,
        fileId: input.fileId,
        bytes: input.content.length,
        content: input.content,
        ...(caption.raw !== undefined ? { caption: caption.raw } : {}),
        sentAt: Date.now(),
      });
      return json;
    },
  };

  // -------------------------------------------------------------------------------------------
  // Method helpers

  private async getUpdates(p: Params, signal?: AbortSignal): Promise<Update[]> {
    if (this.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = int(p, 'offset') ?? 0;
    const limit = Math.min(100, Math.max(1, int(p, 'limit') ?? 100));
    const timeout = Math.max(0, int(p, 'timeout') ?? 0);
    const allowed = json(p, 'allowed_updates', "can't parse allowed updates");
    if (Array.isArray(allowed)) this.allowedUpdates = allowed.length ? new Set(allowed.map(String)) : null;

    // Only one getUpdates at a time: the older request is terminated with 409.
    this.poller?.conflict();
    if (offset < 0) {
      this.queue = this.queue.slice(offset);
    } else if (offset > 0) {
      this.queue = this.queue.filter((e) => e.update.update_id >= offset || (e.redelivered && !e.handedOut));
    }
    const take = (): Update[] => {
      this.queue = this.queue.filter((e) => this.allowed(e.update));
      const batch = this.queue.slice(0, limit);
      for (const e of batch) e.handedOut = true;
      return batch.map((e) => structuredClone(e.update));
    };
    const now = take();
    if (now.length > 0 || timeout === 0 || this.closed || signal?.aborted) return now;

    let conflicted = false;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakers.delete(finish);
        signal?.removeEventListener('abort', finish);
        if (this.poller === me) this.poller = null;
        resolve();
      };
      const me = {
        conflict: () => {
          conflicted = true;
          finish();
        },
      };
      const timer = setTimeout(finish, timeout * 1000);
      this.wakers.add(finish);
      signal?.addEventListener('abort', finish);
      this.poller = me;
    });
    if (conflicted) {
      throw new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    }
    if (signal?.aborted || this.closed || this.webhook) return [];
    return take();
  }

  private requireChat(p: Params): Chat {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === '') throw bad('chat_id is empty');
    const id = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw)) ? Number(raw) : NaN;
    if (!Number.isFinite(id)) throw bad('chat not found'); // @usernames: no public channels here
    const chat = this.chats.get(id);
    // Bots cannot start a private chat: the person must have pressed Start (https://core.telegram.org/bots/faq
    // "How do I message a user?" / "bots can't initiate conversations with users").
    if (id > 0 && this.blocked.has(id)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    if (chat) return chat;
    if (id > 0 && this.users.has(id)) throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
    if (this.opts.knownChatsOnly) throw bad('chat not found');
    return this.ensureChat(id);
  }

  private parseText(raw: string, parseMode: string | undefined): { text: string; entities: ParsedEntity[] } {
    if (parseMode === undefined) return trim(raw, []);
    if (parseMode.toLowerCase() === 'html') {
      try {
        return parseTelegramHtml(raw);
      } catch (error) {
        if (error instanceof HtmlParseError) throw bad(`can't parse entities: ${error.message}`);
        throw error;
      }
    }
    if (
      parseMode === 'MarkdownV2' ||
      parseMode === 'Markdown' ||
      parseMode.toLowerCase() === 'markdownv2' ||
      parseMode.toLowerCase() === 'markdown'
    ) {
      return trim(raw, []); // not validated by the fake
    }
    throw bad('unsupported parse_mode');
  }

  private caption(p: Params): { raw?: string; json: Record<string, unknown> } {
    const raw = str(p, 'caption');
    if (raw === undefined || raw === '') return { json: {} };
    const { text, entities } = this.parseText(raw, str(p, 'parse_mode') || undefined);
    if (utf16Length(text) > 1024) throw bad('message caption is too long');
    return { raw, json: { caption: text, ...(entities.length ? { caption_entities: entities } : {}) } };
  }

  /**
   * `chat`: where the markup goes. A `web_app` inline button is "available only in private chats between a
   * user and the bot" (InlineKeyboardButton); elsewhere Telegram answers BUTTON_TYPE_INVALID. Its URL and a
   * `url` button's must be http(s) (a Mini App's HTTPS).
   */
  private validateMarkup(p: Params, chat?: Chat): any {
    const markup = json(p, 'reply_markup', "can't parse reply keyboard markup JSON object");
    if (markup === undefined) return undefined;
    if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
      throw bad("can't parse reply keyboard markup JSON object");
    }
    if ('inline_keyboard' in markup) {
      const rows = markup.inline_keyboard;
      if (!Array.isArray(rows)) throw bad('field "inline_keyboard" must be of type Array');
      for (const row of rows) {
        if (!Array.isArray(row)) throw bad('field "inline_keyboard" must be an Array of Arrays');
        for (const button of row) {
          if (typeof button !== 'object' || button === null || typeof button.text !== 'string') {
            throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
          }
          if (!INLINE_BUTTON_ACTIONS.some((k) => k in button)) {
            throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
          }
          if ('web_app' in button) {
            if (chat && chat.type !== 'private') throw bad('BUTTON_TYPE_INVALID');
            if (typeof button.web_app?.url !== 'string' || !/^https:\/\//.test(button.web_app.url)) throw bad('BUTTON_URL_INVALID');
          }
          if ('url' in button && (typeof button.url !== 'string' || !/^(https?|tg):\/\//.test(button.url))) throw bad('BUTTON_URL_INVALID');
          if ('callback_data' in button) {
            const data = button.callback_data;
            if (typeof data !== 'string' || byteLength(data) < 1 || byteLength(data) > 64) throw bad('BUTTON_DATA_INVALID');
          }
        }
      }
    } else if ('force_reply' in markup) {
      if (markup.force_reply !== true) throw bad("can't parse reply keyboard markup JSON object");
      const placeholder = markup.input_field_placeholder;
      if (placeholder !== undefined && (typeof placeholder !== 'string' || placeholder.length > 64)) {
        throw bad('input field placeholder is too long');
      }
    }
    return markup;
  }

  /**
   * Where a bot's message goes, from message_thread_id and reply_parameters. message_thread_id must name a
   * topic of a forum supergroup ("message thread not found" otherwise, General included:
   * https://github.com/tdlib/telegram-bot-api/issues/798). Without it, a reply goes into the replied message's
   * topic ("you never need to specify message_thread_id explicitly when replying to a message",
   * https://github.com/tdlib/telegram-bot-api/issues/447); with it, a reply to a message of another thread is
   * refused: the fake's own strictness, since Bot API 7.0 makes allow_sending_without_reply "always False for
   * replies in another chat or forum topic" (https://core.telegram.org/bots/api#replyparameters), and an
   * answer must never land away from its question.
   */
  private replyTarget(chat: Chat, p: Params): Placement {
    const thread = int(p, 'message_thread_id');
    if (thread !== undefined && !(chat.isForum && chat.topics.has(thread))) throw bad('message thread not found');
    const parameters = json(p, 'reply_parameters', "can't parse reply parameters JSON object");
    const id = parameters?.message_id ?? int(p, 'reply_to_message_id');
    const target = id === undefined ? undefined : this.stored.get(`${chat.id}/${id}`);
    if (id !== undefined && target && thread !== undefined && this.topicOf(target.json) !== thread) {
      throw bad('message to be replied not found');
    }
    if (id !== undefined && !target && !(parameters?.allow_sending_without_reply || bool(p, 'allow_sending_without_reply'))) {
      throw bad('message to be replied not found');
    }
    const topic = thread ?? (target ? this.topicOf(target.json) : undefined);
    return { ...(target ? { reply: this.shallow(target.json) } : {}), ...this.threadOf(chat, topic, target?.json) };
  }

  private botMessageBase(chat: Chat, placement: Placement): Record<string, any> {
    return {
      message_id: chat.nextMessageId++,
      from: this.botUser(),
      chat: this.chatJson(chat),
      date: Math.floor(Date.now() / 1000),
      ...this.placed(chat, placement),
    };
  }

  private storeBotMessage(chat: Chat, json: Record<string, any>, markup: any): StoredMessage {
    const stored: StoredMessage = { json, fromBot: true };
    // Only inline keyboards belong to the message; force_reply and reply keyboards act on the client.
    this.setInline(stored, markup?.inline_keyboard ? markup : undefined);
    this.stored.set(`${chat.id}/${json.message_id}`, stored);
    return stored;
  }

  private setInline(stored: StoredMessage, inline: any): void {
    stored.inlineMarkup = inline ? structuredClone(inline) : undefined;
    if (inline) stored.json.reply_markup = structuredClone(inline);
    else delete stored.json.reply_markup;
  }

  private editTarget(p: Params): { chat: Chat; stored: StoredMessage } {
    if (p.inline_message_id !== undefined) throw bad('inline messages are not supported by the fake');
    const chat = this.requireChat(p);
    const id = int(p, 'message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    const stored = this.stored.get(`${chat.id}/${id}`);
    if (!stored) throw bad('message to edit not found');
    if (!stored.fromBot) throw bad("message can't be edited");
    return { chat, stored };
  }

  private storeFile(dir: string, content: Buffer, fileName?: string, mimeType?: string): StoredFile {
    const n = this.nextFileNumber++;
    const ext = fileName?.includes('.') ? fileName.slice(fileName.lastIndexOf('.')) : dir === 'photos' ? '.jpg' : '';
    const file: StoredFile = {
      fileId: `BQACAgIAAxkB${randomId(20)}${n}`,
      uniqueId: `AgAD${randomId(8)}${n}`,
      path: `${dir}/file_${n}${ext}`,
      content,
      ...(fileName ? { fileName } : {}),
      ...(mimeType ? { mimeType } : {}),
    };
    this.files.set(file.fileId, file);
    return file;
  }

  private inputFile(p: Params, up: Map<string, Upload>, field: string, dir: string): StoredFile {
    let upload = up.get(field);
    const value = p[field];
    if (!upload && typeof value === 'string') {
      if (value.startsWith('attach://')) {
        upload = up.get(value.slice('attach://'.length));
        if (!upload) throw bad(`there is no ${field} in the request`);
      } else if (/^https?:\/\//i.test(value)) {
        throw bad('failed to get HTTP URL content'); // the fake never reaches the internet
      } else {
        const known = this.files.get(value);
        if (!known) throw bad('wrong file identifier/HTTP URL specified');
        return known;
      }
    }
    if (!upload) throw bad(`there is no ${field} in the request`);
    const mime = upload.contentType && upload.contentType !== 'application/octet-stream' ? upload.contentType : undefined;
    return this.storeFile(dir, upload.data, upload.fileName, mime ?? guessMime(upload.fileName));
  }

  private checkFlood(chat: Chat): void {
    const limits = this.limits;
    if (!limits) return;
    const now = Date.now();
    const times = (this.sendTimes.get(chat.id) ?? []).filter((t) => t > now - 60_000);
    this.sendTimes.set(chat.id, times);
    this.globalSendTimes = this.globalSendTimes.filter((t) => t > now - 1000);
    const retry = (oldest: number, window: number) => Math.max(1, Math.ceil((oldest + window - now) / 1000));
    const lastSecond = times.filter((t) => t > now - 1000);
    if (lastSecond.length >= limits.perChatPerSecond) throw tooMany(retry(lastSecond[0]!, 1000));
    if (chat.type !== 'private' && times.length >= limits.perGroupPerMinute) throw tooMany(retry(times[0]!, 60_000));
    if (this.globalSendTimes.length >= limits.globalPerSecond) throw tooMany(retry(this.globalSendTimes[0]!, 1000));
    times.push(now);
    this.globalSendTimes.push(now);
  }

  // -------------------------------------------------------------------------------------------
  // Webhook delivery

  private pumpWebhook(): void {
    const hook = this.webhook;
    if (!hook || this.closed) return;
    const now = Date.now();
    for (const entry of this.queue) {
      if (hook.inFlight >= hook.maxConnections) break;
      if (entry.inFlight || entry.retryAt > now) continue;
      if (!this.allowed(entry.update)) {
        this.queue = this.queue.filter((e) => e !== entry);
        continue;
      }
      void this.deliver(hook, entry);
    }
  }

  private async deliver(hook: NonNullable<FakeTelegramServer['webhook']>, entry: QueueEntry): Promise<void> {
    entry.inFlight = true;
    hook.inFlight++;
    const aborter = new AbortController();
    this.webhookAborts.add(aborter);
    const timer = setTimeout(() => aborter.abort(), this.opts.webhookTimeoutMs);
    let status = 0;
    let error: string | undefined;
    let body = '';
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (hook.secret !== undefined) headers['x-telegram-bot-api-secret-token'] = hook.secret;
      const res = await fetch(hook.url, { method: 'POST', headers, body: JSON.stringify(entry.update), signal: aborter.signal });
      status = res.status;
      body = await res.text();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(timer);
      this.webhookAborts.delete(aborter);
      hook.inFlight--;
      entry.inFlight = false;
    }
    if (this.closed) return;
    this.webhookDeliveries.push({ updateId: entry.update.update_id, status, ...(error ? { error } : {}), at: Date.now() });
    if (status >= 200 && status < 300) {
      this.queue = this.queue.filter((e) => e !== entry);
      await this.webhookReply(body);
    } else {
      hook.lastErrorDate = Math.floor(Date.now() / 1000);
      hook.lastErrorMessage = status ? `Wrong response from the webhook: ${status}` : `Connection failed: ${error}`;
      entry.retryAt = Date.now() + this.opts.webhookRetryMs;
      const retry = setTimeout(() => {
        this.timers.delete(retry);
        this.pumpWebhook();
      }, this.opts.webhookRetryMs);
      this.timers.add(retry);
    }
    this.pumpWebhook();
  }

  /** A webhook answer may carry one API call ({"method": "sendMessage", ...}); Telegram executes it. */
  private async webhookReply(body: string): Promise<void> {
    if (!body.trim().startsWith('{')) return;
    let parsed: any;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed?.method !== 'string') return;
    const { method, ...params } = parsed;
    await this.invoke(method, params, new Map(), 'webhook-reply');
  }
}

function guessMime(fileName?: string): string | undefined {
  const ext = fileName?.split('.').pop()?.toLowerCase();
  const known: Record<string, string> = {
    csv: 'text/csv',
    txt: 'text/plain',
    pdf: 'application/pdf',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    xls: 'application/vnd.ms-excel',
    json: 'application/json',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
  };
  return ext ? known[ext] : undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
