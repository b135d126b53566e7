import fc from 'fast-check';
import { sql, type SQL } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { Actor } from '../../src/domain/people.ts';
import { approveDocument, rejectDocument } from '../../src/services/approvals.ts';
import { sealAudit } from '../../src/services/auditSeal.ts';
import { verifyAudit } from '../../src/services/auditVerify.ts';
import { importCounts } from '../../src/services/counts.ts';
import { listDocuments, submitVariances, type DocumentSummary } from '../../src/services/documents.ts';
import { addPerson, cliActor, grantRole } from '../../src/services/people.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { closeCounting, getStocktake, startStocktake } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, moveStock, seedWarehouse, shanghai } from '../support/fixtures.ts';
import { stepsBudget } from '../support/wait.ts';

/*
 * Property (issue 3, points 6, 7, 9, 10): whatever order, duplication and concurrency the review and
 * approval commands of several people arrive in, no document line posts twice, on-hand equals the book
 * plus the posted deltas, every decision is in the audit log, and the audit chain verifies. A command with
 * an idempotency key that is repeated has one effect and replays the first result. Refusals (domain errors)
 * are fine outcomes; any other error is a bug.
 */

const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

/** Copied from test/support/db.ts: a property runs many times inside one test, so it resets the data itself. */
async function truncateAll(db: Db): Promise<void> {
  const tables = await queryRows<{ name: string }>(db, sql`select tablename as name from pg_tables where schemaname = 'public'`);
  if (tables.length === 0) return;
  await db.execute(sql.raw(`truncate ${tables.map((t) => `"${t.name}"`).join(', ')} restart identity cascade`));
}

/** A decimal quantity as exact thousandths ("50.500" → 50500n, "-0.5" → -500n). */
function milli(text: string): bigint {
  const negative = text.trim().startsWith('-');
  const [whole = '0', fraction = ''] = text.trim().replace(/^[-+]/, '').split('.');
  const value = BigInt(whole || '0') * 1000n + BigInt((fraction + '000').slice(0, 3));
  return negative ? -value : value;
}

const HANDLES = ['counter', 'sup1', 'sup2', 'fin', 'mgr'] as const;
type Handle = (typeof HANDLES)[number];
const ROLE_OF: Record<Handle, string> = { counter: 'counter', sup1: 'supervisor', sup2: 'supervisor', fin: 'finance', mgr: 'manager' };

/**
 * The book once the scenario has raised A-200@R2 and C-400@R4 to 100 before the stocktake starts, so that
 * losses too can exceed the finance (1,000) and manager (10,000) thresholds.
 */
const BOOK: Record<string, string> = { 'A-100@R1': '100', 'A-200@R2': '100', 'B-300@R3': '50.5', 'C-400@R4': '100' };
const BOOK_LINES = Object.keys(BOOK);

// Counted quantities per line: a match, a loss and a gain each; C-400@R5 is not in the book (a gain or absent).
const sheetArb = fc
  .record({
    'A-100@R1': fc.constantFrom('100', '90', '130'), // -25.00 / +75.00
    'A-200@R2': fc.constantFrom('100', '10', '190'), // -1,080 / +1,080 (finance)
    'B-300@R3': fc.constantFrom('50.5', '49.125', '52'), // -0.46 / +0.50
    'C-400@R4': fc.constantFrom('100', '20', '101'), // -12,000 (manager) / +150
    'C-400@R5': fc.constantFrom(null, '70', '1'), // +10,500 (manager) / +150
  })
  .filter((sheet) => Object.entries(sheet).some(([line, qty]) => qty !== null && qty !== (BOOK[line] ?? '0')));

const anyone = fc.constantFrom<Handle>(...HANDLES);
const reviewer = fc.constantFrom<Handle>('sup1', 'sup2');
/**
 * A decider: anyone; a holder of the pending step's role (as whoever got the card); or one of them whom
 * segregation of duties allows to approve, so that documents get posted while other commands still run.
 */
