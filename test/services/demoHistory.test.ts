/**
 * The demo's year of history (src/services/demo/historyData.ts): loaded on a fixed day, it gives every view
 * of issue 16 something real — stock structure, patterns, performance, the cycle-count plan and a case
 * offered on today's variance — with the figures below, worked out from the history's table.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { bufferSource } from '../../src/files/source.ts';
import { listCases } from '../../src/services/cases.ts';
import { importCounts } from '../../src/services/counts.ts';
import { planView } from '../../src/services/cyclePlans.ts';
import { demoRecountSheet, loadDemo } from '../../src/services/demo.ts';
import { listDocuments } from '../../src/services/documents.ts';
import { detectPatterns, performanceFigures } from '../../src/services/patterns/index.ts';
import { cliActor } from '../../src/services/people.ts';
import { listReview } from '../../src/services/review.ts';
import { closeCounting, listStocktakes } from '../../src/services/stocktakes.ts';
import { stockStructure } from '../../src/services/structure.ts';
import { describeEachDatabase } from '../support/db.ts';

/** 12:00 in Shanghai: the history's stocktakes are 150, 95 and 35 days before, on 06-23, 08-17 and 10-16. */
const NOW = new Date('2026-11-20T04:00:00Z');
const S1 = 'ST-20260623-001';
const S2 = 'ST-20260817-001';
const S3 = 'ST-20261016-001';

