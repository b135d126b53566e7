/**
 * The weekly report over five stocktakes run through the real services on a fake clock (see
 * digest.test.ts for how times are set): one posted in ISO week 2026-W47, three in W48, and one posted at
 * 23:30 UTC on Sunday 29 November — Monday 07:30 in Shanghai, so W49 there and W48 in UTC.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { Db } from '../../db/client.ts';
import type { CommandContext } from '../../src/domain/people.ts';
import { approveDocument, rejectDocument } from '../../src/services/approvals.ts';
import { importCounts } from '../../src/services/counts.ts';
import { weeklyReport } from '../../src/services/digest/index.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';

type People = Awaited<ReturnType<typeof seedPeople>>;
const at = (iso: string) => new Date(iso);
const as = (ctx: CommandContext, iso: string): CommandContext => ({ ...ctx, now: at(iso) });
const H = 3600;

afterEach(() => {
  vi.useRealTimers();
});

interface Plan {
  start: string;
  /** [sku, location, qty] for every book line, counted at `counted`. */
  counts: [string, string, string][];
  counted: string;
  close: string;
  /** Each variance's cause; "suggested" takes the suggestion (and checks there is one). */
  causes: Record<string, string>;
  explain: string;
  submit: string;
  /** Decisions by document kind: who approves (or rejects) each pending step, and when. */
  decisions: { kind: 'gain' | 'loss'; by: keyof People; at: string; reject?: string }[];
  /** After a rejection: confirm again and submit again at these times, then `after` decisions. */
  resubmit?: { confirm: string; submit: string; decisions: { kind: 'gain' | 'loss'; by: keyof People; at: string }[] };
}

async function run(db: Db, people: People, plan: Plan): Promise<void> {
  vi.setSystemTime(at(plan.start));
  const st = await startStocktake(db, 'WH1', at(plan.start));
  vi.setSystemTime(at(plan.counted));
  await importCounts(
    db,
    st.code,
    csv(`${plan.start}.csv`, [['sku', 'location', 'qty', 'counted_at'], ...plan.counts.map((c) => [...c, plan.counted])]),
    { counter: 'carl' },
  );
  vi.setSystemTime(at(plan.close));
  await closeCounting(db, st.code, { actor: people.sam.actor, now: at(plan.close) });
  for (const line of await listReview(db, st.code)) {
    const ref = `${line.sku}@${line.location}`;
    const wanted = plan.causes[ref];
    if (!wanted) throw new Error(`the plan gives no cause for ${ref}`);
    const cause = wanted === 'suggested' ? line.suggestion?.cause : wanted;
    if (!cause) throw new Error(`${ref} has no suggestion`);
    await confirmVariance(db, as(people.sam, plan.explain), { stocktake: st.code, line: ref });
    await tagCause(db, as(people.sam, plan.explain), { stocktake: st.code, line: ref, cause });
  }
  const decide = async (documents: { kind: string; number: string }[], decisions: Plan['decisions']) => {
    for (const d of decisions) {
      const number = documents.find((doc) => doc.kind === d.kind)!.number;
      if (d.reject) await rejectDocument(db, as(people[d.by], d.at), { document: number, reason: d.reject });
      else await approveDocument(db, as(people[d.by], d.at), { document: number });
    }
  };
  await decide((await submitVariances(db, as(people.sam, plan.submit), { stocktake: st.code })).documents, plan.decisions);
  if (plan.resubmit) {
    for (const line of await listReview(db, st.code)) {
      if (line.reviewStatus === 'open')
        await confirmVariance(db, as(people.sam, plan.resubmit.confirm), { stocktake: st.code, line: `${line.sku}@${line.location}` });
    }
    await decide(
      (await submitVariances(db, as(people.sam, plan.resubmit.submit), { stocktake: st.code })).documents,
      plan.resubmit.decisions,
    );
  }
}

const match = { 'A-100': ['A-100', 'R1'], 'A-200': ['A-200', 'R2'], 'B-300': ['B-300', 'R3'], 'C-400': ['C-400', 'R4'] } as const;
const counts = (qty: Record<keyof typeof match, string>) =>
  (Object.keys(match) as (keyof typeof match)[]).map((k): [string, string, string] => [match[k][0], match[k][1], qty[k]]);

/**
 * Book A-100 100 (2.50) · A-200 20 (12.00) · B-300 50.5 (0.3333) · C-400 3 (150.00), changed by each posting.
 * a (W47): A-100 −2 (damage). b: A-200 +2 (unrecorded receipt), B-300 counted 5.05 for 50.5 — suggested
 * unit error, tagged counting error. c: A-200 264 for 22 (×12: unit error, as suggested; 2,904.00 needs
 * finance), C-400 −1 (damage). d: B-300 −0.05 (counting error), rejected once and resubmitted. e: A-100 −1.
 */
