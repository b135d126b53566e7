/**
 * The case library (事故案例库): an explained variance written up as a case by its owner or a supervisor,
 * found again by Chinese and English search, offered when a new variance looks like it, and its corrective
 * action reminded once when overdue.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { localDay } from '../../src/domain/time.ts';
import { closeCase, createCase, getCase, listCases, type NewCase } from '../../src/services/cases.ts';
import { bindChat } from '../../src/services/chats.ts';
import { importCounts } from '../../src/services/counts.ts';
import { addPerson, cliActor, setNotify } from '../../src/services/people.ts';
import { sendReminders } from '../../src/services/reminders.ts';
import { listReview } from '../../src/services/review.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { cancelStocktake } from '../../src/services/undo.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv } from '../support/fixtures.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';

const DAY = 24 * 3600_000;
const inAWeek = () => localDay(new Date(Date.now() + 7 * DAY), 'Asia/Shanghai');

/** WH1 counted and closed (A-100@R1 −10, A-200@R2 +1, C-400@R4 −2, all owned by sam), every line explained. */
async function explained(db: Db) {
  const { st, people } = await countedStocktake(db);
  await closeCounting(db, st.code);
  await explainAll(db, st.code, people.sam);
  return { st, people };
}

const damageCase = (stocktake: string, extra: Partial<NewCase> = {}): NewCase => ({
  stocktake,
  lines: ['A-100'],
  title: '包装破损导致漏数',
  whatHappened: '叉车撞破纸箱，10 件散落在 R1 地面，被当作垃圾清走',
  action: 'R1 货架加装防撞护栏，破损纸箱当班清点',
  actionOwner: 'sue',
  actionDue: inAWeek(),
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; key: string | undefined }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return { code: (error as DomainError).code, key: (error as DomainError).phrase?.key };
}

