/** The four detectors on the fixed history of test/support/history.ts: exact findings and evidence. */
import { afterEach, expect, it, vi } from 'vitest';
import { detectPatterns, hasFindings } from '../../../src/services/patterns/index.ts';
import { describeEachDatabase } from '../../support/db.ts';
import { fourStocktakes } from '../../support/history.ts';

afterEach(() => {
  vi.useRealTimers();
});

const a100 = (stocktake: string) => ({ stocktake, sku: 'A-100', location: 'R1', lot: '', qty: '-2', value: '-5.00', cause: 'damage' });

describeEachDatabase('pattern detectors', (get) => {
  it('finds each pattern in the fixed history, with its evidence', async () => {
    const { db } = get();
    const { codes } = await fourStocktakes(db);
    const [s1, s2, s3, s4] = codes as [string, string, string, string];
    const report = await detectPatterns(db, { warehouse: 'WH1', thresholds: { counterMinLines: 10 } });
    expect(report.posted.map((p) => p.code)).toEqual([s4, s3, s2, s1]);
    expect(hasFindings(report)).toBe(true);

    // A-100 lost 2 in S1, S2 and S3 (3 of the 4 posted); C-400 only in S2 and S4.
    expect(report.recurringSkus).toEqual([
      {
        kind: 'sku',
        key: 'A-100',
        stocktakes: 3,
        window: 4,
        netValue: '-15.00',
        absValue: '15.00',
        evidence: [a100(s1), a100(s2), a100(s3)],
      },
    ]);
    expect(report.recurringLocations.map((f) => [f.key, f.stocktakes, f.evidence.length])).toEqual([['R1', 3, 3]]);

    // damage: 5.00, 155.00 (C-400 re-tagged after the reject), 5.00, then 300.00 — mean before 55.00, ×5.45.
    expect(report.risingCauses).toEqual([
      {
        cause: 'damage',
        labelEn: 'Damage / scrap',
        labelZh: '报损',
        latest: '300.00',
        latestStocktake: s4,
        previousMean: '55.00',
        factor: '5.45',
        series: [
          { stocktake: s1, lossValue: '5.00', lines: 1 },
          { stocktake: s2, lossValue: '155.00', lines: 2 },
          { stocktake: s3, lossValue: '5.00', lines: 1 },
          { stocktake: s4, lossValue: '300.00', lines: 1 },
        ],
      },
    ]);

    // carl counted 16 lines first; sam recounted 2 of them (12.5 % ≥ 10 %).
    expect(report.counters).toEqual([
      {
        counter: { handle: 'carl', name: 'carl' },
        lines: 16,
        recounted: 2,
        recountPercent: '12.5',
        stocktakes: [s1, s2, s3, s4],
        evidence: [
          { stocktake: s4, sku: 'C-400', location: 'R4', lot: '', firstQty: '1', finalQty: '0' },
          { stocktake: s3, sku: 'A-100', location: 'R1', lot: '', firstQty: '90', finalQty: '94' },
        ],
      },
    ]);

    // equipment: 450.00 of 465.00 lost (96.8 %) on 1,500.00 of 3,509.33 book value (42.7 %): lift 2.26.
    expect(report.clusters).toEqual([
      {
        source: 'category',
        name: 'equipment',
        lossValue: '450.00',
        lossSharePercent: '96.8',
        bookSharePercent: '42.7',
        lift: '2.26',
        lines: 2,
        stocktakes: [
          { stocktake: s2, lossValue: '150.00', lines: 1 },
          { stocktake: s4, lossValue: '300.00', lines: 1 },
        ],
        topSkus: [{ sku: 'C-400', lossValue: '450.00', lines: 2 }],
      },
    ]);

    // Stricter thresholds leave nothing: the default minimum of 20 lines for counters, 4 of 4 for recurring,
    // a 6× rise, a lift of 3.
    const strict = await detectPatterns(db, {
      warehouse: 'WH1',
      thresholds: { recurringMin: 4, causeRiseFactor: 6, clusterMinLift: 3 },
    });
    expect(hasFindings(strict)).toBe(false);
  });
});
