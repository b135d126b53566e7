/**
 * Makes the demo warehouse's past year (src/services/demo/historyData.ts) through the calls real use
 * makes — movement imports, stocktakes started, counted, closed, reviewed, submitted, approved (one
 * rejected first), a case written up and a cycle-count plan set — each dated when it happened, the way
 * test/support/history.ts builds its history for the tests. Runs before the demo's current stocktake:
 * movements are imported in order around each stocktake (a snapshot freezes the book as it stands), and
 * the history ends on today's book.
 */
import type { Db } from '../../../db/client.ts';
import { formatDecimal, parseDecimal, QTY_SCALE } from '../../domain/decimal.ts';
import type { CommandContext } from '../../domain/people.ts';
import { localDate, localDay, wallClock, zonedToInstant } from '../../domain/time.ts';
import { bufferSource } from '../../files/source.ts';
import { approveDocument, rejectDocument } from '../approvals.ts';
import { createCase } from '../cases.ts';
import { importCounts } from '../counts.ts';
import { setPlan, type CyclePlan } from '../cyclePlans.ts';
import { submitVariances } from '../documents.ts';
import { importMovements } from '../movements.ts';
import { cliActor } from '../people.ts';
import { confirmVariance, listReview, tagCause } from '../review.ts';
import { closeCounting, startStocktake } from '../stocktakes.ts';
import { listVariances } from '../variances.ts';
import { csvText, DEMO_WAREHOUSE } from './data.ts';
import {
  HISTORY_CASE,
  HISTORY_PLAN,
  HISTORY_STOCKTAKES,
  historyMovements,
  zoneCounter,
  type HistoryCause,
  type HistoryStocktake,
} from './historyData.ts';

export interface DemoHistory {
  /** The posted stocktakes, oldest first. */
  stocktakes: string[];
  /** The case written up from the last of them. */
  case: string;
  plan: CyclePlan;
  movements: number;
}

type Run = <T>(step: string, body: () => Promise<T>) => Promise<T>;

const HOUR = 3600_000;
const tz = DEMO_WAREHOUSE.timezone;

/** The instant `daysAgo` calendar days before `now`'s day in the warehouse, at the wall-clock "HH:MM". */
function dayAt(now: Date, daysAgo: number, time: string): Date {
  const today = localDate(now, tz);
  const [h, m] = time.split(':').map(Number) as [number, number];
  return zonedToInstant([today.year, today.month, today.day - daysAgo, h, m, 0, 0], tz);
}

const plusMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

function addQty(a: string, b: string): string {
  const read = (text: string) => {
    const parsed = parseDecimal(text, QTY_SCALE, { allowNegative: true });
    if (!parsed.ok) throw new Error(`demo history: bad quantity ${text}`);
    return parsed.value;
  };
  return formatDecimal(read(a) + read(b), QTY_SCALE);
}

export async function loadHistory(db: Db, now: Date, run: Run): Promise<DemoHistory> {
  const as = async (handle: string) => ({ actor: await cliActor(db, handle) });
  const people = { sam: await as('sam'), ada: await as('ada'), ann: await as('ann') };
  const at = (ctx: CommandContext, when: Date): CommandContext => ({ ...ctx, now: when });

  // Movements are imported period by period: those before each stocktake, then the rest.
  const movements = historyMovements().map(([sku, location, qty, kind, ref, daysAgo, time]) => ({
    row: [sku, location, qty, kind, ref],
    at: dayAt(now, daysAgo, time),
  }));
  let imported = 0;
  const importUntil = async (until: Date, file: string) => {
    const batch = movements.slice(imported).filter((m) => m.at < until);
    if (batch.length === 0) return;
    imported += batch.length;
    await run(`history movements (${file})`, () =>
      importMovements(
        db,
        DEMO_WAREHOUSE.code,
        bufferSource(
          file,
          csvText([
            ['sku', 'location', 'qty', 'kind', 'ref', 'occurred_at'],
            ...batch.map((m) => [...m.row, wallClock(m.at, tz, { seconds: true })]),
          ]),
        ),
      ),
    );
  };

  const codes: string[] = [];
  for (const [n, plan] of HISTORY_STOCKTAKES.entries()) {
    const start = dayAt(now, plan.daysAgo, '08:30');
    await importUntil(start, `demo-movements-${n + 1}.csv`);
    codes.push(await run(`history stocktake ${n + 1}`, () => stocktake(db, plan, start, people, at)));
  }
  await importUntil(now, `demo-movements-${HISTORY_STOCKTAKES.length + 1}.csv`);

  const lastClosed = dayAt(now, HISTORY_STOCKTAKES[HISTORY_CASE.stocktake]!.daysAgo, '11:00');
  const written = new Date(lastClosed.getTime() + 24 * HOUR);
  const due = localDay(new Date(written.getTime() + HISTORY_CASE.dueAfterDays * 24 * HOUR), tz);
  const caseCode = await run(
    'history case',
    async () =>
      (
        await createCase(db, at(people.sam, written), {
          stocktake: codes[HISTORY_CASE.stocktake]!,
          lines: [HISTORY_CASE.line],
          title: HISTORY_CASE.title,
          whatHappened: HISTORY_CASE.whatHappened,
          action: HISTORY_CASE.action,
          actionOwner: HISTORY_CASE.actionOwner,
          actionDue: due,
        })
      ).code,
  );
  const plan = await run('history cycle-count plan', () =>
    setPlan(db, DEMO_WAREHOUSE.code, HISTORY_PLAN.days, people.ann.actor, dayAt(now, HISTORY_PLAN.daysAgo, '10:00')),
  );
  return { stocktakes: codes, case: caseCode, plan, movements: movements.length };
}

