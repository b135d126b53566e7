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
export { signAndEncryptCallback, encryptForCallback, type SignedCallback } from './callback.ts';
export { decodeFrame, encodeFrame, type Frame } from './frame.ts';
