/** Accuracy and performance figures (绩效) on the fixed history of test/support/history.ts, and who sees what. */
import { afterEach, expect, it, vi } from 'vitest';
import { NotAllowedError } from '../../../src/domain/errors.ts';
import { addPerson, cliActor } from '../../../src/services/people.ts';
import { performanceFigures } from '../../../src/services/patterns/index.ts';
import { describeEachDatabase } from '../../support/db.ts';
import { fourStocktakes } from '../../support/history.ts';

afterEach(() => {
  vi.useRealTimers();
});

const H = 3600;

describeEachDatabase('performance figures', (get) => {
  it('gives exact figures per counter, reviewer and stocktake; a counter sees only their own', async () => {
    const { db } = get();
    const { people, codes } = await fourStocktakes(db);
    const [s1, s2, s3, s4] = codes as [string, string, string, string];

    const all = await performanceFigures(db, { warehouse: 'WH1', viewer: people.mo.actor });
    expect(all.scope).toBe('all');
    // carl: 16 first counts, 14 equal to the final figure, 2 recounted; 16 lines in 4 sheets of 30 minutes.
    expect(all.counters).toEqual([
      {
        person: { handle: 'carl', name: 'carl' },
        lines: 16,
        matched: 14,
        accuracyPercent: '87.5',
        recounted: 2,
        recountPercent: '12.5',
        timedLines: 16,
        timedSeconds: 4 * 30 * 60,
        linesPerHour: '8.0',
      },
    ]);
    // sam explained 6 variances; S3's A-100 had a suggestion (recurring → damage) and kept it; S2's rejected
    // loss document sent 2 of his lines back and he changed C-400's cause from theft to damage.
    expect(all.reviewers).toEqual([
      {
        person: { handle: 'sam', name: 'sam' },
        explained: 6,
        withSuggestion: 1,
        kept: 1,
        keptPercent: '100.0',
        returned: 2,
        changedAfterReject: 1,
      },
    ]);
    expect(all.stocktakes!.map((s) => [s.code, s.lines, s.matched, s.accuracyPercent, s.cycleSeconds, s.onTarget])).toEqual([
      [s1, 4, 3, '75.0', 6 * H, true],
      [s2, 4, 2, '50.0', 54 * H, false],
      [s3, 4, 2, '50.0', 6 * H, true],
      [s4, 4, 3, '75.0', 6 * H, true],
    ]);
    expect(all.cycleTime).toEqual({ medianSeconds: 6 * H, targetSeconds: 86_400, baselineSeconds: 5 * 86_400 });

    const carl = await performanceFigures(db, { warehouse: 'WH1', viewer: people.carl.actor });
    expect(carl.scope).toBe('own');
    expect(carl.counters.map((c) => c.person.handle)).toEqual(['carl']);
    expect(carl.reviewers).toEqual([]);
    expect(carl.stocktakes).toBeNull();
    expect(carl.cycleTime).toBeNull();

    const sam = await performanceFigures(db, { warehouse: 'WH1', viewer: people.sam.actor });
    expect([sam.scope, sam.counters.length, sam.reviewers.map((r) => r.person.handle)]).toEqual(['own', 0, ['sam']]);
    expect((await performanceFigures(db, { warehouse: 'WH1', viewer: people.ann.actor })).scope).toBe('all');

    await addPerson(db, { handle: 'zed', name: 'Zed' });
    await expect(performanceFigures(db, { warehouse: 'WH1', viewer: await cliActor(db, 'zed') })).rejects.toBeInstanceOf(NotAllowedError);
  });
});
