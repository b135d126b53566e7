import { lineRef } from '../domain/stocktake.ts';
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { both } from '../../db/copy.ts';
import { InvalidInputError, NotAllowedError, StaleCommandError } from '../domain/errors.ts';
import type { CommandContext, Role } from '../domain/people.ts';
import type { AuditWriter } from './audit.ts';
import { emitEvent } from '../integration/events.ts';
import { runCommand } from './commands.ts';
import { getDocument, resolveDocument, settleAfterCommit, settleStocktakeStatus, type DocumentSummary } from './documents.ts';
import { heldRoles, noRoleError } from './people.ts';
import { policyOf } from './policy.ts';
import { postDocument } from './posting.ts';
import { firstConflict, toConflict, type ApprovalConflict, type ConflictRow } from './segregation.ts';
import { approvalTexts } from '../domain/texts/review.ts';

export interface DecisionInput {
  document: string;
  /** The step the approver saw (a card carries it): a decision on a step that has moved on is stale. */
  step?: number;
}

interface Step {
  step_no: number;
  role: Role;
  status: string;
  decided_by: string | null;
  decided_by_handle: string | null;
  decided_at: string | null;
}

type LockedDocument = Awaited<ReturnType<typeof resolveDocument>>;

/** The document a decision names, locked: read together with the command's idempotency claim. */
const lockDocument = (ctx: CommandContext, input: DecisionInput) => (tx: DbOrTx) =>
  resolveDocument(tx, input.document, { forUpdate: true, actor: ctx.actor });

/**
 * With the document locked, finds the step being decided, refusing a decision on a document or step that has
 * moved on (naming who decided it and when), and anyone who does not hold the step's role. With `segregation`,
 * also reads the first reason the actor may not approve the document (segregation.ts), returned as `conflict`.
 *
 * The roles, the steps and the conflict are one statement: a decision's reads cost Postgres and postgres.js
 * about a tenth of a millisecond each, whatever they read (`npm run bench:writes`).
 */
async function decidableStep(
  tx: DbOrTx,
  ctx: CommandContext,
  input: DecisionInput,
  verb: string,
  doc: LockedDocument,
  segregation = false,
) {
  const [read] = await queryRows<{ roles: Role[]; steps: Step[]; conflict: ConflictRow | null }>(
    tx,
    sql`select
          ${heldRoles(ctx.actor.personId, doc.warehouseId)} as roles,
          coalesce((select json_agg(json_build_object('step_no', a.step_no, 'role', a.role, 'status', a.status, 'decided_by', a.decided_by,
                      'decided_by_handle', p.handle, 'decided_at', ${isoText(sql`a.decided_at`)}) order by a.step_no)
                    from approval_step a left join person p on p.id = a.decided_by where a.document_id = ${doc.id}::uuid), '[]'::json) as steps,
          ${segregation ? sql`(select row_to_json(c) from (${firstConflict(doc, ctx.actor.personId)}) c)` : sql`null::json`} as conflict`,
  );
  // A stranger to the warehouse is refused before anything about the document's state is said.
  const roles = new Set(read!.roles);
  if (roles.size === 0) throw noRoleError(ctx.actor, `document ${doc.number}`);
  const steps = read!.steps;
  const current = steps.find((s) => s.status === 'pending');
  if (input.step !== undefined) {
    const seen = steps.find((s) => Number(s.step_no) === input.step);
    if (!seen) throw new InvalidInputError(approvalTexts.noStep(doc.number, input.step));
    if (seen.status !== 'pending') {
      throw new StaleCommandError(
        seen.decided_at
          ? approvalTexts.stepDecided(seen.step_no, seen.role, doc.number, seen.status, seen.decided_by_handle ?? '', seen.decided_at)
          : approvalTexts.stepNotPending(seen.step_no, seen.role, doc.number, seen.status),
      );
    }
  }
  if (doc.status !== 'approving' || !current) throw new StaleCommandError(approvalTexts.nothingToDecide(doc.number, doc.status, verb));
  if (!roles.has(current.role)) {
    throw new NotAllowedError(
      approvalTexts.needsStepRole(ctx.actor.handle, verb, current.step_no, doc.number, current.role, doc.warehouse),
    );
  }
  // What a decision needs of the stocktake is which one it is (its lines, its status to settle).
  return { doc, steps, current, st: { id: doc.stocktakeId }, conflict: toConflict(read!.conflict) };
}

/**
 * Segregation of duties (segregation.ts), enforced here and not only on cards: whoever counted or explained
 * (confirmed or tagged) a line of the document may not approve it, and nobody approves two steps of one document.
 */
function checkSegregation(ctx: CommandContext, doc: { number: string }, found: ApprovalConflict | null): void {
  if (!found) return;
  const who = ctx.actor.handle;
  switch (found.conflict) {
    case 'approved':
      throw new NotAllowedError(approvalTexts.approvedTwice(who, found.stepNo, found.role, doc.number));
    case 'counted':
    case 'explained':
      throw new NotAllowedError(
        (found.conflict === 'counted' ? approvalTexts.countedLine : approvalTexts.explainedLine)(
          who,
          `${found.sku}@${found.location || '-'}`,
          doc.number,
        ),
      );
  }
}

