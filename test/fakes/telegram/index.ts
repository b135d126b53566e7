export { startFakeTelegram } from './server.ts';
export type {
  CallbackAnswer,
  ChatType,
  FailReply,
  FakeTelegram,
  FakeTelegramOptions,
  InboundResult,
  RateLimits,
  RecordedCall,
  RecordedEdit,
  RecordedFile,
  RecordedMessage,
  TapResult,
  WebhookDelivery,
} from './server.ts';
export { parseTelegramHtml, HtmlParseError } from './html.ts';
export type { ParsedEntity } from './html.ts';
