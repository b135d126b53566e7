// Entry point for tests: a fake Feishu platform the real @larksuiteoapi/node-sdk can talk to.
export { startFakeFeishu } from './server.ts';
export type {
  ClientConfig,
  Delivery,
  FakeFeishu,
  FakeFeishuMessage,
  FakeFeishuOptions,
  FakeFeishuRequest,
  SendMessageInput,
  TapCardInput,
} from './types.ts';
export { FEISHU_RECOMMENDED_SCOPES } from './types.ts';
export { cardRefusal, checkCard, markdownTables, CARD_ELEMENTS_LIMIT, CARD_TABLES_LIMIT, type CardRefusal } from './cardSchema.ts';
export { signAndEncryptCallback, encryptForCallback, type SignedCallback } from './callback.ts';
export { decodeFrame, encodeFrame, type Frame } from './frame.ts';
