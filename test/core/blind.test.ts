/**
 * A blind count (盲盘) through the core: every card the team chat gets while counting (the status card and
 * its updates, import summaries, the variance page) carries no book figure; once counting closes they do.
 */
import { expect, it } from 'vitest';
import type { Card } from '../../cards/model.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import { getStocktake } from '../../src/services/stocktakes.ts';
import { currentStocktake } from '../../src/services/chats.ts';
import { getWarehouse } from '../../src/services/warehouses.ts';
import { bookFiguresIn } from '../support/blind.ts';
import { botCore, RecordingDeliverer, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';

describeEachDatabase('blind counts in the team chat', (get) => {
  let n = 0;
  const text = (userId: string, body: string): InboundEvent => ({
    type: 'text',
    platform: 'web',
    eventId: `b${++n}`,
    chatId: 'team',
    chatType: 'group',
    userId,
    text: body,
    addressed: true,
  });
  const upload = (userId: string, fileName: string, rows: (string | number)[][]): InboundEvent => ({
    type: 'file',
    platform: 'web',
    eventId: `b${++n}`,
    chatId: 'team',
    chatType: 'group',
    userId,
    fileName,
    download: async () => sheet([['sku', 'location', 'qty'], ...rows]),
  });
  /** Every card the chat was sent, and every update of one, in order. */
  const everything = (out: RecordingDeliverer): Card[] => out.sent.flatMap((m) => [m.card, ...m.updates]);

  it('shows the team chat no book figures while a blind count is counting, and all of them once counting closes', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);

    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new blind'));
    await sender.drainUntilIdle();
    const st = await getStocktake(db, (await currentStocktake(db, (await getWarehouse(db, 'WH1')).id))!.id);
    expect(st.blind).toBe(true);
    expect(JSON.stringify(out.sent.at(-2)!.card)).toContain('Blind stocktake');

    await dispatch(
      upload('u-carl', 'aisle.csv', [
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '21'],
        ['B-300', 'R3', '50.5'],
        ['C-400', 'R4', '1'],
      ]),
    );
    // sam's second count of C-400 disagrees: the chat says a recount is needed, without either figure.
    await dispatch(upload('u-sam', 'check.csv', [['C-400', 'R4', '2']]));
    await dispatch(text('u-carl', 'status'));
    await dispatch(text('u-carl', 'variances'));
    await sender.drainUntilIdle();
    const summary = out.sent.find((m) => m.card.header.title.includes('aisle.csv'))!.card;
    expect(JSON.stringify(summary)).toContain('Blind count (盲盘)');
    expect(JSON.stringify(summary)).not.toContain('Net value');
    const status = out.sent.filter((m) => m.card.header.title.startsWith(st.code)).at(-2)!.card;
    expect(JSON.stringify(status)).toContain('1 line(s) need a recount');
    const counting = everything(out);
    expect(counting.length).toBeGreaterThan(5);
    for (const card of counting) expect(bookFiguresIn(card), card.header.title).toEqual([]);

    // carl's recount settles C-400; once counting closes, the status card shows the figures again.
    await dispatch(text('u-carl', 'count C-400 R4 1'));
    await dispatch(text('u-sam', 'close'));
    await dispatch(text('u-sam', 'status'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('313.00');
  });

  it('starts a blind count from the Chinese command 盲盘 and says so in Chinese', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', '绑定 WH1'));
    await dispatch(text('u-sam', '语言 zh'));
    await dispatch(text('u-sam', '盲盘'));
    await sender.drainUntilIdle();
    const st = await currentStocktake(db, (await getWarehouse(db, 'WH1')).id);
    expect((await getStocktake(db, st!.id)).blind).toBe(true);
    const cards = JSON.stringify(out.sent.slice(-2).map((m) => m.card));
    expect(cards).toContain('盲盘');
    expect(cards).toContain('结束盘点前，本群不显示账面数量');
  });

  it('starts an ordinary count from "new": the team chat sees its figures as before', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    await dispatch(upload('u-carl', 'aisle.csv', [['C-400', 'R4', '1']]));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('Net value');
    expect(JSON.stringify(out.last())).not.toContain('盲盘');
  });
});
