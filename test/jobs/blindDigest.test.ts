/**
 * Blind counts (盲盘) and the daily digest: a digest chat that is also a team chat is read by counters, so
 * a blind count still counting is left out of its digest; a digest-only chat (managers) still gets it.
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { PgRunCoordinator } from '../../src/jobs/coordinator.ts';
import * as dailyDigestJob from '../../src/jobs/dailyDigest.ts';
import { dailyDigest } from '../../src/services/digest/index.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { recordingReports, seedChats } from './support.ts';

describeEachDatabase('daily digest of a blind count', (get) => {
  it('leaves a blind count still counting out of the digest of a chat that is also a team chat', async () => {
    const { db } = get();
    const people = await seedChats(db, { 'web:team': ['team', 'digest'], 'web:digest': 'digest' });
    const now = new Date();
    const st = await startStocktake(db, 'WH1', new Date(now.getTime() - 3600_000), people.sam.actor, { blind: true });

    const reports = recordingReports();
    const deps = { db, log: silentLogger, coordinator: new PgRunCoordinator(db, 'a'), reports: reports.source };
    for (const chatId of ['team', 'digest'])
      await dailyDigestJob.run(deps, { platform: 'web', chatId, scheduledAt: now, key: `web:${chatId}@blind`, now });
    expect(reports.requests.map((r) => r.withoutBlindCounting ?? false)).toEqual([true, false]);

    const codes = async (withoutBlindCounting: boolean) =>
      (await dailyDigest(db, { warehouse: 'WH1', now, withoutBlindCounting })).stocktakes.map((s) => s.code);
    expect(await codes(true)).toEqual([]);
    expect(await codes(false)).toEqual([st.code]);
    // Once counting is closed, the team chat's digest has it again.
    await closeCounting(db, st.code);
    expect(await codes(true)).toEqual([st.code]);
  });
});
