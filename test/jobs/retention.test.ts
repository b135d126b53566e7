/**
 * Retention as the running product does it: the hourly task runs once across instances, and pruning never
 * breaks idempotency — a platform's redelivery inside the window is still answered once, and a live card
 * whose buttons were pruned is refreshed with working ones instead of acting or calling the tap forged.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import type { Card } from '../../cards/model.ts';
import type { Deliverer } from '../../src/core/delivery.ts';
import type { ActionEvent, InboundEvent, TextEvent } from '../../src/core/events.ts';
import { DEFAULT_RETENTION } from '../../src/domain/retention.ts';
import { pruneExpired } from '../../src/services/retention.ts';
import { botCore, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { recordingReports, scheduler } from './support.ts';

const DAY = 86_400_000;

class RecordingDeliverer implements Deliverer {
  readonly platform = 'web';
  readonly limits = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };
  sent: { messageId: string; card: Card; updates: Card[] }[] = [];
  private next = 1;
  async send(_chatId: string, card: Card) {
    const messageId = `m${this.next++}`;
    this.sent.push({ messageId, card, updates: [] });
    return { messageId };
  }
  async update(_chatId: string, messageId: string, card: Card) {
    this.sent.find((m) => m.messageId === messageId)!.updates.push(card);
  }
  async prompt() {
    return { messageId: `p${this.next++}` };
  }
}

const tokenOf = (card: Card, label: RegExp): string => {
  for (const el of card.elements) if (el.type === 'buttons') for (const b of el.buttons) if (label.test(b.label)) return b.action.token;
  throw new Error(`no ${label} on card ${card.header.title}`);
};

const auditCount = async (db: Db) => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log`))[0]!.n;

describeEachDatabase('retention in the running product', (get) => {
  let n = 0;
  const text = (userId: string, body: string, extra: Partial<TextEvent> = {}): TextEvent => ({
    type: 'text',
    platform: 'web',
    eventId: `r${++n}`,
    chatId: 'team',
    chatType: 'group',
    userId,
    text: body,
    addressed: true,
    ...extra,
  });
  const tap = (userId: string, token: string, extra: Partial<ActionEvent> = {}): ActionEvent => ({
    type: 'action',
    platform: 'web',
    eventId: `r${++n}`,
    chatId: 'team',
    chatType: 'group',
    userId,
    token,
    ...extra,
  });

  it('runs the hourly task once across instances, at minute 45', async () => {
    const { db } = get();
    await db.execute(sql`insert into inbound_event (platform, event_id, received_at) values ('web', 'ancient', '2026-01-01T00:00:00Z')`);
    const reports = recordingReports();
    const instances = [scheduler(db, reports.source, { instance: 'a' }), scheduler(db, reports.source, { instance: 'b' })];
    const quiet = await instances[0]!.tick(new Date('2026-11-26T10:44:00Z'));
    expect(quiet.retention).toBeNull();
    const ticks = await Promise.all(instances.map((s) => s.tick(new Date('2026-11-26T10:45:05Z'))));
    const ran = ticks.map((t) => t.retention).filter((r) => r !== null);
    expect(ran).toEqual([expect.objectContaining({ inboundEvents: 1, complete: true })]);
    expect(await queryRows(db, sql`select 1 from inbound_event`)).toHaveLength(0);
  });

  it('still answers a redelivered platform event once inside the window, and forgets it after', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    const help = text('u-sam', 'help');
    await dispatch(help);
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(1);

    // 29 days on, the hourly run keeps the event's id: the platform's redelivery has no second effect.
    const reports = recordingReports();
    const s = scheduler(db, reports.source, { instance: 'a' });
    const at29 = new Date(Math.floor((Date.now() + 29 * DAY) / 3_600_000) * 3_600_000 + 45 * 60_000);
    expect((await s.tick(at29)).retention).toMatchObject({ inboundEvents: 0 });
    await dispatch(help);
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(1);

    // Past the window it is gone.
    expect((await s.tick(new Date(at29.getTime() + 2 * DAY))).retention).toMatchObject({ inboundEvents: 1 });
    expect(await queryRows(db, sql`select 1 from inbound_event where event_id = ${help.eventId}`)).toHaveLength(0);
  });

  it('refreshes a live card whose buttons were pruned, and its new buttons work; nothing is done by the old one', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    const upload: InboundEvent = {
      type: 'file',
      platform: 'web',
      eventId: `r${++n}`,
      chatId: 'team',
      chatType: 'group',
      userId: 'u-carl',
      fileName: 'count.csv',
      download: async () =>
        sheet([
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '90'],
          ['C-400', 'R4', '1'],
        ]),
    };
    await dispatch(upload);
    await dispatch(text('u-sam', 'close'));
    await sender.drainUntilIdle();
    const page = out.sent.find((m) => m.card.header.title.startsWith('Variances to review'))!;
    const oldToken = tokenOf(page.card, /^C-400/);

    // The card sat in the chat for longer than buttons are kept.
    const pruned = await pruneExpired(db, DEFAULT_RETENTION, new Date(Date.now() + (DEFAULT_RETENTION.buttonDays + 1) * DAY));
    expect(pruned.cardActions).toBeGreaterThan(0);
    const audits = await auditCount(db);

    const answer = await dispatch(tap('u-sam', oldToken, { messageId: page.messageId }));
    expect(answer!.toast).toEqual({
      kind: 'warning',
      text: 'This card was out of date; nothing was done. It now shows the current state.',
    });
    expect(await auditCount(db)).toBe(audits);
    // This deliverer's answers carry no card: the refreshed card comes as one outbox update, rendered once.
    expect(answer!.card).toBeUndefined();
    await sender.drainUntilIdle();
    expect(page.updates).toHaveLength(1);
    const fresh = tokenOf(page.updates[0]!, /^C-400/);
    expect(fresh).not.toBe(oldToken);

    const opened = await dispatch(tap('u-sam', fresh, { messageId: page.messageId }));
    expect(opened!.toast.kind).toBe('info');

    // A pruned button on a message we do not know is told it expired — not that it is forged.
    const unknown = await dispatch(tap('u-sam', oldToken));
    expect(unknown).toEqual({
      toast: { kind: 'warning', text: 'This button has expired; nothing was done. Use the latest card, or type the command.' },
    });
  });
});
