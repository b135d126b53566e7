/**
 * Reminders with an explicit clock: overdue variances remind their owner in the team chat and overdue
 * approval steps the people who may decide them in the approvals chat, once per item and local day;
 * past twice the due time the item is escalated to the role above, also once a day.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { localMinute } from '../../src/domain/time.ts';
import { bindChat } from '../../src/services/chats.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { addPerson } from '../../src/services/people.ts';
import { overdueItems, sendReminders } from '../../src/services/reminders.ts';
import { confirmVariance, tagCause } from '../../src/services/review.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { renderDingTalkMessage } from '../../cards/render/dingtalk.ts';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { renderHtml } from '../../cards/render/html.ts';
import { renderTelegram } from '../../cards/render/telegram.ts';
import type { Mention } from '../../cards/model.ts';
import { reminderCard, type ReminderEntry } from '../../cards/templates/reminder.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { queuedCards } from '../jobs/support.ts';

const HOUR = 3600_000;

/** The first instant after `after` at which Shanghai's clock shows `hour`:00. */
function nextLocal(after: Date, hour: number): Date {
  let t = Math.ceil(after.getTime() / HOUR) * HOUR;
  while (localMinute(new Date(t), 'Asia/Shanghai').slice(11) !== `${String(hour).padStart(2, '0')}:00`) t += HOUR;
  return new Date(t);
}

/**
 * WH1 in review (three variances owned by sam, due 24 h after closing), a team and an approvals chat.
 * Counting closes at 14:00 Shanghai time, whatever the hour the test runs: closed at the wall clock, a run
 * between 10:00 and 11:00 there put the next 10:00 morning under an hour short of twice the due time, and
 * the hourly run after it escalated.
 */
async function inReview(db: Db) {
  const { st, people } = await countedStocktake(db);
  for (const [chatId, purpose] of [
    ['team', 'team'],
    ['approvals', 'approvals'],
  ] as const) {
    await bindChat(db, people.sam, { platform: 'web', chatId, warehouse: 'WH1', purpose, locale: 'en' });
  }
  const closedAt = nextLocal(new Date(), 14);
  await closeCounting(db, st.id, { actor: people.sam.actor, now: closedAt });
  return { st, people, due: new Date(closedAt.getTime() + 24 * HOUR) };
}

const tableRows = (card: { elements: { type: string; rows?: Record<string, string>[] }[] }) =>
  card.elements.find((e) => e.type === 'table')!.rows!;
const markdown = (card: { elements: { type: string; text?: string }[] }) =>
  card.elements
    .filter((e) => e.type === 'markdown')
    .map((e) => e.text)
    .join('\n');
const mentions = (card: object) => (card as { mentions?: Mention[] }).mentions;

