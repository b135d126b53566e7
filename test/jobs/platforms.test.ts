/**
 * The reports reach a digest chat at its configured time on every platform: a supervisor binds the chat
 * and sets its schedule with chat commands, the scheduler is driven with an explicit clock, and the outbox
 * sender delivers the real digest (content, cards, chart PNGs) through the real adapter — the web console
 * in-process, Telegram, Feishu and DingTalk against their fakes.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { Db } from '../../db/client.ts';
import { createDingTalkAdapter } from '../../bots/dingtalk/index.ts';
import { createFeishuAdapter } from '../../bots/feishu/index.ts';
import { createTelegramAdapter } from '../../bots/telegram/index.ts';
import { createWebAdapter } from '../../bots/web/index.ts';
import { messagesSince } from '../../bots/web/store.ts';
import type { Deliverer } from '../../src/core/delivery.ts';
import { silentLogger } from '../../src/core/log.ts';
import { digestReports } from '../../src/jobs/digestReports.ts';
import { importCounts } from '../../src/services/counts.ts';
import { cliActor } from '../../src/services/people.ts';
import { sendReminders } from '../../src/services/reminders.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { startFakeDingTalk } from '../fakes/dingtalk/index.ts';
import { startFakeFeishu } from '../fakes/feishu/index.ts';
import { startFakeTelegram } from '../fakes/telegram/index.ts';
import { botCore, seedTeam, type BotCore, type Handle } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv } from '../support/fixtures.ts';
import { testHttp } from '../support/http.ts';
import { titleOf } from '../bots/feishuCards.ts';
import { telegramConfig } from '../bots/telegramSupport.ts';
import { nextLocal, scheduler } from './support.ts';

const FAST = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
  vi.restoreAllMocks();
});

/** WH1 counting: carl's sheet is in, so the daily digest has a stocktake and the week has work in it. */
async function counting(db: Db): Promise<{ id: string }> {
  const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
  await importCounts(
    db,
    st.code,
    csv('count.csv', [
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '90'],
      ['A-200', 'R2', '21'],
      ['B-300', 'R3', '50.5'],
    ]),
    { counter: 'carl' },
  );
  return st;
}

/**
 * Reminders the same way on each platform: sam binds the chat as WH1's team chat, closes counting (he owns
 * the variances, due in 24 h), and the hourly run the morning after reminds him there.
 */
async function overdueStory(db: Db, core: BotCore, say: (who: Handle, text: string) => Promise<void>) {
  const st = await counting(db);
  await say('sam', 'bind WH1 team');
  const closedAt = new Date();
  await closeCounting(db, st.id, { actor: await cliActor(db, 'sam'), now: closedAt });
  const run = await sendReminders(db, nextLocal(new Date(closedAt.getTime() + 24 * 3600_000), 10, 0));
  expect(run).toMatchObject({ reminded: 3, cards: 1 });
  await core.sender.drainUntilIdle();
}

/**
 * The same story on each platform: sam binds the chat as WH1's digest chat and moves its daily digest to
 * 08:30; nothing is sent at 08:29, the digest at 08:30; the weekly report (default Monday 09:00) on the
 * Monday after. Returns what each tick sent.
 */
async function story(db: Db, core: BotCore, say: (who: Handle, text: string) => Promise<void>) {
  await counting(db);
  await say('sam', 'bind WH1 digest');
  await say('sam', 'schedule daily 30 8 * * *');
  const s = scheduler(db, digestReports, { log: silentLogger });
  const now = new Date();
  const daily = nextLocal(now, 8, 30);
  expect((await s.tick(new Date(daily.getTime() - 60_000))).digests).toEqual([]);
  expect((await s.tick(daily)).digests).toEqual([expect.objectContaining({ job: 'daily', outcome: 'sent' })]);
  await core.sender.drainUntilIdle();
  // The first Monday after the count: the week reported is the one the count was in.
  const monday = new Date(nextLocal(now, 0, 0, 'Asia/Shanghai', 1).getTime() + 9 * 3600_000);
  expect((await s.tick(monday)).digests).toContainEqual(expect.objectContaining({ job: 'weekly', outcome: 'sent' }));
  await core.sender.drainUntilIdle();
}

async function core(db: Db, deliverer: Deliverer): Promise<BotCore> {
  const c = await botCore(db, [deliverer]);
  return c;
}

