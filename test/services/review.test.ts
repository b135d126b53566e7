import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, StaleCommandError } from '../../src/domain/errors.ts';
import { importCounts } from '../../src/services/counts.ts';
import { setPolicy } from '../../src/services/policy.ts';
import { addNote, assignOwner, confirmVariance, listReview, requestRecount, tagCause } from '../../src/services/review.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, moveStock, shanghai } from '../support/fixtures.ts';
import { countedStocktake } from '../support/flow.ts';

describeEachDatabase('review of variances', (get) => {
  it('gives every variance the first supervisor as owner and a due time from the SLA; matches need no review', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    const closed = await closeCounting(db, st.code, { now: new Date('2026-11-25T10:00:00Z') });
    expect(closed).toMatchObject({ openVariances: 3, autoConfirmed: 0, owner: 'sam' });
    const lines = await listReview(db, st.code);
    expect(lines.map((l) => `${l.sku}:${l.reviewStatus}`)).toEqual(['A-100:open', 'A-200:open', 'C-400:open']);
    expect(new Set(lines.map((l) => l.dueAt))).toEqual(new Set(['2026-11-26T10:00:00.000Z']));
  });

  it('auto-confirms variances within both tolerances as within_tolerance, and records it as automatic', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    await setPolicy(db, 'WH1', { toleranceValue: '15', tolerancePercent: '10' });
    // +1 of 20 = 5 %, 12.00 → within; A-100: −10 of 100 = 10 %, −25.00 → over the value; C-400 far over.
    const closed = await closeCounting(db, st.code);
    expect(closed.autoConfirmed).toBe(1);
    const a200 = (await listReview(db, st.code)).find((l) => l.sku === 'A-200');
    expect(a200).toMatchObject({ reviewStatus: 'confirmed', causeCode: 'within_tolerance', autoConfirmed: true });
  });

  it('confirms, tags and notes a variance, recording whether the cause was the suggested one', async () => {
    const { db } = get();
    // C-400: 3 expected, 30 counted → ×10, a unit-of-measure slip.
    const { st, people } = await countedStocktake(db, [['C-400', 'R4', '30']]);
    await closeCounting(db, st.code);
    const [line] = await listReview(db, st.code).then((ls) => ls.filter((l) => l.sku === 'C-400'));
    expect(line!.suggestion).toMatchObject({ rule: 'unit_of_measure', cause: 'unit_error' });
    await confirmVariance(db, people.sam, { stocktake: st.code, line: 'C-400' });
    const tagged = await tagCause(db, people.sam, { stocktake: st.code, line: 'C-400@R4', cause: 'unit_error' });
    expect(tagged).toMatchObject({ reviewStatus: 'confirmed', causeCode: 'unit_error', causeMatchedSuggestion: true });
    const retagged = await tagCause(db, people.sam, { stocktake: st.code, line: 'C-400', cause: 'counting_error' });
    expect(retagged.causeMatchedSuggestion).toBe(false);
    expect((await addNote(db, people.sam, { stocktake: st.code, line: 'C-400', note: 'pallet of 10' })).note).toBe('pallet of 10');
  });

  it('refuses a cause for the wrong direction and a note-requiring cause without a note', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await expect(tagCause(db, people.sam, { stocktake: st.code, line: 'A-200', cause: 'damage' })).rejects.toThrow(
      /explains a loss, not a gain/,
    );
    await expect(tagCause(db, people.sam, { stocktake: st.code, line: 'A-100', cause: 'unknown' })).rejects.toThrow(/needs a note/);
    await expect(tagCause(db, people.sam, { stocktake: st.code, line: 'A-100', cause: 'nonsense' })).rejects.toThrow(
      /cause "nonsense" not found/,
    );
    expect(
      (await tagCause(db, people.sam, { stocktake: st.code, line: 'A-100', cause: 'unknown', note: 'searched aisle' })).causeCode,
    ).toBe('unknown');
  });

  it('lets only the owner or a supervisor, manager or admin act on a line, and reassigns owners', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await expect(confirmVariance(db, people.carl, { stocktake: st.code, line: 'A-100' })).rejects.toBeInstanceOf(NotAllowedError);
    await expect(assignOwner(db, people.carl, { stocktake: st.code, line: 'A-100', owner: 'carl' })).rejects.toBeInstanceOf(
      NotAllowedError,
    );
    await assignOwner(db, people.sam, { stocktake: st.code, line: 'A-100', owner: 'carl' });
    // Now the owner, carl may confirm his line, but still not reassign it.
    expect((await confirmVariance(db, people.carl, { stocktake: st.code, line: 'A-100' })).reviewStatus).toBe('confirmed');
    await expect(confirmVariance(db, people.carl, { stocktake: st.code, line: 'A-100' })).rejects.toBeInstanceOf(StaleCommandError);
  });

  it('sends a line back for a recount by a named person, whose recount import resolves it', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await confirmVariance(db, people.sam, { stocktake: st.code, line: 'A-100' });
    await requestRecount(db, people.sam, { stocktake: st.code, line: 'A-100', recounter: 'carl' });
    // Lines not sent for recount, and people not asked, are refused.
    const wrongLine = await importCounts(
      db,
      st.code,
      csv('r.csv', [
        ['sku', 'location', 'qty'],
        ['A-200', 'R2', '20'],
      ]),
      { counter: 'carl' },
    ).catch((e: unknown) => e);
    expect((wrongLine as InvalidInputError).problems[0]).toMatchObject({
      line: 2,
      message: expect.stringContaining('not waiting for a recount by carl'),
    });
    await expect(
      importCounts(
        db,
        st.code,
        csv('r.csv', [
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '100'],
        ]),
        { counter: 'sue' },
      ),
    ).rejects.toThrow(/no line is waiting for a recount by sue/);
    const recount = await importCounts(
      db,
      st.code,
      csv('r.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '95'],
      ]),
      { counter: 'carl' },
    );
    expect(recount.round).toBe(2);
    expect((await listReview(db, st.code)).find((l) => l.sku === 'A-100')).toMatchObject({
      reviewStatus: 'open',
      diffQty: '-5',
      causeCode: null,
      confirmedBy: null,
    });
  });

  it('suggests a late movement: an issue keyed just after the count that equals the loss', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db, [['A-100', 'R1', '90']]);
    void people;
    // The count was at import time (now); the issue of 10 is dated 30 minutes later, so the cut-off leaves it out.
    const later = new Date(Date.now() + 5 * 60_000);
    await moveStock(db, [['A-100', 'R1', '-10', 'issue', 'SO-77', shanghai(later)]]);
    await closeCounting(db, st.code);
    expect((await listReview(db, st.code)).find((l) => l.sku === 'A-100')?.suggestion).toMatchObject({
      rule: 'late_movement',
      cause: 'unrecorded_issue',
    });
  });

  it('keeps every review action in the audit log with before and after', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await tagCause(db, people.sam, { stocktake: st.code, line: 'A-100', cause: 'damage' });
    const rows = await queryRows<{
      action: string;
      actor_identity: string;
      before: { causeCode: string | null };
      after: { causeCode: string };
    }>(db, sql`select action, actor_identity, before, after from audit_log where action = 'variance.tag'`);
    expect(rows).toEqual([
      {
        action: 'variance.tag',
        actor_identity: 'cli:sam',
        before: expect.objectContaining({ causeCode: null }),
        after: expect.objectContaining({ causeCode: 'damage' }),
      },
    ]);
  });
});

