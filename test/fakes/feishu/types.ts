import type { ApprovalCentreState, DecideInput, Post } from './approval.ts';
// The public shapes of the fake (what tests see). Kept apart so the HTTP and long-connection
// halves can share them without importing each other.

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
  /**
   * The scopes granted to the app (权限管理). Group messages are delivered by scope: with
   * `im:message.group_at_msg:readonly` only those that @-mention the bot, with `im:message.group_msg` all of
   * them (files too: a file message cannot @-mention anyone); direct messages need
   * `im:message.p2p_msg:readonly`. Defaults to FEISHU_RECOMMENDED_SCOPES, what README asks for.
   */
  scopes?: readonly string[];
  /**
   * How long Feishu waits for a tap's answer: "你的服务器需要在接收回调的 3 秒内…响应" (handle card callbacks).
   * A later answer is a timeout for the user (an error in the client, the card unchanged). Default 3000.
   */
  tapTimeoutMs?: number;
}

/** The scopes README tells an admin to grant. */
export const FEISHU_RECOMMENDED_SCOPES = [
  'im:message:send_as_bot',
  'im:message.group_at_msg:readonly',
  'im:message.group_msg',
  'im:message.p2p_msg:readonly',
  'im:resource',
] as const;

export interface FakeFeishuMessage {
  messageId: string;
  chatId: string;
  receiveIdType: string;
  msgType: string;
  /** Set for a direct message (sent with receive_id_type=open_id): the person it went to. */
  openId?: string;
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
  /** Other people @-mentioned in the text (placeholders @_user_N, as Feishu writes them). */
  mentionUsers?: { openId: string; name: string }[];
  /** Sent as a reply (引用回复) to this message: Feishu sets parent_id and root_id. */
  parentId?: string;
  file?: { name: string; content: Buffer };
  /** An image message (message_type image): its bytes are served by the resources endpoint with type=image only. */
  image?: { content: Buffer };
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
  /** Set for a tap answered later than tapTimeoutMs (or never). */
  timedOut?: boolean;
  cardRefused?: string;
}

export interface FakeFeishu {
  domain: string;
  appId: string;
  appSecret: string;
  botOpenId: string;
  botName: string;
  tenantKey: string;
  verificationToken: string;
  /**
   * A user posts a message. `delivered` is false when the app's scopes do not let Feishu push it (then
   * nothing reaches the bot, `code` is 0 and `reply` undefined).
   */
  sendMessage(
    e: SendMessageInput,
  ): Promise<{ eventId: string; messageId: string; fileKey?: string; reply: unknown; code: number; delivered: boolean }>;
  /**
   * A user taps. `timedOut`: no answer within tapTimeoutMs, so the user saw an error and nothing the bot
   * answered later is applied. `cardRefused`: the answer's card broke the card rules (not applied).
   */
  tapCard(
    e: TapCardInput,
  ): Promise<{ eventId: string; token: string; reply: any; ms: number; code: number; timedOut: boolean; cardRefused?: string }>;
  /**
   * A user fills a form on the card as it is now and taps its submit button: `values` by field name (a
   * select's value, an input's text). Throws where the client would send nothing (a required field empty)
   * or could not (a field or option the form lacks); see forms.ts.
   */
  submitForm(e: {
    messageId: string;
    openId: string;
    values: Record<string, string>;
    eventId?: string;
  }): Promise<{ eventId: string; token: string; reply: any; ms: number; code: number; timedOut: boolean; cardRefused?: string }>;
  /** Makes a sent message look `ms` older (the 14-day update limit). */
  ageMessage(messageId: string, ms: number): void;
  /** Takes a person out of (or back into) the app's availability range. */
  setReachable(openId: string, reachable: boolean): void;
  /** The one-to-one chat id (oc_…) Feishu uses for the bot and this person, once a DM went to them. */
  p2pChatOf(openId: string): string | undefined;
  /**
   * An auth code for `openId`, as `tt.requestAccess` gives the web app's page: good once, for 5 minutes
   * (`ttlMs`), for this app (or for `appId`, which this app's exchange then refuses).
   */
  issueAuthCode(openId: string, o?: { name?: string; appId?: string; ttlMs?: number }): string;
  redeliver(eventId: string): Promise<Delivery>;
  messages: FakeFeishuMessage[];
  requests: FakeFeishuRequest[];
  uploadedImages: { imageKey: string; bytes: number }[];
  failNext(
    match: { method?: string; pathIncludes: string },
    reply: { status: number; code?: number; msg?: string; resetSeconds?: number; times?: number },
  ): void;
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Third-party approval: definitions and instances as the approval centre holds them (approval.ts). */
  approval: ApprovalCentreState;
  /** An approver taps Approve/Reject on a task in the approval centre (approval.ts decideExternalTask). */
  decideTask(input: DecideInput, post?: Post): Promise<{ status: number; body: any; timedOut: boolean }>;
  /** Long connections that have sent their first ping (events only go to those). */
  readonly connections: number;
  /** Drops every long connection, as a network failure would; the SDK reconnects by itself. */
  disconnect(): void;
  close(): Promise<void>;
}
