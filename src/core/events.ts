/**
 * Neutral inbound events: what an adapter makes of a platform's payload. The core never sees a platform
 * payload, and an adapter never decides what a command means.
 */
import type { Locale } from '../../cards/i18n/index.ts';
import type { Card } from '../../cards/model.ts';

interface InboundBase {
  /** 'feishu', 'dingtalk', 'telegram', 'web': the identity namespace of `userId` and `chatId`. */
  platform: string;
  /** The platform's id of this event: a redelivery carries the same one and has no second effect. */
  eventId: string;
  chatId: string;
  chatType: 'group' | 'direct';
  userId: string;
  userName?: string;
  /** The platform's id of the message (for threading replies). */
  messageId?: string;
}

export interface TextEvent extends InboundBase {
  type: 'text';
  /** The text with the bot's @-mention removed. */
  text: string;
  /** True in a direct chat, or when the bot was @-mentioned in a group (only then does a group message count). */
  addressed: boolean;
  /** The platform id of the message this one answers (a reply to a prompt). */
  replyToMessageId?: string;
  /** The platform says the replied message is the bot's own (Telegram's reply_to_message.from). */
  replyToBot?: boolean;
}

export interface FileEvent extends InboundBase {
  type: 'file';
  fileName: string;
  /** Size in bytes when the platform says it before the download. */
  size?: number;
  download(): Promise<Buffer>;
}

export interface ActionEvent extends InboundBase {
  type: 'action';
  token: string;
  /** The chosen option of a select. */
  option?: string;
  /** The text of an input (a note, a reject reason). */
  input?: string;
  /** The user tapped an input's button on a platform without inputs (Telegram): ask with a prompt. */
  wantsInput?: boolean;
}

/**
 * A photo sent in a chat (Telegram's photo, Feishu's image message). It means something only as a reply
 * to one of the bot's variance cards: it is then attached to that line as evidence (拍照留档).
 */
export interface PhotoEvent extends InboundBase {
  type: 'photo';
  /** Size in bytes when the platform says it before the download. */
  size?: number;
  download(): Promise<Buffer>;
  /** The platform id of the message this one answers. */
  replyToMessageId?: string;
  /**
   * The line the photo is for, typed in the same message (DingTalk: "@bot A-100@R1" with the picture, since
   * a bot there cannot be replied to): a SKU, or SKU@LOCATION, of the chat's current stocktake.
   */
  lineRef?: string;
  /** A group message addressed to the bot (@-mentioned). */
  addressed?: boolean;
}

export type InboundEvent = TextEvent | FileEvent | PhotoEvent | ActionEvent;

/**
 * What the core reads of a platform when it answers a tap. Declared by each adapter (bots/adapter.ts) and
 * read by the dispatcher.
 */
export interface Capabilities {
  /**
   * The tap's answer replaces the tapped card for everyone who sees it (Feishu's shared cards, DingTalk's
   * templated cards' public data, the console's stored card). Then the dispatcher renders the card into the
   * answer and queues no outbox update for it; otherwise (Telegram, DingTalk's link cards) it renders
   * nothing in the answer and the outbox update alone refreshes the card.
   */
  cardInAnswer: boolean;
  /** Each reader sees cards in their own language (the console): an answer's card comes in every locale. */
  everyLocale?: boolean;
}

/** The answer to a tap, given within the platform's deadline: a toast, and the tapped card as it is now. */
export interface ActionAnswer {
  toast: { kind: 'success' | 'info' | 'warning' | 'error'; text: string };
  card?: Card;
  /** The card in every language, on a platform with `everyLocale`. */
  cards?: Partial<Record<Locale, Card>>;
}