const decider = fc.oneof(anyone, fc.constantFrom<'holder' | 'eligible'>('holder', 'eligible', 'eligible'));
const stepArb = fc.constantFrom<'none' | 'current' | 1 | 2 | 3>('none', 'current', 'current', 1, 2, 3);

const commandArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const), who: reviewer, line: fc.nat(9) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('tag' as const),
      who: reviewer,
      line: fc.nat(9),
      // fitting: damage for a loss, unrecorded_receipt for a gain; both: counting_error; wrong: the other direction's cause.
      cause: fc.constantFrom<'fitting' | 'both' | 'wrong'>('fitting', 'fitting', 'both', 'wrong'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), who: fc.constantFrom<Handle>('sup1', 'sup2', 'mgr', 'counter') }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('approve' as const), who: decider, doc: fc.nat(7), step: stepArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), who: decider, doc: fc.nat(7), step: stepArb }) },
  // Two people tap on the same document's card at once: two approvals, or an approval and a rejection.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('race' as const),
      doc: fc.nat(7),
      first: decider,
      second: decider,
      secondRejects: fc.boolean(),
      step: fc.constantFrom<'none' | 'current'>('none', 'current'),
    }),
  },
  // A movement made during review (after the count), on a book line: posting must keep it.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), line: fc.nat(3), qty: fc.constantFrom('5', '-1', '0.5') }) },
);
type Command = typeof commandArb extends fc.Arbitrary<infer C> ? C : never;
type Step = { command: Command; duplicate: 'none' | 'after' | 'together'; withNext: boolean };

const stepsArb: fc.Arbitrary<Step[]> = fc.array(
  fc.record({
    command: commandArb,
    /** none; after: the same command with the same key once the first settled; together: both at once. */
    duplicate: fc.constantFrom<'none' | 'after' | 'together'>('none', 'none', 'after', 'together'),
    /** Issued at the same time as the next step. */
    withNext: fc.boolean(),
  }),
  { minLength: 4, maxLength: 10 },
);

/**
 * Review done before the random commands, so that they find documents to decide: per variance line, who
 * confirms and tags it (mostly the run's main supervisor; other: the other one; split: one confirms, the
 * other tags; none: left open), and whether a first submit follows.
 */
const preludeArb = fc.record({
  main: reviewer,
  explainers: fc.array(
    fc.constantFrom<'none' | 'main' | 'other' | 'split'>('main', 'main', 'main', 'main', 'main', 'other', 'split', 'none'),
    { minLength: 5, maxLength: 5 },
  ),
  submit: fc.constantFrom(true, true, true, false),
});
type Prelude = typeof preludeArb extends fc.Arbitrary<infer P> ? P : never;

interface Invocation {
  label: string;
  key: string | null;
  /** first: the command; after: its duplicate issued once the first settled; together: issued with it. */
  order: 'first' | 'after' | 'together';
  outcome: PromiseSettledResult<unknown>;
}

interface World {
  db: Db;
  code: string;
  actors: Record<Handle, Actor>;
  handleOf: Map<string, Handle>;
  /** Variance lines under review, fixed once counting closed ("SKU@LOC" and direction). */
  lines: { ref: string; direction: 'gain' | 'loss' }[];
  /** Movements this test imported during review, per "SKU@LOC", in thousandths. */
  moved: Map<string, bigint>;
}

const causeFor = (direction: 'gain' | 'loss', choice: 'fitting' | 'both' | 'wrong') =>
  choice === 'both' ? 'counting_error' : (direction === 'loss') === (choice === 'fitting') ? 'damage' : 'unrecorded_receipt';

interface Call {
  label: string;
  keyed: boolean;
  call: (key: string | undefined) => Promise<unknown>;
}

/**
 * Turns a drawn command into calls (two for a race), resolving the target now, as a card shows a document
 * and its step when it is tapped. None when there is nothing to aim at yet (no document submitted).
 */
