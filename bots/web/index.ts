/**
 * The web console: a fourth platform, served by our own HTTP server. A person (chosen on a local server,
 * signed in on a public one) types commands, uploads count sheets and taps cards in console chats; those
 * become the same neutral events every platform sends the core, and the outbox delivers the answers here
 * as rows that open pages follow live. Nothing in it goes around the core.
 */
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { messages as texts } from '../../cards/i18n/index.ts';
import { renderHtml } from '../../cards/render/html.ts';
import type { ActionEvent, FileEvent, TextEvent } from '../../src/core/events.ts';
import type { Logger } from '../../src/core/log.ts';
import { InvalidInputError, NotAllowedError } from '../../src/domain/errors.ts';
import type { Actor } from '../../src/domain/people.ts';
import { requireActor, type AppContext, type AppEnv } from '../../src/http/app.ts';
import { PayloadTooLargeError } from '../../src/http/errors.ts';
import { pageLocale } from '../../src/http/locale.ts';
import { listPeople } from '../../src/services/people.ts';
import type { InboundHandler, PlatformAdapter } from '../adapter.ts';
import { createLiveHub, type LiveHub } from './live.ts';
import { createWebDeliverer } from './outbound.ts';
import { stocktakesToCount } from '../../src/services/countingAccess.ts';
import { chatAccess } from './access.ts';
import { CONSOLE_CSS, chatPage, chatRefusal, foreignButtonRefusal, homePage } from './page.ts';
import { CONSOLE_JS } from './script.ts';
import {
  appendMessage,
  cardOfToken,
  checkChatId,
  ensureWebIdentity,
  lastSeq,
  listConsoleChats,
  recentMessages,
  userMessage,
  type ConsoleChat,
} from './store.ts';
import { messageHtml, type Reader } from './view.ts';
import { botTexts } from '../../src/domain/texts/bots.ts';

export interface WebAdapter extends PlatformAdapter {
  /** Adds the console's pages and endpoints to the server's app. */
  mount(app: Hono<AppEnv>): void;
  readonly hub: LiveHub;
}

/** Event ids come from the page (one per submit, so a resent form is one event); else one is made up. */
const eventIdSchema = z.string().regex(/^[A-Za-z0-9-]{8,80}$/);
const field = (v: unknown) => (typeof v === 'string' ? v : undefined);
const eventIdOf = (v: unknown) => {
  const parsed = eventIdSchema.safeParse(v);
  return parsed.success ? parsed.data : randomUUID();
};
const wantsJson = (c: AppContext) => (c.req.header('accept') ?? '').includes('application/json');
const MB = 1024 * 1024;
const DEMO_WAREHOUSE = 'DEMO';

