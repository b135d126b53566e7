import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import type { Card } from '../../cards/model.ts';
import { noticeCard } from '../../cards/templates/notice.ts';
import { loadActionSigner } from '../../src/core/actionToken.ts';
import { DeliveryError, type Deliverer, type PlatformLimits } from '../../src/core/delivery.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createSender } from '../../src/core/sender.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { bindChat } from '../../src/services/chats.ts';
import { listDocuments, submitVariances } from '../../src/services/documents.ts';
import { enqueueMessages } from '../../src/services/outbox.ts';
import { confirmVariance, tagCause } from '../../src/services/review.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { PATIENCE_MS, stepsBudget } from '../support/wait.ts';

class Recorder implements Deliverer {
  readonly platform = 'web';
  limits: PlatformLimits = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 10_000 };
  sent: { chatId: string; card: Card; key: string; messageId: string }[] = [];
  updates: { messageId: string; card: Card }[] = [];
  refuse = new Set<string>();
  /** Errors the next sends throw, in order. */
  failures: DeliveryError[] = [];
  /** Every send of every recorder sharing it, in the order they happened. */
  constructor(
    private readonly name: string,
    readonly order: string[] = [],
  ) {}
  async send(chatId: string, card: Card, options: { idempotencyKey: string }) {
    if (this.refuse.has(chatId)) throw new DeliveryError('chat not found', { status: 400, permanent: true });
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.order.push(`${chatId}:${card.header.title}`);
    await new Promise((r) => setTimeout(r, 2));
    const messageId = `${this.name}-${this.sent.length + 1}`;
    this.sent.push({ chatId, card, key: options.idempotencyKey, messageId });
    return { messageId };
  }
  async update(_chatId: string, messageId: string, card: Card) {
    this.updates.push({ messageId, card });
  }
  async prompt(): Promise<{ messageId: string }> {
    throw new Error('not used');
  }
}

