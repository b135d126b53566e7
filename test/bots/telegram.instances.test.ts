/**
 * Several instances on one database against the fake Bot API enforcing Telegram's real limits (1 message
 * a second per chat, 20 a minute per group, 30 a second per bot): bursts in many chats go out exactly once,
 * in order, without a single 429; an idle chat is not held behind a backlog; a chart is uploaded once for
 * all instances; and when the instance polling the bot stops renewing its lease, another one takes over.
 */
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openDatabase, queryRows, type Db } from '../../db/client.ts';
import { createTelegramAdapter, type TelegramAdapter } from '../../bots/telegram/index.ts';
import { card, type Card } from '../../cards/model.ts';
import { noticeCard } from '../../cards/templates/notice.ts';
import { loadActionSigner } from '../../src/core/actionToken.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import { silentLogger } from '../../src/core/log.ts';
import { PollerLease, pollerLeaseName } from '../../src/core/pollerLease.ts';
import { createSender, type Sender } from '../../src/core/sender.ts';
import { enqueueMessages, type OutboxMessage } from '../../src/services/outbox.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/index.ts';
import { describeEachDatabase, type TestDatabase } from '../support/db.ts';
import { stepsBudget, waitFor } from '../support/wait.ts';
import { telegramConfig } from './telegramSupport.ts';

