/**
 * The Telegram adapter in busy and unusual chats, with the real grammy SDK against the fake Bot API: a slow
 * import in one chat does not hold up another chat (polling and webhook), a chat's own updates keep their
 * order, forum topics are answered in their topic without every message there counting as a reply, a file
 * over the bot download limit is refused in words, and direct messages reach a person or say they cannot.
 */
import { sql } from 'drizzle-orm';
import { GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import type { InboundHandler } from '../../bots/adapter.ts';
import { fileDownloader } from '../../bots/telegram/inbound.ts';
import { createTelegramAdapter, type TelegramAdapter } from '../../bots/telegram/index.ts';
import { renderAll } from '../../src/domain/phrase.ts';
import { botTexts } from '../../src/domain/texts/bots.ts';

const fileTooBigForBots = renderAll(botTexts.telegramFileTooBig(), 'chat');
import type { Card } from '../../cards/model.ts';
import { messages } from '../../cards/i18n/index.ts';
import { loadActionSigner } from '../../src/core/actionToken.ts';
import type { DeliveryError } from '../../src/core/delivery.ts';
import { createDispatcher } from '../../src/core/dispatcher.ts';
import type { ActionAnswer, InboundEvent } from '../../src/core/events.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createSender } from '../../src/core/sender.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { bindChat } from '../../src/services/chats.ts';
import { getDocument, submitVariances } from '../../src/services/documents.ts';
import { addPerson, setNotify } from '../../src/services/people.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { startFakeTelegram, type FakeTelegram, type FakeTelegramOptions, type InboundResult } from '../fakes/telegram/index.ts';
import { botCore, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';
import { PATIENCE_MS } from '../support/wait.ts';
import { dataOf, freePort, recordingLog, telegramConfig } from './telegramSupport.ts';

const FAST = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };
const [GROUP_A, GROUP_B, FORUM] = [-100_5001, -100_5002, -100_5003];
const [SAM, SUE, CARL] = [2002, 2003, 2001];
const MB = 1024 * 1024;

const opened: { adapter?: TelegramAdapter; fake: FakeTelegram }[] = [];
afterEach(async () => {
  for (const { adapter, fake } of opened.splice(0)) {
    await adapter?.stop();
    await fake.close();
  }
});

async function open(options: { fake?: FakeTelegramOptions; webhook?: boolean } = {}) {
  const fake = await startFakeTelegram(options.fake);
  const entry: (typeof opened)[number] = { fake };
  opened.push(entry);
  const rec = recordingLog();
  let config = telegramConfig(fake.token, fake.apiRoot);
  if (options.webhook) {
    const port = await freePort();
    config = { ...config, mode: 'webhook', webhookUrl: `http://127.0.0.1:${port}/telegram`, webhookSecret: 'secret_1', webhookPort: port };
  }
  const adapter = createTelegramAdapter(config, { log: rec.log, limits: FAST, botInfo: fake.botInfo });
  entry.adapter = adapter;
  return { fake, adapter, rec };
}

/** Waits until the adapter has taken the update (the fake no longer holds it) and handled all it took. */
async function handled(fake: FakeTelegram, adapter: TelegramAdapter, result: InboundResult): Promise<void> {
  expect(result.delivered).toBe(true);
  await fake.waitFor(() => !fake.pendingUpdates().some((u) => u.update_id === result.updateId));
  await adapter.settled();
}

const card = (title: string, token = 'tok_1'): Card => ({
  header: { title, state: 'info' },
  elements: [{ type: 'buttons', buttons: [{ label: 'Go', style: 'default', action: { token } }] }],
});

describe.each([{ mode: 'polling' }, { mode: 'webhook' }])('Telegram chats side by side ($mode)', ({ mode }) => {
  it('answers a command and a tap in chat B while an import in chat A is still running, and keeps chat A in order', async () => {
    const { fake, adapter } = await open({ webhook: mode === 'webhook', fake: { privacyMode: false } });
    const seen: string[] = [];
    let releaseImport!: () => void;
    const importRunning = new Promise<void>((resolve) => {
      releaseImport = resolve;
    });
    const handler: InboundHandler = async (event: InboundEvent): Promise<ActionAnswer | null> => {
      const label =
        event.type === 'file' ? `${event.chatId} file` : event.type === 'text' ? `${event.chatId} ${event.text}` : `${event.chatId} tap`;
      seen.push(`start ${label}`);
      if (event.type === 'file') await importRunning; // a large import: held until the test lets it finish
      seen.push(`done ${label}`);
      return event.type === 'action' ? { toast: { kind: 'success', text: 'ok' } } : null;
    };
    await adapter.start(handler);
    fake.addChat({ chatId: GROUP_B, chatType: 'supergroup' });
    const { messageId } = await adapter.send(String(GROUP_B), card('Variances'), { idempotencyKey: 'k1' });

    fake.sendDocument({ chatId: GROUP_A, chatType: 'supergroup', userId: CARL, fileName: 'count.csv', content: sheet([['sku', 'qty']]) });
    await fake.waitFor(() => seen.includes(`start ${GROUP_A} file`));
    fake.sendText({ chatId: GROUP_A, chatType: 'supergroup', userId: SAM, text: '/status' });
    fake.sendText({ chatId: GROUP_B, chatType: 'supergroup', userId: SUE, text: '/help' });
    await fake.waitFor(() => seen.includes(`done ${GROUP_B} /help`));
    const tap = await fake.tap({ chatId: GROUP_B, messageId: Number(messageId), userId: SUE, data: 'tok_1' });
    expect(tap.answer).toEqual({ text: 'ok' });

    // Chat B was served while chat A's import ran; chat A's command waits for the import before it.
    expect(seen).not.toContain(`done ${GROUP_A} file`);
    expect(seen).not.toContain(`start ${GROUP_A} /status`);
    releaseImport();
    await fake.waitFor(() => seen.includes(`done ${GROUP_A} /status`));
    const inA = seen.filter((s) => s.includes(String(GROUP_A)));
    expect(inA).toEqual([`start ${GROUP_A} file`, `done ${GROUP_A} file`, `start ${GROUP_A} /status`, `done ${GROUP_A} /status`]);
  });
});

describe('Telegram forum topics, direct messages and the download limit (adapter only)', () => {
  it('posts answers, prompts and edits in the topic of the message they answer, and names tapped cards with their topic', async () => {
    const { fake, adapter } = await open();
    const events: InboundEvent[] = [];
    await adapter.start(async (event) => {
      events.push(event);
      return event.type === 'action' ? { toast: { kind: 'info', text: 'ok' } } : null;
    });
    fake.addChat({ chatId: FORUM, chatType: 'supergroup', isForum: true });
    const topic = fake.createTopic({ chatId: FORUM, name: 'Aisle 3', userId: SAM });
    const asked = fake.sendText({ chatId: FORUM, userId: SAM, text: '/status', threadId: topic });
    await handled(fake, adapter, asked);
    const command = events.at(-1)!;
    expect(command).toMatchObject({ chatId: String(FORUM), messageId: `${topic}/${asked.messageId}`, addressed: true });
    expect((command as { replyToMessageId?: string }).replyToMessageId).toBeUndefined(); // the root is no reply

    const sent = await adapter.send(String(FORUM), card('Status'), { idempotencyKey: 'k1', replyTo: command.messageId! });
    expect(sent.messageId).toMatch(new RegExp(`^${topic}/\\d+$`));
    const posted = fake.messagesIn(FORUM).at(-1)!;
    expect(posted).toMatchObject({ threadId: topic, replyToMessageId: asked.messageId });
    await adapter.update(String(FORUM), sent.messageId, card('Status, later'));
    expect(posted.plainText).toContain('Status, later');

    const tap = await fake.tap({ chatId: FORUM, messageId: posted.messageId, userId: SAM, data: 'tok_1' });
    expect(tap.answer).toEqual({ text: 'ok' });
    expect(events.at(-1)).toMatchObject({ type: 'action', messageId: sent.messageId });
    const prompt = await adapter.prompt(String(FORUM), 'Reply with the note', { idempotencyKey: 'k2', replyTo: sent.messageId });
    expect(fake.messagesIn(FORUM).at(-1)).toMatchObject({ threadId: topic, replyToMessageId: posted.messageId });
    const note = fake.sendText({
      chatId: FORUM,
      userId: SAM,
      text: 'crushed',
      threadId: topic,
      replyToMessageId: Number(prompt.messageId.split('/')[1]),
    });
    await handled(fake, adapter, note);
    expect(events.at(-1)).toMatchObject({ replyToMessageId: prompt.messageId, replyToBot: true, addressed: false });

    // A reply in General carries a message_thread_id too, but it is no topic: the answer goes to General.
    const general = await adapter.send(String(FORUM), card('Digest'), { idempotencyKey: 'k3' });
    const reply = fake.sendText({ chatId: FORUM, userId: SAM, text: '/status', replyToMessageId: Number(general.messageId) });
    await handled(fake, adapter, reply);
    expect(events.at(-1)).toMatchObject({ messageId: String(reply.messageId), replyToMessageId: general.messageId, replyToBot: true });
    await adapter.send(String(FORUM), card('Status'), { idempotencyKey: 'k4', replyTo: events.at(-1)!.messageId! });
    expect(fake.messagesIn(FORUM).at(-1)!.threadId).toBeUndefined();
  });

  it('sends a direct message to dm:<user id>, and says a person who never started the bot or blocked it is unreachable', async () => {
    const { fake, adapter } = await open();
    await adapter.start(async () => null);
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as DeliveryError,
      );
    fake.addChat({ chatId: GROUP_A, chatType: 'supergroup' });
    await handled(fake, adapter, fake.sendText({ chatId: GROUP_A, chatType: 'supergroup', userId: SUE, text: '/help' }));
    expect(await failure(adapter.send(`dm:${SUE}`, card('Approve D-1'), { idempotencyKey: 'd1' }))).toMatchObject({
      permanent: true,
      options: { unreachable: true },
      message: expect.stringContaining("bot can't initiate conversation with a user"),
    });
    expect(await failure(adapter.prompt(`dm:${CARL}`, 'Reason?', { idempotencyKey: 'd2' }))).toMatchObject({
      permanent: true,
      options: { unreachable: true },
    });

    await handled(fake, adapter, fake.sendText({ chatId: SUE, userId: SUE, text: '/start' }));
    const sent = await adapter.send(`dm:${SUE}`, card('Approve D-1'), { idempotencyKey: 'd3' });
    expect(fake.messagesIn(SUE).at(-1)!.plainText).toContain('Approve D-1');
    await adapter.update(`dm:${SUE}`, sent.messageId, card('Approve D-1: approved'));
    expect(fake.messagesIn(SUE).at(-1)!.plainText).toContain('approved');

    fake.blockBot(SUE);
    expect(await failure(adapter.send(`dm:${SUE}`, card('Reminder'), { idempotencyKey: 'd4' }))).toMatchObject({
      permanent: true,
      options: { unreachable: true },
      message: expect.stringContaining('bot was blocked by the user'),
    });
    // A group that refuses is a failed delivery, not a person to reach elsewhere.
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    const kicked = await failure(adapter.send(String(GROUP_A), card('Digest'), { idempotencyKey: 'd5' }));
    expect(kicked).toMatchObject({ permanent: true });
    expect(kicked!.options.unreachable).toBeUndefined();
  });

  it('refuses a file Telegram will not let it download, in both languages, before or after asking getFile', async () => {
    const tooBig = await fileDownloader(
      async () => {
        throw new GrammyError(
          "Call to 'getFile' failed!",
          { ok: false, error_code: 400, description: 'Bad Request: file is too big' },
          'getFile',
          {},
        );
      },
      'http://127.0.0.1:9',
      '1:x',
    )('f1').catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(InvalidInputError);
    expect((tooBig as InvalidInputError).localized).toEqual(fileTooBigForBots);
    expect(fileTooBigForBots.en).toContain('20 MB');
    expect(fileTooBigForBots['zh-CN']).toContain('20 MB');
  });
});

