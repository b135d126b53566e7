// Wire shapes of the DingTalk stream protocol and the two callback payloads the bot consumes.
// Sources: open-dingtalk/developerpedia docs/learn/stream/protocol.md (frames, acks, ping/disconnect,
// a real robot-message frame), dingtalk-stream-sdk-python chatbot.py / card_callback_message.py
// (field lists and a real card callback), dingtalk-stream 2.1.5 dist/client.mjs (what the Node SDK sends).
import { createHash, randomBytes } from 'node:crypto';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD = '/v1.0/card/instances/callback';

export interface Subscription {
  type: string;
  topic: string;
}

/** Server → client. `time` is a string of epoch ms; `data` is a JSON string. */
export interface StreamFrame {
  specVersion: '1.0';
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  headers: {
    appId?: string;
    connectionId?: string;
    contentType: 'application/json';
    messageId: string;
    time: string;
    topic: string;
  };
  data: string;
}

/** Client → server, for every frame it answers: EVENT (SDK auto-acks), CALLBACK (socketCallBackResponse), ping (echo). */
export interface AckFrame {
  code: number;
  headers: { contentType?: string; messageId: string; [key: string]: unknown };
  message: string;
  data: string;
}

export interface RobotMessagePayload {
  conversationId: string;
  /** '1' single chat, '2' group. */
  conversationType: '1' | '2';
  conversationTitle?: string;
  chatbotCorpId: string;
  chatbotUserId: string;
  msgId: string;
  senderNick: string;
  isAdmin: boolean;
  senderStaffId: string;
  senderId: string;
  senderCorpId: string;
  sessionWebhook: string;
  sessionWebhookExpiredTime: number;
  createAt: number;
  isInAtList: boolean;
  atUsers: { dingtalkId: string; staffId?: string }[];
  robotCode: string;
  msgtype: 'text' | 'file' | 'picture' | 'richText';
  text?: { content: string };
  content?:
    | { downloadCode: string; fileName: string; spaceId: string; fileId: string }
    | { downloadCode: string; pictureDownloadCode: string }
    | { richText: ({ text: string } | { type: 'picture'; downloadCode: string; pictureDownloadCode: string })[] };
}

export interface CardCallbackPayload {
  extension: string;
  corpId: string;
  userId: string;
  userIdType: number;
  type: 'actionCallback';
  spaceType: string;
  spaceId: string;
  outTrackId: string;
  /** JSON string: {"cardPrivateData":{"actionIds":[...],"params":{...}}} */
  content: string;
  /** Same JSON string as content (older field, still sent). */
  value: string;
}

let counter = 0;

/** Looks like the real ones, e.g. 212ca9d7_974_1898c159aa6_1783b. */
export function newMessageId(): string {
  counter += 1;
  return `${randomBytes(4).toString('hex')}_${Math.floor(Math.random() * 1000)}_${Date.now().toString(16)}_${counter.toString(16)}`;
}

export function frame(
  type: StreamFrame['type'],
  topic: string,
  payload: unknown,
  headers: Partial<StreamFrame['headers']> = {},
): StreamFrame {
  return {
    specVersion: '1.0',
    type,
    headers: { contentType: 'application/json', messageId: newMessageId(), time: String(Date.now()), topic, ...headers },
    data: JSON.stringify(payload),
  };
}

/** DingTalk ids are opaque; these keep the real prefixes (cid…, msg…, $:LWCP_v1:$…) and are stable per input. */
export function opaqueId(prefix: string, seed: string): string {
  return prefix + createHash('sha256').update(seed).digest('base64').slice(0, 22);
}

export function randomOpaqueId(prefix: string): string {
  return prefix + randomBytes(16).toString('base64').slice(0, 22);
}
