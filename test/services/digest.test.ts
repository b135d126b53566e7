/**
 * The daily digest over a prepared stocktake, on a fake clock: every service that takes `now` gets it
 * (closeCounting's option, the review and approval commands' ctx.now, startStocktake's argument); count
 * imports take none, so the system clock is faked (Date only) around them — their audit entries and the
 * sheets' counted_at then sit at the chosen moments.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { Db } from '../../db/client.ts';
import type { CommandContext } from '../../src/domain/people.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { importCounts } from '../../src/services/counts.ts';
import { dailyDigest } from '../../src/services/digest/index.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { confirmVariance, tagCause } from '../../src/services/review.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { listVariances, stocktakeStatus } from '../../src/services/variances.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, moveStock, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';

const at = (iso: string) => new Date(iso);
const as = (ctx: CommandContext, iso: string): CommandContext => ({ ...ctx, now: at(iso) });

afterEach(() => {
  vi.useRealTimers();
});

async function countAt(db: Db, code: string, iso: string, rows: (string | number)[][], name: string) {
  vi.setSystemTime(at(iso));
  await importCounts(db, code, csv(name, [['sku', 'location', 'qty', 'counted_at'], ...rows]), { counter: 'carl' });
}

/**
 * WH1 (Asia/Shanghai, UTC+8). Started 2026-11-24 00:50Z; carl counts, B-300 at 01:30Z and
 * C-400 at 23:30Z — 07:30 on the 25th in Shanghai. Closed 2026-11-25 02:00Z by sam (owner of every
 * variance, due 24 h later); sam explains A-100 (damage) and A-200 (unrecorded receipt) and submits at
 * 04:00Z; sue approves the gain document at 06:00Z (posted); the loss document waits for a supervisor.
 * C-400 stays open.
 */
async function prepare(db: Db) {
  // People first, on the real clock: the first supervisor granted (sam) owns the variances.
  await seedWarehouse(db);
  const people = await seedPeople(db);
  vi.useFakeTimers({ toFake: ['Date'] });
  const st = await startStocktake(db, 'WH1', at('2026-11-24T00:50:00Z'));
  await countAt(
    db,
    st.code,
    '2026-11-24T02:00:00Z',
    [
      ['A-100', 'R1', '90', '2026-11-24T01:30:00Z'],
      ['A-200', 'R2', '21', '2026-11-24T01:30:00Z'],
      ['B-300', 'R3', '50.5', '2026-11-24T01:30:00Z'],
    ],
    'morning.csv',
  );
  await countAt(db, st.code, '2026-11-24T23:40:00Z', [['C-400', 'R4', '1', '2026-11-24T23:30:00Z']], 'late.csv');
  return { st, people };
}

async function review(db: Db, code: string, people: Awaited<ReturnType<typeof seedPeople>>) {
  vi.setSystemTime(at('2026-11-25T02:00:00Z'));
  await closeCounting(db, code, { actor: people.sam.actor, now: at('2026-11-25T02:00:00Z') });
  await confirmVariance(db, as(people.sam, '2026-11-25T03:00:00Z'), { stocktake: code, line: 'A-100@R1' });
  await tagCause(db, as(people.sam, '2026-11-25T03:01:00Z'), { stocktake: code, line: 'A-100@R1', cause: 'damage' });
  await confirmVariance(db, as(people.sam, '2026-11-25T03:10:00Z'), { stocktake: code, line: 'A-200@R2' });
  await tagCause(db, as(people.sam, '2026-11-25T03:11:00Z'), { stocktake: code, line: 'A-200@R2', cause: 'unrecorded_receipt' });
  const { documents } = await submitVariances(db, as(people.sam, '2026-11-25T04:00:00Z'), { stocktake: code });
  const gain = documents.find((d) => d.kind === 'gain')!;
  await approveDocument(db, as(people.sue, '2026-11-25T06:00:00Z'), { document: gain.number });
  return { gain, loss: documents.find((d) => d.kind === 'loss')! };
}

