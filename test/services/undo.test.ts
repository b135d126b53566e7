/**
 * Undo (撤销), issue 14 §4: cancel a stocktake, void a count sheet (or a location's scans), reopen a
 * reviewed line, withdraw a document. Each is role-checked, needs a reason, is its own audit entry, and
 * leaves the audit chain intact.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, StaleCommandError, StocktakeStateError } from '../../src/domain/errors.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { sealAudit } from '../../src/services/auditSeal.ts';
import { verifyAudit } from '../../src/services/auditVerify.ts';
import { importBook } from '../../src/services/book.ts';
import { importCounts } from '../../src/services/counts.ts';
import { listCountImports, voidCountImport } from '../../src/services/countVoid.ts';
import { getDocument, submitVariances } from '../../src/services/documents.ts';
import { importItems } from '../../src/services/items.ts';
import { confirmVariance, listReview, reopenVariance, tagCause } from '../../src/services/review.ts';
import { addScanEntries, finishLocation, scannedAt } from '../../src/services/scans.ts';
import { closeCounting, getStocktake, startStocktake } from '../../src/services/stocktakes.ts';
import { cancelStocktake, withdrawDocument } from '../../src/services/undo.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv } from '../support/fixtures.ts';
import { countedStocktake, explainAll, submittedStocktake } from '../support/flow.ts';

const line = async (db: Db, stocktakeId: string, sku: string, location: string) => {
  const [row] = await queryRows<{ count_status: string; counted_qty: string | null; count_round: number | null; review_status: string }>(
    db,
    sql`select count_status, trim_scale(counted_qty)::text as counted_qty, count_round, review_status::text as review_status
        from stocktake_line where stocktake_id = ${stocktakeId}::uuid and sku = ${sku} and location = ${location}`,
  );
  return row ? { ...row, count_round: row.count_round === null ? null : Number(row.count_round) } : null;
};

const actions = async (db: Db) =>
  (await queryRows<{ action: string }>(db, sql`select action from audit_log order by id`)).map((r) => r.action);

/** Seals what was written and checks the whole chain: an undo is a new entry, never a rewrite. */
async function expectAuditIntact(db: Db): Promise<void> {
  await sealAudit(db, { wait: true, checkpoint: 'always' });
  const verdict = await verifyAudit(db);
  expect(verdict.problems).toEqual([]);
  expect(verdict.ok).toBe(true);
}

const sheet = (name: string, rows: (string | number)[][]) => csv(name, [['sku', 'location', 'qty'], ...rows]);