/** A 1×1 PNG, base64. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

describeEachDatabase('several instances delivering to Telegram', (get) => {
  /** N instances: each its own database connection (PGlite: the one in-process database) and its own adapter. */
  async function instances(n: number, fake: FakeTelegram): Promise<{ db: Db; adapter: TelegramAdapter; sender: Sender }[]> {
    const test: TestDatabase = get();
    return Promise.all(
      Array.from({ length: n }, async () => {
        let db = test.db;
        if (test.target.kind === 'postgres') {
          const own = await openDatabase(test.target, { migrate: false });
          cleanups.push(own.close);
          db = own.db;
        }
        const adapter = createTelegramAdapter(telegramConfig(fake.token, fake.apiRoot), { log: silentLogger, botInfo: fake.botInfo });
        const sender = createSender({ db, signer: await loadActionSigner(db), deliverers: [adapter], log: silentLogger });
        cleanups.push(() => sender.stop());
        return { db, adapter, sender };
      }),
    );
  }

  async function fakeWithChats(chats: { id: number; type: 'group' | 'private' }[]): Promise<FakeTelegram> {
    const fake = await startFakeTelegram({ enforceRateLimits: true });
    cleanups.push(() => fake.close());
    for (const c of chats)
      fake.addChat({ chatId: c.id, chatType: c.type, ...(c.type === 'group' ? { title: `group ${c.id}` } : { firstName: `u${c.id}` }) });
    return fake;
  }

  const message = (chatId: number, body: string, c: Card = noticeCard(body, body)): OutboxMessage => ({
    platform: 'telegram',
    chatId: String(chatId),
    locale: 'en',
    view: { kind: 'static', card: c },
  });

  const unfinished = async (db: Db) =>
    Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from outbox where status in ('pending', 'sending')`))[0]!.n);

  it(
    'three instances deliver bursts in twelve chats exactly once, in order, with no 429 and no failure',
    async () => {
      const chats = Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0 ? { id: -1000 - i, type: 'group' as const } : { id: 5000 + i, type: 'private' as const },
      );
      const fake = await fakeWithChats(chats);
      const { db } = get();
      const perChat = 6;
      // Round robin, in a few transactions, as bursts of cards would be queued.
      for (let round = 0; round < perChat; round++) {
        await db.transaction((tx) =>
          enqueueMessages(
            tx,
            chats.map((c) => message(c.id, `m-${c.id}-${round}`)),
          ),
        );
      }
      const running = await instances(3, fake);
      for (const r of running) r.sender.start(100);
      await waitFor(async () => (await unfinished(db)) === 0, { timeoutMs: 180_000 });

      for (const c of chats) {
        // Each chat got its messages once each, in the order they were queued.
        const bodies = fake.messagesIn(c.id).map((m) => /m-(-?\d+)-(\d+)/.exec(m.plainText)?.[0]);
        expect(bodies).toEqual(Array.from({ length: perChat }, (_, i) => `m-${c.id}-${i}`));
      }
      expect(fake.messages).toHaveLength(chats.length * perChat);
      // Pacing shared through the database: together the instances never exceeded a limit.
      expect(fake.calls.filter((call) => call.status === 429)).toEqual([]);
      // Every row sent, none failed. (Attempts are not compared: on a busy machine a request may time out
      // once and be sent again, which the exactly-once checks above already cover.)
      const rows = await queryRows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from outbox group by status`);
      expect(rows).toEqual([{ status: 'sent', n: chats.length * perChat }]);
    },
    stepsBudget(4),
  ); // its drain may take 180 s on a busy machine

  it(
    "delivers a message to an idle chat within that chat's own limit while another chat has a backlog",
    async () => {
      const fake = await fakeWithChats([
        { id: -77, type: 'group' },
        { id: 88, type: 'private' },
      ]);
      const { db } = get();
      await db.transaction((tx) =>
        enqueueMessages(
          tx,
          Array.from({ length: 40 }, (_, i) => message(-77, `backlog-${i}`)),
        ),
      );
      await db.transaction((tx) => enqueueMessages(tx, [message(88, 'idle-0')]));
      const [only] = await instances(1, fake);
      only!.sender.start(100);
      const idle = await waitFor(() => fake.messagesIn(88)[0], { timeoutMs: 120_000 });
      // Before, the sender claimed the 20 oldest rows (all the backlog's) and slept through their pacing first.
      const backlogBefore = fake.messagesIn(-77).filter((m) => m.sentAt <= idle.sentAt).length;
      expect(backlogBefore).toBeLessThan(5);
    },
    stepsBudget(3),
  ); // its drain may take 120 s on a busy machine

  it('uploads a chart once for all instances and never posts a photo twice when the text is retried', async () => {
    const chats = Array.from({ length: 6 }, (_, i) => ({ id: 7000 + i, type: 'private' as const }));
    const fake = await fakeWithChats(chats);
    const { db } = get();
    const chart = card({
      header: { title: 'Daily digest' },
      elements: [
        { type: 'image', alt: 'Variance by cause', png: PNG },
        { type: 'markdown', text: 'digest' },
      ],
    });
    await db.transaction((tx) =>
      enqueueMessages(
        tx,
        chats.map((c) => message(c.id, 'digest', chart)),
      ),
    );
    // Texts refused with 429 after their photo went out: the retry (on any instance) must not post the photo again.
    fake.failNext('sendMessage', { status: 429, retryAfter: 1, times: 3 });
    const running = await instances(3, fake);
    for (const r of running) r.sender.start(100);
    await waitFor(async () => (await unfinished(db)) === 0, { timeoutMs: 120_000 });
    for (const c of chats) {
      expect(fake.photos.filter((p) => p.chatId === c.id)).toHaveLength(1);
      expect(fake.messagesIn(c.id)).toHaveLength(1);
    }
    // One upload: every other photo went by the file_id Telegram gave the first.
    expect(new Set(fake.photos.map((p) => p.fileId)).size).toBe(1);
    const carriesFile = (payload: Record<string, unknown>) =>
      Object.values(payload).some((v) => typeof v === 'object' && v !== null && 'bytes' in v);
    const uploads = fake.calls.filter((call) => call.method === 'sendPhoto' && carriesFile(call.payload));
    expect(uploads.filter((call) => call.status === 200)).toHaveLength(1);
    expect(await queryRows(db, sql`select count(*)::int as n from platform_media where media_id is not null`)).toEqual([{ n: 1 }]);
  });

  it('another instance takes over polling when the poller stops renewing its lease', async () => {
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const { db } = get();
    const name = pollerLeaseName('telegram', fake.token);
    expect(name).not.toContain(fake.token.split(':')[1]!);
    /** A lease whose instance can "die": it stops renewing (and never gives the lease back). */
    class MortalLease extends PollerLease {
      dead = false;
      override async acquire() {
        if (this.dead) throw new Error('instance gone');
        return super.acquire();
      }
      override async release() {
        if (!this.dead) await super.release();
      }
    }
    const received: Record<string, InboundEvent[]> = { a: [], b: [] };
    const leases = { a: new MortalLease(db, name, 'instance-a', 2_000), b: new MortalLease(db, name, 'instance-b', 2_000) };
    const adapters = { a: null as TelegramAdapter | null, b: null as TelegramAdapter | null };
    for (const key of ['a', 'b'] as const) {
      const adapter = createTelegramAdapter(telegramConfig(fake.token, fake.apiRoot), {
        log: silentLogger,
        botInfo: fake.botInfo,
        lease: leases[key],
      });
      await adapter.start(async (event) => {
        received[key]!.push(event);
        return null;
      });
      adapters[key] = adapter;
      cleanups.push(() => adapter.stop());
    }
    // One of them polls; the other waits.
    const first = await waitFor(async () => {
      const [a, b] = await Promise.all([adapters.a!.pollerStatus(), adapters.b!.pollerStatus()]);
      return a.receiving !== b.receiving ? (a.receiving ? 'a' : 'b') : null;
    });
    const second = first === 'a' ? 'b' : 'a';
    const status = await adapters[second]!.pollerStatus();
    expect(status).toMatchObject({
      mode: 'polling',
      receiving: false,
      instance: `instance-${second}`,
      poller: { holder: `instance-${first}`, live: true },
    });
    // What /healthz shows on each: the poller polls, the other stands by while it does.
    expect(adapters[first]!.health()).toEqual({ connected: true, detail: 'polling (holds the poller lease)' });
    await waitFor(() => adapters[second]!.health().detail === `another instance polls (instance-${first})`);
    fake.sendText({ chatId: 9, userId: 9, text: '/help' });
    await waitFor(() => received[first]!.length === 1);

    // The poller dies: it can no longer renew, stops its poll before its lease ends, and the other takes over.
    leases[first].dead = true;
    await waitFor(async () => (await adapters[second]!.pollerStatus()).receiving);
    expect((await adapters[second]!.pollerStatus()).poller).toMatchObject({ holder: `instance-${second}`, live: true });
    fake.sendText({ chatId: 9, userId: 9, text: '/status' });
    await waitFor(() => received[second]!.length === 1);
    expect(received[first]).toHaveLength(1);
  });

  it('polls again after a 409 instead of giving up for good', async () => {
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const { db } = get();
    const received: InboundEvent[] = [];
    const adapter = createTelegramAdapter(telegramConfig(fake.token, fake.apiRoot), {
      log: silentLogger,
      botInfo: fake.botInfo,
      lease: new PollerLease(db, pollerLeaseName('telegram', fake.token), 'instance-a', 2_000),
    });
    await adapter.start(async (event) => {
      received.push(event);
      return null;
    });
    cleanups.push(() => adapter.stop());
    await waitFor(() => fake.calls.some((c) => c.method === 'getUpdates' && c.status === 0));
    // Someone else polls the token once (a deposed poller confirming its offset does the same): Telegram
    // ends our long poll with 409. Before, polling then stopped for good while the process looked healthy.
    const rogue = await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates?timeout=0`);
    expect(rogue.status).toBe(200);
    await waitFor(() => fake.calls.some((c) => c.method === 'getUpdates' && c.status === 409));
    fake.sendText({ chatId: 9, userId: 9, text: '/help' });
    await waitFor(() => received.length === 1);
    expect((await adapter.pollerStatus()).receiving).toBe(true);
  });
});
