import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { NotAllowedError, StaleCommandError } from '../../src/domain/errors.ts';
import { approveDocument, rejectDocument } from '../../src/services/approvals.ts';
import { sealAudit } from '../../src/services/auditSeal.ts';
import { verifyAudit } from '../../src/services/auditVerify.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { closeCounting, getStocktake } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { moveStock, shanghai } from '../support/fixtures.ts';
import { countedStocktake, explainAll, submittedStocktake } from '../support/flow.ts';

const onHand = async (db: Db) =>
  Object.fromEntries(
    (
      await queryRows<{ k: string; qty: string }>(
        db,
        sql`select sku || '@' || location as k, trim_scale(qty)::text as qty from on_hand order by 1`,
      )
    ).map((r) => [r.k, r.qty]),
  );

describeEachDatabase('documents, approvals and posting', (get) => {
  it('routes by value: supervisor only up to 1,000; finance above; manager above 10,000', async () => {
    const { db } = get();
    // C-400 (book 3 at 150.00) counted 4, 10 and 80: gains of 150.00, 1,050.00 and 11,550.00. A-100 (book 100
    // at 2.50) counted 500 and 4,100: gains of exactly 1,000.00 and 10,000.00 — at a threshold is not above it.
    const cases: [string[], string, string[]][] = [
      [['C-400', 'R4', '4'], '150.00', ['supervisor']],
      [['A-100', 'R1', '500'], '1000.00', ['supervisor']],
      [['C-400', 'R4', '10'], '1050.00', ['supervisor', 'finance']],
      [['A-100', 'R1', '4100'], '10000.00', ['supervisor', 'finance']],
      [['C-400', 'R4', '80'], '11550.00', ['supervisor', 'finance', 'manager']],
    ];
    for (const [count, value, route] of cases) {
      await db.execute(
        sql.raw(
          `truncate ${(await queryRows<{ t: string }>(db, sql`select string_agg('"' || tablename || '"', ',') as t from pg_tables where schemaname = 'public'`))[0]!.t} restart identity cascade`,
        ),
      );
      const { st, people } = await countedStocktake(db, [count]);
      await closeCounting(db, st.code);
      await explainAll(db, st.code, people.sam);
      const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
      const gain = documents.find((d) => d.kind === 'gain')!;
      expect([gain.totalValue, gain.route.map((s) => s.role)]).toEqual([value, route]);
    }
  });

  it('numbers gain and loss documents per warehouse and year, and submitting again creates nothing', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const first = await submitVariances(db, people.sam, { stocktake: st.code });
    const year = new Date().getFullYear();
    expect(first.documents.map((d) => [d.number, d.kind, d.lineCount, d.totalValue])).toEqual([
      [`PY-${year}-0001`, 'gain', 1, '12.00'],
      [`PK-${year}-0001`, 'loss', 2, '-325.00'],
    ]);
    expect((await getStocktake(db, st.code)).status).toBe('approving');
    const again = await submitVariances(db, people.sam, { stocktake: st.code });
    expect(again.documents).toEqual([]);
    const selected = await submitVariances(db, people.sam, { stocktake: st.code, lines: ['A-100@R1'] });
    expect(selected).toMatchObject({ documents: [], alreadyDocumented: ['A-100@R1'] });
  });

  it('enforces segregation of duties: no approval by who counted, who explained, or for two steps', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db, [['C-400', 'R4', '0']]);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sue);
    const [doc] = (await submitVariances(db, people.sam, { stocktake: st.code })).documents;
    // One loss document under 1,000 → supervisor only. sue explained it; carl counted C-400 (and is no supervisor).
    await expect(approveDocument(db, people.sue, { document: doc!.number })).rejects.toThrow(/sue explained .* on PK-.* may not approve/);
    await expect(approveDocument(db, people.carl, { document: doc!.number })).rejects.toThrow(/needs the role supervisor/);
    const { grantRole } = await import('../../src/services/people.ts');
    await grantRole(db, 'carl', 'supervisor', 'WH1');
    await expect(approveDocument(db, people.carl, { document: doc!.number })).rejects.toThrow(/carl counted C-400@R4 .* may not approve/);
    expect((await approveDocument(db, people.sam, { document: doc!.number })).status).toBe('posted');
  });

  it('refuses one person approving two steps of the same document', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db, [['C-400', 'R4', '0']]);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const [doc] = (await submitVariances(db, people.sam, { stocktake: st.code })).documents;
    expect(doc!.route.map((s) => s.role)).toEqual(['supervisor']);
    // Give it a second step, finance, which ann also holds.
    await db.execute(sql`update approval_step set status = 'pending' where step_no = 1`);
    await db.execute(
      sql`insert into approval_step (document_id, step_no, role, status) values (${doc!.id}::uuid, 2, 'finance', 'waiting')`,
    );
    await approveDocument(db, people.ann, { document: doc!.number, step: 1 });
    const error = await approveDocument(db, people.ann, { document: doc!.number, step: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect((error as Error).message).toMatch(/already approved step 1 .* may not approve two steps/);
    expect((await approveDocument(db, people.fay, { document: doc!.number, step: 2 })).status).toBe('posted');
  });

  it('rejects with a reason, sends the lines back to review with it, and a resubmission gets a new number', async () => {
    const { db } = get();
    const { st, people, documents } = await submittedStocktake(db);
    const loss = documents.find((d) => d.kind === 'loss')!;
    await expect(rejectDocument(db, people.sue, { document: loss.number, reason: ' ' })).rejects.toThrow(/needs a reason/);
    const rejected = await rejectDocument(db, people.sue, { document: loss.number, reason: 'photos missing' });
    expect(rejected.status).toBe('rejected');
    const review = await listReview(db, st.code);
    expect(review.filter((l) => l.reviewStatus === 'open').map((l) => [l.sku, l.returnedReason])).toEqual([
      ['A-100', `${loss.number} rejected: photos missing`],
      ['C-400', `${loss.number} rejected: photos missing`],
    ]);
    expect((await getStocktake(db, st.code)).status).toBe('reviewing');
    await expect(approveDocument(db, people.sue, { document: loss.number })).rejects.toBeInstanceOf(StaleCommandError);
    await explainAll(db, st.code, people.sam);
    const again = await submitVariances(db, people.sam, { stocktake: st.code });
    expect(again.documents.map((d) => d.number)).toEqual([loss.number.replace(/0001$/, '0002')]);
  });

  it('posts by the variance delta, so movements made during review are kept, and never posts a line twice', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    // During review (after the count): 7 more A-100 arrive and 1 C-400 leaves.
    const later = shanghai(new Date(Date.now() + 60_000));
    await moveStock(db, [
      ['A-100', 'R1', '7', 'receipt', 'PO-5', later],
      ['C-400', 'R4', '-1', 'issue', 'SO-5', later],
    ]);
    const before = await onHand(db);
    expect(before).toMatchObject({ 'A-100@R1': '107', 'C-400@R4': '2' });
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    for (const d of documents) await approveDocument(db, people.sue, { document: d.number });
    expect(await onHand(db)).toEqual({ ...before, 'A-100@R1': '97', 'A-200@R2': '21', 'C-400@R4': '0' });
    const ledger = await queryRows<{ n: number; lines: number }>(
      db,
      sql`select count(*)::int as n, count(distinct (document_id, line_no))::int as lines from ledger_entry`,
    );
    expect(ledger[0]).toEqual({ n: 3, lines: 3 });
    expect((await getStocktake(db, st.code)).status).toBe('posted');
    await expect(approveDocument(db, people.ann, { document: documents[0]!.number })).rejects.toBeInstanceOf(StaleCommandError);
  });

  it('ends posted when the last two documents are approved at once, though neither posting waits for the other', async () => {
    const { db } = get();
    const { st, people, documents } = await submittedStocktake(db);
    expect(documents).toHaveLength(2);
    // Each posting may see the other's lines as still documented; the one committing last settles it.
    await Promise.all(documents.map((d) => approveDocument(db, people.sue, { document: d.number })));
    expect((await getStocktake(db, st.code)).status).toBe('posted');
    expect((await verifyAudit(db)).ok).toBe(true);
  });

  it('lets exactly one of two approvers tapping at once decide; the other is told who decided and when', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db, [['C-400', 'R4', '2']]);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.ann);
    const [doc] = (await submitVariances(db, people.ann, { stocktake: st.code })).documents;
    const results = await Promise.allSettled([
      approveDocument(db, people.sam, { document: doc!.number, step: 1 }),
      approveDocument(db, people.sue, { document: doc!.number, step: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(refused.reason).toBeInstanceOf(StaleCommandError);
    expect(String(refused.reason.message)).toMatch(/already approved by (sam|sue) at \d{4}-/);
    expect((await queryRows(db, sql`select 1 from ledger_entry`)).length).toBe(doc!.lineCount);
    expect((await queryRows(db, sql`select 1 from audit_log where action = 'document.approved'`)).length).toBe(1);
  });

  it('gives the same key one effect and the first result back', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db, [['C-400', 'R4', '2']]);
    await closeCounting(db, st.code);
    const first = await confirmVariance(db, { ...people.sam, idempotencyKey: 'tap-1' }, { stocktake: st.code, line: 'C-400' });
    const again = await confirmVariance(db, { ...people.sam, idempotencyKey: 'tap-1' }, { stocktake: st.code, line: 'C-400' });
    expect(again).toEqual(first);
    await tagCause(db, people.sam, { stocktake: st.code, line: 'C-400', cause: 'damage' });
    const both = await Promise.all([
      submitVariances(db, { ...people.sam, idempotencyKey: 'submit-1' }, { stocktake: st.code }),
      submitVariances(db, { ...people.sam, idempotencyKey: 'submit-1' }, { stocktake: st.code }),
    ]);
    expect(both[1]).toEqual(both[0]);
    expect((await queryRows(db, sql`select 1 from adjustment_document`)).length).toBe(1);
    const audited = await queryRows(db, sql`select 1 from audit_log where idempotency_key = 'tap-1'`);
    expect(audited).toHaveLength(1);
  });

  it('seals the audit entries of a whole flow into a chain that verifies, and names the first row edited or removed', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    await sealAudit(db, { wait: true });
    expect(await verifyAudit(db)).toMatchObject({ ok: true, unsealed: 0 });
    const [{ n }] = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log`)) as [{ n: number }];
    expect(n).toBeGreaterThan(10);
    await db.execute(sql`update audit_log set after = '{"causeCode":"theft"}'::jsonb where seq = 7`);
    expect((await verifyAudit(db)).problems).toEqual([{ kind: 'edited', id: expect.any(String), seq: '7' }]);
    await db.execute(sql`delete from audit_log where seq = 7`);
    expect((await verifyAudit(db)).problems).toEqual([expect.objectContaining({ kind: 'removed', seq: '8', fromSeq: '7', toSeq: '7' })]);
    // Two rows swapping places: each hash covers the row's id and place, so the first moved row no longer matches.
    await db.execute(sql`delete from audit_log`);
    await db.execute(sql`delete from audit_checkpoint`);
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    expect(documents.length).toBeGreaterThan(0);
    await sealAudit(db, { wait: true });
    expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 2 });
    await db.execute(sql`update audit_log set seq = -1 where seq = 1`);
    await db.execute(sql`update audit_log set seq = 1 where seq = 2`);
    await db.execute(sql`update audit_log set seq = 2 where seq = -1`);
    expect((await verifyAudit(db)).problems[0]).toMatchObject({ kind: 'edited', seq: '1' });
  });
});
