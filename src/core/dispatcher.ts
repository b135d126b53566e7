/**
 * The bot core: a neutral inbound event → who is it (unknown people are told how to get access, nothing
 * else happens) → which command or intent → one service call keyed by the platform's event id → cards
 * for the chat through the outbox and, for a tap, a toast and the tapped card as it is now.
 */
import { personLocale } from '../services/personLocale.ts';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { isDatabaseUnavailable, retryWhileUnavailable } from '../../db/unavailable.ts';
import { messages, type Locale } from '../../cards/i18n/index.ts';
import type { TemplateContext } from '../../cards/templates/context.ts';
import { accessCard, errorCard, noticeCard } from '../../cards/templates/notice.ts';
import {
  DomainError,
  ExpiredActionError,
  ForgedActionError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  StaleCommandError,
  StocktakeStateError,
  problemText,
} from '../domain/errors.ts';
import type { CommandContext } from '../domain/people.ts';
import { lineRef } from '../domain/stocktake.ts';
import type { ActionIntent } from '../../cards/actions.ts';
import { hasSheetName, looksLikeCountSheet } from '../files/sniff.ts';
import { currentStocktake, getChat, rememberChat, type Chat } from '../services/chats.ts';
import { enqueueMessages, enqueuePrompt, type CardView } from '../services/outbox.ts';
import { findPerson } from '../services/people.ts';
import { normalizeLinkCode, redeemLinkCode } from '../services/linkCodes.ts';
import { addPhoto } from '../services/photos.ts';
import { ActionMinter, resolveAction, type ActionSigner } from './actionToken.ts';
import { runIntent, type TapInput } from './actionHandlers.ts';
import {
  findCardMessage,
  getCardMessage,
  queueUpdate,
  renderCardMessage,
  renderCardMessageTranslations,
  retargetCardMessage,
  type CardMessageRow,
} from './cardMessages.ts';
import { importSheet, runTextCommand } from './commandHandlers.ts';
import type { ActionAnswer, Capabilities, FileEvent, InboundEvent, PhotoEvent, TextEvent } from './events.ts';
import type { Logger } from './log.ts';
import { staticView, type Outcome } from './outcome.ts';
import { parseTextCommand } from './textCommands.ts';

/**
 * The link code in a text from an unknown account: "link CODE", "绑定账号 CODE", or the code alone (which
 * has a digit, so that a word such as "STATUS" is not taken for one). Null when the text is none of these.
 */
function linkCodeIn(text: string): string | null {
  const cmd = parseTextCommand(text);
  if (cmd.name === 'link') return cmd.code;
  const bare = normalizeLinkCode(text);
  return bare !== null && /\d/.test(bare) ? bare : null;
}

/** The line a photo goes to: the stocktake, the line as addPhoto takes it, and as the answer names it. */
interface PhotoLine {
  stocktakeId: string;
  ref: string;
  shown: string;
}

export interface DispatcherDeps {
  db: Db;
  signer: ActionSigner;
  log: Logger;
  defaultLocale?: Locale;
  /** Count sheets larger than this are refused before download. */
  maxFileBytes?: number;
  /** Called after outbox rows were written, so the sender need not wait for its next poll. */
  onOutbox?: () => void;
  /** Each platform's capabilities (its adapter's); a platform not here gets no card in a tap's answer. */
  capabilities?: Readonly<Record<string, Capabilities>>;
}

export type Dispatcher = (event: InboundEvent) => Promise<ActionAnswer | null>;

const MB = 1024 * 1024;
/**
 * How long a message or file waits for the database to come back. Adapters hand events over one at a time
 * and take the next (or acknowledge) only after this returns, so waiting keeps the message instead of
 * answering with an error; a redelivery after the wait finds the event id and writes nothing twice.
 */
const OUTAGE_WAIT_MS = 120_000;

