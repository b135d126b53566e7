/**
 * The core end to end with a recording deliverer: every platform adapter is a thin layer over this, so
 * the rules (identity, permission, one effect per event, stale taps, outbox in the change's transaction,
 * cards updated in place) are proven here once, platform-free.
 */
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import type { Card } from '../../cards/model.ts';
import { DeliveryError } from '../../src/core/delivery.ts';
import type { ActionEvent, InboundEvent, TextEvent } from '../../src/core/events.ts';
import { getDocument, listDocuments } from '../../src/services/documents.ts';
import { botCore, RecordingDeliverer, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';

const tokensOf = (card: Card, label: RegExp) => {
  for (const el of card.elements) {
    if (el.type === 'buttons') for (const b of el.buttons) if (label.test(b.label)) return b.action.token;
    if ((el.type === 'select' || el.type === 'input') && label.test(el.type)) return el.action.token;
  }
  throw new Error(`no ${label} on card ${card.header.title}`);
};

describeEachDatabase('bot core flow', (get) => {
  let n = 0;
  const text = (userId: string, body: string, extra: Partial<TextEvent> = {}): InboundEvent => ({
    type: 'text',
    platform: 'web',
    eventId: `e${++n}`,
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
    eventId: `e${++n}`,
    chatId: 'team',
    chatType: 'group',
    userId,
    token,
    ...extra,
  });

  it('carries a count from upload to posting, one effect per event, cards updated in place', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam', sue: 'u-sue' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);

    // Strangers are told how to get access, and nothing else happens.
    await dispatch(text('u-stranger', 'bind WH1'));
    await sender.drainUntilIdle();
    expect(out.last().header.title).toMatch(/access/i);
    expect(JSON.stringify(out.last())).toContain('web:u-stranger');

    // Unaddressed group chatter is ignored.
    await dispatch(text('u-sam', 'bind WH1', { addressed: false }));
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(1);

    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    const upload: InboundEvent = {
      type: 'file',
      platform: 'web',
      eventId: `e${++n}`,
      chatId: 'team',
      chatType: 'group',
      userId: 'u-carl',
      fileName: 'count.csv',
      download: async () =>
        sheet([
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '90'],
          ['A-200', 'R2', '21'],
          ['B-300', 'R3', '50.5'],
          ['C-400', 'R4', '1'],
        ]),
    };
    await dispatch(upload);
    await dispatch(upload); // redelivered: no second import, no second summary
    await sender.drainUntilIdle();
    const summary = out.last();
    expect(summary.header.title).toContain('count.csv');
    expect(out.sent.filter((m) => m.card.header.title.includes('count.csv'))).toHaveLength(1);

    await dispatch(text('u-sam', 'close'));
    await sender.drainUntilIdle();
    const page = out.sent.find((m) => m.card.header.title.startsWith('Variances to review'))!;
    expect(page).toBeDefined();

    // Open one line from the page, confirm it, tag a cause.
    const openAnswer = await dispatch(tap('u-sam', tokensOf(page.card, /^C-400/)));
    expect(openAnswer!.toast.kind).toBe('info');
    await sender.drainUntilIdle();
    const lineCard = out.sent.find((m) => m.card.header.title.includes('C-400'))!;
    const confirm = tokensOf(lineCard.card, /^Confirm/);
    const first = await dispatch(tap('u-sam', confirm));
    expect(first!.toast).toMatchObject({ kind: 'success' });
    // This deliverer declares no card in a tap's answer (like Telegram): the card is rendered once, by the
    // outbox update below, not also into an answer the platform would discard.
    expect(first!.card).toBeUndefined();
    const again = await dispatch(tap('u-sam', confirm));
    expect(again!.toast.kind).toBe('warning');
    const confirms = await queryRows(db, sql`select 1 from audit_log where action = 'variance.confirm'`);
    expect(confirms).toHaveLength(1);
    await sender.drainUntilIdle();
    expect(lineCard.updates.length).toBeGreaterThan(0);
    expect(JSON.stringify(lineCard.updates.at(-1))).toContain('confirmed');
    expect(page.updates.length).toBeGreaterThan(0);

    const cause = await dispatch(tap('u-sam', tokensOf(lineCard.updates.at(-1)!, /select/), { option: 'damage' }));
    expect(cause!.toast.kind).toBe('success');
    // A forged token does nothing.
    const forged = await dispatch(tap('u-sam', `${confirm.slice(0, 12)}AAAAAAAAAA`));
    expect(forged!.toast.kind).toBe('error');
    // A stranger's tap is refused with a toast; the shared card stays as it is for everyone else.
    const stranger = await dispatch(tap('u-stranger', confirm));
    expect(stranger).toEqual({ toast: { kind: 'error', text: expect.stringContaining('web:u-stranger') } });

    // The rest of the page at once, by its suggestions or by hand.
    await sender.drainUntilIdle();
    for (const line of ['A-100@R1', 'A-200@R2']) {
      const [sku, location] = line.split('@') as [string, string];
      await dispatch(tap('u-sam', tokensOf(page.updates.at(-1) ?? page.card, new RegExp(`^${sku}`))));
      await sender.drainUntilIdle();
      const card = out.sent.filter((m) => m.card.header.title.includes(sku)).at(-1)!;
      await dispatch(tap('u-sam', tokensOf(card.card, /^Confirm/)));
      await dispatch(tap('u-sam', tokensOf(card.card, /select/), { option: 'counting_error' }));
      void location;
    }
    await dispatch(text('u-sam', 'submit'));
    await sender.drainUntilIdle();
    const docs = await listDocuments(db);
    expect(docs).toHaveLength(2);
    const approval = out.sent.find((m) => m.card.header.title.startsWith(`Approval · ${docs[0]!.number}`))!;
    expect(approval).toBeDefined();

    // sam explained the lines, so sam may not approve; sue may.
    const refused = await dispatch(tap('u-sam', tokensOf(approval.card, /^Approve/)));
    expect(refused!.toast.kind).toBe('error');
    const approved = await dispatch(tap('u-sue', tokensOf(approval.card, /^Approve/)));
    expect(approved!.toast.kind).toBe('success');
    expect((await getDocument(db, docs[0]!.id)).status).toBe('posted');
    await sender.drainUntilIdle();
    expect(JSON.stringify(approval.updates.at(-1))).toContain('posted');
    expect(out.sent.some((m) => m.card.header.title.startsWith(`Decision · ${docs[0]!.number}`))).toBe(true);

    // Where a card has no text box, Reject asks for the reason in a prompt and reads the reply back.
    const second = out.sent.find((m) => m.card.header.title.startsWith(`Approval · ${docs[1]!.number}`))!;
    const reject = tokensOf(second.card, /input/);
    const asked = await dispatch(tap('u-sue', reject, { wantsInput: true }));
    expect(asked!.toast.kind).toBe('info');
    await sender.drainUntilIdle();
    const prompt = out.prompts.at(-1)!;
    expect(prompt.text).toContain(docs[1]!.number);
    await dispatch(text('u-sue', 'Recount A-200 first', { addressed: false, replyToMessageId: prompt.messageId }));
    const rejected = await getDocument(db, docs[1]!.id);
    expect(rejected.status).toBe('rejected');
    expect(rejected.route.at(-1)!.reason).toBe('Recount A-200 first');
  });

  it("answers a sheet with a quantity too long for its column in the chat's language, naming line, column and limit", async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam', sue: 'u-sue' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    const thirty = '123456789012345678901234567890';
    const upload = (): InboundEvent => ({
      type: 'file',
      platform: 'web',
      eventId: `e${++n}`,
      chatId: 'team',
      chatType: 'group',
      userId: 'u-carl',
      fileName: 'huge.csv',
      download: async () =>
        sheet([
          ['sku', 'location', '实盘数量'],
          ['A-100', 'R1', '90'],
          ['A-200', 'R2', thirty],
        ]),
    });
    await dispatch(upload());
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain(`quantity \\"${thirty}\\" has 30 digits before the decimal point; at most 15 are allowed`);
    await dispatch(text('u-sam', 'lang zh'));
    await dispatch(upload());
    await sender.drainUntilIdle();
    const card = JSON.stringify(out.last());
    expect(card).toContain(`数量“${thirty}”的整数部分有 30 位，最多允许 15 位`);
    expect(card).toContain('实盘数量');
  });

  it("answers a negative count with what is wrong, in the chat's language, and records nothing", async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    await dispatch(text('u-carl', 'count A-100 R1 -1'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('The quantity -1 is negative');
    await dispatch(text('u-sam', 'lang zh'));
    await dispatch(text('u-carl', '盘点 A-100 R1 -1'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('数量 -1 是负数');
    expect(await queryRows(db, sql`select 1 from count_entry`)).toEqual([]);
  });

  it('reports the stocktake just posted, when none is in progress', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'report'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('no stocktake in progress');
    await dispatch(text('u-sam', 'new'));
    // Posting itself is proven elsewhere: here only its outcome matters.
    const [st] = await queryRows<{ code: string }>(db, sql`update stocktake set status = 'posted' returning code`);
    await dispatch(text('u-sam', 'report'));
    await sender.drainUntilIdle();
    expect(out.last().header.title).toContain(st!.code);
    expect(JSON.stringify(out.last())).not.toContain('no stocktake in progress');
  });

  it('asks which sheet of a workbook with counts on several, and imports the one tapped', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Day 1').addRows([
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', 90],
    ]);
    wb.addWorksheet('Day 2').addRows([
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', 95],
    ]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    await dispatch({
      type: 'file',
      platform: 'web',
      eventId: `e${++n}`,
      chatId: 'team',
      chatType: 'group',
      userId: 'u-carl',
      fileName: 'days.xlsx',
      download: async () => bytes,
    });
    await sender.drainUntilIdle();
    const choice = out.last();
    expect(choice.header.title).toBe('Which sheet of days.xlsx?');
    expect(await queryRows(db, sql`select 1 from count_entry`)).toEqual([]);
    const answer = await dispatch(tap('u-carl', tokensOf(choice, /^Day 2$/)));
    expect(answer!.toast).toEqual({ kind: 'success', text: 'Sheet "Day 2" imported.' });
    await sender.drainUntilIdle();
    expect(out.last().header.title).toBe('Count imported: days.xlsx');
    expect(JSON.stringify(out.last())).toContain('Read from sheet \\"Day 2\\"');
    expect(await queryRows(db, sql`select qty::text as qty from count_entry`)).toEqual([{ qty: '95.000' }]);
  });

  it("retries a throttled send after the platform's retry-after and delivers it once", async () => {
    const { db } = get();
    await seedTeam(db, 'web', { sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    out.failures.push(new DeliveryError('429', { status: 429, retryAfterMs: 300 }));
    await dispatch(text('u-sam', 'help'));
    const started = Date.now();
    await sender.drainUntilIdle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(out.sent).toHaveLength(1);
    const [row] = await queryRows<{ status: string; attempts: number }>(db, sql`select status, attempts from outbox`);
    // The 429 was "not now", not a failed attempt: only the delivery that went out is counted.
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