describeEachDatabase('reports on every platform', (get) => {
  it('reach a web console digest chat at 08:30 Shanghai with their charts inline', async () => {
    const { db } = get();
    await seedTeam(db, 'web', {});
    const web = createWebAdapter({ db, log: silentLogger });
    const c = await core(db, web);
    await web.start(c.dispatch);
    const http = await testHttp(db, [(a) => web.mount(a)]);
    let n = 0;
    const say = async (who: Handle, text: string) => {
      const res = await http.as(who, '/chat/digest/messages', {
        method: 'POST',
        body: new URLSearchParams({ text, eventId: `e${++n}` }),
        headers: { accept: 'application/json', origin: 'http://localhost' },
      });
      expect(res.status).toBe(200);
      await c.sender.drainUntilIdle();
    };
    await story(db, c, say);
    const cards = (await messagesSince(db, 'digest', '0')).filter((m) => m.kind === 'card').map((m) => m.card!);
    expect(cards.map((card) => card.header.title)).toEqual([
      'Chat bound',
      'Schedule changed',
      'Daily digest · WH1 Main',
      expect.stringMatching(/^Weekly report · WH1/),
    ]);
    expect(cards[2]!.elements.filter((e) => e.type === 'image')).toHaveLength(1);
    const page = await (await http.as('sam', '/chat/digest')).text();
    expect(page.match(/<img class="image" src="data:image\/png;base64,/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('reach a Telegram group, the charts as photos', async () => {
    const { db } = get();
    const GROUP = -1_004_001;
    await seedTeam(db, 'telegram', { sam: '3002' });
    const fake = await startFakeTelegram();
    const adapter = createTelegramAdapter(telegramConfig(fake.token, fake.apiRoot), { log: silentLogger, limits: FAST });
    closers.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    const c = await core(db, adapter);
    await adapter.start(c.dispatch);
    const say = async (who: Handle, text: string) => {
      expect(who).toBe('sam');
      const sent = fake.sendText({ chatId: GROUP, chatType: 'supergroup', chatTitle: 'WH1 digest', userId: 3002, text: `/${text}` });
      await fake.waitFor(() => !fake.pendingUpdates().some((u) => u.update_id === sent.updateId));
      await adapter.settled(); // taken is not yet handled: updates are handled concurrently
      await c.sender.drainUntilIdle();
    };
    await story(db, c, say);
    const texts = fake.messagesIn(GROUP).map((m) => m.plainText);
    expect(texts.filter((t) => /^\S+ (Daily digest · WH1 Main|Weekly report · WH1)/.test(t))).toHaveLength(2);
    const photos = fake.photos.filter((p) => p.chatId === GROUP);
    expect(photos.length).toBeGreaterThanOrEqual(2);
    expect(photos[0]!.content.subarray(1, 4).toString()).toBe('PNG');
  });

  it('reach a Feishu group, the charts uploaded and shown as img elements', async () => {
    const { db } = get();
    const SAM = `ou_${'5'.repeat(32)}`;
    const GROUP = 'oc_digest00000000000000000000000000';
    await seedTeam(db, 'feishu', { sam: SAM });
    const fake = await startFakeFeishu();
    const adapter = createFeishuAdapter(
      {
        appId: fake.appId,
        appSecret: fake.appSecret,
        domain: fake.domain,
        mode: 'ws',
        httpHost: '127.0.0.1',
        httpPort: 0,
        httpPath: '/feishu/events',
      },
      { log: silentLogger },
    );
    closers.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    const c = await core(db, adapter);
    await adapter.start(c.dispatch);
    const say = async (_who: Handle, text: string) => {
      expect((await fake.sendMessage({ chatId: GROUP, openId: SAM, text, mentionBot: true })).code).toBe(200);
      await adapter.idle();
      await c.sender.drainUntilIdle();
    };
    await story(db, c, say);
    const reports = fake.messages.filter((m) => m.chatId === GROUP && /^(Daily digest|Weekly report)/.test(titleOf(m.content)));
    expect(reports).toHaveLength(2);
    const keys = fake.uploadedImages.map((i) => i.imageKey);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(reports[0]!.content)).toContain(`"img_key":"${keys[0]}"`);
  });

  it('reach a DingTalk group, the charts uploaded as media and shown in the markdown', async () => {
    const { db } = get();
    const GROUP = 'cidDigest0001==';
    vi.spyOn(console, 'info').mockImplementation(() => {});
    await seedTeam(db, 'dingtalk', { sam: 'sam01' });
    const fake = await startFakeDingTalk();
    const adapter = createDingTalkAdapter(
      {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        robotCode: fake.robotCode,
        cardTemplateId: null,
        apiBase: fake.apiBase,
        gatewayUrl: fake.gatewayUrl,
      },
      { log: silentLogger, limits: FAST },
    );
    closers.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    const c = await core(db, adapter);
    await adapter.start(c.dispatch);
    await fake.waitFor(() => fake.connectionCount() === 1);
    const say = async (_who: Handle, text: string) => {
      await fake.sendRobotMessage({ conversationId: GROUP, staffId: 'sam01', text });
      await adapter.whenIdle();
      await c.sender.drainUntilIdle();
    };
    await story(db, c, say);
    const reports = fake.robotMessages.filter(
      (m) => m.body.openConversationId === GROUP && /Daily digest|Weekly report/.test(m.msgParam.title),
    );
    expect(reports.map((m) => m.msgParam.title)).toEqual(['Daily digest · WH1 Main', expect.stringMatching(/^Weekly report · WH1/)]);
    const ids = [...fake.media.keys()];
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(reports[0]!.msgParam.text).toContain(`](${ids[0]})`);
    expect(fake.media.get(ids[0]!)!.content.subarray(1, 4).toString()).toBe('PNG');
  });
});

describeEachDatabase('reminders on every platform', (get) => {
  it('@-mention the owner in a Telegram group with a text mention', async () => {
    const { db } = get();
    const GROUP = -1_004_002;
    await seedTeam(db, 'telegram', { sam: '3002' });
    const fake = await startFakeTelegram();
    const adapter = createTelegramAdapter(telegramConfig(fake.token, fake.apiRoot), { log: silentLogger, limits: FAST });
    closers.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    const c = await core(db, adapter);
    await adapter.start(c.dispatch);
    await overdueStory(db, c, async (_who, text) => {
      const sent = fake.sendText({ chatId: GROUP, chatType: 'supergroup', chatTitle: 'WH1 team', userId: 3002, text: `/${text}` });
      await fake.waitFor(() => !fake.pendingUpdates().some((u) => u.update_id === sent.updateId));
      await adapter.settled(); // taken is not yet handled: updates are handled concurrently
      await c.sender.drainUntilIdle();
    });
    const reminder = fake.messagesIn(GROUP).find((m) => m.plainText.includes('Overdue: 3 items'))!;
    const mention = reminder.entities.find((e) => e.type === 'text_mention');
    expect(mention?.user?.id).toBe(3002);
    expect(reminder.plainText.slice(mention!.offset, mention!.offset + mention!.length)).toBe('sam');
  });

  it('@-mention the owner in a Feishu group with <at id=open_id>', async () => {
    const { db } = get();
    const SAM = `ou_${'5'.repeat(32)}`;
    const GROUP = 'oc_team000000000000000000000000000000';
    await seedTeam(db, 'feishu', { sam: SAM });
    const fake = await startFakeFeishu();
    const adapter = createFeishuAdapter(
      {
        appId: fake.appId,
        appSecret: fake.appSecret,
        domain: fake.domain,
        mode: 'ws',
        httpHost: '127.0.0.1',
        httpPort: 0,
        httpPath: '/feishu/events',
      },
      { log: silentLogger },
    );
    closers.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    const c = await core(db, adapter);
    await adapter.start(c.dispatch);
    await overdueStory(db, c, async (_who, text) => {
      expect((await fake.sendMessage({ chatId: GROUP, openId: SAM, text, mentionBot: true })).code).toBe(200);
      await adapter.idle();
      await c.sender.drainUntilIdle();
    });
    const reminder = fake.messages.find((m) => m.chatId === GROUP && titleOf(m.content) === 'Overdue: 3 items')!;
    expect((reminder.content as { body: { elements: { content?: string }[] } }).body.elements[0]!.content).toBe(`<at id=${SAM}></at>`);
  });

  it('@-mention the owner in a DingTalk group through its session webhook, with at.atUserIds', async () => {
    const { db } = get();
    const GROUP = 'cidTeam0001==';
    vi.spyOn(console, 'info').mockImplementation(() => {});
    await seedTeam(db, 'dingtalk', { sam: 'sam01' });
    const fake = await startFakeDingTalk();
    const adapter = createDingTalkAdapter(
      {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        robotCode: fake.robotCode,
        cardTemplateId: null,
        apiBase: fake.apiBase,
        gatewayUrl: fake.gatewayUrl,
      },
      { log: silentLogger, limits: FAST },
    );
    closers.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    const c = await core(db, adapter);
    await adapter.start(c.dispatch);
    await fake.waitFor(() => fake.connectionCount() === 1);
    await overdueStory(db, c, async (_who, text) => {
      await fake.sendRobotMessage({ conversationId: GROUP, staffId: 'sam01', text });
      await adapter.whenIdle();
      await c.sender.drainUntilIdle();
    });
    const reminder = fake.webhookMessages.find((m) => m.conversationId === GROUP && m.body.markdown?.title === 'Overdue: 3 items')!;
    expect(reminder.body.at).toEqual({ atUserIds: ['sam01'], isAtAll: false });
    expect(reminder.body.markdown.text).toContain('\n\n@sam01\n\n');
    expect(fake.robotMessages.some((m) => m.msgParam.title === 'Overdue: 3 items')).toBe(false);
  });
});