describeEachDatabase('the case library', (get) => {
  it('writes up an explained variance as a case linked to its line, with its action and history', async () => {
    const { db } = get();
    const { st, people } = await explained(db);
    const created = await createCase(db, people.sam, damageCase(st.code));
    expect(created).toMatchObject({
      code: 'C-1',
      warehouse: 'WH1',
      stocktake: st.code,
      causeCode: 'damage',
      direction: 'loss',
      actionOwner: 'sue',
      actionDue: inAWeek(),
      status: 'open',
      createdBy: 'sam',
      lines: [{ line: 'A-100@R1', sku: 'A-100', location: 'R1', diffQty: '-10', diffValue: '-25.00' }],
    });
    const shown = await getCase(db, 'c-1');
    expect(shown.history.map((h) => h.action)).toEqual(['case.created']);

    // The action's owner closes it; a second close is told it is done.
    const done = await closeCase(db, people.sue, { case: 'C-1', note: '护栏已装好' });
    expect(done).toMatchObject({ status: 'done', doneBy: 'sue', doneNote: '护栏已装好' });
    expect(await refusal(closeCase(db, people.sam, { case: 'C-1' }))).toEqual({ code: 'STALE', key: 'cases.alreadyDone' });
    expect((await getCase(db, 'C-1')).history.map((h) => h.action)).toEqual(['case.created', 'case.done']);
  });

  it('refuses to write up an unexplained variance, and refuses a stranger and a counter who does not own the line', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    expect(await refusal(createCase(db, people.sam, damageCase(st.code)))).toEqual({ code: 'INVALID_INPUT', key: 'cases.notExplained' });

    await explainAll(db, st.code, people.sam);
    await addPerson(db, { handle: 'zed', name: 'Zed' });
    const zed = { actor: await cliActor(db, 'zed') };
    expect((await refusal(createCase(db, zed, damageCase(st.code)))).code).toBe('NOT_ALLOWED');
    expect(await refusal(createCase(db, people.carl, damageCase(st.code)))).toEqual({ code: 'NOT_ALLOWED', key: 'cases.mayNotWrite' });
    // A gain and a loss are not one case; the match B-300 has nothing to write up.
    expect(await refusal(createCase(db, people.sam, damageCase(st.code, { lines: ['A-100', 'A-200'] })))).toEqual({
      code: 'INVALID_INPUT',
      key: 'cases.mixedDirections',
    });
    expect(await refusal(createCase(db, people.sam, damageCase(st.code, { lines: ['B-300'] })))).toEqual({
      code: 'INVALID_INPUT',
      key: 'cases.noVariance',
    });
    expect(await queryRows(db, sql`select 1 from incident_case`)).toHaveLength(0);
  });

  it('finds cases by Chinese and English words, best match first, and not unrelated ones', async () => {
    const { db } = get();
    const { st, people } = await explained(db);
    await createCase(db, people.sam, damageCase(st.code));
    await createCase(db, people.sam, {
      ...damageCase(st.code),
      lines: ['C-400'],
      title: 'Pallet crushed by a forklift',
      whatHappened: 'Two pallets were driven into at the loading dock and thrown away without a scrap note',
      cause: 'theft',
      action: 'Scrap notes for every broken pallet',
    });
    await createCase(db, people.sam, {
      ...damageCase(st.code),
      lines: ['A-200'],
      title: '扫码枪漏扫入库',
      whatHappened: '夜班收货时扫码枪没电，一箱螺丝未登记',
      action: '收货前检查扫码枪电量',
    });
    const codes = async (query: string) => (await listCases(db, { query })).map((c) => c.code);
    expect(await codes('破损')).toEqual(['C-1']);
    expect(await codes('包装破损严重')).toEqual(['C-1']);
    expect(await codes('PALLET')).toEqual(['C-2']);
    expect(await codes('forklift crushed')).toEqual(['C-2']);
    expect(await codes('扫码枪')).toEqual(['C-3']);
    expect(await codes('收货漏记')).toEqual(['C-3']);
    expect(await codes('冷库 温度')).toEqual([]);
    // 螺丝 is in C-3's story only; 叉车 (forklift) in C-1's; a term in the title ranks first.
    expect(await codes('叉车')).toEqual(['C-1']);
    expect(await codes('R1')).toEqual(['C-1']);
    expect(await codes('A-100')).toEqual(['C-1']);
    expect(await refusal(listCases(db, { query: ' ，。' }))).toEqual({ code: 'INVALID_INPUT', key: 'cases.emptyQuery' });
  });

  it('offers the case, with its reason, when a new variance of a later stocktake matches its pattern', async () => {
    const { db } = get();
    const { st, people } = await explained(db);
    await createCase(db, people.sam, damageCase(st.code));
    await cancelStocktake(db, people.sam, { stocktake: st.code, reason: 'counted the wrong aisle' });

    const next = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
    await importCounts(
      db,
      next.code,
      csv('count.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '88'],
        ['A-200', 'R2', '19'],
        ['B-300', 'R3', '50.5'],
        ['C-400', 'R4', '3'],
      ]),
      { counter: 'carl' },
    );
    await closeCounting(db, next.code);
    const lines = await listReview(db, next.code);
    const a100 = lines.find((l) => l.sku === 'A-100')!;
    expect(a100.suggestion).toEqual({
      rule: 'similar_case',
      cause: 'damage',
      caseCode: 'C-1',
      reason: {
        en: 'similar case C-1: same SKU A-100, same location R1, also a loss, similar size (-10); cause then Damage / scrap: 包装破损导致漏数',
        zh: '类似案例 C-1：同一 SKU A-100、同一库位 R1、同为盘亏、数量相近（-10），当时原因 报损：包装破损导致漏数',
      },
    });
    // A-200@R2 is a loss too, but no case shares its SKU or location.
    expect(lines.find((l) => l.sku === 'A-200')!.suggestion?.rule).not.toBe('similar_case');
  });

  it('reminds the owner of an overdue corrective action once, by direct message after their quiet hours', async () => {
    const { db } = get();
    const { st, people } = await explained(db);
    await addPerson(db, { handle: 'sue', identities: ['telegram:1002'] });
    await setNotify(db, 'sue', { notify: 'telegram', quietHours: '22:00-08:00' });
    await bindChat(db, people.sam, { platform: 'telegram', chatId: '-100team', warehouse: 'WH1', purpose: 'team', locale: 'zh-CN' });
    const today = localDay(new Date(), 'Asia/Shanghai');
    const created = await createCase(db, people.sam, damageCase(st.code, { actionDue: today }));

    // Not yet due: nothing. An hour past the end of the due day (01:00 in Shanghai): one reminder, to sue
    // directly, held until 08:00 there; the hour after, nothing new.
    expect((await sendReminders(db, new Date(Date.parse(created.actionDueAt) - 3600_000))).reminded).toBe(0);
    const late = new Date(Date.parse(created.actionDueAt) + 3600_000);
    expect(await sendReminders(db, late)).toEqual({ reminded: 1, escalated: 0, cards: 1 });
    expect(await sendReminders(db, new Date(late.getTime() + 3600_000))).toEqual({ reminded: 0, escalated: 0, cards: 0 });
    const sends = await queryRows<{ chat_id: string; next_attempt_at: string; payload: { view: { card: unknown } } }>(
      db,
      sql`select chat_id, to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as next_attempt_at, payload
          from outbox where kind = 'send' and payload::text like '%C-1%' order by id`,
    );
    expect(sends.map((s) => s.chat_id)).toEqual(['dm:1002']);
    expect(sends[0]!.next_attempt_at).toBe(new Date(late.getTime() + 7 * 3600_000).toISOString().slice(0, 16) + 'Z');
    expect(JSON.stringify(sends[0]!.payload.view.card)).toContain('案例 C-1 的整改措施 · 包装破损导致漏数');

    // Once done, it is not overdue any more.
    await closeCase(db, people.sue, { case: 'C-1' });
    expect((await sendReminders(db, new Date(late.getTime() + 2 * DAY))).reminded).toBe(0);
  });
});
