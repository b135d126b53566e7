/**
 * Direct messages: people who chose them get their reminders and approval requests one to one (after their
 * quiet hours), the group cards stop mentioning them, and a direct message the platform cannot deliver goes
 * to the group instead and is logged.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import type { Card } from '../../cards/model.ts';
import { functionLogger } from '../../src/core/log.ts';
import { localMinute } from '../../src/domain/time.ts';
import { bindChat } from '../../src/services/chats.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { addPerson, setNotify } from '../../src/services/people.ts';
import { sendReminders } from '../../src/services/reminders.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { botCore, RecordingDeliverer } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';

const HOUR = 3600_000;

function nextLocal(after: Date, hour: number): Date {
  let t = Math.ceil(after.getTime() / HOUR) * HOUR;
  while (localMinute(new Date(t), 'Asia/Shanghai').slice(11) !== `${String(hour).padStart(2, '0')}:00`) t += HOUR;
  return new Date(t);
}

interface Row {
  chat_id: string;
  next_attempt_at: string;
  payload: { view: { kind: string; card?: Card; documentId?: string }; fallback?: { chatId: string; view: { kind: string } } };
}
const sends = (db: Db) =>
  queryRows<Row>(
    db,
    sql`select chat_id, to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as next_attempt_at, payload
        from outbox where kind = 'send' order by id`,
  );

/** WH1 in review at 14:00 Shanghai, sam and sue on Telegram, team and approvals groups there. */
async function inReview(db: Db) {
  const { st, people } = await countedStocktake(db);
  await addPerson(db, { handle: 'sam', identities: ['telegram:1001'] });
  await addPerson(db, { handle: 'sue', identities: ['telegram:1002'] });
  await addPerson(db, { handle: 'mo', identities: ['telegram:1005'] });
  for (const purpose of ['team', 'approvals'] as const)
    await bindChat(db, people.sam, { platform: 'telegram', chatId: `-100${purpose}`, warehouse: 'WH1', purpose, locale: 'en' });
  const closedAt = nextLocal(new Date(), 14);
  await closeCounting(db, st.id, { actor: people.sam.actor, now: closedAt });
  return { st, people, due: new Date(closedAt.getTime() + 24 * HOUR) };
}

describeEachDatabase('direct messages', (get) => {
  it('reminds a person who chose direct messages one to one, after their quiet hours, and no longer mentions them in the group', async () => {
    const { db } = get();
    const { due } = await inReview(db);
    await setNotify(db, 'sam', { notify: 'telegram', quietHours: '22:00-08:00' });

    // The first morning after the due time: sam's three variances reach him directly; the team chat gets nothing.
    const before = (await sends(db)).length; // the variances card of the opened review
    await sendReminders(db, nextLocal(due, 10));
    let rows = (await sends(db)).slice(before);
    expect(rows.map((r) => r.chat_id)).toEqual(['dm:1001']);
    expect(rows[0]!.payload.view.card!.header.title).toBe('Overdue: 3 items');
    expect(rows[0]!.payload.fallback).toMatchObject({ chatId: '-100team', view: { kind: 'static' } });

    // Late the next evening (23:00 there), past twice the due time: sam's reminder waits until 08:00, and
    // the escalation to mo goes to the group, naming sam without mentioning him.
    const late = nextLocal(new Date(due.getTime() + 24 * HOUR), 23);
    await sendReminders(db, late);
    rows = (await sends(db)).slice(before + 1);
    const dm = rows.find((r) => r.chat_id === 'dm:1001')!;
    expect(dm.next_attempt_at).toBe(new Date(late.getTime() + 9 * HOUR).toISOString().slice(0, 16) + 'Z');
    const group = rows.find((r) => r.chat_id === '-100team')!;
    const card = group.payload.view.card!;
    expect(JSON.stringify(card.elements)).toContain('sam');
    const mentioned = (card.mentions ?? []).flatMap((m) => m.identities);
    expect(mentioned).toContain('telegram:1005');
    expect(mentioned).not.toContain('telegram:1001');
  });

  it('sends the approval request to approvers who chose direct messages and may decide it, and to the group if they cannot be reached', async () => {
    const { db } = get();
    const { st, people } = await inReview(db);
    await setNotify(db, 'sue', { notify: 'telegram' });
    await setNotify(db, 'sam', { notify: 'telegram' });
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });

    // sam explained the lines, so he may not approve: only sue is asked, once per document.
    const rows = (await sends(db)).filter((r) => r.chat_id.startsWith('dm:'));
    expect(rows.map((r) => [r.chat_id, r.payload.view.kind])).toEqual(documents.map(() => ['dm:1002', 'document']));
    expect(rows.map((r) => r.payload.view.documentId).sort()).toEqual(documents.map((d) => d.id).sort());

    // sue never started the bot: each request lands in the approvals group instead, naming her, and it is logged.
    const out = new RecordingDeliverer('telegram');
    out.unreachable.add('dm:1002');
    const logged: { level: string; message: string }[] = [];
    const { sender } = await botCore(
      db,
      [out],
      functionLogger((level, message) => logged.push({ level, message })),
    );
    await sender.drainUntilIdle();
    const notices = out.sent.filter((m) => m.chatId === '-100approvals' && m.card.header.title.startsWith('Approval request'));
    expect(notices.map((m) => m.card.header.title).sort()).toEqual(documents.map((d) => `Approval request · ${d.number}`).sort());
    expect(notices[0]!.card.mentions?.[0]?.identities).toContain('telegram:1002');
    expect(logged.filter((l) => l.message === 'direct message could not be delivered; sent to the group instead')).toHaveLength(
      documents.length,
    );
    const failed = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from outbox where chat_id = 'dm:1002' and status = 'failed'`,
    );
    expect(failed[0]!.n).toBe(documents.length);
  });

  it('refuses a platform the person has no identity on, and bad quiet hours, in both languages', async () => {
    const { db } = get();
    await inReview(db);
    await expect(setNotify(db, 'carl', { notify: 'feishu' })).rejects.toMatchObject({
      message: expect.stringContaining('people add carl --identity feishu:<id>'),
      localized: { 'zh-CN': expect.stringContaining('没有feishu账号') },
    });
    await expect(setNotify(db, 'sam', { quietHours: '10pm-8am' })).rejects.toMatchObject({
      localized: { 'zh-CN': expect.stringContaining('免打扰') },
    });
    expect(await setNotify(db, 'sam', { notify: 'telegram', quietHours: '22:00-08:00' })).toEqual({
      handle: 'sam',
      notify: 'telegram',
      quietHours: '22:00-08:00',
    });
    expect(await setNotify(db, 'sam', { notify: 'group', quietHours: 'off' })).toEqual({
      handle: 'sam',
      notify: 'group',
      quietHours: null,
    });
  });
});