describeEachDatabase('daily digest', (get) => {
  it('while counting: progress, live variances without owners, and the sheets of the last 24 hours', async () => {
    const { db } = get();
    const { st } = await prepare(db);
    const digest = await dailyDigest(db, { warehouse: 'WH1', now: at('2026-11-25T01:00:00Z') });
    expect(digest).toMatchObject({
      kind: 'daily',
      warehouse: { code: 'WH1', name: 'Main', timezone: 'Asia/Shanghai', currency: 'CNY' },
      generatedAt: '2026-11-25T01:00:00.000Z',
      localTime: '2026-11-25 09:00',
      day: '2026-11-25',
      window: { from: '2026-11-24T01:00:00.000Z', to: '2026-11-25T01:00:00.000Z' },
    });
    expect(digest.stocktakes).toHaveLength(1);
    const s = digest.stocktakes[0]!;
    expect(s).toMatchObject({
      code: st.code,
      status: 'counting',
      countingClosedAt: null,
      postedAt: null,
      lines: { total: 4, counted: 4, verified: 0, conflict: 0, uncounted: 0, notInBook: 0 },
      variances: { gain: 1, loss: 2, match: 1, gainValue: '12.00', lossValue: '-325.00', netValue: '-313.00' },
      openVariances: 3,
      overdue: { variances: [], variancesTotal: 0, steps: [] },
      approvalQueue: [],
      documents: [],
      causes: [],
    });
    expect(s.largestOpen.map((v) => [v.sku, v.diffQty, v.diffValue, v.reviewStatus, v.owner, v.overdue])).toEqual([
      ['C-400', '-2', '-300.00', 'none', null, false],
      ['A-100', '-10', '-25.00', 'none', null, false],
      ['A-200', '1', '12.00', 'none', null, false],
    ]);
    expect(s.largestOpen[0]!.itemName).toBe('Pallet');
    // The start (00:50Z) is before the window; both sheets are in it.
    expect(s.changes).toMatchObject({ imports: 2, linesCounted: 4, started: null, countingClosed: null, confirmed: 0, submitted: [] });
    // At the end of each Shanghai day (the 25th: as of now): C-400's count at 23:30Z is on the 25th there.
    expect(s.progress).toEqual([
      { day: '2026-11-24', counted: 3, verified: 0, conflict: 0, uncounted: 1, open: 0, confirmed: 0, documented: 0, posted: 0 },
      { day: '2026-11-25', counted: 4, verified: 0, conflict: 0, uncounted: 0, open: 0, confirmed: 0, documented: 0, posted: 0 },
    ]);
  });

  it('in review: states, the largest open variance with its owner, overdue items, the approval queue and what changed', async () => {
    const { db } = get();
    const { st, people } = await prepare(db);
    const { gain, loss } = await review(db, st.code, people);
    const now = at('2026-11-26T05:00:00Z');
    const digest = await dailyDigest(db, { warehouse: 'WH1', now, since: at('2026-11-25T01:00:00Z') });
    const s = digest.stocktakes[0]!;
    expect(s).toMatchObject({
      status: 'reviewing',
      countingClosedAt: '2026-11-25T02:00:00.000Z',
      variances: { gain: 1, loss: 2, match: 1, netValue: '-313.00' },
      review: {
        open: { lines: 1, value: '-300.00' },
        recount: { lines: 0, value: '0.00' },
        confirmed: { lines: 0, value: '0.00' },
        documented: { lines: 1, value: '-25.00' },
        posted: { lines: 1, value: '12.00' },
      },
      openVariances: 1,
    });
    expect(s.largestOpen).toEqual([
      {
        sku: 'C-400',
        location: 'R4',
        itemName: 'Pallet',
        diffQty: '-2',
        diffValue: '-300.00',
        reviewStatus: 'open',
        owner: { handle: 'sam', name: 'sam' },
        dueAt: '2026-11-26T02:00:00.000Z',
        overdue: true,
        causeCode: null,
        suggestedCause: null,
      },
    ]);
    expect(s.overdue).toEqual({
      variances: [
        {
          sku: 'C-400',
          location: 'R4',
          diffValue: '-300.00',
          reviewStatus: 'open',
          owner: { handle: 'sam', name: 'sam' },
          recountBy: null,
          dueAt: '2026-11-26T02:00:00.000Z',
          lateSeconds: 3 * 3600,
        },
      ],
      variancesTotal: 1,
      steps: [
        {
          documentId: loss.id,
          number: loss.number,
          kind: 'loss',
          totalValue: '-25.00',
          stepNo: 1,
          role: 'supervisor',
          holders: ['ann', 'sam', 'sue'].map((h) => ({ handle: h, name: h })),
          dueAt: '2026-11-26T04:00:00.000Z',
          lateSeconds: 3600,
        },
      ],
    });
    expect(s.approvalQueue).toEqual([
      {
        role: 'supervisor',
        holders: ['ann', 'sam', 'sue'].map((h) => ({ handle: h, name: h })),
        documents: [
          {
            documentId: loss.id,
            number: loss.number,
            kind: 'loss',
            totalValue: '-25.00',
            lineCount: 1,
            stepNo: 1,
            stepCount: 1,
            waitingSince: '2026-11-25T04:00:00.000Z',
            waitingSeconds: 25 * 3600,
            dueAt: '2026-11-26T04:00:00.000Z',
            overdue: true,
          },
        ],
      },
    ]);
    expect(s.documents.map((d) => [d.number, d.status, d.totalValue, d.decidedAt])).toEqual([
      [gain.number, 'posted', '12.00', '2026-11-25T06:00:00.000Z'],
      [loss.number, 'approving', '-25.00', null],
    ]);
    expect(s.causes).toEqual([
      { code: 'damage', labelEn: 'Damage / scrap', labelZh: '报损', lines: 1, gainValue: '0.00', lossValue: '-25.00' },
      { code: 'unrecorded_receipt', labelEn: 'Unrecorded receipt', labelZh: '收货漏记', lines: 1, gainValue: '12.00', lossValue: '0.00' },
    ]);
    const sue = { handle: 'sue', name: 'sue' };
    const sam = { handle: 'sam', name: 'sam' };
    expect(s.changes).toEqual({
      from: '2026-11-25T01:00:00.000Z',
      to: '2026-11-26T05:00:00.000Z',
      imports: 0,
      linesCounted: 0,
      confirmed: 2,
      tagged: 2,
      notes: 0,
      recountsRequested: 0,
      recounted: 0,
      reassigned: 0,
      returned: 0,
      started: null,
      countingClosed: '2026-11-25T02:00:00.000Z',
      submitted: [
        {
          number: gain.number,
          kind: 'gain',
          totalValue: '12.00',
          at: '2026-11-25T04:00:00.000Z',
          by: sam,
          stepNo: null,
          role: null,
          reason: null,
        },
        {
          number: loss.number,
          kind: 'loss',
          totalValue: '-25.00',
          at: '2026-11-25T04:00:00.000Z',
          by: sam,
          stepNo: null,
          role: null,
          reason: null,
        },
      ],
      approved: [
        {
          number: gain.number,
          kind: 'gain',
          totalValue: '12.00',
          at: '2026-11-25T06:00:00.000Z',
          by: sue,
          stepNo: 1,
          role: 'supervisor',
          reason: null,
        },
      ],
      rejected: [],
      posted: [
        {
          number: gain.number,
          kind: 'gain',
          totalValue: '12.00',
          at: '2026-11-25T06:00:00.000Z',
          by: sue,
          stepNo: null,
          role: null,
          reason: null,
        },
      ],
    });
    // The 24 hours before 05:00Z on the 26th hold only the approval at 06:00Z on the 25th.
    const plain = (await dailyDigest(db, { warehouse: st.warehouse, now })).stocktakes[0]!.changes;
    expect([plain.confirmed, plain.countingClosed, plain.submitted.length, plain.approved.length, plain.posted.length]).toEqual([
      0,
      null,
      0,
      1,
      1,
    ]);
    const reviewed = { open: 1, confirmed: 0, documented: 1, posted: 1 };
    expect(s.progress).toEqual([
      { day: '2026-11-24', counted: 3, verified: 0, conflict: 0, uncounted: 1, open: 0, confirmed: 0, documented: 0, posted: 0 },
      { day: '2026-11-25', counted: 4, verified: 0, conflict: 0, uncounted: 0, ...reviewed },
      { day: '2026-11-26', counted: 4, verified: 0, conflict: 0, uncounted: 0, ...reviewed },
    ]);
  });

  it('counts an action at 23:30 UTC on the next day in Asia/Shanghai and on the same day in UTC', async () => {
    const { db } = get();
    await prepare(db);
    const now = at('2026-11-25T23:30:00Z');
    const shanghai = await dailyDigest(db, { warehouse: 'WH1', now });
    expect([shanghai.day, shanghai.localTime]).toEqual(['2026-11-26', '2026-11-26 07:30']);
    expect(shanghai.stocktakes[0]!.progress.map((p) => [p.day, p.counted])).toEqual([
      ['2026-11-24', 3],
      ['2026-11-25', 4],
      ['2026-11-26', 4],
    ]);
    await addWarehouse(db, { code: 'WH1', timezone: 'UTC' });
    const utc = await dailyDigest(db, { warehouse: 'WH1', now });
    expect([utc.day, utc.localTime]).toEqual(['2026-11-25', '2026-11-25 23:30']);
    expect(utc.stocktakes[0]!.progress.map((p) => [p.day, p.counted])).toEqual([
      ['2026-11-24', 4],
      ['2026-11-25', 4],
    ]);
  });

  it('shows a stocktake posted within the window, and no longer the day after', async () => {
    const { db } = get();
    const { st, people } = await prepare(db);
    const { loss } = await review(db, st.code, people);
    await confirmVariance(db, as(people.sam, '2026-11-26T01:00:00Z'), { stocktake: st.code, line: 'C-400@R4' });
    await tagCause(db, as(people.sam, '2026-11-26T01:01:00Z'), { stocktake: st.code, line: 'C-400@R4', cause: 'theft' });
    const second = await submitVariances(db, as(people.sam, '2026-11-26T02:00:00Z'), { stocktake: st.code });
    await approveDocument(db, as(people.sue, '2026-11-26T03:00:00Z'), { document: loss.number });
    await approveDocument(db, as(people.ann, '2026-11-26T08:00:00Z'), { document: second.documents[0]!.number });
    const digest = await dailyDigest(db, { warehouse: 'WH1', now: at('2026-11-27T01:00:00Z') });
    expect(digest.stocktakes.map((s) => [s.code, s.status, s.postedAt, s.openVariances])).toEqual([
      [st.code, 'posted', '2026-11-26T08:00:00.000Z', 0],
    ]);
    expect(digest.stocktakes[0]!.review.posted).toEqual({ lines: 3, value: '-313.00' });
    expect(digest.stocktakes[0]!.changes.posted.map((e) => [e.number, e.by?.handle])).toEqual([
      [loss.number, 'sue'],
      [second.documents[0]!.number, 'ann'],
    ]);
    expect((await dailyDigest(db, { warehouse: 'WH1', now: at('2026-11-27T09:00:00Z') })).stocktakes).toEqual([]);
  });

  it("applies the cut-off as the variance list does: movements up to each line's count time, the rest not", async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    vi.useFakeTimers({ toFake: ['Date'] });
    const st = await startStocktake(db, 'WH1', at('2026-11-24T00:50:00Z'));
    vi.setSystemTime(at('2026-11-24T12:00:00Z'));
    // a receipt before its count (applied) and an issue after it (not); C-400: an issue before its count.
    await moveStock(db, [
      ['A-100', 'R1', '5', 'receipt', 'PO-1', '2026-11-24T01:00:00Z'],
      ['A-100', 'R1', '-2', 'issue', 'SO-1', '2026-11-24T03:00:00Z'],
      ['C-400', 'R4', '-1', 'issue', 'SO-2', '2026-11-24T01:10:00Z'],
    ]);
    await countAt(
      db,
      st.code,
      '2026-11-24T12:10:00Z',
      [
        ['A-100', 'R1', '90', '2026-11-24T01:30:00Z'],
        ['A-200', 'R2', '21', '2026-11-24T01:30:00Z'],
        ['C-400', 'R4', '1', '2026-11-24T01:30:00Z'],
      ],
      'cut.csv',
    );
    const digest = (await dailyDigest(db, { warehouse: 'WH1', now: at('2026-11-24T13:00:00Z') })).stocktakes[0]!;
    const status = await stocktakeStatus(db, st.code);
    expect(digest.variances).toEqual(status.variances);
    expect(digest.variances).toMatchObject({ gain: 1, loss: 2, gainValue: '12.00', lossValue: '-187.50' });
    const listed = await listVariances(db, st.code);
    expect(digest.largestOpen.map((v) => [v.sku, v.diffQty, v.diffValue])).toEqual(
      listed
        .filter((l) => l.diffQty !== null && l.direction !== 'match')
        .sort((a, b) => Math.abs(Number(b.diffValue)) - Math.abs(Number(a.diffValue)))
        .map((l) => [l.sku, l.diffQty, l.diffValue]),
    );
    expect(digest.lines).toMatchObject({ total: 4, counted: 3, uncounted: 1 });
  });

  it('names an unknown warehouse and refuses a window that ends before it starts', async () => {
    const { db } = get();
    await expect(dailyDigest(db, { warehouse: 'NOPE', now: new Date() })).rejects.toThrow(/warehouse "NOPE" not found/);
    await expect(dailyDigest(db, { warehouse: 'NOPE', now: new Date(), since: new Date(Date.now() + 1000) })).rejects.toThrow(
      /must be before its "now"/,
    );
  });
});