describeEachDatabase('undo', (get) => {
  it('cancels a stocktake with a reason, freeing the warehouse for a new stocktake and book imports', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    // The book cannot be replaced while a stocktake is open.
    await expect(importBook(db, 'WH1', sheet('book.csv', [['A-100', 'R1', '95']]))).rejects.toThrow(/open stocktake/);
    const counter = await cancelStocktake(db, people.carl, { stocktake: st.code, reason: 'wrong warehouse' }).catch((e: unknown) => e);
    expect(counter).toBeInstanceOf(NotAllowedError);
    expect((counter as Error).message).toContain('carl may not cancel a stocktake in WH1: needs the role supervisor or manager or admin');
    const blank = await cancelStocktake(db, people.sam, { stocktake: st.code, reason: '  ' }).catch((e: unknown) => e);
    expect(blank).toBeInstanceOf(InvalidInputError);
    expect((blank as InvalidInputError).localized?.['zh-CN']).toContain('取消盘点需要填写原因');
    expect((blank as InvalidInputError).problems[0]).toMatchObject({ column: 'reason' });

    const cancelled = await cancelStocktake(db, people.sam, { stocktake: st.code, reason: 'started on the wrong day' });
    expect(cancelled).toMatchObject({ code: st.code, status: 'cancelled', before: 'counting', documentsWithdrawn: [] });
    expect((await getStocktake(db, st.code)).status).toBe('cancelled');
    const [row] = await queryRows<{ cancel_reason: string; by: string }>(
      db,
      sql`select s.cancel_reason, p.handle as by from stocktake s join person p on p.id = s.cancelled_by where s.code = ${st.code}`,
    );
    expect(row).toEqual({ cancel_reason: 'started on the wrong day', by: 'sam' });
    // Nothing deleted: the count sheet and its entries are still there.
    expect(await listCountImports(db, await getStocktake(db, st.code))).toHaveLength(1);
    await expect(cancelStocktake(db, people.sam, { stocktake: st.code, reason: 'again' })).rejects.toThrow(StaleCommandError);
    await expect(importCounts(db, st.code, sheet('late.csv', [['A-100', 'R1', '1']]), { counter: 'carl' })).rejects.toThrow(/is cancelled/);

    await importBook(db, 'WH1', sheet('book.csv', [['A-100', 'R1', '95']]));
    const next = await startStocktake(db, 'WH1');
    expect(next.bookLines).toBe(4);
    expect(await actions(db)).toContain('stocktake.cancelled');
    await expectAuditIntact(db);
  });

  it('withdraws the documents still in approval with a cancelled stocktake, and refuses once anything is posted', async () => {
    const { db } = get();
    const { st, people, documents } = await submittedStocktake(db);
    expect(documents.map((d) => d.kind)).toEqual(['gain', 'loss']);
    const cancelled = await cancelStocktake(db, people.mo, { stocktake: st.code, reason: 'book was wrong' });
    expect(cancelled.before).toBe('approving');
    expect(cancelled.documentsWithdrawn).toEqual(documents.map((d) => d.number).sort());
    for (const d of documents) {
      const after = await getDocument(db, d.id);
      expect(after.status).toBe('withdrawn');
      expect(after.route.every((s) => s.status === 'cancelled')).toBe(true);
    }

    // A second stocktake whose gain document (12.00, supervisor only) is posted: no cancel any more.
    const second = await startStocktake(db, 'WH1');
    await importCounts(db, second.code, sheet('count.csv', [['A-200', 'R2', '21']]), { counter: 'carl' });
    await closeCounting(db, second.code);
    await explainAll(db, second.code, people.sam);
    const [gain] = (await submitVariances(db, people.sam, { stocktake: second.code })).documents;
    await approveDocument(db, people.sue, { document: gain!.id });
    const refused = await cancelStocktake(db, people.sam, { stocktake: second.code, reason: 'too late' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StocktakeStateError);
    expect((refused as Error).message).toMatch(/cannot cancel stocktake .*: (document PY-\d{4}-\d{4} is already posted|it is posted)/);
    expect((refused as StocktakeStateError).localized?.['zh-CN']).toContain('过账不能撤销');
    await expectAuditIntact(db);
  });

  it('voids one of two agreeing sheets (verified → counted), one of two disagreeing (conflict → the other count) and the only one (→ uncounted)', async () => {
    const { db } = get();
    // carl's count.csv: A-100@R1 90, A-200@R2 21, B-300@R3 50.5, C-400@R4 1.
    const { st, people } = await countedStocktake(db);
    await importItems(
      db,
      csv('items.csv', [
        ['sku', 'name', 'unit', 'unit_cost'],
        ['Z-1', 'Stray', 'pcs', '1'],
      ]),
    );
    const second = await importCounts(
      db,
      st.code,
      sheet('second.csv', [
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '25'],
      ]),
      { counter: 'sam' },
    );
    const third = await importCounts(db, st.code, sheet('third.csv', [['Z-1', 'R9', '4']]), { counter: 'sam' });
    expect(await line(db, st.id, 'A-100', 'R1')).toMatchObject({ count_status: 'verified', counted_qty: '90' });
    expect(await line(db, st.id, 'A-200', 'R2')).toMatchObject({ count_status: 'conflict', counted_qty: null });
    expect(await line(db, st.id, 'Z-1', 'R9')).toMatchObject({ count_status: 'counted', counted_qty: '4' });

    const voided = await voidCountImport(db, people.sam, { stocktake: st.code, sheet: 'second.csv', reason: 'counted the wrong aisle' });
    expect(voided).toMatchObject({ importId: second.importId, fileName: 'second.csv', linesCovered: 2, linesChanged: 2, scanEntries: 0 });
    expect(voided.changed).toEqual([
      {
        sku: 'A-100',
        location: 'R1',
        lot: '',
        before: { countStatus: 'verified', countedQty: '90' },
        after: { countStatus: 'counted', countedQty: '90' },
      },
      {
        sku: 'A-200',
        location: 'R2',
        lot: '',
        before: { countStatus: 'conflict', countedQty: null },
        after: { countStatus: 'counted', countedQty: '21' },
      },
    ]);
    expect(await line(db, st.id, 'A-100', 'R1')).toMatchObject({ count_status: 'counted', counted_qty: '90', count_round: 1 });
    expect(await line(db, st.id, 'A-200', 'R2')).toMatchObject({ count_status: 'counted', counted_qty: '21' });

    // The only count of a line the book did not have: uncounted (zero against a book of zero when counting closes).
    const only = await voidCountImport(db, people.sam, { stocktake: st.code, sheet: third.importId, reason: 'duplicate upload' });
    expect(only.changed).toEqual([
      {
        sku: 'Z-1',
        location: 'R9',
        lot: '',
        before: { countStatus: 'counted', countedQty: '4' },
        after: { countStatus: 'uncounted', countedQty: null },
      },
    ]);
    expect(await line(db, st.id, 'Z-1', 'R9')).toMatchObject({ count_status: 'uncounted', counted_qty: null, count_round: null });
    const first = (await listCountImports(db, await getStocktake(db, st.code)))[0]!;
    await voidCountImport(db, people.carl, { stocktake: st.code, sheet: first.id, reason: 'my sheet was from last month' });
    expect(await line(db, st.id, 'C-400', 'R4')).toMatchObject({ count_status: 'uncounted', counted_qty: null });

    // Nothing deleted: every import listed, the voided ones marked; the same file may come in again.
    expect((await listCountImports(db, await getStocktake(db, st.code))).map((i) => [i.fileName, i.voidedBy, i.voidReason])).toEqual([
      ['count.csv', 'carl', 'my sheet was from last month'],
      ['second.csv', 'sam', 'counted the wrong aisle'],
      ['third.csv', 'sam', 'duplicate upload'],
    ]);
    const again = await importCounts(
      db,
      st.code,
      sheet('second.csv', [
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '25'],
      ]),
      { counter: 'sam' },
    );
    expect(again.linesCounted).toBe(2);
    expect((await actions(db)).filter((a) => a === 'counts.voided')).toHaveLength(3);
    await expectAuditIntact(db);
  });

  it('refuses a void by the wrong person, without a reason, twice, by an unknown name, or after counting closed', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await importCounts(db, st.code, sheet('sam.csv', [['A-100', 'R1', '91']]), { counter: 'sam' });
    const finance = await voidCountImport(db, people.fay, { stocktake: st.code, sheet: 'sam.csv', reason: 'x' }).catch((e: unknown) => e);
    expect(finance).toBeInstanceOf(NotAllowedError);
    expect((finance as NotAllowedError).localized?.['zh-CN']).toContain('只有盘点人（sam）或 WH1 的主管、经理、管理员可以作废');
    // A counter may void their own sheet, not another person's.
    await expect(voidCountImport(db, people.carl, { stocktake: st.code, sheet: 'sam.csv', reason: 'x' })).rejects.toThrow(
      'carl may not void sam.csv: only its counter (sam) or a supervisor, manager or admin of WH1 may',
    );
    await expect(voidCountImport(db, people.sam, { stocktake: st.code, sheet: 'sam.csv', reason: '' })).rejects.toThrow(InvalidInputError);
    const unknown = await voidCountImport(db, people.sam, { stocktake: st.code, sheet: 'nope.csv', reason: 'x' }).catch((e: unknown) => e);
    expect((unknown as Error).message).toContain(
      `has no import of that id or file name (list them with \`stocktake counts list ${st.code}\`)`,
    );
    await voidCountImport(db, people.sam, { stocktake: st.code, sheet: 'sam.csv', reason: 'x' });
    await expect(voidCountImport(db, people.sam, { stocktake: st.code, sheet: 'sam.csv', reason: 'x' })).rejects.toThrow(
      /sam\.csv \(.*\) was already voided by sam/,
    );
    await closeCounting(db, st.code);
    const closed = await voidCountImport(db, people.sam, { stocktake: st.code, sheet: 'count.csv', reason: 'x' }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(StocktakeStateError);
    expect((closed as Error).message).toContain('counting of');
    expect((closed as Error).message).toContain('ask for a recount of the lines instead');
    await expectAuditIntact(db);
  });

  it("voids a location's scans: they stop counting, the location is open again, and a new count goes in", async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db, [['A-200', 'R2', '20']]);
    const carl = people.carl.actor;
    const scan = (code: string, qty: string) => ({ id: randomUUID(), location: 'R1', code, qty, at: new Date().toISOString() });
    await addScanEntries(db, st.code, carl, [scan('A-100', '50'), scan('A-100', '30')]);
    const done = await finishLocation(db, st.code, carl, 'R1');
    expect(await line(db, st.id, 'A-100', 'R1')).toMatchObject({ count_status: 'counted', counted_qty: '80' });

    const voided = await voidCountImport(db, people.carl, { stocktake: st.code, sheet: done.importId, reason: 'scanned the wrong shelf' });
    expect(voided).toMatchObject({ fileName: 'scan R1', scanEntries: 2, linesChanged: 1 });
    expect(await line(db, st.id, 'A-100', 'R1')).toMatchObject({ count_status: 'uncounted', counted_qty: null });
    expect(await scannedAt(db, st.code, carl, 'R1')).toMatchObject({ lines: [], pending: 0, done: false });
    await expect(finishLocation(db, st.code, carl, 'R1')).rejects.toThrow(/nothing scanned at R1 yet/);

    await addScanEntries(db, st.code, carl, [scan('A-100', '100')]);
    expect(await finishLocation(db, st.code, carl, 'R1')).toMatchObject({ round: 1, linesCounted: 1 });
    expect(await line(db, st.id, 'A-100', 'R1')).toMatchObject({ count_status: 'counted', counted_qty: '100' });
    await expectAuditIntact(db);
  });

  it('reopens a confirmed line before it is on a document, keeping its cause and note', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    const ref = { stocktake: st.code, line: 'A-100@R1' };
    await confirmVariance(db, people.sam, ref);
    await tagCause(db, people.sam, { ...ref, cause: 'damage', note: 'crushed box' });
    await expect(reopenVariance(db, people.carl, { ...ref, reason: 'x' })).rejects.toThrow(NotAllowedError);
    await expect(reopenVariance(db, people.sam, { ...ref, reason: ' ' })).rejects.toThrow(/reopening a reviewed line needs a reason/);
    const reopened = await reopenVariance(db, people.sue, { ...ref, reason: 'found 5 more behind the pallet' });
    expect(reopened).toMatchObject({
      reviewStatus: 'open',
      causeCode: 'damage',
      note: 'crushed box',
      confirmedBy: null,
      returnedReason: 'reopened by sue: found 5 more behind the pallet',
    });
    await expect(reopenVariance(db, people.sam, { ...ref, reason: 'again' })).rejects.toThrow(StaleCommandError);

    // On a document it is the document's to undo.
    await explainAll(db, st.code, people.sam);
    await submitVariances(db, people.sam, { stocktake: st.code });
    await expect(reopenVariance(db, people.sam, { ...ref, reason: 'late' })).rejects.toThrow(/documented; it cannot be reopened now/);
    expect(await actions(db)).toContain('variance.reopen');
    await expectAuditIntact(db);
  });

  it('withdraws a document before its first decision: steps cancelled, lines back to review confirmed, submitted again', async () => {
    const { db } = get();
    const { st, people, documents } = await submittedStocktake(db);
    const loss = documents.find((d) => d.kind === 'loss')!;
    expect((await getStocktake(db, st.code)).status).toBe('approving');

    const other = await withdrawDocument(db, people.sue, { document: loss.number, reason: 'x' }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(NotAllowedError);
    expect((other as Error).message).toBe(
      `sue may not withdraw ${loss.number}: only its submitter (sam) or a manager or admin of the warehouse may`,
    );
    await expect(withdrawDocument(db, people.sam, { document: loss.number, reason: '' })).rejects.toThrow(InvalidInputError);

    const withdrawn = await withdrawDocument(db, people.sam, { document: loss.number, reason: 'C-400 cause is wrong' });
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.route.map((s) => [s.status, s.reason])).toEqual(
      loss.route.map(() => ['cancelled', `${loss.number} withdrawn by sam: C-400 cause is wrong`]),
    );
    const review = await listReview(db, st.code);
    expect(review.filter((l) => l.sku === 'A-100' || l.sku === 'C-400').map((l) => [l.sku, l.reviewStatus, l.returnedReason])).toEqual([
      ['A-100', 'confirmed', `${loss.number} withdrawn by sam: C-400 cause is wrong`],
      ['C-400', 'confirmed', `${loss.number} withdrawn by sam: C-400 cause is wrong`],
    ]);
    expect((await getStocktake(db, st.code)).status).toBe('reviewing');
    await expect(approveDocument(db, people.sue, { document: loss.id })).rejects.toThrow(StaleCommandError);
    await expect(withdrawDocument(db, people.sam, { document: loss.number, reason: 'again' })).rejects.toThrow(
      /only a document still in approval can be withdrawn/,
    );

    // The lines can be changed and submitted again, as a new document.
    await reopenVariance(db, people.sam, { stocktake: st.code, line: 'C-400@R4', reason: 'recheck the cause' });
    await explainAll(db, st.code, people.sam);
    const resubmitted = await submitVariances(db, people.sam, { stocktake: st.code });
    expect(resubmitted.documents.map((d) => [d.kind, d.lineCount])).toEqual([['loss', 2]]);
    expect(await actions(db)).toEqual(expect.arrayContaining(['document.withdrawn', 'variance.withdrawn']));
    await expectAuditIntact(db);
  });

  it('refuses to withdraw a document once a step is approved, saying whom to ask instead (a cancel still withdraws it)', async () => {
    const { db } = get();
    // C-400 counted 10 (book 3 at 150.00): a gain of 1,050.00 goes supervisor → finance.
    const { st, people } = await countedStocktake(db, [
      ['C-400', 'R4', '10'],
      ['A-200', 'R2', '21'],
    ]);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const [gain] = (await submitVariances(db, people.sam, { stocktake: st.code })).documents;
    expect(gain!.route.map((s) => s.role)).toEqual(['supervisor', 'finance']);
    await approveDocument(db, people.sue, { document: gain!.id });
    const late = await withdrawDocument(db, people.sam, { document: gain!.number, reason: 'x' }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(StaleCommandError);
    expect((late as Error).message).toMatch(
      /was already approved at step 1 \(supervisor\) by sue at .*; it can no longer be withdrawn: ask the approver of the pending step to reject it/,
    );

    await cancelStocktake(db, people.ann, { stocktake: st.code, reason: 'recount everything' });
    expect((await getDocument(db, gain!.id)).status).toBe('withdrawn');
    await expectAuditIntact(db);
  });
});
