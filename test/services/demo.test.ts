import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { InvalidInputError, StocktakeStateError } from '../../src/domain/errors.ts';
import { bufferSource } from '../../src/files/source.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { saveCause } from '../../src/services/causes.ts';
import { bindChat, getChat, listChats } from '../../src/services/chats.ts';
import { importCounts } from '../../src/services/counts.ts';
import { demoRecountSheet, loadDemo } from '../../src/services/demo.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { addPerson, cliActor, listPeople, supervisorsOf } from '../../src/services/people.ts';
import { importItems } from '../../src/services/items.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { closeCounting, getStocktake } from '../../src/services/stocktakes.ts';
import { listVariances, stocktakeStatus } from '../../src/services/variances.ts';
import { findWarehouse, getWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';

/** sku@location → book, movements, expected, counted, diff, value, count status, as listVariances gives them. */
const COUNTING = [
  'CAN-MT@D-01-01 123 0 123 132 9 61.20 counted',
  'CUP-GC12@B-01-02 288 0 288 24 -264 -3168.00 counted',
  'CUP-GD@B-01-03 40 0 40 40 0 0.00 counted',
  'CUP-GL320@B-01-01 600 0 600 600 0 0.00 counted',
  'FLT-CL@D-01-02 80 0 80 80 0 0.00 counted',
  'GOJI-NX@E-01-02 20.4 0 20.4 20.65 0.25 14.50 counted',
  'POT-ZS@C-01-01 12 0 12 null null null conflict',
  'RICE-DB@E-01-01 512.5 0 512.5 498.75 -13.75 -85.25 counted',
  'SUG-HT@E-01-03 35.2 0 35.2 35.2 0 0.00 counted',
  'TEA-BH100@A-01-04 36 0 36 36 0 0.00 verified',
  'TEA-DHP250@A-01-03 60 0 60 58 -2 -760.00 counted',
  'TEA-LJ250@A-01-01 120 24 144 144 0 0.00 counted',
  'TEA-PE357@A-01-02 40 0 40 39 -1 -120.00 verified',
  'TRAY-ZB@C-02-01 30 0 30 25 -5 -225.00 counted',
  'TRAY-ZB@C-02-02 10 0 10 15 5 225.00 counted',
  'TWL-CJ@B-02-01 50 0 50 56 6 59.40 verified',
];

async function varianceTable(db: Db, code: string): Promise<string[]> {
  return (await listVariances(db, code)).map((v) =>
    [`${v.sku}@${v.location}`, v.bookQty, v.movementQty, v.expectedQty, v.countedQty, v.diffQty, v.diffValue, v.countStatus]
      .map(String)
      .join(' '),
  );
}

async function uploadRecount(db: Db, code: string) {
  const sheet = demoRecountSheet();
  return importCounts(db, code, bufferSource(sheet.fileName, sheet.bytes), { counter: 'carol', round: 2 });
}

/** Every public table's row count: what "changes nothing" is checked against. */
async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from "${name}"`));
    out[name] = Number(row!.n);
  }
  return out;
}

/** The cause each line without a suggestion gets in these tests (the suggested one where there is one). */
const FALLBACK_CAUSES: Record<string, { cause: string; note?: string }> = {
  'TEA-PE357@A-01-02': { cause: 'damage', note: '饼面破损 cake crushed' },
  'TEA-DHP250@A-01-03': { cause: 'unrecorded_issue', note: 'shipped to a shop, not booked' },
  'POT-ZS@C-01-01': { cause: 'damage', note: '壶盖碎裂 lid broken' },
  'TWL-CJ@B-02-01': { cause: 'unrecorded_receipt' },
  'GOJI-NX@E-01-02': { cause: 'data_entry_error' },
};

describeEachDatabase('demo data', (get) => {
  it('produces every kind of variance: gains, losses, a conflict, a unit-of-measure slip, a swapped location, a digit transposition and matches', async () => {
    const { db } = get();
    const summary = await loadDemo(db);
    expect(summary.warehouse).toEqual({ code: 'DEMO', name: '演示仓', timezone: 'Asia/Shanghai' });
    expect(summary.stocktake).toMatchObject({
      code: expect.stringMatching(/^ST-\d{8}-001$/),
      status: 'counting',
      conflicts: ['POT-ZS@C-01-01'],
    });
    expect(await varianceTable(db, summary.stocktake.code)).toEqual(COUNTING);
    const status = await stocktakeStatus(db, summary.stocktake.code);
    expect(status.lines).toEqual({ total: 16, counted: 12, verified: 3, conflict: 1, uncounted: 0, notInBook: 0 });
    expect(status.variances).toEqual({ gain: 4, loss: 5, match: 6, gainValue: '360.10', lossValue: '-4358.25', netValue: '-3998.15' });
    expect(summary.stocktake.lines).toEqual(status.lines);
    expect(summary.countSheets).toEqual([
      { fileName: 'demo-count-alice.csv', counter: 'alice', round: 1, linesCounted: 11, linesVerified: 0, linesInConflict: 0 },
      { fileName: 'demo-count-bob.csv', counter: 'bob', round: 1, linesCounted: 9, linesVerified: 3, linesInConflict: 1 },
    ]);
  });

  it('freezes the book before counting and applies the receipt made before a count but not the issue made after it', async () => {
    const { db } = get();
    const now = new Date(Date.now() - 3600_000);
    const summary = await loadDemo(db, { now });
    expect(summary.stocktake.snapshotAt).toBe(new Date(now.getTime() - 180 * 60_000).toISOString());
    const lines = await listVariances(db, summary.stocktake.code);
    expect(lines.find((l) => l.sku === 'TEA-LJ250')).toMatchObject({
      bookQty: '120',
      movementQty: '24',
      expectedQty: '144',
      countedQty: '144',
      direction: 'match',
    });
    expect(lines.find((l) => l.sku === 'CUP-GL320')).toMatchObject({
      bookQty: '600',
      movementQty: '0',
      expectedQty: '600',
      countedQty: '600',
      direction: 'match',
    });
    const [onHand] = await queryRows<{ qty: string }>(db, sql`select trim_scale(qty)::text as qty from on_hand where sku = 'CUP-GL320'`);
    expect(onHand!.qty).toBe('564');
  });

  it('gives the cast their console identities and roles, sam first among the supervisors, and binds the console chats in the chosen language', async () => {
    const { db } = get();
    const summary = await loadDemo(db, { locale: 'en' });
    const people = await listPeople(db);
    const roles = Object.fromEntries(people.map((p) => [p.handle, [...p.roles].sort()]));
    expect(roles).toEqual({
      ada: ['DEMO:supervisor'],
      alice: ['DEMO:counter'],
      ann: ['DEMO:admin', 'DEMO:supervisor'],
      bob: ['DEMO:counter'],
      carol: ['DEMO:counter'],
      fiona: ['DEMO:finance'],
      max: ['DEMO:manager'],
      sam: ['DEMO:supervisor'],
    });
    for (const p of people) expect(p.identities).toEqual([`cli:${p.handle}`, `web:${p.handle}`]);
    expect(people.find((p) => p.handle === 'alice')!.name).toBe('李爱丽 Alice');
    const wh = await getWarehouse(db, 'DEMO');
    const [first] = await supervisorsOf(db, wh.id);
    expect(first).toBe((await cliActor(db, 'sam')).personId);
    expect((await listChats(db)).map((c) => `${c.platform}:${c.chatId} ${c.warehouse} ${c.purposes.join('+')} ${c.locale}`)).toEqual([
      'web:demo-approvals DEMO approvals en',
      'web:demo-digest DEMO digest en',
      'web:demo-team DEMO team en',
    ]);
    expect(summary.chats.map((c) => c.chatId)).toEqual(['demo-team', 'demo-approvals', 'demo-digest']);
    expect(summary.nextSteps.join('\n')).toContain('npm start');
  });

  it('speaks zh-CN by default, also in a console chat that already existed unbound', async () => {
    const { db } = get();
    await db.execute(sql`insert into chat (platform, chat_id, locale) values ('web', 'demo-team', 'en')`);
    const summary = await loadDemo(db);
    expect(summary.locale).toBe('zh-CN');
    expect((await getChat(db, 'web', 'demo-team')).locale).toBe('zh-CN');
    expect(summary.nextSteps[1]).toContain('以 sam');
  });

  it("keeps counting open until the recount: closing is refused on the conflict, carol's sheet resolves it and counting closes", async () => {
    const { db } = get();
    const { stocktake } = await loadDemo(db);
    const sam = { actor: await cliActor(db, 'sam') };
    await expect(closeCounting(db, stocktake.code, { actor: sam.actor })).rejects.toThrow(StocktakeStateError);
    await expect(closeCounting(db, stocktake.code, { actor: sam.actor })).rejects.toThrow(/POT-ZS@C-01-01/);
    const sheet = demoRecountSheet();
    expect(sheet.fileName).toBe('demo-recount-carol-round2.csv');
    const recount = await uploadRecount(db, stocktake.code);
    expect(recount).toMatchObject({
      counter: 'carol',
      round: 2,
      linesCounted: 1,
      linesInConflict: 0,
      progress: { lines: { conflict: 0 } },
    });
    expect((await listVariances(db, stocktake.code)).find((l) => l.sku === 'POT-ZS')).toMatchObject({
      countedQty: '11',
      diffQty: '-1',
      diffValue: '-260.00',
      countStatus: 'counted',
    });
    const closed = await closeCounting(db, stocktake.code, { actor: sam.actor });
    expect(closed).toMatchObject({ status: 'reviewing', uncountedAsZero: 0, openVariances: 10, autoConfirmed: 0, owner: 'sam' });
  });

  it('opens review with explainable suggestions: unit of measure, misplaced on both locations, digit transposition, a similar case of the history', async () => {
    const { db } = get();
    const { stocktake } = await loadDemo(db);
    await uploadRecount(db, stocktake.code);
    await closeCounting(db, stocktake.code, { actor: await cliActor(db, 'sam') });
    const review = await listReview(db, stocktake.code);
    expect(review.map((l) => `${l.sku}@${l.location} ${l.diffValue} ${l.suggestion?.rule ?? '-'} ${l.suggestion?.cause ?? '-'}`)).toEqual([
      'CAN-MT@D-01-01 61.20 digit_transposition counting_error',
      'CUP-GC12@B-01-02 -3168.00 unit_of_measure unit_error',
      'GOJI-NX@E-01-02 14.50 - -',
      'POT-ZS@C-01-01 -260.00 - -',
      'RICE-DB@E-01-01 -85.25 similar_case unrecorded_issue',
      'TEA-DHP250@A-01-03 -760.00 - -',
      'TEA-PE357@A-01-02 -120.00 - -',
      'TRAY-ZB@C-02-01 -225.00 misplaced misplaced',
      'TRAY-ZB@C-02-02 225.00 misplaced misplaced',
      'TWL-CJ@B-02-01 59.40 - -',
    ]);
    expect(review.find((l) => l.sku === 'CUP-GC12')!.suggestion!.reason.en).toContain('counted 24 is expected 288 ÷ 12');
    // The case sam wrote up from the last posted stocktake's rice loss (src/services/demo/historyData.ts).
    expect(review.find((l) => l.sku === 'RICE-DB')!.suggestion).toMatchObject({ caseCode: 'C-1' });
    const sam = (await cliActor(db, 'sam')).personId;
    expect(new Set(review.map((l) => l.ownerId))).toEqual(new Set([sam]));
  });

  it('submits a loss document above 1,000 with two approval steps and a gain document below with one, and posts them', async () => {
    const { db } = get();
    // A fixed day: the history's documents (numbered by the year) come before these.
    const now = new Date('2026-11-20T04:00:00Z');
    const { stocktake } = await loadDemo(db, { now });
    await uploadRecount(db, stocktake.code);
    const later = new Date(now.getTime() + 3600_000);
    const sam = { actor: await cliActor(db, 'sam'), now: later };
    await closeCounting(db, stocktake.code, sam);
    for (const line of await listReview(db, stocktake.code)) {
      const ref = `${line.sku}@${line.location}`;
      const cause = line.suggestion ? { cause: line.suggestion.cause } : FALLBACK_CAUSES[ref]!;
      await confirmVariance(db, sam, { stocktake: stocktake.code, line: ref });
      await tagCause(db, sam, { stocktake: stocktake.code, line: ref, ...cause });
    }
    const submitted = await submitVariances(db, sam, { stocktake: stocktake.code });
    expect(submitted.notReady).toBe(0);
    const docs = Object.fromEntries(submitted.documents.map((d) => [d.kind, d]));
    expect(docs.gain).toMatchObject({
      // The history posted PY-2026-0001 and PK-2026-0001 to 0004 (one of them rejected).
      number: 'PY-2026-0002',
      lineCount: 4,
      totalQty: '20.25',
      totalValue: '360.10',
      currency: 'CNY',
    });
    expect(docs.loss).toMatchObject({
      number: 'PK-2026-0005',
      lineCount: 6,
      totalQty: '-286.75',
      totalValue: '-4618.25',
      currency: 'CNY',
    });
    expect(docs.gain!.route.map((s) => s.role)).toEqual(['supervisor']);
    expect(docs.loss!.route.map((s) => s.role)).toEqual(['supervisor', 'finance']);
    const ada = { actor: await cliActor(db, 'ada'), now: later };
    const fiona = { actor: await cliActor(db, 'fiona'), now: later };
    await expect(approveDocument(db, sam, { document: docs.loss!.number })).rejects.toThrow(/sam explained/);
    expect(await approveDocument(db, ada, { document: docs.gain!.number })).toMatchObject({ status: 'posted' });
    expect(await approveDocument(db, ada, { document: docs.loss!.number })).toMatchObject({ status: 'approving' });
    expect(await approveDocument(db, fiona, { document: docs.loss!.number })).toMatchObject({ status: 'posted' });
    expect((await getStocktake(db, stocktake.code)).status).toBe('posted');
  });

  it('refuses a second run with a clear message and changes nothing', async () => {
    const { db } = get();
    await loadDemo(db);
    const before = await rowCounts(db);
    const second = loadDemo(db);
    await expect(second).rejects.toThrow(InvalidInputError);
    await expect(loadDemo(db)).rejects.toThrow(
      /demo data is already loaded \(warehouse DEMO exists\).*delete the data directory to start over/,
    );
    expect(await rowCounts(db)).toEqual(before);
  });

  it('refuses before writing anything when a console identity, a demo SKU or a demo chat is taken', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const people = await seedPeople(db);
    await addPerson(db, { handle: 'zed', identities: ['web:alice'] });
    await importItems(
      db,
      csv('items.csv', [
        ['sku', 'name', 'unit', 'unit_cost'],
        ['CUP-GD', 'Pitcher', 'pcs', '30'],
      ]),
    );
    await bindChat(db, people.sam, { platform: 'web', chatId: 'demo-digest', warehouse: 'WH1', purpose: 'digest', locale: 'en' });
    const before = await rowCounts(db);
    const refused = await loadDemo(db).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).problems.map((p) => p.message)).toEqual([
      'item CUP-GD already exists as "Pitcher" (pcs, 30.0000); the demo would change it',
      'identity web:alice belongs to zed, not alice',
      'chat web:demo-digest is bound to warehouse WH1',
    ]);
    expect((refused as Error).message).toMatch(/nothing was changed$/);
    expect(await rowCounts(db)).toEqual(before);
    expect(await findWarehouse(db, 'DEMO')).toBeNull();
  });

  it('refuses before writing anything when a cause the history tags is inactive or explains only the other way', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const people = await seedPeople(db);
    await saveCause(db, people.ann, {
      code: 'unrecorded_issue',
      labelZh: '发货漏记',
      labelEn: 'Unrecorded issue',
      appliesTo: 'loss',
      active: false,
    });
    await saveCause(db, people.ann, { code: 'damage', labelZh: '报损', labelEn: 'Damage / scrap', appliesTo: 'gain' });
    const before = await rowCounts(db);
    const refused = await loadDemo(db).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).problems.map((p) => p.message)).toEqual([
      "cause damage no longer explains a loss; the demo's history tags a loss with it",
      "cause unrecorded_issue is missing from the cause catalogue or inactive; the demo's history tags variances with it",
    ]);
    expect(await rowCounts(db)).toEqual(before);
  });

  it('refuses a "now" in the future, whose counts would be refused', async () => {
    const { db } = get();
    await expect(loadDemo(db, { now: new Date(Date.now() + 3600_000) })).rejects.toThrow(/in the future/);
    expect(await findWarehouse(db, 'DEMO')).toBeNull();
  });

  it('adds console identities and DEMO roles to people who already exist, keeping their names and other roles', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    await loadDemo(db);
    const people = Object.fromEntries((await listPeople(db)).map((p) => [p.handle, p]));
    expect(people.sam).toMatchObject({ name: 'sam', identities: ['cli:sam', 'web:sam'], roles: ['DEMO:supervisor', 'WH1:supervisor'] });
    expect([...people.ann!.roles].sort()).toEqual(['DEMO:admin', 'DEMO:supervisor', 'WH1:admin', 'WH1:finance', 'WH1:supervisor']);
    expect(people.alice!.name).toBe('李爱丽 Alice');
  });
});