async function prepare(world: World, command: Command): Promise<Call[]> {
  const { db, code, actors } = world;
  const ctx = (who: Handle, key: string | undefined) => ({ actor: actors[who], ...(key ? { idempotencyKey: key } : {}) });
  switch (command.kind) {
    case 'confirm': {
      const line = world.lines[command.line % world.lines.length]!;
      return [
        {
          label: `confirm ${line.ref} by ${command.who}`,
          keyed: true,
          call: (key) => confirmVariance(db, ctx(command.who, key), { stocktake: code, line: line.ref }),
        },
      ];
    }
    case 'tag': {
      const line = world.lines[command.line % world.lines.length]!;
      const cause = causeFor(line.direction, command.cause);
      return [
        {
          label: `tag ${line.ref} ${cause} by ${command.who}`,
          keyed: true,
          call: (key) => tagCause(db, ctx(command.who, key), { stocktake: code, line: line.ref, cause }),
        },
      ];
    }
    case 'submit':
      return [
        { label: `submit by ${command.who}`, keyed: true, call: (key) => submitVariances(db, ctx(command.who, key), { stocktake: code }) },
      ];
    case 'approve':
    case 'reject':
    case 'race': {
      const docs = await listDocuments(db, { stocktake: code });
      if (docs.length === 0) return [];
      const doc = docs[command.doc % docs.length]!;
      const pending = doc.route.find((s) => s.status === 'pending');
      const step = command.step === 'none' ? undefined : command.step === 'current' ? (pending?.stepNo ?? doc.route.length) : command.step;
      const input = { document: command.doc % 2 === 0 ? doc.number : doc.id, ...(step === undefined ? {} : { step }) };
      const excluded = await excludedApprovers(world, doc);
      const resolve = (who: Handle | 'holder' | 'eligible', pick: number): Handle => {
        if (who !== 'holder' && who !== 'eligible') return who;
        const holders = HANDLES.filter((h) => ROLE_OF[h] === (pending?.role ?? 'supervisor'));
        const eligible = holders.filter((h) => !excluded.has(h));
        const from = who === 'eligible' && eligible.length > 0 ? eligible : holders;
        return from[pick % from.length]!;
      };
      const decision = (verb: 'approve' | 'reject', who: Handle): Call => ({
        label: `${verb} ${doc.number}${step === undefined ? '' : ` step ${step}`} by ${who}`,
        keyed: true,
        call: (key) =>
          verb === 'approve'
            ? approveDocument(db, ctx(who, key), input)
            : rejectDocument(db, ctx(who, key), { ...input, reason: 'the recount sheet disagrees' }),
      });
      if (command.kind !== 'race') return [decision(command.kind, resolve(command.who, command.doc))];
      return [
        decision('approve', resolve(command.first, 0)),
        decision(command.secondRejects ? 'reject' : 'approve', resolve(command.second, 1)),
      ];
    }
    case 'move': {
      const ref = BOOK_LINES[command.line % BOOK_LINES.length]!;
      const [sku, location] = ref.split('@') as [string, string];
      const kind = command.qty.startsWith('-') ? 'issue' : 'receipt';
      return [
        {
          label: `move ${command.qty} ${ref}`,
          keyed: false,
          call: async () => {
            // Dated after the count and before now: not part of any variance, but part of on-hand.
            await moveStock(db, [[sku, location, command.qty, kind, `MV-${ref}`, shanghai(ago(1))]]);
            world.moved.set(ref, (world.moved.get(ref) ?? 0n) + milli(command.qty));
          },
        },
      ];
    }
  }
}