export function createWebAdapter({ db, log }: { db: Db; log: Logger }): WebAdapter {
  const hub = createLiveHub(db);
  const deliverer = createWebDeliverer(db, hub);
  let handler: InboundHandler | null = null;

  function core(): InboundHandler {
    if (!handler) throw new Error('the web console is not started yet');
    return handler;
  }

  /** The signed-in person, or (on a local server) a redirect to choosing one. */
  function personOr(c: AppContext): Actor | Response {
    const actor = c.get('actor');
    if (actor) return actor;
    if (c.get('deps').localOnly) return c.redirect(`/?next=${encodeURIComponent(c.req.path)}`);
    return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
  }

  async function demoLoaded(): Promise<boolean> {
    const chats = await listConsoleChats(db);
    return chats.some((ch) => ch.warehouse === DEMO_WAREHOUSE);
  }

  /** The stocktakes the person may count on the phone, linked from the chat list. */
  const toCount = (actor: Actor | null) => (actor ? stocktakesToCount(db, actor.personId) : Promise.resolve([]));

  /** Where a person lands: a team chat (where counting happens) of theirs, else their first chat. */
  function homeChat(chats: ConsoleChat[]): ConsoleChat | undefined {
    return chats.find((ch) => ch.purposes.includes('team')) ?? chats[0];
  }

  /**
   * The chats a visitor sees in the side bar: those the person may use (access.ts); on a local server
   * before anyone is picked, all of them (whoever is at this machine may pick anyone).
   */
  function visibleChats(c: AppContext, actor: Actor | null) {
    if (actor) return listConsoleChats(db, actor);
    return c.get('deps').localOnly ? listConsoleChats(db) : Promise.resolve([]);
  }

  /** Who reads a chat's messages: the page's language and the chat's warehouse clock. */
  async function readerOf(c: AppContext, chatId: string): Promise<Reader> {
    const [row] = await queryRows<{ timezone: string }>(
      db,
      sql`select w.timezone from chat ch join warehouse w on w.id = ch.warehouse_id where ch.platform = 'web' and ch.chat_id = ${chatId}`,
    );
    return { locale: pageLocale(c), timezone: row?.timezone ?? c.get('deps').defaultTimezone ?? 'Asia/Shanghai' };
  }

  /** Refuses (403) a person who may not use the chat, before anything of it is read or written. */
  async function requireChat(c: AppContext, actor: Actor, chatId: string): Promise<void> {
    const access = await chatAccess(db, actor, chatId);
    if (!access.allowed) throw new NotAllowedError(chatRefusal(pageLocale(c), chatId, access.bound));
  }

  /**
   * A form's event id names one message: sent again with the same text into the same chat it is a
   * resend (one effect), with anything else it is refused (422) rather than silently dropped.
   */
  async function refuseReusedEventId(c: AppContext, actor: Actor, chatId: string, eventId: string, text: string): Promise<Response | null> {
    const earlier = await userMessage(db, `u-${eventId}`);
    if (!earlier || (earlier.chatId === chatId && earlier.text === text && earlier.authorPersonId === actor.personId)) return null;
    const localized = { en: texts('en').idempotency.reused(eventId), 'zh-CN': texts('zh-CN').idempotency.reused(eventId) };
    return c.json({ error: { code: 'IDEMPOTENCY_KEY_REUSED', message: localized[pageLocale(c)], localized } }, 422);
  }

  /** A person's text in a chat: shown at once, then handed to the core like any platform's message. */
  async function say(actor: Actor, chatId: string, eventId: string, text: string): Promise<void> {
    await ensureWebIdentity(db, actor);
    await appendMessage(db, { chatId, messageId: `u-${eventId}`, kind: 'user', authorPersonId: actor.personId, text });
    hub.notify(chatId);
    const event: TextEvent = {
      type: 'text',
      platform: 'web',
      eventId,
      chatId,
      chatType: 'group',
      userId: actor.handle,
      userName: actor.handle,
      messageId: `u-${eventId}`,
      text,
      addressed: true,
    };
    await core()(event);
  }

  function mount(app: Hono<AppEnv>): void {
    app.get('/assets/console.js', (c) =>
      c.body(CONSOLE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
    );
    app.get('/assets/console.css', (c) =>
      c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
    );

    app.get('/', async (c) => {
      const { localOnly } = c.get('deps');
      const actor = c.get('actor');
      const people = (await listPeople(db)).map((p) => ({ handle: p.handle, name: p.name, roles: p.roles }));
      const chats = await visibleChats(c, actor);
      const next = c.req.query('next');
      const asked = next && next.startsWith('/') && !next.startsWith('//') ? next : null;
      const home = homeChat(chats);
      if (actor && !c.req.query('switch') && !asked && home) return c.redirect(`/chat/${encodeURIComponent(home.chatId)}`);
      // The person picked next lands in their own home chat ('/' again, now knowing who they are), not in
      // the first chat of whoever was here before.
      const safeNext = asked ?? '/';
      return c.html(
        homePage({
          locale: pageLocale(c),
          actor,
          localOnly,
          people,
          chats,
          showPicker: !actor || Boolean(c.req.query('switch')) || Boolean(next),
          next: safeNext,
          demo: chats.some((ch) => ch.warehouse === DEMO_WAREHOUSE),
          toCount: await toCount(actor),
        }),
      );
    });

    app.get('/chat', (c) => c.redirect(`/chat/${encodeURIComponent(checkChatId(c.req.query('name') ?? ''))}`));

    app.get('/chat/:chatId', async (c) => {
      const actor = personOr(c);
      if (actor instanceof Response) return actor;
      const chatId = checkChatId(c.req.param('chatId'));
      const chats = await visibleChats(c, actor);
      const access = await chatAccess(db, actor, chatId);
      if (!access.allowed) {
        const notice = chatRefusal(pageLocale(c), chatId, access.bound);
        const people = (await listPeople(db)).map((p) => ({ handle: p.handle, name: p.name, roles: p.roles }));
        return c.html(
          homePage({
            locale: pageLocale(c),
            actor,
            localOnly: c.get('deps').localOnly,
            people,
            chats,
            showPicker: false,
            next: '/',
            demo: chats.some((ch) => ch.warehouse === DEMO_WAREHOUSE),
            notice,
          }),
          403,
        );
      }
      // A chat not seen before opens empty and unbound; it exists for the core once someone writes in it.
      const chat = chats.find((ch) => ch.chatId === chatId) ?? {
        chatId,
        warehouse: null,
        purposes: [],
        locale: c.get('deps').defaultLocale,
        timezone: null,
        messages: 0,
      };
      const seq = await lastSeq(db, chat.chatId);
      // The page shows the latest 200 changes; the live stream continues from the newest.
      const messages = await recentMessages(db, chat.chatId, 200);
      return c.html(
        chatPage({
          locale: pageLocale(c),
          actor,
          localOnly: c.get('deps').localOnly,
          chat: { ...chat, timezone: chat.timezone ?? c.get('deps').defaultTimezone ?? 'Asia/Shanghai' },
          chats,
          messages,
          seq,
          eventId: randomUUID(),
          toast: c.req.query('toast'),
          demo: chats.some((ch) => ch.warehouse === DEMO_WAREHOUSE),
          toCount: await toCount(actor),
        }),
      );
    });

    app.get('/chat/:chatId/events', async (c) => {
      const actor = requireActor(c);
      const chatId = checkChatId(c.req.param('chatId'));
      await requireChat(c, actor, chatId);
      const after = c.req.header('last-event-id') ?? c.req.query('after') ?? '0';
      const from = /^\d{1,19}$/.test(after) ? after : '0';
      const reader = await readerOf(c, chatId);
      return streamSSE(c, async (stream) => {
        const stop = new AbortController();
        stream.onAbort(() => stop.abort());
        await stream.writeSSE({ event: 'ready', data: '{}', retry: 2000 });
        await hub.follow(
          chatId,
          from,
          async (changes) => {
            // Checked again before each batch: a role revoked, or the chat bound elsewhere, ends the stream.
            if (!(await chatAccess(db, actor, chatId)).allowed) {
              stop.abort();
              return;
            }
            for (const m of changes)
              await stream.writeSSE({
                event: 'change',
                id: m.seq,
                data: JSON.stringify({ seq: m.seq, messageId: m.messageId, html: messageHtml(m, reader) }),
              });
          },
          stop.signal,
        );
      });
    });

    app.post('/chat/:chatId/messages', async (c) => {
      const actor = requireActor(c);
      const chatId = checkChatId(c.req.param('chatId'));
      await requireChat(c, actor, chatId);
      const form = await c.req.parseBody();
      const text = (field(form.text) ?? '').trim();
      if (!text) throw new InvalidInputError(botTexts.typeFirst());
      if (text.length > 2000) throw new InvalidInputError(botTexts.messageTooLong());
      const eventId = eventIdOf(form.eventId);
      const reused = await refuseReusedEventId(c, actor, chatId, eventId, text);
      if (reused) return reused;
      await say(actor, chatId, eventId, text);
      return wantsJson(c) ? c.json({ ok: true, messageId: `u-${eventId}` }) : c.redirect(`/chat/${encodeURIComponent(chatId)}`, 303);
    });

    app.post(
      '/chat/:chatId/files',
      (c, next) => {
        const max = c.get('deps').maxUploadBytes;
        return bodyLimit({
          maxSize: max + 64 * 1024,
          onError: () => {
            throw new PayloadTooLargeError(botTexts.uploadTooLarge(`${+(max / MB).toFixed(1)} MB`));
          },
        })(c, next);
      },
      async (c) => {
        const actor = requireActor(c);
        const chatId = checkChatId(c.req.param('chatId'));
        await requireChat(c, actor, chatId);
        const max = c.get('deps').maxUploadBytes;
        const form = await c.req.parseBody();
        const file = form.file;
        if (!(file instanceof File) || file.size === 0) throw new InvalidInputError(botTexts.chooseSheet());
        if (file.size > max) throw new PayloadTooLargeError(botTexts.fileTooLarge(file.name, `${+(max / MB).toFixed(1)} MB`));
        const eventId = eventIdOf(form.eventId);
        const shown = `📎 ${file.name} (${(file.size / 1024).toFixed(1)} KB)`;
        const reused = await refuseReusedEventId(c, actor, chatId, eventId, shown);
        if (reused) return reused;
        await ensureWebIdentity(db, actor);
        await appendMessage(db, { chatId, messageId: `u-${eventId}`, kind: 'user', authorPersonId: actor.personId, text: shown });
        hub.notify(chatId);
        const bytes = Buffer.from(await file.arrayBuffer());
        const event: FileEvent = {
          type: 'file',
          platform: 'web',
          eventId,
          chatId,
          chatType: 'group',
          userId: actor.handle,
          userName: actor.handle,
          messageId: `u-${eventId}`,
          fileName: file.name,
          size: file.size,
          download: async () => bytes,
        };
        await core()(event);
        return wantsJson(c) ? c.json({ ok: true, messageId: `u-${eventId}` }) : c.redirect(`/chat/${encodeURIComponent(chatId)}`, 303);
      },
    );

    app.post('/actions', async (c) => {
      const actor = requireActor(c);
      const form = await c.req.parseBody();
      const token = field(form.token) ?? '';
      if (!token) throw new InvalidInputError(botTexts.noToken());
      const card = await cardOfToken(db, token);
      // A button of a card in another platform's chat is tapped there: its chat's people are not ours to check.
      if (card && card.platform !== 'web') throw new NotAllowedError(foreignButtonRefusal(pageLocale(c)));
      const chatField = field(form.chat);
      const chatId = card?.chatId ?? (chatField ? checkChatId(chatField) : null);
      if (!chatId) throw new InvalidInputError(botTexts.noChat());
      // A card's buttons act for the people of its chat only: its token, copied elsewhere, opens nothing.
      await requireChat(c, actor, chatId);
      await ensureWebIdentity(db, actor);
      const option = field(form.option);
      const input = field(form.input);
      const event: ActionEvent = {
        type: 'action',
        platform: 'web',
        eventId: eventIdOf(form.eventId),
        chatId,
        chatType: 'group',
        userId: actor.handle,
        userName: actor.handle,
        ...(card ? { messageId: card.messageId } : {}),
        token,
        ...(option ? { option } : {}),
        ...(input !== undefined ? { input } : {}),
      };
      const answer = await core()(event);
      // The answer's card is the card's new state for everyone in the chat (no outbox update follows it):
      // stored in place, and the chat's open pages woken, as a delivered update would be.
      if (answer?.card && card) await deliverer.update(chatId, card.messageId, answer.card, { translations: answer.cards });
      const shown = answer?.cards?.[pageLocale(c)] ?? answer?.card;
      if (wantsJson(c)) return c.json({ toast: answer?.toast ?? null, ...(shown ? { cardHtml: renderHtml(shown) } : {}) });
      return c.redirect(
        `/chat/${encodeURIComponent(chatId)}${answer?.toast ? `?toast=${encodeURIComponent(answer.toast.text)}` : ''}`,
        303,
      );
    });

    /** The console's "Load demo data" (local servers only; elsewhere an admin runs `stocktake demo`). */
    app.post('/demo', async (c) => {
      if (!c.get('deps').localOnly) throw new NotAllowedError(botTexts.demoLocalOnly());
      const { loadDemo, postDemoNextSteps } = await import('../../src/services/demo.ts');
      const summary = await loadDemo(db, { locale: pageLocale(c) });
      await postDemoNextSteps(db, summary);
      log('info', 'demo data loaded', { warehouse: summary.warehouse, stocktake: summary.stocktake });
      return c.redirect(`/?next=${encodeURIComponent('/chat/demo-team')}`, 303);
    });

    app.get('/demo/recount.csv', async (c) => {
      if (!(await demoLoaded())) throw new InvalidInputError(botTexts.demoNotLoaded());
      const { demoRecountSheet } = await import('../../src/services/demo.ts');
      const sheet = demoRecountSheet();
      return c.body(new Uint8Array(sheet.bytes), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${sheet.fileName}"`,
      });
    });
  }

  return {
    ...deliverer,
    hub,
    capabilities: { cardInAnswer: true, everyLocale: true },
    /** The console is served by this process: it is up whenever the process is. */
    health: () => ({ connected: true, detail: 'served by this process' }),
    mount,
    async start(next) {
      handler = next;
    },
    async stop() {
      handler = null;
    },
  };
}