describeEachDatabase('recurring variances', (get) => {
  it('suggests the cause used before when the SKU lost stock in 2 of the last 3 posted stocktakes', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db, [
      ['A-100', 'R1', '90'],
      ['A-200', 'R2', '20'],
      ['B-300', 'R3', '50.5'],
      ['C-400', 'R4', '3'],
    ]);
    const { submitVariances } = await import('../../src/services/documents.ts');
    const { approveDocument } = await import('../../src/services/approvals.ts');
    const { startStocktake } = await import('../../src/services/stocktakes.ts');
    let code = st.code;
    for (let round = 1; round <= 3; round++) {
      await closeCounting(db, code);
      const a100 = (await listReview(db, code)).find((l) => l.sku === 'A-100')!;
      if (round === 3) {
        expect(a100.suggestion).toMatchObject({ rule: 'recurring', cause: 'theft' });
        expect(a100.suggestion!.reason.en).toMatch(/loss.* 2 of the last 2/);
        return;
      }
      await confirmVariance(db, people.sam, { stocktake: code, line: 'A-100' });
      await tagCause(db, people.sam, { stocktake: code, line: 'A-100', cause: 'theft' });
      for (const d of (await submitVariances(db, people.sam, { stocktake: code })).documents)
        await approveDocument(db, people.sue, { document: d.number });
      // The next count finds A-100 ten short again (its book is now 90 after posting, then 80).
      const next = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
      await importCounts(
        db,
        next.code,
        csv('again.csv', [
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', String(80 - (round - 1) * 10)],
          ['A-200', 'R2', '20'],
          ['B-300', 'R3', '50.5'],
          ['C-400', 'R4', '3'],
        ]),
        { counter: 'carl' },
      );
      code = next.code;
    }
  });
});