/** Runs the drawn steps: batches issued at once, duplicates with the same key either at once or after. */
async function runRandomPhase(world: World, steps: Step[], runNo: number): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  let i = 0;
  while (i < steps.length) {
    const batch = [steps[i]!];
    while (batch.length < 3 && batch[batch.length - 1]!.withNext && i + batch.length < steps.length) batch.push(steps[i + batch.length]!);
    const launched: { label: string; key: string | null; order: Invocation['order']; promise: Promise<unknown> }[] = [];
    const later: { label: string; key: string; call: (key: string) => Promise<unknown> }[] = [];
    const prepared: { step: Step; p: Call; index: string }[] = [];
    for (const [j, step] of batch.entries()) {
      for (const [c, p] of (await prepare(world, step.command)).entries()) prepared.push({ step, p, index: `${i + j}.${c}` });
    }
    for (const { step, p, index } of prepared) {
      const key = p.keyed ? `run${runNo}-cmd${index}` : null;
      launched.push({ label: p.label, key, order: 'first', promise: p.call(key ?? undefined) });
      if (key && step.duplicate === 'together') launched.push({ label: p.label, key, order: 'together', promise: p.call(key) });
      if (key && step.duplicate === 'after') later.push({ label: p.label, key, call: p.call });
    }
    const settled = await Promise.allSettled(launched.map((l) => l.promise));
    settled.forEach((outcome, n) =>
      invocations.push({ label: launched[n]!.label, key: launched[n]!.key, order: launched[n]!.order, outcome }),
    );
    for (const again of later) {
      const [outcome] = await Promise.allSettled([again.call(again.key)]);
      invocations.push({ label: again.label, key: again.key, order: 'after', outcome: outcome! });
    }
    i += batch.length;
  }
  return invocations;
}

/** Fails on anything but a domain refusal, and checks that a repeated key replayed the first result. */
function checkOutcomes(invocations: Invocation[]): void {
  for (const inv of invocations) {
    if (inv.outcome.status === 'rejected' && !(inv.outcome.reason instanceof DomainError)) {
      const reason = inv.outcome.reason as Error;
      throw new Error(`"${inv.label}" (${inv.order}, key ${inv.key}) failed with a non-domain error: ${reason?.stack ?? String(reason)}`, {
        cause: reason,
      });
    }
  }
  const byKey = new Map<string, Invocation[]>();
  for (const inv of invocations) if (inv.key) byKey.set(inv.key, [...(byKey.get(inv.key) ?? []), inv]);
  for (const [key, group] of byKey) {
    const fulfilled = group
      .filter((g) => g.outcome.status === 'fulfilled')
      .map((g) => (g.outcome as PromiseFulfilledResult<unknown>).value);
    for (const value of fulfilled.slice(1)) expect(value, `replay of key ${key} (${group[0]!.label})`).toEqual(fulfilled[0]);
    // Issued one after the other: once the first took effect, the second must replay it, not be refused.
    // (Issued together, either may claim the key first; if that one is refused, nothing is stored and the
    // other runs afresh, on a state that concurrent commands may have changed.)
    const [first, again] = group;
    if (group.length === 2 && again!.order === 'after' && first!.outcome.status === 'fulfilled') {
      const refusal = again!.outcome.status === 'rejected' ? (again!.outcome.reason as Error).message : '';
      expect(
        again!.outcome.status,
        `replay of key ${key} (${first!.label}) after ${JSON.stringify(first!.outcome.value)}: ${refusal}`,
      ).toBe('fulfilled');
    }
  }
}

/** The people who counted or explained a line of the document, and those who approved a step of it. */
async function excludedApprovers(world: World, doc: DocumentSummary): Promise<Set<string>> {
  const rows = await queryRows<{ handle: string }>(
    world.db,
    sql`select distinct p.handle from document_line dl
        join adjustment_document d on d.id = dl.document_id
        join stocktake_line l on l.stocktake_id = d.stocktake_id and l.sku = dl.sku and l.location = dl.location
        join person p on p.id = l.explained_by or p.id = l.confirmed_by
        where dl.document_id = ${doc.id}::uuid`,
  );
  return new Set(['counter', ...rows.map((r) => r.handle), ...doc.route.filter((s) => s.status === 'approved').map((s) => s.decidedBy!)]);
}

/**
 * Brings every variance to the ledger with the right people: each line explained by one supervisor, all
 * submitted, each step approved by someone the segregation rules allow; a document no supervisor may
 * approve (both supervisors explained lines of it) is rejected and its lines explained again by one.
 */
