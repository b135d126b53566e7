/**
 * The neutral card: what a template says, before any platform has a say in how it looks. Renderers in
 * cards/render turn it into Feishu card JSON, a Telegram message with an inline keyboard, a DingTalk card
 * or an HTML fragment. Platform-only options travel as namespaced hints (`telegram.disablePreview`), so the
 * core never asks which platform it is talking to.
 */
import { z } from 'zod';

/** The header colour: what state the thing on the card is in. */
export const CARD_STATES = ['info', 'success', 'warning', 'danger', 'neutral'] as const;
export type CardState = (typeof CARD_STATES)[number];

/**
 * A button's or a select's action: a short signed token minted by the core (see src/core/actionToken.ts).
 * Renderers put it in the platform's callback payload; the token alone tells the core what to do.
 */
const action = z.object({
  token: z.string().regex(/^[A-Za-z0-9._-]{1,22}$/, 'an action token is at most 22 characters of [A-Za-z0-9._-]'),
});

const hints = z.record(z.string().regex(/^[a-z]+\.[A-Za-z]+$/, 'hints are namespaced: "platform.name"'), z.unknown());

export const buttonSchema = z.object({
  label: z.string().min(1),
  style: z.enum(['primary', 'danger', 'default']).default('default'),
  action,
  /** Asked before the action is sent, where the platform can ask (Feishu confirm dialog). */
  confirm: z.object({ title: z.string(), text: z.string() }).optional(),
});

export const elementSchema = z.discriminatedUnion('type', [
  /** A small markdown subset every renderer understands: **bold**, `code`, line breaks and "- " lists. */
  z.object({ type: z.literal('markdown'), text: z.string() }),
  z.object({
    type: z.literal('fields'),
    fields: z.array(z.object({ label: z.string(), value: z.string(), short: z.boolean().default(true) })),
  }),
  z.object({
    type: z.literal('table'),
    columns: z.array(z.object({ key: z.string(), label: z.string(), align: z.enum(['left', 'right']).default('left') })).min(1),
    rows: z.array(z.record(z.string(), z.string())),
    /** Rows left off to keep the card within limits: shown as "… and N more". */
    more: z.number().int().nonnegative().default(0),
  }),
  z.object({
    type: z.literal('image'),
    alt: z.string(),
    /** PNG bytes, base64. Adapters upload them where the platform wants a key (Feishu image_key). */
    png: z.string().optional(),
    url: z.string().url().optional(),
  }),
  z.object({ type: z.literal('buttons'), buttons: z.array(buttonSchema).min(1).max(6) }),
  /**
   * A choice. With `note`, the choice and a line of text are sent together (a cause and the note it needs):
   * a renderer that has forms shows the select, the text box and one submit; the others send the choice
   * alone and the core asks for the text of an option that `needsNote` (a prompt to reply to).
   */
  z.object({
    type: z.literal('select'),
    placeholder: z.string(),
    action,
    options: z
      .array(
        z.object({
          value: z.string().regex(/^[a-z0-9_]{1,40}$/, 'option values are codes: a-z, 0-9, _'),
          label: z.string(),
          /** Choosing it needs the note as well (a cause whose catalogue entry requires one). */
          needsNote: z.boolean().default(false),
        }),
      )
      .min(1)
      .max(30),
    selected: z.string().optional(),
    note: z
      .object({
        label: z.string(),
        placeholder: z.string(),
        /** Says which options need the note (shown beside the text box). */
        hint: z.string(),
        submitLabel: z.string(),
        maxLength: z.number().int().positive().max(1000).default(200),
      })
      .optional(),
    /** The words of the button that sends the choice where a form needs one (the console); "OK" without. */
    submitLabel: z.string().optional(),
  }),
  /** A line of free text sent with an action (a note, a reject reason). */
  z.object({
    type: z.literal('input'),
    label: z.string(),
    placeholder: z.string(),
    submitLabel: z.string(),
    action,
    required: z.boolean().default(false),
    maxLength: z.number().int().positive().max(1000).default(200),
  }),
  z.object({ type: z.literal('divider') }),
  /**
   * A button that opens one of our own pages (the phone's counting page) as the person who taps it. Each
   * adapter turns the path into what its platform opens with the user known: a Telegram Mini App, a Feishu
   * web app URL, a DingTalk H5 micro-app link (src/http/open.ts); the web console links the path itself.
   * A renderer that has no public URL to link to leaves the button out.
   */
  z.object({
    type: z.literal('page'),
    label: z.string().min(1),
    path: z.string().regex(/^\/[^\s/][^\s]*$/, 'a page is a path on our server, such as /count/ST-1'),
  }),
]);

/** Mentions on one card at most: enough for a reminder's owners and escalation targets, within every limit. */
export const MAX_MENTIONS = 30;
/** UTF-16 units (what zod and Telegram count) of a mentioned person's name kept on a card. */
export const MAX_MENTION_NAME = 64;
/** Accounts of one mentioned person kept on a card. */
export const MAX_MENTION_IDENTITIES = 10;
/** A mentioned person's account: "platform:id", the id without white space. */
export const MENTION_IDENTITY = /^[a-z]+:[^\s]{1,128}$/;

/**
 * Someone the card is for, to be notified where the platform can: a person's display name and their
 * accounts as `platform:id` (`telegram:123`, `feishu:ou_…`, `dingtalk:<staff id>`, `web:<handle>`), the
 * same form as person_identity. Each renderer mentions the person through their (first) account on its own
 * platform and names whoever has none there; nothing else about a person (and never a secret) travels on a card.
 */
export const mentionSchema = z.object({
  name: z.string().min(1).max(MAX_MENTION_NAME),
  identities: z.array(z.string().regex(MENTION_IDENTITY, 'an identity is "platform:id"')).max(MAX_MENTION_IDENTITIES).default([]),
});

export const cardSchema = z.object({
  header: z.object({ title: z.string().min(1), subtitle: z.string().optional(), state: z.enum(CARD_STATES).default('info') }),
  elements: z.array(elementSchema),
  footer: z.string().optional(),
  /** People to notify: rendered as one line at the top of the body that fitting never trims (see render/mentions.ts). */
  mentions: z.array(mentionSchema).max(MAX_MENTIONS).optional(),
  hints: hints.optional(),
});

export type Card = z.output<typeof cardSchema>;
export type CardInput = z.input<typeof cardSchema>;
export type CardElement = z.output<typeof elementSchema>;
export type Button = z.output<typeof buttonSchema>;
export type Mention = z.output<typeof mentionSchema>;
/** An element as templates write it (defaults may be left out). */
export type CardElementInput = z.input<typeof elementSchema>;

/** Validates a card built by a template (defaults filled in); a malformed card is a bug, so this throws. */
export function card(input: CardInput): Card {
  return cardSchema.parse(input);
}

/** Every action token on a card, in order: buttons, selects and inputs. */
export function cardTokens(c: Card): string[] {
  const tokens: string[] = [];
  for (const el of c.elements) {
    if (el.type === 'buttons') tokens.push(...el.buttons.map((b) => b.action.token));
    else if (el.type === 'select' || el.type === 'input') tokens.push(el.action.token);
  }
  return tokens;
}