/** A stocktake takes count sheets while counting, and recounts while in review. */
const SHEET_STATUSES = new Set(['counting', 'reviewing']);

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { db, signer, log } = deps;
  const defaultLocale = deps.defaultLocale ?? 'zh-CN';
  const maxFileBytes = deps.maxFileBytes ?? 20 * MB;
  /**
   * Whether a tap on `platform` is answered with its card. Rendered once either way: in the answer (and no
   * outbox update for that card), or only by the outbox update where the answer cannot carry a card.
   */
  const cardInAnswer = (platform: string) => deps.capabilities?.[platform]?.cardInAnswer ?? false;
  /** The tapped card as it is now, for the answer: in every language where each reader picks theirs. */
  async function answerCard(platform: string, row: CardMessageRow): Promise<Pick<ActionAnswer, 'card' | 'cards'>> {
    const card = await renderCardMessage(db, signer, row);
    if (!deps.capabilities?.[platform]?.everyLocale) return { card };
    return { card, cards: await renderCardMessageTranslations(db, signer, row, card) };
  }

  /** Writes the replies once per platform event: a redelivery finds its id and writes nothing. */
  async function finish(event: InboundEvent, chat: Chat, outcome: Pick<Outcome, 'replies' | 'prompt'>): Promise<void> {
    await db.transaction(async (tx) => {
      const fresh = await queryRows(
        tx,
        sql`insert into inbound_event (platform, event_id) values (${event.platform}, ${event.eventId}) on conflict do nothing returning 1 as one`,
      );
      if (fresh.length === 0) return;
      const base = {
        platform: event.platform,
        chatId: event.chatId,
        locale: chat.locale,
        ...(event.messageId ? { replyTo: event.messageId } : {}),
      };
      await enqueueMessages(
        tx,
        outcome.replies.map((view) => ({ ...base, view })),
      );
      if (outcome.prompt) await enqueuePrompt(tx, { ...base, text: outcome.prompt.text, token: outcome.prompt.token });
    });
    if (outcome.replies.length > 0 || outcome.prompt) deps.onOutbox?.();
  }

  async function seen(event: InboundEvent): Promise<boolean> {
    const rows = await queryRows(
      db,
      sql`select 1 as one from inbound_event where platform = ${event.platform} and event_id = ${event.eventId}`,
    );
    return rows.length > 0;
  }

  /** A domain error is the user's to fix: say what and where. Anything else is ours: log it, give a reference. */
  function failure(error: unknown, templates: TemplateContext, event: InboundEvent): CardView {
    if (error instanceof DomainError) {
      const locale = templates.locale;
      const problems =
        error instanceof InvalidInputError
          ? error.problems.map((p) => ({
              line: p.line ?? 0,
              ...(p.column ? { column: p.column } : {}),
              message: problemText(p, locale, 'chat'),
            }))
          : [];
      const message = error.textFor(locale, 'chat');
      return staticView(errorCard(templates, message, problems));
    }
    const ref = randomUUID().slice(0, 8);
    log('error', 'event failed', { ref, platform: event.platform, eventId: event.eventId, type: event.type, error });
    return staticView(errorCard(templates, messages(templates.locale).error.generic(ref)));
  }

  /** `typed`: a tap sent as text, whose answer goes to the chat as a notice (there is no toast to show it). */
  async function tap(event: InboundEvent, chat: Chat, ctx: CommandContext, tapInput: TapInput, typed = false): Promise<ActionAnswer> {
    const locale = chat.locale;
    let resolved;
    try {
      resolved = await resolveAction(db, signer, tapInput.token);
    } catch (error) {
      if (error instanceof ExpiredActionError) return expired(event, chat, typed);
      if (error instanceof ForgedActionError) {
        log('warn', 'refused a tap', { platform: event.platform, user: event.userId, reason: error.message });
        const toast = { kind: 'error' as const, text: error.textFor(locale, 'chat') };
        if (typed) await finish(event, chat, { replies: [answerNotice(chat, toast)] });
        return { toast };
      }
      throw error;
    }
    const inAnswer = resolved.cardMessageId !== null && cardInAnswer(event.platform);
    let outcome: Outcome;
    let stale = false;
    try {
      const cardMessageId = resolved.cardMessageId;
      const ask = async (intent: ActionIntent) => {
        const minter = new ActionMinter(signer);
        const { token } = minter.act(intent);
        await minter.save(db, cardMessageId);
        return token;
      };
      outcome = await runIntent(
        db,
        inAnswer ? { ...ctx, answeredCard: resolved.cardMessageId! } : ctx,
        locale,
        resolved.intent,
        tapInput,
        chat,
        ask,
      );
    } catch (error) {
      if (error instanceof StaleCommandError || error instanceof StocktakeStateError) {
        stale = true;
        outcome = { replies: [], toast: { kind: 'warning', text: messages(locale).stale.toast } };
      } else if (error instanceof IdempotencyKeyReusedError) {
        // The event id of another tap (a page that reuses ids): refused, never answered with that tap's result.
        outcome = { replies: [], toast: { kind: 'error', text: messages(locale).idempotency.reused(event.eventId) } };
      } else if (error instanceof DomainError) {
        outcome = { replies: [], toast: { kind: 'error', text: error.textFor(locale, 'chat') } };
      } else {
        throw error;
      }
    }
    let card;
    let queued = false;
    const row = resolved.cardMessageId ? await getCardMessage(db, resolved.cardMessageId) : null;
    if (row) {
      if (outcome.retarget) {
        await retargetCardMessage(db, row.id, outcome.retarget, { queue: !inAnswer });
        row.view = outcome.retarget;
        queued = !inAnswer;
      } else if (stale && !inAnswer) {
        await queueUpdate(db, row.id);
        queued = true;
      }
      if (inAnswer && !outcome.keepCard) card = await answerCard(event.platform, row);
    }
    const toast = outcome.toast ?? { kind: 'success' as const, text: messages(locale).replies.done };
    // The notice is written with the tap's other replies: finish() records the event id, so a second
    // finish() for the same event (as the notice once had) would write nothing.
    // A prompt says the same as its toast: it goes alone.
    const notice = typed && !outcome.prompt;
    await finish(event, chat, notice ? { ...outcome, replies: [...outcome.replies, answerNotice(chat, toast)] } : outcome);
    if (queued) deps.onOutbox?.();
    return { toast, ...card };
  }

  /**
   * A tap on a button older than the retention window: nothing is done. When the tapped message is a card
   * we know, it is refreshed with new buttons (in the answer, or by a queued update where the answer cannot
   * carry a card), so the card keeps working from the next tap on.
   */
  async function expired(event: InboundEvent, chat: Chat, typed: boolean): Promise<ActionAnswer> {
    const row = event.messageId ? await findCardMessage(db, event.platform, event.chatId, event.messageId) : null;
    log('info', 'tap on an expired button', {
      platform: event.platform,
      chatId: event.chatId,
      eventId: event.eventId,
      refreshed: row !== null,
    });
    let card;
    const inAnswer = row !== null && cardInAnswer(event.platform);
    if (row && inAnswer) card = await answerCard(event.platform, row);
    else if (row) await queueUpdate(db, row.id);
    const t = messages(chat.locale);
    const toast = { kind: 'warning' as const, text: row ? t.stale.toast : t.stale.expired };
    await finish(event, chat, { replies: typed ? [answerNotice(chat, toast)] : [] });
    if (row && !inAnswer) deps.onOutbox?.();
    return { toast, ...card };
  }

  /**
   * A lost database connection is retried, not answered: a message waits (with backoff) until the database
   * is back, the event id keeping the retries to one effect; a tap cannot wait past the platform's deadline
   * and is told to try again. Only then is an outage logged as an error and the event given up.
   */
  return async function dispatch(event) {
    if (event.type === 'action') {
      try {
        return await dispatchOnce(event);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        return { toast: { kind: 'error', text: messages(defaultLocale).error.unavailable } };
      }
    }
    try {
      return await retryWhileUnavailable(() => dispatchOnce(event), {
        firstDelayMs: 250,
        maxDelayMs: 5000,
        giveUpAt: Date.now() + OUTAGE_WAIT_MS,
        onWait: (_error, delay) =>
          log('warn', 'database unavailable; the event waits', { platform: event.platform, eventId: event.eventId, retryInMs: delay }),
      });
    } catch (error) {
      if (isDatabaseUnavailable(error))
        log('error', 'event given up: the database stayed unavailable', {
          platform: event.platform,
          eventId: event.eventId,
          type: event.type,
          error,
        });
      throw error;
    }
  };

  async function dispatchOnce(event: InboundEvent): Promise<ActionAnswer | null> {
    if (event.type === 'text' && event.chatType === 'group' && !event.addressed && !(await repliesToBot(event))) return null;
    if (event.type === 'file' && event.chatType === 'group' && !hasSheetName(event.fileName)) return null;
    // With Feishu's group_msg scope every photo posted in a group arrives: only a reply can be for the bot.
    if (event.type === 'photo' && event.chatType === 'group' && !event.replyToMessageId && !(event.lineRef && event.addressed)) return null;
    if (event.type !== 'action' && (await seen(event))) return null;
    const chatAsBound = await getChat(db, event.platform, event.chatId, defaultLocale);
    let chat = chatAsBound;
    // A photo in a group is the bot's business only as a reply to one of its line cards.
    const photoCard = event.type === 'photo' ? ((await lineCardReplied(event)) ?? (await lineNamed(event, chat))) : null;
    if (event.type === 'photo' && !photoCard && event.chatType === 'group' && !event.lineRef) return null;
    let sheet: Buffer | null = null;
    if (event.type === 'file' && event.chatType === 'group') {
      const wanted = await groupSheet(event, chat);
      if (wanted === 'ignore') return null;
      sheet = wanted;
    }
    const minter = new ActionMinter(signer);
    const templates: TemplateContext = { locale: chat.locale, timezone: chat.timezone, act: minter.act };
    const identity = `${event.platform}:${event.userId}`;
    const person = await findPerson(db, identity);
    if (!person) {
      if (event.type === 'text') {
        const code = linkCodeIn(event.text);
        if (code !== null) return linkIdentity(event, chat, templates, identity, code);
      }
      log('info', 'unknown user', { platform: event.platform, chatId: event.chatId, user: event.userId });
      const card = accessCard(templates, identity);
      await rememberChat(db, event.platform, event.chatId, chat.locale);
      // A tap answers with a toast only: the tapped card is shared by the whole group and must not turn into
      // this person's access notice for everyone.
      if (event.type === 'action') return { toast: { kind: 'error', text: messages(chat.locale).access.toast(identity) } };
      await finish(event, chat, { replies: [staticView(card)] });
      return null;
    }
    // Answers to this person (replies, toasts, prompts) in the language they chose, if they chose one; the
    // cards the whole chat shares keep the chat's own (each card message stores the locale it renders in).
    const own = personLocale(person.locale);
    if (own && own !== chat.locale) {
      chat = { ...chatAsBound, locale: own, ownLocale: chatAsBound.locale };
      templates.locale = own;
    }
    const ctx: CommandContext = {
      actor: { personId: person.id, handle: person.handle, identity },
      idempotencyKey: `${event.platform}:${event.eventId}`,
      now: new Date(),
    };
    const scope = { db, chat, ctx, locale: chat.locale, templates };
    try {
      if (event.type === 'action') {
        return await tap(event, chat, ctx, { token: event.token, option: event.option, input: event.input, wantsInput: event.wantsInput });
      }
      let outcome: Outcome;
      try {
        if (event.type === 'photo') {
          outcome = await attachPhoto(event, photoCard, ctx, chat);
        } else if (event.type === 'file') {
          if (event.size !== undefined && event.size > maxFileBytes)
            throw new InvalidInputError(messages(chat.locale).replies.fileTooLarge(maxFileBytes / MB));
          if (!chat.purposes.includes('team')) throw new InvalidInputError(messages(chat.locale).replies.fileNotBound);
          const bytes = sheet ?? (await event.download());
          if (bytes.length > maxFileBytes) throw new InvalidInputError(messages(chat.locale).replies.fileTooLarge(maxFileBytes / MB));
          outcome = await importSheet(scope, { name: event.fileName, bytes });
        } else {
          const prompt = event.replyToMessageId ? await promptAnswered(event.platform, event.chatId, event.replyToMessageId) : null;
          const cmd = prompt ? { name: 'input' as const, token: prompt, text: event.text } : parseTextCommand(event.text);
          if (cmd.name === 'tap' || cmd.name === 'input') {
            // Taps typed as text (DingTalk link buttons, Telegram prompts) have no toast: the answer is a message.
            await tap(
              event,
              chat,
              ctx,
              cmd.name === 'tap' ? { token: cmd.token, option: cmd.option } : { token: cmd.token, input: cmd.text },
              true,
            );
            return null;
          }
          outcome = await runTextCommand(scope, cmd);
        }
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        outcome = { replies: [failure(error, templates, event)] };
      }
      await finish(event, chat, outcome);
      return null;
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      const ref = randomUUID().slice(0, 8);
      log('error', 'event failed', { ref, platform: event.platform, eventId: event.eventId, type: event.type, error });
      return event.type === 'action' ? { toast: { kind: 'error', text: messages(chat.locale).error.generic(ref) } } : null;
    }
  }

  /**
   * An unknown account sends a link code an admin made in the console: the account becomes that person's,
   * and the answer (or why not) goes to the chat in its language. Like every message, once per event id.
   */
  async function linkIdentity(event: TextEvent, chat: Chat, templates: TemplateContext, identity: string, code: string): Promise<null> {
    let answer: CardView;
    try {
      const linked = await redeemLinkCode(db, code, identity);
      log('info', 'chat account linked', { platform: event.platform, chatId: event.chatId, person: linked.handle });
      const t = messages(chat.locale).link;
      answer = staticView(noticeCard(t.title, t.linked(linked.name, linked.handle, identity)));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      log('info', 'link code refused', { platform: event.platform, chatId: event.chatId, user: event.userId });
      answer = failure(error, templates, event);
    }
    await rememberChat(db, event.platform, event.chatId, chat.locale);
    await finish(event, chat, { replies: [answer] });
    return null;
  }

  /**
   * Whether a group message that does not mention the bot still speaks to it: a reply to one of the bot's
   * own messages (a card, a prompt), as the platform says or as card_message, which records every message
   * the bot sent, knows. A reply from one person to another is not for the bot.
   */
  async function repliesToBot(event: TextEvent): Promise<boolean> {
    if (event.replyToBot) return true;
    if (!event.replyToMessageId) return false;
    const rows = await queryRows(
      db,
      sql`select 1 as one from card_message where platform = ${event.platform} and chat_id = ${event.chatId} and message_id = ${event.replyToMessageId} limit 1`,
    );
    return rows.length > 0;
  }

  /**
   * A file posted in a group is a count sheet only where one is expected: the team chat of a warehouse
   * whose stocktake takes counts (counting, or recounts in review), a CSV/XLSX by name and by its header.
   * Anything else (a delivery note's PDF, a price list, a photo) is none of the bot's business and is
   * ignored without a word. Returns the downloaded bytes, or null when the import itself is to say what is
   * wrong (too large, or a download the platform refused).
   */
  async function groupSheet(event: FileEvent, chat: Chat): Promise<Buffer | null | 'ignore'> {
    if (!chat.purposes.includes('team') || !chat.warehouseId) return 'ignore';
    const st = await currentStocktake(db, chat.warehouseId);
    if (!st || !SHEET_STATUSES.has(st.status)) return 'ignore';
    if (event.size !== undefined && event.size > maxFileBytes) return null;
    let bytes: Buffer;
    try {
      bytes = await event.download();
    } catch {
      return null;
    }
    if (bytes.length > maxFileBytes) return null;
    return (await looksLikeCountSheet(event.fileName, bytes)) ? bytes : 'ignore';
  }

  /** The variance card a photo replies to (by card_message), or null. */
  async function lineCardReplied(event: PhotoEvent): Promise<PhotoLine | null> {
    if (!event.replyToMessageId) return null;
    const row = await findCardMessage(db, event.platform, event.chatId, event.replyToMessageId);
    const view = row?.view;
    return view && (view.kind === 'variance' || view.kind === 'recount')
      ? {
          stocktakeId: view.stocktakeId,
          ref: lineRef(view),
          shown: view.location || view.lot ? lineRef(view) : view.sku,
        }
      : null;
  }

  /** The line a photo names in its own text (DingTalk), in the current stocktake of the chat's warehouse. */
  async function lineNamed(event: PhotoEvent, chat: Chat): Promise<PhotoLine | null> {
    if (!event.lineRef || !chat.warehouseId) return null;
    const st = await currentStocktake(db, chat.warehouseId);
    return st ? { stocktakeId: st.id, ref: event.lineRef, shown: event.lineRef } : null;
  }

  /** Attaches a photo sent in reply to a line's card (or naming its line) to that line, and says so. */
  async function attachPhoto(event: PhotoEvent, line: PhotoLine | null, ctx: CommandContext, chat: Chat): Promise<Outcome> {
    const t = messages(chat.locale);
    if (!line) {
      if (event.lineRef) {
        if (!chat.warehouseId) throw new InvalidInputError(t.replies.notBound);
        throw new InvalidInputError(t.replies.noStocktake(chat.warehouseCode!));
      }
      // DingTalk lets no one reply to a bot's card: the line is named in the same message instead.
      const advice = event.platform === 'dingtalk' ? 'nameTheLine' : 'replyToCard';
      throw new InvalidInputError(t.photo[advice], [], {
        localized: { en: messages('en').photo[advice], 'zh-CN': messages('zh-CN').photo[advice] },
      });
    }
    if (event.size !== undefined && event.size > maxFileBytes) throw new InvalidInputError(t.replies.fileTooLarge(maxFileBytes / MB));
    const bytes = await event.download();
    const r = await addPhoto(db, ctx, {
      stocktake: line.stocktakeId,
      line: line.ref,
      bytes,
      source: event.platform,
      maxBytes: maxFileBytes,
    });
    const shown = line.shown;
    return {
      replies: [staticView(noticeCard(t.photo.addedTitle, r.added ? t.photo.added(shown, r.photos) : t.photo.already(shown, r.photos)))],
    };
  }

  async function promptAnswered(platform: string, chatId: string, messageId: string): Promise<string | null> {
    const [row] = await queryRows<{ prompt_token: string }>(
      db,
      sql`select prompt_token from card_message where platform = ${platform} and chat_id = ${chatId} and message_id = ${messageId} and prompt_token is not null`,
    );
    return row?.prompt_token ?? null;
  }

  /** The toast of a tap sent as text, as a short notice card in the chat. */
  function answerNotice(chat: Chat, toast: ActionAnswer['toast']): CardView {
    const t = messages(chat.locale);
    const [title, state] =
      toast.kind === 'error'
        ? [t.error.title, 'danger' as const]
        : toast.kind === 'warning'
          ? [t.stale.title, 'warning' as const]
          : ['✓', 'success' as const];
    return staticView(noticeCard(title, toast.text, state));
  }
}
