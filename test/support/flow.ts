import type { Db } from '../../db/client.ts';
import type { CommandContext } from '../../src/domain/people.ts';
import { lineRef } from '../../src/domain/stocktake.ts';
import { importCounts } from '../../src/services/counts.ts';
import { addPerson, cliActor, grantRole } from '../../src/services/people.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { csv, seedWarehouse } from './fixtures.ts';

/** The cast of WH1: who counts, who supervises, who approves. */
export const CAST = {
  carl: ['counter'],
  sam: ['supervisor'],
  sue: ['supervisor'],
  fay: ['finance'],
  mo: ['manager'],
  ann: ['admin', 'supervisor', 'finance'],
} as const;

export async function seedPeople(db: Db): Promise<Record<keyof typeof CAST, CommandContext>> {
  const out = {} as Record<keyof typeof CAST, CommandContext>;
  for (const [handle, roles] of Object.entries(CAST) as [keyof typeof CAST, readonly string[]][]) {
    await addPerson(db, { handle, name: handle });
    for (const role of roles) await grantRole(db, handle, role, 'WH1');
    out[handle] = { actor: await cliActor(db, handle) };
  }
  return out;
}

/**
 * WH1 with its people, a stocktake counted by carl and closed:
 * A-100@R1 100 → 90 (loss −25.00), A-200@R2 20 → 21 (gain 12.00), B-300@R3 50.5 → 50.5 (match),
 * C-400@R4 3 → 1 (loss −300.00).
 */
export async function countedStocktake(
  db: Db,
  counts: (string | number)[][] = [
    ['A-100', 'R1', '90'],
    ['A-200', 'R2', '21'],
    ['B-300', 'R3', '50.5'],
    ['C-400', 'R4', '1'],
  ],
) {
  await seedWarehouse(db);
  const people = await seedPeople(db);
  const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
  await importCounts(db, st.code, csv('count.csv', [['sku', 'location', 'qty'], ...counts]), { counter: 'carl' });
  return { st, people };
}

/** Confirms every open line and tags it with a cause fitting its direction (damage, unrecorded receipt). */
export async function explainAll(db: Db, code: string, by: CommandContext) {
  for (const line of await listReview(db, code)) {
    if (line.reviewStatus !== 'open') continue;
    const ref = lineRef(line);
    await confirmVariance(db, by, { stocktake: code, line: ref });
    await tagCause(db, by, { stocktake: code, line: ref, cause: line.diffQty.startsWith('-') ? 'damage' : 'unrecorded_receipt' });
  }
}

/** countedStocktake closed, every line explained by sam and submitted: a gain and a loss document in approval. */
export async function submittedStocktake(db: Db) {
  const { st, people } = await countedStocktake(db);
  await closeCounting(db, st.code);
  await explainAll(db, st.code, people.sam);
  const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
  return { st, people, documents };
}