async function prepare(db: Db): Promise<People> {
  await seedWarehouse(db);
  const people = await seedPeople(db);
  vi.useFakeTimers({ toFake: ['Date'] });
  await run(db, people, {
    start: '2026-11-18T01:00:00Z',
    counts: counts({ 'A-100': '98', 'A-200': '20', 'B-300': '50.5', 'C-400': '3' }),
    counted: '2026-11-18T01:30:00Z',
    close: '2026-11-18T02:00:00Z',
    causes: { 'A-100@R1': 'damage' },
    explain: '2026-11-18T03:00:00Z',
    submit: '2026-11-18T04:00:00Z',
    decisions: [{ kind: 'loss', by: 'sue', at: '2026-11-18T08:00:00Z' }],
  });
  await run(db, people, {
    start: '2026-11-23T01:00:00Z',
    counts: counts({ 'A-100': '98', 'A-200': '22', 'B-300': '5.05', 'C-400': '3' }),
    counted: '2026-11-23T01:30:00Z',
    close: '2026-11-23T02:00:00Z',
    causes: { 'A-200@R2': 'unrecorded_receipt', 'B-300@R3': 'counting_error' },
    explain: '2026-11-23T03:00:00Z',
    submit: '2026-11-23T04:00:00Z',
    decisions: [
      { kind: 'gain', by: 'sue', at: '2026-11-23T06:00:00Z' },
      { kind: 'loss', by: 'sue', at: '2026-11-23T12:00:00Z' },
    ],
  });
  await run(db, people, {
    start: '2026-11-24T01:00:00Z',
    counts: counts({ 'A-100': '98', 'A-200': '264', 'B-300': '5.05', 'C-400': '2' }),
    counted: '2026-11-24T02:00:00Z',
    close: '2026-11-24T03:00:00Z',
    causes: { 'A-200@R2': 'suggested', 'C-400@R4': 'damage' },
    explain: '2026-11-24T04:00:00Z',
    submit: '2026-11-24T05:00:00Z',
    decisions: [
      { kind: 'gain', by: 'sue', at: '2026-11-24T07:00:00Z' },
      { kind: 'loss', by: 'sue', at: '2026-11-24T09:00:00Z' },
      { kind: 'gain', by: 'fay', at: '2026-11-24T23:00:00Z' },
    ],
  });
  await run(db, people, {
    start: '2026-11-26T01:00:00Z',
    counts: counts({ 'A-100': '98', 'A-200': '264', 'B-300': '5', 'C-400': '2' }),
    counted: '2026-11-26T02:00:00Z',
    close: '2026-11-27T13:30:00Z',
    causes: { 'B-300@R3': 'counting_error' },
    explain: '2026-11-27T14:00:00Z',
    submit: '2026-11-28T01:00:00Z',
    decisions: [{ kind: 'loss', by: 'sue', at: '2026-11-28T03:00:00Z', reject: 'recheck the scale' }],
    resubmit: {
      confirm: '2026-11-28T04:00:00Z',
      submit: '2026-11-29T10:00:00Z',
      decisions: [{ kind: 'loss', by: 'sue', at: '2026-11-29T15:30:00Z' }],
    },
  });
  await run(db, people, {
    start: '2026-11-29T15:45:00Z',
    counts: counts({ 'A-100': '97', 'A-200': '264', 'B-300': '5', 'C-400': '2' }),
    counted: '2026-11-29T15:50:00Z',
    close: '2026-11-29T16:00:00Z',
    causes: { 'A-100@R1': 'damage' },
    explain: '2026-11-29T17:00:00Z',
    submit: '2026-11-29T18:00:00Z',
    decisions: [{ kind: 'loss', by: 'sue', at: '2026-11-29T23:30:00Z' }],
  });
  return people;
}

