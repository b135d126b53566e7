/**
 * A fixed history of four posted stocktakes of WH1 on a fake clock, for the pattern detectors and the
 * performance figures (test/services/patterns/*). Book before S1: A-100@R1 100 (2.50, parts) · A-200@R2 20
 * (12.00, parts) · B-300@R3 50.5 (0.3333, cables) · C-400@R4 3 (150.00, equipment); each posting moves it.
 *
 * | stocktake | carl's first count (round 1)       | recount (round 2, sam) | variances posted                         |
 * | S1 11-02  | 98 · 20 · 50.5 · 3                  | –                      | A-100 −2 damage                          |
 * | S2 11-09  | 96 · 20 · 50.5 · 2                  | –                      | A-100 −2 damage, C-400 −1 theft→damage*  |
 * | S3 11-16  | 90 · 21 · 50.5 · 2                  | A-100 94               | A-100 −2 damage (suggested), A-200 +1    |
 * | S4 11-23  | 94 · 21 · 50.5 · 1                  | C-400 0                | C-400 −2 damage                          |
 * * S2's loss document is rejected once by sue; sam re-tags C-400 from theft to damage and resubmits.
 * carl's four lines of each sheet are counted 10 minutes apart (30 minutes per sheet). sam explains every
 * variance; sue approves. Counting closes at 02:00 UTC; S2 posts 2 days and 6 hours later, the others 6 hours.
 */
import { vi } from 'vitest';
import type { Db } from '../../db/client.ts';
import type { CommandContext } from '../../src/domain/people.ts';
import { approveDocument, rejectDocument } from '../../src/services/approvals.ts';
import { importCounts } from '../../src/services/counts.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { csv, seedWarehouse } from './fixtures.ts';
import { seedPeople } from './flow.ts';

export type People = Awaited<ReturnType<typeof seedPeople>>;
const at = (iso: string) => new Date(iso);
const as = (ctx: CommandContext, iso: string): CommandContext => ({ ...ctx, now: at(iso) });
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

interface Plan {
  day: string;
  first: [string, string, string, string];
  recount?: [string, string, string];
  causes: Record<string, string>;
  /** Reject the loss document once, re-tag these lines, then approve. */
  rejectThenRetag?: Record<string, string>;
  postedAfterHours: number;
}

async function run(db: Db, people: People, plan: Plan): Promise<string> {
  const t = (hhmm: string) => `${plan.day}T${hhmm}:00.000Z`;
  vi.setSystemTime(at(t('01:00')));
  const st = await startStocktake(db, 'WH1', at(t('01:00')));
  const lines = [
    ['A-100', 'R1'],
    ['A-200', 'R2'],
    ['B-300', 'R3'],
    ['C-400', 'R4'],
  ];
  vi.setSystemTime(at(t('01:40')));
  await importCounts(
    db,
    st.code,
    csv(`${plan.day}-1.csv`, [
      ['sku', 'location', 'qty', 'counted_at'],
      ...lines.map((l, i) => [l[0]!, l[1]!, plan.first[i]!, plus(t('01:05'), i * 10)]),
    ]),
    { counter: 'carl' },
  );
  if (plan.recount) {
    vi.setSystemTime(at(t('01:50')));
    await importCounts(
      db,
      st.code,
      csv(`${plan.day}-2.csv`, [
        ['sku', 'location', 'qty', 'counted_at'],
        [...plan.recount, t('01:45')],
      ]),
      { counter: 'sam', round: 2 },
    );
  }
  vi.setSystemTime(at(t('02:00')));
  await closeCounting(db, st.code, { actor: people.sam.actor, now: at(t('02:00')) });
  for (const line of await listReview(db, st.code)) {
    const ref = `${line.sku}@${line.location}`;
    const cause = plan.causes[ref] === 'suggested' ? line.suggestion?.cause : plan.causes[ref];
    if (!cause) throw new Error(`no cause for ${ref}`);
    await confirmVariance(db, as(people.sam, t('03:00')), { stocktake: st.code, line: ref });
    await tagCause(db, as(people.sam, t('03:00')), { stocktake: st.code, line: ref, cause });
  }
  const posted = plus(t('02:00'), plan.postedAfterHours * 60);
  const { documents } = await submitVariances(db, as(people.sam, t('04:00')), { stocktake: st.code });
  for (const d of documents) {
    if (d.kind === 'loss' && plan.rejectThenRetag) {
      await rejectDocument(db, as(people.sue, t('05:00')), { document: d.number, reason: 'check the pallet count' });
      for (const [ref, cause] of Object.entries(plan.rejectThenRetag))
        await tagCause(db, as(people.sam, t('06:00')), { stocktake: st.code, line: ref, cause });
      for (const line of await listReview(db, st.code))
        if (line.reviewStatus === 'open')
          await confirmVariance(db, as(people.sam, t('06:00')), { stocktake: st.code, line: `${line.sku}@${line.location}` });
      const again = await submitVariances(db, as(people.sam, t('07:00')), { stocktake: st.code });
      for (const d2 of again.documents) await approveDocument(db, as(people.sue, posted), { document: d2.number });
    } else await approveDocument(db, as(people.sue, posted), { document: d.number });
  }
  return st.code;
}

/** Seeds WH1 and its cast and runs the four stocktakes; returns the people and the codes, oldest first. */
export async function fourStocktakes(db: Db): Promise<{ people: People; codes: string[] }> {
  await seedWarehouse(db);
  const people = await seedPeople(db);
  vi.useFakeTimers({ toFake: ['Date'] });
  const codes = [
    await run(db, people, {
      day: '2026-11-02',
      first: ['98', '20', '50.5', '3'],
      causes: { 'A-100@R1': 'damage' },
      postedAfterHours: 6,
    }),
    await run(db, people, {
      day: '2026-11-09',
      first: ['96', '20', '50.5', '2'],
      causes: { 'A-100@R1': 'damage', 'C-400@R4': 'theft' },
      rejectThenRetag: { 'C-400@R4': 'damage' },
      postedAfterHours: 54,
    }),
    await run(db, people, {
      day: '2026-11-16',
      first: ['90', '21', '50.5', '2'],
      recount: ['A-100', 'R1', '94'],
      causes: { 'A-100@R1': 'suggested', 'A-200@R2': 'unrecorded_receipt' },
      postedAfterHours: 6,
    }),
    await run(db, people, {
      day: '2026-11-23',
      first: ['94', '21', '50.5', '1'],
      recount: ['C-400', 'R4', '0'],
      causes: { 'C-400@R4': 'damage' },
      postedAfterHours: 6,
    }),
  ];
  vi.useRealTimers();
  return { people, codes };
}
