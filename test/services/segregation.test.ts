/**
 * Segregation of duties has one home (src/services/segregation.ts): whoever approving refuses is exactly
 * whoever reminders leave out of "who may decide" an overdue step, and the other way round.
 */
import { expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { NotAllowedError } from '../../src/domain/errors.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { grantRole } from '../../src/services/people.ts';
import { overdueItems } from '../../src/services/reminders.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';

const DAY = 24 * 3600_000;

describeEachDatabase('segregation of duties', (get) => {
  it('refuses an approval by exactly the role holders reminders leave out of who may decide the step', async () => {
    const { db } = get();
    // C-400 (book 3 at 150.00) counted 10 by carl: a gain of 1,050.00, routed to a supervisor, then finance.
    const { st, people } = await countedStocktake(db, [['C-400', 'R4', '10']]);
    await grantRole(db, 'carl', 'supervisor', 'WH1');
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sue);
    const doc = (await submitVariances(db, people.sam, { stocktake: st.code })).documents.find((d) => d.kind === 'gain')!;
    expect(doc.route.map((s) => s.role)).toEqual(['supervisor', 'finance']);

    /** Who reminders name for the document's pending step, and that approving refuses each of `holders`. */
    const bothPaths = async (holders: (keyof typeof people)[]) => {
      const [item] = (await overdueItems(db, new Date(Date.now() + 3 * DAY))).filter((i) => i.ref === doc.number);
      const reminded = item!.reminded.map((p) => p.handle);
      for (const h of holders) {
        const error = await approveDocument(db, people[h], { document: doc.number }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotAllowedError);
        expect((error as Error).message).toMatch(new RegExp(`^${h} .* may not approve`));
      }
      return { reminded };
    };

    // Step 1, supervisor: sue explained the line and carl counted it; sam (who submitted) and ann may decide.
    // The holders of the role are sam, sue, ann and carl: reminded and refused split them.
    const step1 = await bothPaths(['sue', 'carl']);
    expect(step1.reminded.sort()).toEqual(['ann', 'sam']);
    await approveDocument(db, people.ann, { document: doc.number });

    // Step 2, finance: ann approved step 1, so only fay may decide it.
    const step2 = await bothPaths(['ann']);
    expect(step2.reminded).toEqual(['fay']);
    expect((await approveDocument(db, people.fay, { document: doc.number })).status).toBe('posted');
  });
});