describeEachDatabase('reminders', (get) => {
  it('reminds the owner of overdue variances once a local day and escalates past twice the due time', async () => {
    const { db } = get();
    const { due } = await inReview(db);
    expect(await sendReminders(db, new Date(due.getTime() - 60_000))).toEqual({ reminded: 0, escalated: 0, cards: 0 });

    // The first morning after the due time: sam is reminded in the team chat of all three.
    const morning = nextLocal(due, 10);
    expect(await sendReminders(db, morning)).toEqual({ reminded: 3, escalated: 0, cards: 1 });
    const [first] = await queuedCards(db);
    expect(first).toMatchObject({ chatId: 'team', title: 'Overdue: 3 items' });
    expect(markdown(first!.card)).toBe('sam: these are past their due time.');
    expect(tableRows(first!.card).map((r) => [r.item!.replace(/ · .*/, ''), r.who])).toEqual([
      ['Variance A-100@R1', 'sam'],
      ['Variance A-200@R2', 'sam'],
      ['Variance C-400@R4', 'sam'],
    ]);

    // Every hourly run after that, the same day: nothing new. Three instances running at once: still nothing.
    expect(await sendReminders(db, new Date(morning.getTime() + HOUR))).toEqual({ reminded: 0, escalated: 0, cards: 0 });
    await Promise.all([1, 2, 3].map(() => sendReminders(db, new Date(morning.getTime() + 2 * HOUR))));
    expect(await queuedCards(db)).toHaveLength(1);

    // The next morning they are overdue by more than the 24 hours they had: reminded again, escalated to mo
    // (the manager: sam is a supervisor himself), each once, at once by three instances.
    const next = new Date(morning.getTime() + 24 * HOUR);
    const runs = await Promise.all([1, 2, 3].map(() => sendReminders(db, next)));
    expect(runs.reduce((n, r) => n + r.reminded, 0)).toBe(3);
    expect(runs.reduce((n, r) => n + r.escalated, 0)).toBe(3);
    const cards = await queuedCards(db);
    expect(cards).toHaveLength(2);
    expect(cards[1]!.card.header).toMatchObject({ state: 'danger' });
    expect(markdown(cards[1]!.card)).toContain('Escalated to mo');
    expect(tableRows(cards[1]!.card).every((r) => r.escalated === 'mo' && r.late!.startsWith('1 d'))).toBe(true);
    const log = await queryRows<{ kind: string; n: number }>(
      db,
      sql`select kind, count(*)::int as n from reminder_log group by kind order by kind`,
    );
    expect(log.map((l) => [l.kind, Number(l.n)])).toEqual([
      ['escalation', 3],
      ['reminder', 6],
    ]);
  });

  it('reminds the people who may decide an overdue approval step, in the approvals chat', async () => {
    const { db } = get();
    const { st, people } = await inReview(db);
    for (const line of ['A-100@R1', 'A-200@R2', 'C-400@R4']) {
      await confirmVariance(db, people.sam, { stocktake: st.id, line });
      await tagCause(db, people.sam, { stocktake: st.id, line, cause: 'counting_error' });
    }
    const submittedAt = new Date();
    await submitVariances(db, { ...people.sam, now: submittedAt }, { stocktake: st.id });
    const due = new Date(submittedAt.getTime() + 24 * HOUR);
    const morning = nextLocal(due, 10);
    const items = await overdueItems(db, morning);
    // sam explained every line, so each step waits for the other supervisors, sue and ann.
    expect(items.map((i) => [i.type, i.what, i.role, i.reminded.map((p) => p.handle)])).toEqual([
      ['step', '1', 'supervisor', ['sue', 'ann']],
      ['step', '1', 'supervisor', ['sue', 'ann']],
    ]);
    expect(await sendReminders(db, morning)).toEqual({ reminded: 2, escalated: 0, cards: 1 });
    const [card] = await queuedCards(db);
    expect(card).toMatchObject({ chatId: 'approvals', title: 'Overdue: 2 items' });
    expect(tableRows(card!.card).map((r) => r.item)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^P[KY]-\d{4}-0001 step 1 · supervisor$/)]),
    );
    expect(tableRows(card!.card)[0]!.who).toBe('sue, ann');
    expect(mentions(card!.card)).toEqual([
      { name: 'sue', identities: [] },
      { name: 'ann', identities: [] },
    ]);

    // Without an approvals chat, steps go to the team chat; escalation goes up to the manager.
    await db.execute(sql`update chat set purposes = array['digest'] where chat_id = 'approvals'`);
    expect(await sendReminders(db, new Date(morning.getTime() + 24 * HOUR))).toEqual({ reminded: 2, escalated: 2, cards: 1 });
    const cards = await queuedCards(db);
    expect(cards[1]).toMatchObject({ chatId: 'team' });
    expect(markdown(cards[1]!.card)).toContain('Escalated to mo');
  });

  it('mentions everyone reminded or escalated to on the card, with all their chat accounts', async () => {
    const { db } = get();
    const { due } = await inReview(db);
    await addPerson(db, { handle: 'sam', name: 'Sam Chen', identities: ['telegram:3002', `feishu:ou_${'5'.repeat(32)}`] });
    await addPerson(db, { handle: 'mo', identities: ['dingtalk:mo01'] });
    const morning = nextLocal(due, 10);
    await sendReminders(db, morning);
    await sendReminders(db, new Date(morning.getTime() + 24 * HOUR));
    const [first, escalated] = await queuedCards(db);
    // The CLI is no chat: a cli: identity is never a mention.
    expect(mentions(first!.card)).toEqual([{ name: 'Sam Chen', identities: [`feishu:ou_${'5'.repeat(32)}`, 'telegram:3002'] }]);
    expect(mentions(escalated!.card)).toEqual([
      { name: 'Sam Chen', identities: [`feishu:ou_${'5'.repeat(32)}`, 'telegram:3002'] },
      { name: 'mo', identities: ['dingtalk:mo01'] },
    ]);
  });

  it('keeps an item unlogged while its warehouse has no chat to remind in', async () => {
    const { db } = get();
    const { due } = await inReview(db);
    await db.execute(sql`update chat set purposes = array['digest']`);
    const morning = nextLocal(due, 10);
    expect(await sendReminders(db, morning)).toEqual({ reminded: 0, escalated: 0, cards: 0 });
    await db.execute(sql`update chat set purposes = array['team'] where chat_id = 'team'`);
    expect(await sendReminders(db, new Date(morning.getTime() + HOUR))).toEqual({ reminded: 3, escalated: 0, cards: 1 });
  });

  it("speaks the chat's language", async () => {
    const { db } = get();
    const { due } = await inReview(db);
    await db.execute(sql`update chat set locale = 'zh-CN' where chat_id = 'team'`);
    await sendReminders(db, nextLocal(due, 10));
    const [card] = await queuedCards(db);
    expect(card!.title).toBe('逾期提醒：3 项');
    expect(tableRows(card!.card)[0]).toMatchObject({
      item: '差异 A-100@R1 · ' + tableRows(card!.card)[0]!.item!.split(' · ')[1],
      who: 'sam',
    });
    expect(tableRows(card!.card)[0]!.late).toMatch(/小时|分钟/);
  });
});