describeEachDatabase('outbox sender', (get) => {
  it('two instances sharing the database deliver every row exactly once', async () => {
    const { db } = get();
    const signer = await loadActionSigner(db);
    const messages = Array.from({ length: 30 }, (_, i) => ({
      platform: 'web',
      chatId: `chat-${i % 3}`,
      locale: 'en',
      view: { kind: 'static' as const, card: noticeCard(`n${i}`, `message ${i}`) },
    }));
    await db.transaction((tx) => enqueueMessages(tx, messages));
    const a = new Recorder('a');
    const b = new Recorder('b');
    const senders = [a, b].map((d) => createSender({ db, signer, deliverers: [d], log: silentLogger, batchSize: 4 }));
    // The sender's own 10 s default gives up quietly; a busy machine needs the tests' patience.
    await Promise.all(senders.map((s) => s.drainUntilIdle(PATIENCE_MS)));
    const titles = [...a.sent, ...b.sent].map((m) => m.card.header.title).sort();
    expect(titles).toEqual(messages.map((m) => m.view.card.header.title).sort());
    expect(new Set([...a.sent, ...b.sent].map((m) => m.key)).size).toBe(30);
    const [counts] = await queryRows<{ sent: number; other: number }>(
      db,
      sql`select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status <> 'sent')::int as other from outbox`,
    );
    expect(counts).toEqual({ sent: 30, other: 0 });
  });

  it('fails a row the platform refuses for good, with the reason, and goes on with the rest', async () => {
    const { db } = get();
    const signer = await loadActionSigner(db);
    await db.transaction((tx) =>
      enqueueMessages(tx, [
        { platform: 'web', chatId: 'gone', locale: 'en', view: { kind: 'static', card: noticeCard('x', 'to a chat that is gone') } },
        { platform: 'web', chatId: 'here', locale: 'en', view: { kind: 'static', card: noticeCard('y', 'to a chat that is here') } },
      ]),
    );
    const d = new Recorder('a');
    d.refuse.add('gone');
    await createSender({ db, signer, deliverers: [d], log: silentLogger }).drainUntilIdle(PATIENCE_MS);
    expect(d.sent.map((m) => m.chatId)).toEqual(['here']);
    const rows = await queryRows<{ chat_id: string; status: string; last_error: string | null }>(
      db,
      sql`select chat_id, status, last_error from outbox order by id`,
    );
    expect(rows).toEqual([
      { chat_id: 'gone', status: 'failed', last_error: 'chat not found' },
      { chat_id: 'here', status: 'sent', last_error: null },
    ]);
  });

  it('waits out a platform that keeps saying "too many" without counting it as a failed attempt', async () => {
    const { db } = get();
    const signer = await loadActionSigner(db);
    await db.transaction((tx) =>
      enqueueMessages(tx, [
        { platform: 'web', chatId: 'busy', locale: 'en', view: { kind: 'static', card: noticeCard('t', 'throttled twelve times') } },
      ]),
    );
    const d = new Recorder('a');
    // More 429s than maxAttempts: before, the eighth one failed the row for good.
    d.failures = Array.from({ length: 12 }, () => new DeliveryError('429 Too Many Requests', { status: 429, retryAfterMs: 20 }));
    await createSender({ db, signer, deliverers: [d], log: silentLogger, maxAttempts: 3 }).drainUntilIdle(60_000);
    expect(d.sent).toHaveLength(1);
    const rows = await queryRows<{ status: string; attempts: number }>(db, sql`select status, attempts from outbox`);
    expect(rows).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  it('retries a platform outage (5xx) past maxAttempts instead of failing the row', async () => {
    const { db } = get();
    const signer = await loadActionSigner(db);
    await db.transaction((tx) =>
      enqueueMessages(tx, [
        { platform: 'web', chatId: 'c', locale: 'en', view: { kind: 'static', card: noticeCard('o', 'after an outage') } },
      ]),
    );
    const d = new Recorder('a');
    d.failures = [502, 503, 500].map((status) => new DeliveryError(`HTTP ${status}`, { status }));
    await createSender({ db, signer, deliverers: [d], log: silentLogger, maxAttempts: 2 }).drainUntilIdle(60_000);
    expect(d.sent).toHaveLength(1);
    const rows = await queryRows<{ status: string; attempts: number }>(db, sql`select status, attempts from outbox`);
    expect(rows).toEqual([{ status: 'sent', attempts: 4 }]);
  });

  const msg = (chatId: string, title: string) => ({
    platform: 'web',
    chatId,
    locale: 'en',
    view: { kind: 'static' as const, card: noticeCard(title, title) },
  });
  const backlogTitles = (n: number) => Array.from({ length: n }, (_, i) => `b${String(i).padStart(2, '0')}`);
  /** 1 message per 50 ms per chat: a backlog of 40 takes two seconds or more. */
  const paced: PlatformLimits = { perChatIntervalMs: 50, perChatPerMinute: null, perAppPerSecond: 10_000 };

  it(
    "keeps each chat's messages in order when several instances deliver them",
    async () => {
      const { db } = get();
      const signer = await loadActionSigner(db);
      await db.transaction((tx) =>
        enqueueMessages(
          tx,
          backlogTitles(40).map((t) => msg('backlog', t)),
        ),
      );
      const order: string[] = [];
      const recorders = ['a', 'b', 'c'].map((n) => Object.assign(new Recorder(n, order), { limits: paced }));
      await Promise.all(recorders.map((d) => createSender({ db, signer, deliverers: [d], log: silentLogger }).drainUntilIdle(120_000)));
      // Before, each instance claimed its own batch of the chat's rows and sent them side by side.
      expect(order).toEqual(backlogTitles(40).map((t) => `backlog:${t}`));
    },
    stepsBudget(3),
  ); // the drain above may take 120 s on a busy machine

  it(
    "does not hold an idle chat's message behind another chat's backlog",
    async () => {
      const { db } = get();
      const signer = await loadActionSigner(db);
      await db.transaction((tx) =>
        enqueueMessages(
          tx,
          backlogTitles(40).map((t) => msg('backlog', t)),
        ),
      );
      await db.transaction((tx) => enqueueMessages(tx, [msg('idle', 'i0')]));
      const d = Object.assign(new Recorder('a'), { limits: paced });
      await createSender({ db, signer, deliverers: [d], log: silentLogger }).drainUntilIdle(120_000);
      // Before, the claim took the 20 oldest rows (all the backlog's) and slept through their pacing first.
      expect(d.order.indexOf('idle:i0')).toBeLessThan(3);
      expect(d.order.filter((o) => o.startsWith('backlog:'))).toHaveLength(40);
    },
    stepsBudget(3),
  ); // the drain above may take 120 s on a busy machine

  it('updates a card in place when its document changes, even when the change came from the CLI', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await bindChat(db, people.sam, { platform: 'web', chatId: 'team', warehouse: 'WH1', purpose: 'team', locale: 'en' });
    await closeCounting(db, st.code, { actor: people.sam.actor });
    for (const [line, cause] of [
      ['A-100@R1', 'damage'],
      ['A-200@R2', 'unrecorded_receipt'],
      ['C-400@R4', 'damage'],
    ] as const) {
      await confirmVariance(db, people.sam, { stocktake: st.code, line });
      await tagCause(db, people.sam, { stocktake: st.code, line, cause });
    }
    await submitVariances(db, people.sam, { stocktake: st.code });
    const d = new Recorder('a');
    const sender = createSender({ db, signer: await loadActionSigner(db), deliverers: [d], log: silentLogger });
    await sender.drainUntilIdle(PATIENCE_MS);
    // The team chat got the variance page at close and, with no approvals chat bound, both approval cards.
    const approvals = d.sent.filter((m) => m.card.header.title.startsWith('Approval'));
    expect(approvals).toHaveLength(2);
    const [loss] = (await listDocuments(db)).filter((doc) => doc.kind === 'loss');
    await approveDocument(db, people.sue, { document: loss!.number });
    await sender.drainUntilIdle(PATIENCE_MS);
    const card = approvals.find((m) => m.card.header.title.includes(loss!.number))!;
    const update = d.updates.filter((u) => u.messageId === card.messageId).at(-1)!;
    // The card now shows the document posted, no longer in approval.
    expect(JSON.stringify(update.card)).toContain('posted');
    expect(JSON.stringify(update.card)).not.toContain('in approval');
    expect(d.sent.some((m) => m.card.header.title.startsWith(`Decision · ${loss!.number}`))).toBe(true);
  });
});
