/**
 * Undo in the chat: "void SHEET REASON" answers with the lines that changed, "Reopen" on a confirmed
 * variance card, "Withdraw" on the approval card (its submitter), and "撤销 REASON" cancels the stocktake;
 * the cards showing what changed update through the outbox.
 */
import { expect, it } from 'vitest';
import type { Card } from '../../cards/model.ts';
import type { ActionEvent, InboundEvent, TextEvent } from '../../src/core/events.ts';
import { getDocument, listDocuments } from '../../src/services/documents.ts';
import { getStocktake } from '../../src/services/stocktakes.ts';
import { botCore, RecordingDeliverer, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';

/** The action token of the input whose submit button reads `submit`. */
function inputToken(card: Card, submit: RegExp): string {
  for (const el of card.elements) if (el.type === 'input' && submit.test(el.submitLabel)) return el.action.token;
  throw new Error(`no input ${submit} on card ${card.header.title}`);
}

describeEachDatabase('undo in the chat', (get) => {
  let n = 0;
  const base = (userId: string) => ({ platform: 'web', eventId: `u${++n}`, chatId: 'team', chatType: 'group' as const, userId });
  const text = (userId: string, body: string): TextEvent => ({ ...base(userId), type: 'text', text: body, addressed: true });
  const tap = (userId: string, token: string, extra: Partial<ActionEvent> = {}): ActionEvent => ({
    ...base(userId),
    type: 'action',
    token,
    ...extra,
  });
  const upload = (userId: string, fileName: string, rows: (string | number)[][]): InboundEvent => ({
    ...base(userId),
    type: 'file',
    fileName,
    download: async () => sheet([['sku', 'location', 'qty'], ...rows]),
  });

  it('voids a sheet, reopens a line, withdraws a document and cancels the stocktake, each answered in words', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam', sue: 'u-sue' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    await dispatch(
      upload('u-carl', 'count.csv', [
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '20'],
        ['B-300', 'R3', '50.5'],
        ['C-400', 'R4', '3'],
      ]),
    );
    await dispatch(upload('u-sam', 'wrong.csv', [['A-100', 'R1', '95']]));

    await dispatch(text('u-sam', 'void wrong.csv'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('void SHEET REASON');
    await dispatch(text('u-carl', 'void wrong.csv not mine'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('only its counter (sam)');
    await dispatch(text('u-sam', 'void wrong.csv counted the wrong aisle'));
    await sender.drainUntilIdle();
    const voided = out.last();
    expect(voided.header).toMatchObject({ title: 'Count sheet voided', subtitle: 'wrong.csv' });
    expect(voided.elements).toContainEqual(
      expect.objectContaining({ type: 'table', rows: [{ line: 'A-100 @ R1', before: 'conflict', after: 'counted 90' }] }),
    );

    await dispatch(text('u-sam', 'close'));
    await sender.drainUntilIdle();
    const page = out.sent.find((m) => m.card.header.title.startsWith('Variances to review'))!;
    const open = page.card.elements.flatMap((el) => (el.type === 'buttons' ? el.buttons : [])).find((b) => b.label.startsWith('A-100'))!;
    await dispatch(tap('u-sam', open.action.token));
    await sender.drainUntilIdle();
    const lineCard = out.sent.find((m) => m.card.header.title.includes('A-100'))!;
    const confirm = lineCard.card.elements
      .flatMap((el) => (el.type === 'buttons' ? el.buttons : []))
      .find((b) => /^Confirm/.test(b.label))!;
    await dispatch(tap('u-sam', confirm.action.token));
    await sender.drainUntilIdle();
    const confirmed = lineCard.updates.at(-1)!;
    // Reopen, where a card has no text box: asked in a prompt, answered by a reply.
    const reopen = inputToken(confirmed, /^Reopen$/);
    expect((await dispatch(tap('u-sam', reopen, { wantsInput: true })))!.toast.kind).toBe('info');
    expect((await dispatch(tap('u-sam', reopen, { input: 'found a crushed box' })))!.toast).toEqual({
      kind: 'success',
      text: 'Reopened: the line is back in review.',
    });
    await sender.drainUntilIdle();
    expect(JSON.stringify(lineCard.updates.at(-1))).toContain('reopened by sam: found a crushed box');

    const reopened = lineCard.updates.at(-1)!;
    const again = reopened.elements.flatMap((el) => (el.type === 'buttons' ? el.buttons : [])).find((b) => /^Confirm/.test(b.label))!;
    await dispatch(tap('u-sam', again.action.token));
    const select = reopened.elements.find((el) => el.type === 'select')!;
    if (select.type !== 'select') throw new Error('no cause select');
    await dispatch(tap('u-sam', select.action.token, { option: 'damage' }));
    await dispatch(text('u-sam', 'submit'));
    await sender.drainUntilIdle();
    const [doc] = await listDocuments(db);
    const approval = out.sent.find((m) => m.card.header.title === `Approval · ${doc!.number}`)!;
    const withdraw = inputToken(approval.card, /^Withdraw$/);
    const bySue = await dispatch(tap('u-sue', withdraw, { input: 'not hers' }));
    expect(bySue!.toast).toMatchObject({ kind: 'error', text: expect.stringContaining('only its submitter (sam)') });
    const bySam = await dispatch(tap('u-sam', withdraw, { input: 'wrong cause on A-100' }));
    expect(bySam!.toast).toEqual({ kind: 'success', text: `${doc!.number} withdrawn: its lines are back in review.` });
    expect((await getDocument(db, doc!.id)).status).toBe('withdrawn');
    await sender.drainUntilIdle();
    // The approvers' card shows it withdrawn, with no buttons left; the team chat hears who and why.
    const updated = approval.updates.at(-1)!;
    expect(updated.header.subtitle).toBe('withdrawn');
    expect(updated.elements.some((el) => el.type === 'input' || el.type === 'buttons')).toBe(false);
    expect(JSON.stringify(out.sent.find((m) => m.card.header.title === `Decision · ${doc!.number}`)!.card)).toContain(
      `was withdrawn** by sam: \\"wrong cause on A-100\\"`,
    );

    await dispatch(text('u-carl', '撤销 盘错了'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('carl may not cancel a stocktake');
    await dispatch(text('u-sam', '撤销 盘错了仓库'));
    await sender.drainUntilIdle();
    expect(out.last().header.title).toBe('Stocktake cancelled');
    expect(JSON.stringify(out.last())).toContain('盘错了仓库');
    expect((await getStocktake(db, (await listDocuments(db))[0]!.stocktake)).status).toBe('cancelled');
  });
});
