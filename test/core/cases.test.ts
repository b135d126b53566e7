/**
 * The case library in a chat: "写成案例 LINE | … " writes up an explained variance of the chat's stocktake,
 * "案例 破损" / "cases pallet" searches the warehouse's cases, a malformed write-up is answered with the form.
 */
import { expect, it } from 'vitest';
import type { TextEvent } from '../../src/core/events.ts';
import { localDay } from '../../src/domain/time.ts';
import { currentStocktake } from '../../src/services/chats.ts';
import { cliActor } from '../../src/services/people.ts';
import { tagCause } from '../../src/services/review.ts';
import { getWarehouse } from '../../src/services/warehouses.ts';
import { botCore, RecordingDeliverer, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';

describeEachDatabase('the case library in a chat', (get) => {
  let n = 0;
  const base = (userId: string) => ({ platform: 'web', eventId: `case-${++n}`, chatId: 'team', chatType: 'group' as const, userId });
  const text = (userId: string, body: string): TextEvent => ({ ...base(userId), type: 'text', text: body, addressed: true });

  it('writes up an explained variance from the chat and finds it again in Chinese and English', async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam', sue: 'u-sue' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(text('u-sam', 'bind WH1'));
    await dispatch(text('u-sam', 'new'));
    await dispatch({
      ...base('u-carl'),
      type: 'file',
      fileName: 'count.csv',
      download: async () =>
        sheet([
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '90'],
          ['A-200', 'R2', '20'],
          ['B-300', 'R3', '50.5'],
          ['C-400', 'R4', '3'],
        ]),
    });
    await dispatch(text('u-sam', 'close'));
    await sender.drainUntilIdle();
    const sam = { actor: await cliActor(db, 'sam') };
    const st = (await currentStocktake(db, (await getWarehouse(db, 'WH1')).id))!;
    await tagCause(db, sam, { stocktake: st.code, line: 'A-100', cause: 'damage' });

    const due = localDay(new Date(Date.now() + 7 * 24 * 3600_000), 'Asia/Shanghai');
    await dispatch(text('u-sam', '写成案例 A-100@R1 | 包装破损'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('SKU@LOCATION | title | what happened');
    await dispatch(text('u-carl', `写成案例 A-100@R1 | 包装破损导致漏数 | 叉车撞破纸箱 | 加装护栏 | @sue | ${due}`));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('carl may not write up A-100');
    await dispatch(text('u-sam', `写成案例 A-100@R1 ｜ 包装破损导致漏数 ｜ 叉车撞破纸箱 ｜ 加装护栏 ｜ @sue ｜ ${due}`));
    await sender.drainUntilIdle();
    expect(out.last().header.title).toBe('case C-1 written: 包装破损导致漏数');

    await dispatch(text('u-carl', '案例 破损'));
    await sender.drainUntilIdle();
    expect(out.last().header.title).toBe('Case library · WH1');
    expect(JSON.stringify(out.last())).toContain('**C-1** 包装破损导致漏数 · open');
    await dispatch(text('u-carl', 'cases forklift'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('no case matches \\"forklift\\"');
  });
});