async function driveToPosting(world: World, runNo: number): Promise<void> {
  const { db, code, actors } = world;
  let n = 0;
  const ctx = (who: Handle) => ({ actor: actors[who], idempotencyKey: `run${runNo}-drive${n++}` });
  for (let round = 0; round < 6; round++) {
    const review = await listReview(db, code);
    if (review.every((l) => l.reviewStatus === 'posted')) return;
    for (const line of review) {
      const ref = `${line.sku}@${line.location}`;
      const direction = line.diffQty.startsWith('-') ? 'loss' : 'gain';
      if (line.reviewStatus === 'open') {
        await confirmVariance(db, ctx('sup1'), { stocktake: code, line: ref });
        await tagCause(db, ctx('sup1'), { stocktake: code, line: ref, cause: causeFor(direction, 'fitting') });
      } else if (line.reviewStatus === 'confirmed' && (line.causeCode === null || line.explainedBy !== line.confirmedBy)) {
        // The one who confirmed it tags it too, so a line has a single explainer.
        const who = world.handleOf.get(line.confirmedBy!)!;
        await tagCause(db, ctx(who), { stocktake: code, line: ref, cause: line.causeCode ?? causeFor(direction, 'fitting') });
      }
    }
    await submitVariances(db, ctx('sup1'), { stocktake: code });
    for (const listed of await listDocuments(db, { stocktake: code })) {
      let doc = listed;
      while (doc.status === 'approving') {
        const pending = doc.route.find((s) => s.status === 'pending')!;
        const excluded = await excludedApprovers(world, doc);
        const holders = HANDLES.filter((h) => ROLE_OF[h] === pending.role);
        const approver = holders.find((h) => !excluded.has(h));
        doc = approver
          ? await approveDocument(db, ctx(approver), { document: doc.number, step: pending.stepNo })
          : await rejectDocument(db, ctx(holders[0]!), {
              document: doc.number,
              step: pending.stepNo,
              reason: 'explained by both supervisors; explain again by one',
            });
      }
    }
  }
  throw new Error('the driver did not bring every variance to the ledger in 6 rounds');
}

/** Fails with the offending rows in the message (they name what went wrong). */
async function expectNoRows(db: Db, what: string, query: SQL): Promise<void> {
  const rows = await queryRows(db, query);
  expect(rows, `${what}: ${JSON.stringify(rows)}`).toEqual([]);
}