describe('the reminder card', () => {
  it("lists 20 items and counts the rest, within every platform's limits, in both languages", () => {
    const entries: ReminderEntry[] = Array.from({ length: 45 }, (_, i) => ({
      type: i % 3 === 0 ? 'step' : 'variance',
      ref: i % 3 === 0 ? `PK-2026-${String(i).padStart(4, '0')}` : 'ST-20261125-001',
      what: i % 3 === 0 ? '2' : `SKU-${i}@A-${i}`,
      role: i % 3 === 0 ? 'finance' : 'supervisor',
      people: [
        { handle: 'sam', name: 'Sam *Chen*' },
        { handle: 'sue', name: 'sue' },
      ],
      lateMs: (i + 1) * 37 * 60_000,
      escalatedTo: i < 5 ? [{ handle: 'mo', name: 'Mo' }] : [],
    }));
    for (const locale of ['en', 'zh-CN'] as const) {
      const card = reminderCard({ locale }, { warehouse: 'WH1', entries, limit: 20 });
      const table = card.elements.find((e) => e.type === 'table')!;
      expect(table.type === 'table' && [table.rows.length, table.more]).toEqual([20, 25]);
      expect(JSON.stringify(renderFeishu(card)).length).toBeLessThan(30_000);
      expect(renderTelegram(card).text.length).toBeLessThanOrEqual(4096);
      // Named, with no "@" typed into the text (Telegram would take "@sam" for a public username).
      expect(JSON.stringify(renderDingTalkMessage(card))).toContain('(sam)');
      expect(renderHtml(card)).toContain('(sam)');
      expect(renderTelegram(card).text).not.toMatch(/@sam\b/);
    }
    const en = reminderCard({ locale: 'en' }, { warehouse: 'WH1', entries: entries.slice(0, 1), limit: 20 });
    expect(en.mentions).toEqual([
      { name: 'Sam *Chen*', identities: [] },
      { name: 'sue', identities: [] },
      { name: 'Mo', identities: [] },
    ]);
    // A name is cut to what a mention holds; an account a card cannot carry is left off; 30 people at most.
    const crowd = Array.from({ length: 40 }, (_, i) => ({
      handle: `p${i}`,
      name: `${'名'.repeat(70)}${i}`,
      identities: [`telegram:${i + 1}`, 'feishu:has space', 'bogus'],
    }));
    const crowded = reminderCard({ locale: 'en' }, { warehouse: 'WH1', entries: [{ ...entries[0]!, people: crowd }], limit: 20 });
    expect(crowded.mentions).toHaveLength(30);
    expect(crowded.mentions![0]).toEqual({ name: `${'名'.repeat(63)}…`, identities: ['telegram:1'] });
    expect(en.elements.find((e) => e.type === 'table')).toMatchObject({
      rows: [{ item: 'PK-2026-0000 step 2 · finance', who: 'Sam *Chen* (sam), sue', late: '37 min', escalated: 'Mo (mo)' }],
    });
  });
});
