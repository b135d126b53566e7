/**
 * The Telegram adapter with the real grammy SDK against the fake Bot API (test/fakes/telegram): a warehouse
 * group runs a stocktake end to end through long polling, the outbox sender delivers within Telegram's
 * limits, webhook mode checks its secret, and failures map to what the sender needs. No internet.
 */
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import type { CallbackQuery, Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import type { InboundHandler, PlatformAdapter } from '../../bots/adapter.ts';
import { loadTelegramConfig } from '../../bots/telegram/config.ts';
import { callbackToEvent, messageToEvent } from '../../bots/telegram/inbound.ts';
import { createTelegramAdapter, type TelegramAdapter } from '../../bots/telegram/index.ts';
import { redactToken } from '../../bots/telegram/outbound.ts';
import type { Card } from '../../cards/model.ts';
import { messages } from '../../cards/i18n/index.ts';
import { ConfigError } from '../../src/config.ts';
import type { DeliveryError } from '../../src/core/delivery.ts';
import type { InboundEvent, TextEvent } from '../../src/core/events.ts';
import { getDocument, listDocuments } from '../../src/services/documents.ts';
import { listPhotos } from '../../src/services/photos.ts';
import { listReview } from '../../src/services/review.ts';
import { listStocktakes } from '../../src/services/stocktakes.ts';
import { startFakeTelegram, type FakeTelegram, type InboundResult } from '../fakes/telegram/index.ts';
import { botCore, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { dataOf, freePort, recordingLog, telegramConfig } from './telegramSupport.ts';

const en = messages('en');
const GROUP = -1_003_001;
const [CARL, SAM, SUE, STRANGER] = [2001, 2002, 2003, 2999];
/** A 1×1 PNG, base64. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** No pacing: the flow test is about behaviour; the pacing test below uses Telegram's limits. */
const FAST = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };

const opened: { adapter?: TelegramAdapter; fake: FakeTelegram }[] = [];
afterEach(async () => {
  for (const { adapter, fake } of opened.splice(0)) {
    await adapter?.stop();
    await fake.close();
  }
});

/**
 * Waits until the adapter has handled an update: the runner confirmed it (its next getUpdates), so it was
 * taken, and every update taken has been handled.
 */
async function handled(fake: FakeTelegram, result: InboundResult): Promise<void> {
  expect(result.delivered).toBe(true);
  await fake.waitFor(() => !fake.pendingUpdates().some((u) => u.update_id === result.updateId));
  for (const { adapter } of opened) await adapter?.settled();
}

describeEachDatabase('Telegram adapter (grammy against the fake Bot API)', (get) => {
  async function setup(options: { fake?: Parameters<typeof startFakeTelegram>[0]; limits?: typeof FAST | null; webhook?: boolean } = {}) {
    const { db } = get();
    await seedTeam(db, 'telegram', { carl: String(CARL), sam: String(SAM), sue: String(SUE) });
    const fake = await startFakeTelegram(options.fake);
    const entry: (typeof opened)[number] = { fake };
    opened.push(entry);
    const rec = recordingLog();
    let config = telegramConfig(fake.token, fake.apiRoot);
    if (options.webhook) {
      const port = await freePort();
      config = {
        ...config,
        mode: 'webhook',
        webhookUrl: `http://127.0.0.1:${port}/telegram`,
        webhookSecret: 'right_secret-1',
        webhookPort: port,
      };
    }
    const limits = options.limits === null ? {} : { limits: options.limits ?? FAST };
    const adapter = createTelegramAdapter(config, { log: rec.log, ...limits });
    entry.adapter = adapter;
    const { dispatch, sender } = await botCore(db, [adapter], rec.log);
    await adapter.start(dispatch);
    return { db, fake, adapter, sender, rec, config };
  }

  it('runs a stocktake in a group: access, bind, sheet, page, taps, prompts, approval, all in place', async () => {
    const { db, fake, sender, rec } = await setup({ fake: { privacyMode: false } });
    const group = () => fake.messagesIn(GROUP);
    const say = async (userId: number, text: string, extra: { replyToMessageId?: number } = {}) => {
      await handled(fake, fake.sendText({ chatId: GROUP, chatType: 'supergroup', chatTitle: 'WH1 team', userId, text, ...extra }));
      await sender.drainUntilIdle();
    };
    const tap = (userId: number, messageId: number, data: string) => fake.tap({ chatId: GROUP, messageId, userId, data });
    const confirms = async () => (await queryRows(db, sql`select 1 from audit_log where action = 'variance.confirm'`)).length;

    // A stranger is told how to get access; chatter not meant for the bot is ignored.
    await say(STRANGER, '/help');
    expect(group()).toHaveLength(1);
    expect(group()[0]!.plainText).toContain(en.access.title);
    expect(group()[0]!.plainText).toContain(`telegram:${STRANGER}`);
    await say(SAM, 'bind WH1 please, anyone?');
    expect(group()).toHaveLength(1);

    await say(SAM, `/bind@${fake.botInfo.username} WH1`);
    expect(group().at(-1)!.plainText).toContain(en.replies.bound('WH1', 'team'));
    await say(SAM, '/new');

    const csv = sheet([
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '90'],
      ['A-200', 'R2', '21'],
      ['B-300', 'R3', '50.5'],
      ['C-400', 'R4', '1'],
    ]);
    const upload = fake.sendDocument({
      chatId: GROUP,
      chatType: 'supergroup',
      userId: CARL,
      fileName: 'count.csv',
      content: csv,
      mimeType: 'text/csv',
    });
    await handled(fake, upload);
    await sender.drainUntilIdle();
    expect(group().at(-1)!.plainText).toContain(en.importSummary.title('count.csv'));

    await say(SAM, '/close');
    const page = group().find((m) => m.plainText.includes('Variances to review'))!;
    expect(page).toBeDefined();

    // Open a line from the page: the line's card arrives as a new message.
    const open = await tap(SAM, page.messageId, dataOf(page.replyMarkup, { label: /^C-400/ }));
    expect(open.answer).toEqual({ text: en.replies.opened });
    await sender.drainUntilIdle();
    const card = group().at(-1)!;
    expect(card.plainText).toContain('C-400');

    // Confirm, then a double tap (a new callback query id): a stale toast and no second effect.
    const confirm = dataOf(card.replyMarkup, { label: /^Confirm/ });
    const first = await tap(SAM, card.messageId, confirm);
    expect(first.answer).toEqual({ text: en.replies.confirmed }); // answered within the query's deadline
    const again = await tap(SAM, card.messageId, confirm);
    expect(again.callbackQueryId).not.toBe(first.callbackQueryId);
    expect(again.answer).toEqual({ text: en.stale.toast });
    await sender.drainUntilIdle();
    expect(card.edits.length).toBeGreaterThan(0); // edited in place, not sent again
    expect(card.edits.every((e) => e.method === 'editMessageText')).toBe(true);
    expect(page.edits.length).toBeGreaterThan(0);
    expect(await confirms()).toBe(1);

    // Redelivered updates (same update) have no second effect either.
    fake.redeliver(first.updateId);
    await handled(fake, { updateId: first.updateId, messageId: 0, delivered: true });
    fake.redeliver(upload.updateId);
    await handled(fake, upload);
    await sender.drainUntilIdle();
    expect(await confirms()).toBe(1);
    expect(group().filter((m) => m.plainText.includes(en.importSummary.title('count.csv')))).toHaveLength(1);
    expect(await queryRows(db, sql`select 1 from count_import`)).toHaveLength(1);

    // A cause that needs a note (marked *) from the button grid: a ForceReply prompt asks for the note,
    // nothing is tagged until the reply, which tags cause and note together.
    const unknown = await tap(SAM, card.messageId, dataOf(card.replyMarkup, { label: /^Unknown \*$/, data: /:unknown$/ }));
    expect(unknown.answer).toEqual({ text: expect.stringContaining('needs a note') });
    await sender.drainUntilIdle();
    const notePrompt = group().at(-1)!;
    expect(notePrompt.plainText).toContain(en.replies.causeNotePrompt('C-400@R4', 'Unknown'));
    expect(notePrompt.replyMarkup).toEqual({ force_reply: true, selective: true });
    expect(notePrompt.entities).toContainEqual(expect.objectContaining({ type: 'text_mention', user: { id: SAM } }));
    expect(await queryRows(db, sql`select 1 from audit_log where action = 'variance.tag'`)).toHaveLength(0);
    await say(SAM, 'Searched the returns cage', { replyToMessageId: notePrompt.messageId });
    expect(
      await queryRows(db, sql`select after->>'causeCode' as cause, after->>'note' as note from audit_log where action = 'variance.tag'`),
    ).toEqual([{ cause: 'unknown', note: 'Searched the returns cage' }]);

    // A cause from the button grid, then a note by ForceReply prompt.
    const cause = await tap(SAM, card.messageId, dataOf(card.replyMarkup, { data: /:damage$/ }));
    expect(cause.answer?.text).toMatch(/^Cause tagged/);
    const ask = await tap(SAM, card.messageId, dataOf(card.replyMarkup, { label: /note/i, data: /!$/ }));
    expect(ask.answer).toEqual({ text: en.replies.notePrompt('C-400@R4') });
    await sender.drainUntilIdle();
    const prompt = group().at(-1)!;
    expect(prompt.replyMarkup).toEqual({ force_reply: true, selective: true });
    expect(prompt.replyToMessageId).toBe(card.messageId);
    expect(prompt.entities).toContainEqual(expect.objectContaining({ type: 'text_mention', user: { id: SAM } }));
    await say(SAM, 'Pallet crushed by the forklift', { replyToMessageId: prompt.messageId });
    const code = (await listStocktakes(db))[0]!.code;
    expect((await listReview(db, code)).find((l) => l.sku === 'C-400')).toMatchObject({
      causeCode: 'damage',
      note: 'Pallet crushed by the forklift',
    });

    // A photo sent as a reply to the line's card is kept as its evidence; a photo sent to the group is not for the bot.
    const photo = await sharp({ create: { width: 1280, height: 960, channels: 3, background: '#885533' } })
      .jpeg()
      .toBuffer();
    const before = group().length;
    await handled(fake, fake.sendPhoto({ chatId: GROUP, chatType: 'supergroup', userId: CARL, content: photo, width: 1280, height: 960 }));
    await sender.drainUntilIdle();
    expect(group()).toHaveLength(before);
    await handled(
      fake,
      fake.sendPhoto({
        chatId: GROUP,
        chatType: 'supergroup',
        userId: CARL,
        content: photo,
        width: 1280,
        height: 960,
        replyToMessageId: card.messageId,
      }),
    );
    await sender.drainUntilIdle();
    expect(group().at(-1)!.plainText).toContain(en.photo.added('C-400@R4', 1));
    const photos = await listPhotos(db, (await listStocktakes(db))[0]!.id, { sku: 'C-400', location: 'R4' });
    expect(photos).toMatchObject([{ addedBy: 'carl', source: 'telegram', width: 1280, height: 960 }]);
    // The line's card now says it has a photo.
    expect(group().find((m) => m.messageId === card.messageId)!.plainText).toMatch(/Photos:?\s*1/);

    for (const sku of ['A-100', 'A-200']) {
      await tap(SAM, page.messageId, dataOf(page.replyMarkup, { label: new RegExp(`^${sku}`) }));
      await sender.drainUntilIdle();
      const lineCard = group().at(-1)!;
      expect(lineCard.plainText).toContain(sku);
      expect((await tap(SAM, lineCard.messageId, dataOf(lineCard.replyMarkup, { label: /^Confirm/ }))).answer?.text).toBe(
        en.replies.confirmed,
      );
      await tap(SAM, lineCard.messageId, dataOf(lineCard.replyMarkup, { data: /:counting_error$/ }));
    }

    await say(SAM, '/submit');
    const docs = await listDocuments(db);
    expect(docs).toHaveLength(2);
    const approval = (n: number) => group().find((m) => m.plainText.includes(`Approval · ${docs[n]!.number}`))!;

    // sam explained the lines and may not approve (an alert); sue may.
    const refused = await tap(SAM, approval(0).messageId, dataOf(approval(0).replyMarkup, { label: /^Approve/ }));
    expect(refused.answer?.show_alert).toBe(true);
    const approved = await tap(SUE, approval(0).messageId, dataOf(approval(0).replyMarkup, { label: /^Approve/ }));
    expect(approved.answer).toEqual({ text: en.replies.approved });
    expect((await getDocument(db, docs[0]!.id)).status).toBe('posted');
    await sender.drainUntilIdle();
    expect(approval(0).edits.length).toBeGreaterThan(0);
    expect(group().some((m) => m.plainText.includes(`Decision · ${docs[0]!.number}`))).toBe(true);

    // Reject needs a reason: the input button asks by prompt, the reply carries it.
    const reject = await tap(SUE, approval(1).messageId, dataOf(approval(1).replyMarkup, { data: /!$/ }));
    expect(reject.answer).toEqual({ text: en.replies.reasonPrompt(docs[1]!.number) });
    await sender.drainUntilIdle();
    const reasonPrompt = group().at(-1)!;
    expect(reasonPrompt.entities).toContainEqual(expect.objectContaining({ type: 'text_mention', user: { id: SUE } }));
    await say(SUE, 'Recount A-200 first', { replyToMessageId: reasonPrompt.messageId });
    const rejected = await getDocument(db, docs[1]!.id);
    expect(rejected.status).toBe('rejected');
    expect(rejected.route.at(-1)!.reason).toBe('Recount A-200 first');

    expect(rec.errors()).toEqual([]);
    expect(rec.lines.join('\n')).not.toContain(fake.token);
  });

  it('retries a sendMessage refused with 429 after retry_after and delivers it exactly once', async () => {
    const { db, fake, sender } = await setup();
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    await handled(fake, fake.sendText({ chatId: SAM, userId: SAM, text: '/help' }));
    const started = Date.now();
    await sender.drainUntilIdle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messagesIn(SAM)).toHaveLength(1);
    // The 429 is "not now", not a failed attempt: only the delivery that went out counts.
    expect(await queryRows(db, sql`select status, attempts from outbox`)).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  it("paces a burst of five messages to one chat so that Telegram's flood limits are never hit", async () => {
    const { fake, sender } = await setup({ fake: { enforceRateLimits: true }, limits: null });
    for (let i = 0; i < 5; i++) await handled(fake, fake.sendText({ chatId: SAM, userId: SAM, text: '/help' }));
    await sender.drainUntilIdle();
    expect(fake.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
    const times = fake.messagesIn(SAM).map((m) => m.sentAt);
    expect(times).toHaveLength(5);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('in webhook mode registers the secret, handles updates carrying it and refuses any other', async () => {
    const { fake, sender, config } = await setup({ webhook: true });
    const registered = fake.calls.find((c) => c.method === 'setWebhook')!;
    expect(registered.payload).toMatchObject({ url: config.webhookUrl, secret_token: 'right_secret-1', drop_pending_updates: false });
    expect(fake.calls.some((c) => c.method === 'getUpdates')).toBe(false);

    const sent = fake.sendText({ chatId: SAM, userId: SAM, text: '/help' });
    await fake.waitFor(() => fake.webhookDeliveries.find((d) => d.updateId === sent.updateId && d.status === 200));
    await sender.drainUntilIdle();
    expect(fake.messagesIn(SAM)).toHaveLength(1);

    const update = {
      update_id: 9_999,
      message: {
        message_id: 99,
        date: 0,
        chat: { id: SAM, type: 'private', first_name: 'Sam' },
        from: { id: SAM, is_bot: false, first_name: 'Sam' },
        text: '/help',
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(config.webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(update),
      });
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong_secret' })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect((await fetch(config.webhookUrl!)).status).toBe(405);
    await sender.drainUntilIdle();
    expect(fake.messagesIn(SAM)).toHaveLength(1);
  });
});

describe('Telegram adapter without a database', () => {
  const card = (token: string, extra: Card['elements'] = []): Card => ({
    header: { title: 'Stock < 5 & falling', state: 'info' },
    elements: [...extra, { type: 'buttons', buttons: [{ label: 'Go', style: 'default', action: { token } }] }],
  });

  async function start(handler: InboundHandler, options: { apiRoot?: string } = {}) {
    const fake = await startFakeTelegram();
    const entry: (typeof opened)[number] = { fake };
    opened.push(entry);
    const rec = recordingLog();
    const adapter = createTelegramAdapter(telegramConfig(fake.token, options.apiRoot ?? fake.apiRoot), {
      log: rec.log,
      limits: FAST,
      botInfo: fake.botInfo,
    });
    entry.adapter = adapter;
    if (!options.apiRoot) await adapter.start(handler);
    fake.addChat({ chatId: SAM, chatType: 'private' });
    return { fake, adapter, rec };
  }

  it('keeps polling after a handler fails, and still answers the tap that failed', async () => {
    const seen: InboundEvent[] = [];
    const { fake, adapter, rec } = await start(async (event) => {
      seen.push(event);
      if (seen.length === 1) throw new Error('database unreachable');
      return event.type === 'action' ? { toast: { kind: 'success', text: 'x'.repeat(250) } } : null;
    });
    const { messageId } = await adapter.send(String(SAM), card('tok_A1'), { idempotencyKey: 'k1' });
    const failed = await fake.tap({ chatId: SAM, messageId: Number(messageId), userId: SAM, data: 'tok_A1' });
    expect(failed.answer).toEqual({}); // the spinner stops, no toast
    await handled(fake, fake.sendText({ chatId: SAM, userId: SAM, text: 'status' }));
    expect(seen[1]).toMatchObject({
      type: 'text',
      text: 'status',
      addressed: true,
      chatType: 'direct',
      eventId: expect.stringMatching(/^2002:\d+$/),
    });
    const ok = await fake.tap({ chatId: SAM, messageId: Number(messageId), userId: SAM, data: 'tok_A1' });
    expect(ok.answer?.text).toHaveLength(200);
    expect(rec.errors()).toHaveLength(1);
    expect(rec.errors()[0]).toContain('database unreachable');
  });

  it('maps Bot API failures for the sender: 429 waits, 5xx and network retry, other refusals are final', async () => {
    const { fake, adapter } = await start(async () => null);
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as DeliveryError,
      );
    fake.failNext('sendMessage', { status: 429, retryAfter: 3 });
    expect(await failure(adapter.send(String(SAM), card('tok_B1'), { idempotencyKey: 'k2' }))).toMatchObject({
      retryAfterMs: 3000,
      permanent: false,
    });
    fake.failNext('sendMessage', { status: 502 });
    expect(await failure(adapter.send(String(SAM), card('tok_B1'), { idempotencyKey: 'k2' }))).toMatchObject({
      retryAfterMs: null,
      permanent: false,
    });
    fake.failNext('sendMessage', { status: 403 });
    const blocked = await failure(adapter.send(String(SAM), card('tok_B1'), { idempotencyKey: 'k2' }));
    expect(blocked).toMatchObject({ permanent: true, message: expect.stringContaining('bot was blocked by the user') });
    expect(await failure(adapter.send('-42', card('tok_B1'), { idempotencyKey: 'k3' }))).toMatchObject({ permanent: true });

    // An update that changes nothing is a success ("message is not modified").
    const { messageId } = await adapter.send(String(SAM), card('tok_B1'), { idempotencyKey: 'k4' });
    await adapter.update(String(SAM), messageId, card('tok_B1'));
    await adapter.update(String(SAM), messageId, card('tok_B2'));
    expect(fake.messagesIn(SAM).at(-1)!.edits).toHaveLength(1);

    const offline = await start(async () => null, { apiRoot: 'http://127.0.0.1:9' });
    const down = await failure(offline.adapter.send(String(SAM), card('tok_B1'), { idempotencyKey: 'k5' }));
    expect(down).toMatchObject({ permanent: false });
    expect(down!.message).not.toContain(fake.token);
    expect(redactToken(`GET /bot${fake.token}/getMe`, fake.token)).toBe('GET /bot***/getMe');
  });

  it("sends a card's images as photos ahead of its text, once across retries of the same row", async () => {
    const { fake, adapter } = await start(async () => null);
    const chart = card('tok_C1', [{ type: 'image', alt: 'Variance by cause', png: PNG }]);
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    await expect(adapter.send(String(SAM), chart, { idempotencyKey: 'row-1' })).rejects.toThrow(/429/);
    await adapter.send(String(SAM), chart, { idempotencyKey: 'row-1' });
    expect(fake.photos.map((p) => p.caption)).toEqual(['Variance by cause']);
    expect(fake.messagesIn(SAM).map((m) => m.plainText)).toEqual([expect.stringContaining('Stock < 5 & falling')]);
  });

  it('maps messages and taps to neutral events, addressed only when meant for the bot', () => {
    const bot = { id: 42, username: 'stocktake_bot' };
    const msg = (text: string, extra: Partial<Message> = {}) =>
      ({
        message_id: 7,
        date: 0,
        chat: { id: -5, type: 'supergroup', title: 'WH1' },
        from: { id: 9, is_bot: false, first_name: 'Sam', last_name: 'Lee' },
        text,
        ...extra,
      }) as Message;
    const event = (m: Message) => messageToEvent(m, bot, async () => Buffer.alloc(0)) as TextEvent;
    expect(event(msg('/status@stocktake_bot'))).toMatchObject({
      addressed: true,
      text: '/status@stocktake_bot',
      chatType: 'group',
      userName: 'Sam Lee',
      eventId: '-5:7',
      chatId: '-5',
      userId: '9',
    });
    expect(event(msg('/status@other_bot')).addressed).toBe(false);
    expect(event(msg('hey @StockTake_Bot status please'))).toMatchObject({ addressed: true, text: 'hey status please' });
    expect(event(msg('@stocktake_bot submit'))).toMatchObject({ addressed: true, text: 'submit' });
    expect(event(msg('lunch?')).addressed).toBe(false);
    const reply = msg('done', {
      reply_to_message: { ...msg('?'), message_id: 3, from: { id: 42, is_bot: true, first_name: 'Bot' } } as Message['reply_to_message'],
    });
    // A reply to the bot is not addressed (only a command or a mention is) but says whose message it answers.
    expect(event(reply)).toMatchObject({ addressed: false, replyToMessageId: '3', replyToBot: true });
    const toPerson = msg('me too', {
      reply_to_message: { ...msg('lunch?'), message_id: 4 } as Message['reply_to_message'],
    });
    expect(event(toPerson)).toMatchObject({ addressed: false, replyToMessageId: '4' });
    expect(event(toPerson).replyToBot).toBeUndefined();
    // In a forum topic every message replies to the topic's root (here created by the bot): that is no reply.
    const root = { ...msg(''), text: undefined, message_id: 50, from: { id: 42, is_bot: true, first_name: 'Bot' } };
    const inTopic = (extra: Partial<Message>) => msg('lunch?', { message_id: 60, message_thread_id: 50, is_topic_message: true, ...extra });
    const chatter = event(
      inTopic({ reply_to_message: { ...root, forum_topic_created: { name: 'Aisle 3', icon_color: 0 } } as Message['reply_to_message'] }),
    );
    expect(chatter).toMatchObject({ addressed: false, messageId: '50/60' });
    expect(chatter.replyToMessageId).toBeUndefined();
    expect(chatter.replyToBot).toBeUndefined();
    const answer = event(
      inTopic({
        reply_to_message: {
          ...msg('?'),
          message_id: 55,
          from: root.from,
          message_thread_id: 50,
          is_topic_message: true,
        } as Message['reply_to_message'],
      }),
    );
    expect(answer).toMatchObject({ replyToMessageId: '50/55', replyToBot: true, messageId: '50/60' });
    const file = messageToEvent(
      msg('', { text: undefined, document: { file_id: 'f1', file_unique_id: 'u1', file_name: 'count.csv', file_size: 120 } }),
      bot,
      async () => Buffer.from('x'),
    );
    expect(file).toMatchObject({ type: 'file', fileName: 'count.csv', size: 120 });
    expect(messageToEvent(msg('', { text: undefined }), bot, async () => Buffer.alloc(0))).toBeNull();

    const query = (data: string) =>
      ({ id: '77', from: { id: 9, is_bot: false, first_name: 'Sam' }, chat_instance: '1', data, message: msg('card') }) as CallbackQuery;
    expect(callbackToEvent(query('tok_1:damage'))).toMatchObject({
      type: 'action',
      eventId: 'cbq:77',
      token: 'tok_1',
      option: 'damage',
      messageId: '7',
      chatId: '-5',
    });
    expect(callbackToEvent(query('tok_1!'))).toMatchObject({ token: 'tok_1', wantsInput: true });
    expect(callbackToEvent({ ...query('tok_1'), message: undefined })).toBeNull();
  });
});

describe('Telegram configuration', () => {
  const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
  const problem = (env: NodeJS.ProcessEnv) => {
    try {
      loadTelegramConfig(env);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
  };

  it('is off without a token and polls by default', () => {
    expect(loadTelegramConfig({})).toBeNull();
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: ' ' })).toBeNull();
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: '' })).toEqual({
      token: TOKEN,
      apiRoot: 'https://api.telegram.org',
      mode: 'polling',
      webhookPort: 8082,
    });
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' })!.apiRoot).toBe(
      'http://127.0.0.1:8081',
    );
  });

  it('needs a public https URL and a secret in webhook mode', () => {
    const webhook = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram',
      TELEGRAM_WEBHOOK_SECRET: 'Abc_123-x',
    };
    expect(loadTelegramConfig({ ...webhook, TELEGRAM_WEBHOOK_PORT: '9000' })).toMatchObject({
      mode: 'webhook',
      webhookUrl: webhook.TELEGRAM_WEBHOOK_URL,
      webhookSecret: 'Abc_123-x',
      webhookPort: 9000,
    });
    expect(problem({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'webhook' })).toBe(
      'invalid Telegram configuration: TELEGRAM_WEBHOOK_URL is required when TELEGRAM_MODE is webhook; TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE is webhook',
    );
    expect(problem({ ...webhook, TELEGRAM_WEBHOOK_URL: 'http://bot.example.com/' })).toContain(
      'TELEGRAM_WEBHOOK_URL must be a public https:// URL',
    );
    expect(problem({ ...webhook, TELEGRAM_WEBHOOK_SECRET: 'has spaces!' })).toContain('TELEGRAM_WEBHOOK_SECRET must be 1-256 characters');
    expect(problem({ ...webhook, TELEGRAM_WEBHOOK_PORT: '70000' })).toContain('TELEGRAM_WEBHOOK_PORT must be 1-65535');
    expect(problem({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'push' })).toContain('TELEGRAM_MODE must be "polling" or "webhook"');
  });

  it('names a malformed token without echoing it', () => {
    const message = problem({ TELEGRAM_BOT_TOKEN: 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' })!;
    expect(message).toContain('TELEGRAM_BOT_TOKEN must look like');
    expect(message).not.toContain('AAHdqTcv');
  });
});