async function checkInvariants(world: World, book: Map<string, bigint>): Promise<void> {
  const { db } = world;

  // Every variance reached the ledger and the stocktake is done (the driver's job; the rest depends on it).
  const review = await listReview(db, world.code);
  expect(review.filter((l) => l.reviewStatus !== 'posted').map((l) => `${l.sku}@${l.location} ${l.reviewStatus}`)).toEqual([]);
  expect((await getStocktake(db, world.code)).status).toBe('posted');

  // 1. No document line posts twice, and no stocktake line is on two posted documents.
  await expectNoRows(
    db,
    'a document line on the ledger twice',
    sql`select document_id, line_no, count(*)::int as n from ledger_entry group by 1, 2 having count(*) > 1`,
  );
  await expectNoRows(
    db,
    'a stocktake line on two posted documents',
    sql`select d.stocktake_id, dl.sku, dl.location, count(*)::int as n
        from document_line dl join adjustment_document d on d.id = dl.document_id
        where d.status = 'posted' group by 1, 2, 3 having count(*) > 1`,
  );
  // A posted document has exactly its lines on the ledger; any other document has none.
  await expectNoRows(
    db,
    'a document whose ledger entries do not match its status',
    sql`select d.number, d.status, d.line_count, e.entries
        from adjustment_document d
        cross join lateral (select count(*)::int as entries from ledger_entry e where e.document_id = d.id) e
        where (d.status = 'posted' and e.entries <> d.line_count) or (d.status <> 'posted' and e.entries > 0)`,
  );
  // The posted line carries the cause its variance was last explained with (a tag is never lost to a racing submit).
  await expectNoRows(
    db,
    'a posted line whose cause differs from its variance',
    sql`select d.number, dl.sku, dl.location, dl.cause_code as on_document, l.cause_code as on_line
        from document_line dl
        join adjustment_document d on d.id = dl.document_id
        join stocktake_line l on l.stocktake_id = d.stocktake_id and l.sku = dl.sku and l.location = dl.location
        where d.status = 'posted' and l.cause_code is distinct from dl.cause_code`,
  );

  // 2. On-hand = book + movements during review + posted deltas, for every (sku, location).
  const onHand = await queryRows<{ sku: string; location: string; qty: string }>(
    db,
    sql`select sku, location, qty::text as qty from on_hand`,
  );
  const ledger = await queryRows<{ sku: string; location: string; qty: string }>(
    db,
    sql`select sku, location, sum(qty)::text as qty from ledger_entry group by 1, 2`,
  );
  const keys = new Set([
    ...book.keys(),
    ...world.moved.keys(),
    ...onHand.map((r) => `${r.sku}@${r.location}`),
    ...ledger.map((r) => `${r.sku}@${r.location}`),
  ]);
  const actual = new Map(onHand.map((r) => [`${r.sku}@${r.location}`, milli(r.qty)]));
  const posted = new Map(ledger.map((r) => [`${r.sku}@${r.location}`, milli(r.qty)]));
  for (const key of keys) {
    const expected = (book.get(key) ?? 0n) + (world.moved.get(key) ?? 0n) + (posted.get(key) ?? 0n);
    expect(
      `${key} ${actual.get(key) ?? 0n}`,
      `on-hand of ${key} (book ${book.get(key) ?? 0n}, moved ${world.moved.get(key) ?? 0n}, posted ${posted.get(key) ?? 0n}, thousandths)`,
    ).toBe(`${key} ${expected}`);
  }

  // 3. Every decision is in the audit log, once, by the person who made it; every posting too.
  await expectNoRows(
    db,
    'a decision not logged exactly once by its decider',
    sql`select a.document_id, a.step_no, a.status, a.decided_by, logged.n
        from approval_step a
        cross join lateral (
          select count(*)::int as n from audit_log l
          where l.document_id = a.document_id and l.action = 'document.' || a.status::text
            and (l.after->>'step')::int = a.step_no and l.actor_person_id = a.decided_by) logged
        where a.status in ('approved', 'rejected') and logged.n <> 1`,
  );
  // ... and the log records no decision that did not happen (two taps on one step make one decision).
  await expectNoRows(
    db,
    'a logged decision that did not happen',
    sql`select l.id, l.action, l.document_id, l.after->>'step' as step
        from audit_log l
        where l.action in ('document.approved', 'document.rejected')
          and not exists (select 1 from approval_step a
                          where a.document_id = l.document_id and a.step_no = (l.after->>'step')::int and 'document.' || a.status::text = l.action)`,
  );
  await expectNoRows(
    db,
    'a document whose posting is not logged exactly once',
    sql`select d.number, d.status, logged.n
        from adjustment_document d
        cross join lateral (select count(*)::int as n from audit_log l where l.document_id = d.id and l.action = 'document.posted') logged
        where logged.n <> (case when d.status = 'posted' then 1 else 0 end)`,
  );
  // One effect per idempotency key: no command's own audit entry appears twice under one key.
  await expectNoRows(
    db,
    'an idempotency key with two effects',
    sql`select idempotency_key, action, coalesce(after->>'kind', '') as kind, count(*)::int as n
        from audit_log
        where idempotency_key is not null
          and action in ('variance.confirm', 'variance.tag', 'document.submitted', 'document.approved', 'document.rejected', 'document.posted')
        group by 1, 2, 3 having count(*) > 1`,
  );

  // 4. The chain verifies once sealed, every row in it once.
  await sealAudit(db, { wait: true });
  const verdict = await verifyAudit(db);
  expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true, unsealed: 0 });
}