describeEachDatabase('demo history', (get) => {
  it('gives the stock structure every ABC class, a slow mover and dead stock, and the plan its due dates and suggestions', async () => {
    const { db } = get();
    const demo = await loadDemo(db, { now: NOW });
    expect(demo.history).toEqual({
      stocktakes: [S1, S2, S3],
      case: 'C-1',
      plan: { warehouse: 'DEMO', days: { A: 30, B: 90, C: 180 }, locations: [] },
      movements: 228,
    });

    const structure = await stockStructure(db, { warehouse: 'DEMO', asOf: NOW });
    // Issued a year (the current count's issue of 36 cups included) at today's unit costs: DHP250 22,800,
    // LJ250 16,320, GL320 10,506, RICE 8,928, PE357 8,640 and BH100 5,280 make 81.94 %.
    expect(structure.totals).toMatchObject({ items: 15, issueValue: '88446.00', stockValue: '62065.30', turnover: '1.27' });
    expect(structure.classes.map((c) => `${c.abcClass} ${c.items} ${c.issueValue} ${c.issuePercent}% ${c.stockValue}`)).toEqual([
      'A 6 72474.00 81.94% 48531.50',
      'B 5 12156.00 13.74% 9442.40',
      'C 4 3816.00 4.31% 4091.40',
    ]);
    expect(structure.slow).toEqual({ items: 1, stockValue: '3120.00', stockPercent: '5.03' });
    expect(structure.dead).toEqual({ items: 1, stockValue: '1800.00', stockPercent: '2.90' });
    const idle = [...structure.topSlow, ...structure.topDead].map((i) => [i.sku, i.abcClass, i.lastIssueAt, i.daysIdle, i.status]);
    expect(idle).toEqual([
      ['POT-ZS', 'B', '2026-08-02T08:00:00.000Z', 109, 'slow'],
      ['TRAY-ZB', 'C', '2026-05-04T08:00:00.000Z', 199, 'dead'],
    ]);

    const plan = await planView(db, 'DEMO', NOW);
    expect(plan.plan).toEqual({ warehouse: 'DEMO', days: { A: 30, B: 90, C: 180 }, locations: [] });
    expect(plan.due).toBe(6);
    const byClass = (cls: string) => plan.items.filter((i) => i.abcClass === cls);
    expect(byClass('A').map((i) => i.sku)).toEqual(['CUP-GL320', 'RICE-DB', 'TEA-BH100', 'TEA-DHP250', 'TEA-LJ250', 'TEA-PE357']);
    // Last counted when S3's counting closed (10-16 11:00 in Shanghai): A is due 30 days on, B 90, C 180.
    expect(new Set(plan.items.map((i) => `${i.abcClass} ${i.lastCounted} ${i.nextDue} ${i.due}`))).toEqual(
      new Set([
        'A 2026-10-16T03:00:00.000Z 2026-11-15T03:00:00.000Z true',
        'B 2026-10-16T03:00:00.000Z 2027-01-14T03:00:00.000Z false',
        'C 2026-10-16T03:00:00.000Z 2027-04-14T03:00:00.000Z false',
      ]),
    );
    expect(plan.suggestions.map((s) => `${s.sku} ${s.withVariance}/${s.counts} ${s.currentDays}→${s.suggestedDays}`)).toEqual([
      'CUP-GL320 3/3 30→15',
      'RICE-DB 3/3 30→15',
    ]);
  });

  it('shows the recurring lines, the rising cause, the counter who needs recounts, the loss cluster and everyone’s figures', async () => {
    const { db } = get();
    await loadDemo(db, { now: NOW });
    const patterns = await detectPatterns(db, { warehouse: 'DEMO' });
    expect(patterns.posted.map((p) => p.code)).toEqual([S3, S2, S1]);
    const recurring = [...patterns.recurringSkus, ...patterns.recurringLocations].map(
      (f) => `${f.kind} ${f.key} ${f.stocktakes}/${f.window} ${f.netValue} ${f.evidence.map((e) => `${e.qty} ${e.cause}`).join(', ')}`,
    );
    expect(recurring).toEqual([
      'sku CUP-GL320 3/3 -187.00 -4 damage, -6 damage, -12 damage',
      'sku RICE-DB 3/3 -186.00 -8 unrecorded_issue, -10 unrecorded_issue, -12 unrecorded_issue',
      'location B-01-01 3/3 -187.00 -4 damage, -6 damage, -12 damage',
      'location E-01-01 3/3 -186.00 -8 unrecorded_issue, -10 unrecorded_issue, -12 unrecorded_issue',
    ]);
    // Broken glasses (−4, −6, −12 at 8.50) and a teapot (260.00) in S3: 362.00 against a mean of 42.50.
    expect(patterns.risingCauses).toEqual([
      expect.objectContaining({
        cause: 'damage',
        latest: '362.00',
        latestStocktake: S3,
        previousMean: '42.50',
        factor: '8.52',
        series: [
          { stocktake: S1, lossValue: '34.00', lines: 1 },
          { stocktake: S2, lossValue: '51.00', lines: 1 },
          { stocktake: S3, lossValue: '362.00', lines: 2 },
        ],
      }),
    ]);
    expect(patterns.counters.map((c) => `${c.counter.handle} ${c.recounted}/${c.lines} ${c.recountPercent}%`)).toEqual(['bob 3/24 12.5%']);
    expect(patterns.counters[0]!.evidence.map((e) => `${e.stocktake} ${e.sku}@${e.location} ${e.firstQty}→${e.finalQty}`)).toEqual([
      `${S3} TRAY-ZB@C-02-02 15→10`,
      `${S2} CAN-MT@D-01-01 113→123`,
      `${S1} GOJI-NX@E-01-02 31.9→30.4`,
    ]);
    expect(
      patterns.clusters.map((c) => `${c.name} ${c.lossValue} ${c.lossSharePercent}% of losses, ${c.bookSharePercent}% of book, ×${c.lift}`),
    ).toEqual(['茶具 447.00 70.6% of losses, 24.0% of book, ×2.95']);

    const figures = await performanceFigures(db, { warehouse: 'DEMO', viewer: null });
    // alice counts 8 lines in 35 minutes, bob 8 in 42, three times.
    expect(
      figures.counters.map(
        (c) => `${c.person.handle} ${c.matched}/${c.lines} ${c.accuracyPercent}% recounts ${c.recountPercent}% ${c.linesPerHour}/h`,
      ),
    ).toEqual(['alice 24/24 100.0% recounts 0.0% 13.7/h', 'bob 21/24 87.5% recounts 12.5% 11.4/h']);
    expect(figures.reviewers).toEqual([
      {
        person: { handle: 'sam', name: '孙明 Sam' },
        explained: 8,
        withSuggestion: 2,
        kept: 2,
        keptPercent: '100.0',
        returned: 2,
        changedAfterReject: 1,
      },
    ]);
    expect(figures.stocktakes!.map((s) => `${s.code} ${s.matched}/${s.lines} ${s.cycleSeconds! / 3600} h ${s.onTarget}`)).toEqual([
      `${S1} 14/16 72 h false`,
      `${S2} 13/16 30 h false`,
      `${S3} 13/16 5 h true`,
    ]);
    expect(figures.cycleTime).toMatchObject({ medianSeconds: 30 * 3600 });
  });

  it("offers the case written up from S3 on today's RICE-DB loss, and dates every step of the history when it happened", async () => {
    const { db } = get();
    const demo = await loadDemo(db, { now: NOW });
    // The history happened before the chats were bound: none of its cards (documents to approve, postings)
    // waits to be sent to them.
    const [queued] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from outbox`);
    expect(queued!.n).toBe(0);
    expect(await listCases(db)).toMatchObject([
      {
        code: 'C-1',
        stocktake: S3,
        causeCode: 'unrecorded_issue',
        direction: 'loss',
        actionOwner: 'sam',
        actionDue: '2026-12-16',
        status: 'open',
      },
    ]);
    const sheet = demoRecountSheet();
    await importCounts(db, demo.stocktake.code, bufferSource(sheet.fileName, sheet.bytes), { counter: 'carol', round: 2 });
    await closeCounting(db, demo.stocktake.code, { actor: await cliActor(db, 'sam'), now: NOW });
    const rice = (await listReview(db, demo.stocktake.code)).find((l) => l.sku === 'RICE-DB')!;
    expect(rice.suggestion).toEqual({
      rule: 'similar_case',
      cause: 'unrecorded_issue',
      caseCode: 'C-1',
      reason: {
        en: 'similar case C-1: same SKU RICE-DB, same location E-01-01, also a loss, similar size (-12); cause then Unrecorded issue: 散装大米试吃取用未开领用单',
        zh: '类似案例 C-1：同一 SKU RICE-DB、同一库位 E-01-01、同为盘亏、数量相近（-12），当时原因 发货漏记：散装大米试吃取用未开领用单',
      },
    });

    expect((await listStocktakes(db)).map((s) => `${s.code} ${s.status}`)).toEqual([
      `${S1} posted`,
      `${S2} posted`,
      `${S3} posted`,
      `${demo.stocktake.code} reviewing`,
    ]);
    expect((await listDocuments(db)).map((d) => `${d.number} ${d.status} ${d.totalValue}`)).toEqual([
      'PK-2026-0001 posted -83.60',
      'PK-2026-0002 rejected -113.00',
      'PY-2026-0001 posted 24.00',
      'PK-2026-0003 posted -113.00',
      'PK-2026-0004 posted -436.40',
    ]);
    // The sheets came in at 10:00 and 10:35 on the day of S1, and the audit trail says so.
    const imports = await queryRows<{ file_name: string; at: string }>(
      db,
      sql`select i.file_name, to_char(i.imported_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as at
          from count_import i join stocktake s on s.id = i.stocktake_id where s.code = ${S1} order by i.imported_at, i.file_name`,
    );
    expect(imports).toEqual([
      { file_name: `${S1}-alice.csv`, at: '2026-06-23 10:00' },
      { file_name: `${S1}-bob.csv`, at: '2026-06-23 10:00' },
      { file_name: `${S1}-carol-round2.csv`, at: '2026-06-23 10:35' },
    ]);
    const [late] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from audit_log a join stocktake s on s.id = a.stocktake_id
          where s.code in (${S1}, ${S2}, ${S3}) and a.at > ${NOW.toISOString()}::timestamptz`,
    );
    expect(late!.n).toBe(0);
  });
});