type People = Record<'sam' | 'ada' | 'ann', CommandContext>;

/** One stocktake of the history, from the snapshot at `start` (08:30) to its last posting. */
async function stocktake(
  db: Db,
  plan: HistoryStocktake,
  start: Date,
  people: People,
  at: (ctx: CommandContext, when: Date) => CommandContext,
): Promise<string> {
  const st = await startStocktake(db, DEMO_WAREHOUSE.code, start);
  // What the shelves hold: the frozen book plus the variance the plan says the count finds.
  const shelf = (await listVariances(db, st.code)).map((v) => {
    const line = `${v.sku}@${v.location}`;
    return { line, sku: v.sku, location: v.location, qty: addQty(v.expectedQty, plan.variances[line] ?? '0') };
  });
  // alice starts at 09:00 and counts a line every 5 minutes, bob at 09:05 every 6.
  for (const [counter, first, step] of [
    ['alice', 30, 5],
    ['bob', 35, 6],
  ] as const) {
    const lines = shelf.filter((l) => zoneCounter(l.location) === counter);
    const rows = lines.map((l, i) => [
      l.sku,
      l.location,
      counter === 'bob' && plan.bobSlips[l.line] ? addQty(l.qty, plan.bobSlips[l.line]!) : l.qty,
      wallClock(plusMinutes(start, first + i * step), tz, { seconds: true }),
    ]);
    await importCounts(
      db,
      st.code,
      bufferSource(`${st.code}-${counter}.csv`, csvText([['sku', 'location', 'qty', 'counted_at'], ...rows])),
      { counter, round: 1, now: plusMinutes(start, 90) },
    );
  }
  // carol recounts bob's doubtful lines at 10:30, as round 2.
  const recount = shelf.filter((l) => plan.bobSlips[l.line]);
  if (recount.length > 0)
    await importCounts(
      db,
      st.code,
      bufferSource(
        `${st.code}-carol-round2.csv`,
        csvText([
          ['sku', 'location', 'qty', 'counted_at'],
          ...recount.map((l) => [l.sku, l.location, l.qty, wallClock(plusMinutes(start, 120), tz, { seconds: true })]),
        ]),
      ),
      { counter: 'carol', round: 2, now: plusMinutes(start, 125) },
    );

  const closed = plusMinutes(start, 150);
  await closeCounting(db, st.code, { actor: people.sam.actor, now: closed });
  const review = at(people.sam, plusMinutes(closed, 180));
  for (const line of await listReview(db, st.code)) {
    const ref = `${line.sku}@${line.location}`;
    const cause = explained(plan.causes[ref], line.suggestion?.cause, ref);
    await confirmVariance(db, review, { stocktake: st.code, line: ref });
    await tagCause(db, review, { stocktake: st.code, line: ref, ...cause });
  }
  const posted = new Date(closed.getTime() + plan.postedAfterHours * HOUR);
  const { documents } = await submitVariances(db, at(people.sam, plusMinutes(closed, 240)), { stocktake: st.code });
  for (const doc of documents) {
    if (doc.kind === 'loss' && plan.reject) {
      // ada sends it back the next morning; sam re-tags, confirms again and resubmits.
      const morning = plusMinutes(closed, 22 * 60);
      await rejectDocument(db, at(people.ada, morning), { document: doc.number, reason: plan.reject.reason });
      const retag = at(people.sam, plusMinutes(morning, 60));
      for (const [ref, cause] of Object.entries(plan.reject.retag)) await tagCause(db, retag, { stocktake: st.code, line: ref, ...cause });
      for (const line of await listReview(db, st.code))
        if (line.reviewStatus === 'open') await confirmVariance(db, retag, { stocktake: st.code, line: `${line.sku}@${line.location}` });
      const again = await submitVariances(db, at(people.sam, plusMinutes(morning, 75)), { stocktake: st.code });
      for (const resubmitted of again.documents) await approveDocument(db, at(people.ada, posted), { document: resubmitted.number });
    } else await approveDocument(db, at(people.ada, posted), { document: doc.number });
  }
  return st.code;
}

function explained(tag: HistoryCause | undefined, suggested: string | undefined, ref: string): HistoryCause {
  if (!tag) throw new Error(`demo history: no cause for the variance at ${ref}`);
  if (tag.cause !== 'suggested') return tag;
  if (!suggested) throw new Error(`demo history: ${ref} has no suggested cause to keep`);
  return { ...tag, cause: suggested };
}