async function scenario(db: Db, sheet: Record<string, string | null>, prelude: Prelude, steps: Step[], runNo: number): Promise<void> {
  await truncateAll(db);
  await seedWarehouse(db);
  // Raise two book lines so that losses can need finance and the manager too.
  await moveStock(db, [
    ['A-200', 'R2', '80', 'receipt', 'PO-0', shanghai(ago(6))],
    ['C-400', 'R4', '97', 'receipt', 'PO-0', shanghai(ago(6))],
  ]);
  const people = {} as Record<Handle, Actor>;
  for (const handle of HANDLES) {
    await addPerson(db, { handle, name: handle });
    await grantRole(db, handle, ROLE_OF[handle], 'WH1');
    people[handle] = await cliActor(db, handle);
  }
  const book = new Map(
    (await queryRows<{ sku: string; location: string; qty: string }>(db, sql`select sku, location, qty::text as qty from on_hand`)).map(
      (r) => [`${r.sku}@${r.location}`, milli(r.qty)],
    ),
  );
  expect(Object.fromEntries([...book].map(([k, v]) => [k, v]))).toEqual(
    Object.fromEntries(Object.entries(BOOK).map(([k, v]) => [k, milli(v)])),
  );

  const st = await startStocktake(db, 'WH1', ago(5));
  const rows = Object.entries(sheet)
    .filter(([, qty]) => qty !== null)
    .map(([line, qty]) => [...line.split('@'), qty!, shanghai(ago(2))]);
  await importCounts(db, st.code, csv('counts.csv', [['sku', 'location', 'qty', 'counted_at'], ...rows]), { counter: 'counter' });
  await closeCounting(db, st.code);
  const lines = (await listReview(db, st.code)).map((l) => ({
    ref: `${l.sku}@${l.location}`,
    direction: l.diffQty.startsWith('-') ? ('loss' as const) : ('gain' as const),
  }));
  expect(lines.length).toBeGreaterThan(0);

  const world: World = {
    db,
    code: st.code,
    actors: people,
    handleOf: new Map(HANDLES.map((h) => [people[h].personId, h])),
    lines,
    moved: new Map(),
  };
  for (const [n, line] of lines.entries()) {
    const explainer = prelude.explainers[n % prelude.explainers.length]!;
    if (explainer === 'none') continue;
    const other: Handle = prelude.main === 'sup1' ? 'sup2' : 'sup1';
    await confirmVariance(db, { actor: people[explainer === 'other' ? other : prelude.main] }, { stocktake: st.code, line: line.ref });
    await tagCause(
      db,
      { actor: people[explainer === 'main' ? prelude.main : other] },
      { stocktake: st.code, line: line.ref, cause: causeFor(line.direction, 'fitting') },
    );
  }
  if (prelude.submit) await submitVariances(db, { actor: people.sup1 }, { stocktake: st.code });
  checkOutcomes(await runRandomPhase(world, steps, runNo));
  await driveToPosting(world, runNo);
  await checkInvariants(world, book);
}

/**
 * Bounded by runs, not by time (no interruptAfterTimeLimit): each run is a whole stocktake, 2.7-4.9 s on a
 * 2-core machine at a load of 12-16, so the test's limit is the number of runs times a step's time.
 */
const RUNS = 15;

describeEachDatabase('random interleavings of duplicated and concurrent review and approval commands', (get) => {
  it(
    'never posts a line twice, keeps on-hand at book plus posted deltas, audits every decision, and keeps the chain verifiable',
    async () => {
      const { db } = get();
      let runNo = 0;
      await fc.assert(
        fc.asyncProperty(sheetArb, preludeArb, stepsArb, async (sheet, prelude, steps) => {
          runNo += 1;
          await scenario(db, sheet, prelude, steps, runNo);
        }),
        { numRuns: RUNS },
      );
    },
    stepsBudget(RUNS),
  );
});