/** Approves the pending step; the next step becomes pending, or the last approval posts the document. */
export async function approveDocument(db: Db, ctx: CommandContext, input: DecisionInput): Promise<DocumentSummary> {
  return runCommand<DocumentSummary, LockedDocument>(
    db,
    ctx,
    'document.approve',
    input,
    async ({ tx, now, audit, afterCommit }, locked) => {
      const { doc, steps, current, st, conflict } = await decidableStep(tx, ctx, input, 'approve', locked, true);
      checkSegregation(ctx, doc, conflict);
      const decide = async () => {
        const decided = await queryRows(
          tx,
          sql`update approval_step set status = 'approved', decided_by = ${ctx.actor.personId}::uuid, decided_at = ${now.toISOString()}::timestamptz
            where document_id = ${doc.id}::uuid and step_no = ${current.step_no} and status = 'pending' returning 1`,
        );
        if (decided.length !== 1) throw new StaleCommandError(approvalTexts.decidedMeanwhile(current.step_no, doc.number));
      };
      // Recorded before the decision is written: a decision refused throws, and nothing recorded is kept.
      audit.add({
        action: 'document.approved',
        entityType: 'document',
        entityId: doc.id,
        stocktakeId: doc.stocktakeId,
        documentId: doc.id,
        before: { step: current.step_no, role: current.role, status: 'pending' },
        after: { step: current.step_no, role: current.role, status: 'approved' },
      });
      const next = steps.find((s) => Number(s.step_no) === Number(current.step_no) + 1);
      if (next) {
        await decide();
        const policy = await policyOf(tx, doc.warehouseId);
        await tx.execute(sql`update approval_step set status = 'pending', due_at = ${new Date(now.getTime() + policy.approvalSlaHours * 3600_000).toISOString()}::timestamptz
                           where document_id = ${doc.id}::uuid and step_no = ${next.step_no} and status = 'waiting'`);
        return getDocument(tx, doc.id);
      }
      // The last step: its decision goes out with the posting's writes, and the answer's document with the
      // posting's last reads (two round trips fewer on Postgres). A step found decided meanwhile (the
      // document is locked, so only by a hand outside the product) throws, and the posting rolls back with it.
      const [, posted] = await both(tx, decide, () => postDocument(tx, doc, st, now, audit, () => getDocument(tx, doc.id)));
      // Two postings of the last documents at once each see the other's lines as still documented, so a
      // posting settles again once committed; while lines are still in review no posting can finish the
      // stocktake, and that second settle (a statement and a round trip) is skipped.
      if (posted.status !== 'reviewing') settleAfterCommit({ afterCommit }, st);
      return posted.alongside;
    },
    lockDocument(ctx, input),
  );
}

/** Rejects the pending step with a reason: the document is closed and its lines go back to review, the reason visible on them. */
export async function rejectDocument(db: Db, ctx: CommandContext, input: DecisionInput & { reason: string }): Promise<DocumentSummary> {
  const reason = input.reason?.trim();
  if (!reason) return Promise.reject(new InvalidInputError(approvalTexts.rejectNeedsReason()));
  return runCommand<DocumentSummary, LockedDocument>(
    db,
    ctx,
    'document.reject',
    input,
    async ({ tx, now, audit }, locked) => {
      const { doc, current, st } = await decidableStep(tx, ctx, input, 'reject', locked);
      await tx.execute(sql`update approval_step set status = 'rejected', decided_by = ${ctx.actor.personId}::uuid, decided_at = ${now.toISOString()}::timestamptz, reason = ${reason}
                         where document_id = ${doc.id}::uuid and step_no = ${current.step_no} and status = 'pending'`);
      await tx.execute(sql`update approval_step set status = 'cancelled' where document_id = ${doc.id}::uuid and status = 'waiting'`);
      await tx.execute(
        sql`update adjustment_document set status = 'rejected', decided_at = ${now.toISOString()}::timestamptz, rejected_reason = ${reason} where id = ${doc.id}::uuid`,
      );
      const returned = await returnLines(tx, doc.id, st.id, reason, audit, doc.number);
      audit.add({
        action: 'document.rejected',
        entityType: 'document',
        entityId: doc.id,
        stocktakeId: doc.stocktakeId,
        documentId: doc.id,
        before: { status: 'approving', step: current.step_no },
        after: { status: 'rejected', step: current.step_no, reason, linesReturned: returned },
      });
      await emitEvent(tx, { type: 'document.rejected', documentId: doc.id }, now);
      await settleStocktakeStatus(tx, st);
      return getDocument(tx, doc.id);
    },
    lockDocument(ctx, input),
  );
}

async function returnLines(
  tx: DbOrTx,
  documentId: string,
  stocktakeId: string,
  reason: string,
  audit: AuditWriter,
  number: string,
): Promise<number> {
  const rows = await queryRows<{ sku: string; location: string; lot: string }>(
    tx,
    sql`update stocktake_line l set review_status = 'open', returned_reason = ${`${number} rejected: ${reason}`}, confirmed_by = null, confirmed_at = null
        from document_line dl
        where dl.document_id = ${documentId}::uuid and l.stocktake_id = ${stocktakeId}::uuid and l.sku = dl.sku and l.location = dl.location and l.lot = dl.lot and l.review_status = 'documented'
        returning l.sku, l.location, l.lot`,
  );
  for (const r of rows) {
    audit.add({
      action: 'variance.returned',
      entityType: 'variance',
      entityId: `${number}/${lineRef(r)}`,
      stocktakeId,
      documentId,
      line: { sku: r.sku, location: r.location, lot: r.lot },
      before: { reviewStatus: 'documented' },
      after: { reviewStatus: 'open', returnedReason: `${number} rejected: ${reason}` },
    });
  }
  return rows.length;
}