describeEachDatabase('Telegram forum topics and large files with the core', (get) => {
  it('binds the group from a topic, answers there, and ignores chatter in a topic the bot created', async () => {
    const { db } = get();
    await seedTeam(db, 'telegram', { sam: String(SAM) });
    const { fake, adapter } = await open();
    const { dispatch, sender } = await botCore(db, [adapter]);
    await adapter.start(dispatch);
    fake.addChat({ chatId: FORUM, chatType: 'supergroup', isForum: true });
    // Topics the bot created bring it every message there, even in privacy mode: each replies to the root.
    const topic = fake.createTopic({ chatId: FORUM, name: 'Stocktake', byBot: true });
    const say = async (text: string) => {
      await handled(fake, adapter, fake.sendText({ chatId: FORUM, userId: SAM, text, threadId: topic }));
      await sender.drainUntilIdle();
    };
    await say('/bind WH1');
    const answer = fake.messagesIn(FORUM).at(-1)!;
    expect(answer.plainText).toContain(messages('en').replies.bound('WH1', 'team'));
    expect(answer.threadId).toBe(topic);
    expect(await queryRows(db, sql`select chat_id, purposes from chat where platform = 'telegram'`)).toEqual([
      { chat_id: String(FORUM), purposes: ['team'] },
    ]);
    await say('anyone for lunch?');
    expect(fake.messagesIn(FORUM)).toHaveLength(1);
  });

  it('refuses a count sheet over 20 MB with a message saying so, even where the upload limit is higher', async () => {
    const { db } = get();
    await seedTeam(db, 'telegram', { sam: String(SAM), carl: String(CARL) });
    const { fake, adapter } = await open({ fake: { privacyMode: false } }); // so that files reach the bot
    const signer = await loadActionSigner(db);
    const sender = createSender({ db, signer, deliverers: [adapter], log: silentLogger, leaseMs: 5_000 });
    // STOCKTAKE_MAX_UPLOAD_MB=50: the core would take the file; Telegram would not hand it over.
    const dispatch = createDispatcher({ db, signer, log: silentLogger, defaultLocale: 'zh-CN', maxFileBytes: 50 * MB });
    await adapter.start(dispatch);
    const say = async (text: string) => {
      await handled(fake, adapter, fake.sendText({ chatId: GROUP_A, chatType: 'supergroup', userId: SAM, text }));
      await sender.drainUntilIdle(PATIENCE_MS);
    };
    await say('/bind WH1');
    await say('/new');
    const big = Buffer.concat([sheet([['sku', 'location', 'qty']]), Buffer.alloc(21 * MB, 0x20)]);
    await handled(
      fake,
      adapter,
      fake.sendDocument({ chatId: GROUP_A, chatType: 'supergroup', userId: CARL, fileName: 'count.csv', content: big }),
    );
    await sender.drainUntilIdle(PATIENCE_MS);
    expect(fake.messagesIn(GROUP_A).at(-1)!.plainText).toContain(fileTooBigForBots['zh-CN']);
    expect(fake.calls.some((c) => c.method === 'getFile')).toBe(false);
    expect(await queryRows(db, sql`select 1 from count_import`)).toHaveLength(0);
    await sender.stop();
  });

  it('sends approval requests as direct messages to an approver who started the bot, and to the group for one who did not', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const [APPROVALS, SUE_ID, ANN_ID] = [-100_5010, 3102, 3106];
    await addPerson(db, { handle: 'sam', identities: ['telegram:3101'] });
    await addPerson(db, { handle: 'sue', identities: [`telegram:${SUE_ID}`] });
    await addPerson(db, { handle: 'ann', identities: [`telegram:${ANN_ID}`] });
    await bindChat(db, people.sam, {
      platform: 'telegram',
      chatId: String(APPROVALS),
      warehouse: 'WH1',
      purpose: 'approvals',
      locale: 'en',
    });
    await setNotify(db, 'sue', { notify: 'telegram' });
    await setNotify(db, 'ann', { notify: 'telegram' });

    const { fake, adapter } = await open();
    const rec = recordingLog();
    const { dispatch, sender } = await botCore(db, [adapter], rec.log);
    await adapter.start(dispatch);
    fake.addChat({ chatId: APPROVALS, chatType: 'supergroup' });
    // Sue pressed Start in a private chat with the bot; Ann only ever wrote in the group.
    await handled(fake, adapter, fake.sendText({ chatId: SUE_ID, userId: SUE_ID, text: '/start' }));
    fake.sendText({ chatId: APPROVALS, chatType: 'supergroup', userId: ANN_ID, text: 'hello' });
    await sender.drainUntilIdle();
    const sueChatBefore = fake.messagesIn(SUE_ID).length;

    await closeCounting(db, st.id, { actor: people.sam.actor });
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    await sender.drainUntilIdle();

    // Sue gets each request in her private chat and approves one there; the card updates in place.
    const requests = fake.messagesIn(SUE_ID).slice(sueChatBefore);
    expect(requests).toHaveLength(documents.length);
    const request = requests[0]!;
    const approved = await fake.tap({
      chatId: SUE_ID,
      messageId: request.messageId,
      userId: SUE_ID,
      data: dataOf(request.replyMarkup, { label: /^Approve/ }),
    });
    expect(approved.answer?.text).toBe(messages('en').replies.approved);
    await sender.drainUntilIdle();
    expect(request.edits.length).toBeGreaterThan(0);
    const decided = await Promise.all(documents.map((d) => getDocument(db, d.id)));
    expect(decided.filter((d) => d.route[0]!.decidedBy !== null)).toHaveLength(1);

    // Ann never started the bot: Telegram refuses (403), and her requests go to the approvals group.
    const refused = fake.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === ANN_ID);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((c) => c.status === 403)).toBe(true);
    expect(fake.messagesIn(ANN_ID)).toHaveLength(0);
    const notices = fake.messagesIn(APPROVALS).filter((m) => m.plainText.includes('Approval request'));
    expect(notices).toHaveLength(refused.length);
    expect(rec.lines.filter((l) => l.includes('direct message could not be delivered; sent to the group instead'))).toHaveLength(
      refused.length,
    );
  });
});
