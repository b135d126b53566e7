/**
 * A cause that needs a note is tagged with its note in one step (issue 14 §2): from a form (Feishu, the
 * console) both arrive in one tap; where a pick comes alone (Telegram's buttons, DingTalk's select) the
 * person is asked for the note in their language, and the answer tags cause and note together. Never
 * "error, save the note, pick again", and nothing is tagged until the note is there.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Card } from '../../cards/model.ts';
import { queryRows, type Db } from '../../db/client.ts';
import type { ActionEvent, Capabilities, InboundEvent, TextEvent } from '../../src/core/events.ts';
import { listReview } from '../../src/services/review.ts';
import { botCore, RecordingDeliverer, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';

/** The cause select of a variance card. */
function causeSelect(card: Card) {
  const select = card.elements.find((el) => el.type === 'select');
  if (!select || select.type !== 'select') throw new Error(`no cause select on card ${card.header.title}`);
  return select;
}

/** A deliverer whose platform answers a tap with the card (Feishu, the console): forms live there. */
class FormDeliverer extends RecordingDeliverer {
  readonly capabilities: Capabilities = { cardInAnswer: true };
}

describeEachDatabase('a cause that needs a note', (get) => {
  let n = 0;
  const base = (userId: string) => ({ platform: 'web', eventId: `cn${++n}`, chatId: 'team', chatType: 'group' as const, userId });
  const text = (userId: string, body: string, extra: Partial<TextEvent> = {}): TextEvent => ({
    ...base(userId),
    type: 'text',
    text: body,
    addressed: true,
    ...extra,
  });
  const tap = (userId: string, token: string, extra: Partial<ActionEvent> = {}): ActionEvent => ({
    ...base(userId),
    type: 'action',
    token,
    ...extra,
  });

  /** WH1 counted and closed, in `lang`; the variance card of A-100@R1 (a loss) sent to the team chat. */
  async function lineCard(db: Db, out: RecordingDeliverer, lang: 'en' | 'zh' = 'en') {
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam' });
    const core = await botCore(db, [out]);
    const { dispatch, sender } = core;
    await dispatch(text('u-sam', 'bind WH1'));
    if (lang === 'zh') await dispatch(text('u-sam', 'lang zh'));
    await dispatch(text('u-sam', 'new'));
    const upload: InboundEvent = {
      ...base('u-carl'),
      type: 'file',
      fileName: 'count.csv',
      download: async () =>
        sheet([
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '90'],
          ['A-200', 'R2', '20'],
        ]),
    };
    await dispatch(upload);
    await dispatch(text('u-sam', lang === 'zh' ? '结束盘点' : 'close'));
    await sender.drainUntilIdle();
    const page = out.sent.find((m) => m.card.elements.some((el) => el.type === 'table'))!;
    const open = page.card.elements.flatMap((el) => (el.type === 'buttons' ? el.buttons : [])).find((b) => b.label.startsWith('A-100'))!;
    await dispatch(tap('u-sam', open.action.token));
    await sender.drainUntilIdle();
    const card = out.sent.find((m) => m.card.header.title.includes('A-100'))!;
    return { ...core, card };
  }

  const a100 = async (db: Db) => (await listReview(db, (await currentCode(db)) ?? '')).find((l) => l.sku === 'A-100')!;
  const currentCode = async (db: Db) =>
    (await queryRows<{ code: string }>(db, sql`select code from stocktake order by created_at desc limit 1`))[0]?.code;
  const tags = (db: Db) =>
    queryRows<{ after: { causeCode: string; note: string } }>(db, sql`select after from audit_log where action = 'variance.tag'`);

  it('asks for the note of a cause picked without a form, tags nothing, and tags cause and note from the answer in one step', async () => {
    const { db } = get();
    const out = new RecordingDeliverer();
    const { dispatch, sender, card } = await lineCard(db, out);
    const select = causeSelect(card.card);
    expect(select.options.find((o) => o.value === 'unknown')).toMatchObject({ needsNote: true, label: 'Unknown *' });
    expect(select.note?.hint).toMatch(/marked \* need a note/);

    const asked = await dispatch(tap('u-sam', select.action.token, { option: 'unknown' }));
    expect(asked!.toast).toEqual({ kind: 'info', text: expect.stringContaining('needs a note') });
    await sender.drainUntilIdle();
    const prompt = out.prompts.at(-1)!;
    expect(prompt.text).toContain('A-100@R1');
    expect(prompt.text).toContain('Unknown');
    expect((await a100(db)).causeCode).toBeNull();
    expect(await tags(db)).toHaveLength(0);

    // The answer is the note; the cause picked comes with the prompt's token.
    await dispatch(text('u-sam', 'searched aisles 3 to 5, nothing found', { addressed: false, replyToMessageId: prompt.messageId }));
    const line = await a100(db);
    expect(line).toMatchObject({ causeCode: 'unknown', note: 'searched aisles 3 to 5, nothing found' });
    expect(await tags(db)).toEqual([
      { after: expect.objectContaining({ causeCode: 'unknown', note: 'searched aisles 3 to 5, nothing found' }) },
    ]);
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.sent.at(-1)!.card)).toContain('Cause tagged with its note');

    // A cause that needs no note is still tagged by the pick alone.
    await dispatch(tap('u-sam', causeSelect(card.updates.at(-1)!).action.token, { option: 'damage' }));
    expect((await a100(db)).causeCode).toBe('damage');
  });

  it('asks in the chat language', async () => {
    const { db } = get();
    const out = new RecordingDeliverer();
    const { dispatch, sender, card } = await lineCard(db, out, 'zh');
    const select = causeSelect(card.card);
    expect(select.options.find((o) => o.value === 'unknown')!.label).toBe('原因不明 *');
    const asked = await dispatch(tap('u-sam', select.action.token, { option: 'unknown' }));
    expect(asked!.toast.text).toContain('须填写备注');
    await sender.drainUntilIdle();
    expect(out.prompts.at(-1)!.text).toMatch(/^原因“原因不明”须填写备注.*请回复本消息/);
  });

  it('takes cause and note from one form submit, and answers a form sent without the note with a toast, leaving the card as it was', async () => {
    const { db } = get();
    const out = new FormDeliverer();
    const { dispatch, sender, card } = await lineCard(db, out);
    const token = causeSelect(card.card).action.token;

    const missing = await dispatch(tap('u-sam', token, { option: 'unknown', input: '  ' }));
    expect(missing).toEqual({ toast: { kind: 'warning', text: expect.stringContaining('Note for the cause') } });
    expect(missing!.card).toBeUndefined(); // the form keeps what was picked and typed
    await sender.drainUntilIdle();
    expect(out.prompts).toHaveLength(0);
    expect((await a100(db)).causeCode).toBeNull();

    const done = await dispatch(tap('u-sam', token, { option: 'unknown', input: 'checked the returns cage' }));
    expect(done!.toast).toEqual({ kind: 'success', text: 'Cause tagged with its note: Unknown.' });
    expect(done!.card).toBeDefined();
    expect(await a100(db)).toMatchObject({ causeCode: 'unknown', note: 'checked the returns cage' });
    expect(await tags(db)).toHaveLength(1);
  });
});