describeEachDatabase('weekly report', (get) => {
  it('reports the ISO week just ended in the warehouse calendar with exact KPIs', async () => {
    const { db } = get();
    await prepare(db);
    const report = await weeklyReport(db, { warehouse: 'WH1', now: at('2026-11-30T01:00:00Z') });
    expect(report.week).toEqual({
      label: '2026-W48',
      start: '2026-11-23',
      end: '2026-11-30',
      from: '2026-11-22T16:00:00.000Z',
      to: '2026-11-29T16:00:00.000Z',
    });
    expect(report.localTime).toBe('2026-11-30 09:00');
    expect(report.kpis).toEqual({
      week: report.week,
      stocktakesPosted: 3,
      // 10 h, 20 h and 50 h from counting closed to posted.
      cycleTime: { count: 3, medianSeconds: 20 * H, p90Seconds: 44 * H },
      accuracy: {
        lines: 12,
        matched: 7,
        matchedPercent: '58.3',
        countedValue: '8390.03',
        varianceValue: '3093.17',
        varianceValuePercent: '36.87',
      },
      documentsPosted: 5,
      gainValue: '2928.00',
      lossValue: '-165.17',
      // 2, 8, 2, 4, 2 (the rejection), 5.5 h for supervisors; 16 h for finance.
      approvalLatency: { count: 7, medianSeconds: 4 * H, p90Seconds: 40320 },
      itemsHandled: 34,
    });
    expect(report.stocktakes.map((s) => [s.postedAt, s.cycleSeconds, s.lines, s.matched, s.varianceValue])).toEqual([
      ['2026-11-23T12:00:00.000Z', 10 * H, 4, 2, '39.15'],
      ['2026-11-24T23:00:00.000Z', 20 * H, 4, 2, '3054.00'],
      ['2026-11-29T15:30:00.000Z', 50 * H, 4, 3, '0.02'],
    ]);
    expect(report.causes).toEqual([
      { code: 'counting_error', labelEn: 'Counting error', labelZh: '盘点错误', lines: 2, gainValue: '0.00', lossValue: '-15.17' },
      { code: 'damage', labelEn: 'Damage / scrap', labelZh: '报损', lines: 1, gainValue: '0.00', lossValue: '-150.00' },
      { code: 'unit_error', labelEn: 'Unit-of-measure error', labelZh: '单位错误', lines: 1, gainValue: '2904.00', lossValue: '0.00' },
      { code: 'unrecorded_receipt', labelEn: 'Unrecorded receipt', labelZh: '收货漏记', lines: 1, gainValue: '24.00', lossValue: '0.00' },
    ]);
    expect(report.suggestions).toEqual({ withSuggestion: 2, kept: 1, changed: 1, keptPercent: '50.0' });
    expect(report.approvalLatency).toEqual([
      { stepNo: 1, role: 'supervisor', approved: 5, rejected: 1, count: 6, medianSeconds: 3 * H, p90Seconds: 24300 },
      { stepNo: 2, role: 'finance', approved: 1, rejected: 0, count: 1, medianSeconds: 16 * H, p90Seconds: 16 * H },
    ]);
    const zero = { sheets: 0, linesCounted: 0, confirmations: 0, tags: 0, recountRequests: 0, submissions: 0, approvals: 0, rejections: 0 };
    // carl's sheet for e at 15:50 UTC on Sunday is still Sunday in Shanghai; e's review and approval are not.
    expect(report.people).toEqual([
      { ...zero, person: { handle: 'carl', name: 'carl' }, sheets: 4, linesCounted: 16, total: 16 },
      { ...zero, person: { handle: 'sam', name: 'sam' }, confirmations: 6, tags: 5, submissions: 6, total: 11 },
      { ...zero, person: { handle: 'sue', name: 'sue' }, approvals: 5, rejections: 1, total: 6 },
      { ...zero, person: { handle: 'fay', name: 'fay' }, approvals: 1, total: 1 },
    ]);
    expect(report.trend.map((w) => [w.week.label, w.stocktakesPosted, w.cycleTime.medianSeconds, w.documentsPosted])).toEqual([
      ['2026-W41', 0, null, 0],
      ['2026-W42', 0, null, 0],
      ['2026-W43', 0, null, 0],
      ['2026-W44', 0, null, 0],
      ['2026-W45', 0, null, 0],
      ['2026-W46', 0, null, 0],
      ['2026-W47', 1, 6 * H, 1],
      ['2026-W48', 3, 20 * H, 5],
    ]);
    expect(report.trend[6]).toMatchObject({
      accuracy: { lines: 4, matched: 3, matchedPercent: '75.0', varianceValue: '5.00' },
      lossValue: '-5.00',
      approvalLatency: { count: 1, medianSeconds: 4 * H },
    });
    expect(report.trend[0]!.accuracy).toEqual({
      lines: 0,
      matched: 0,
      matchedPercent: null,
      countedValue: '0.00',
      varianceValue: '0.00',
      varianceValuePercent: null,
    });
    expect(report.trend[7]).toBe(report.kpis);
  });

  it('puts what happened on Sunday 23:30 UTC in the next week in Asia/Shanghai and in the same week in UTC', async () => {
    const { db } = get();
    await prepare(db);
    const now = at('2026-11-30T01:00:00Z');
    const next = await weeklyReport(db, { warehouse: 'WH1', now: at('2026-12-07T01:00:00Z'), weeks: 2 });
    expect(next.trend.map((w) => [w.week.label, w.stocktakesPosted])).toEqual([
      ['2026-W48', 3],
      ['2026-W49', 1],
    ]);
    await addWarehouse(db, { code: 'WH1', timezone: 'UTC' });
    const utc = await weeklyReport(db, { warehouse: 'WH1', now, weeks: 2 });
    expect(utc.week).toMatchObject({ label: '2026-W48', from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' });
    expect(utc.trend.map((w) => [w.week.label, w.stocktakesPosted])).toEqual([
      ['2026-W47', 1],
      ['2026-W48', 4],
    ]);
    expect(utc.people.find((p) => p.person.handle === 'sue')).toMatchObject({ approvals: 6 });
  });

  it('reports an empty week without failing', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const report = await weeklyReport(db, { warehouse: 'WH1', now: at('2026-11-30T01:00:00Z') });
    expect(report.kpis).toMatchObject({
      stocktakesPosted: 0,
      cycleTime: { count: 0, medianSeconds: null, p90Seconds: null },
      itemsHandled: 0,
    });
    expect([report.causes, report.people, report.approvalLatency, report.stocktakes]).toEqual([[], [], [], []]);
    expect(report.suggestions).toEqual({ withSuggestion: 0, kept: 0, changed: 0, keptPercent: null });
  });
});
