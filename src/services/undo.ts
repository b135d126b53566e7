/**
 * Undoing mistakes (撤销), each as a new audited event: nothing is deleted. Cancel a stocktake before
 * anything is posted, withdraw a document before its first decision. (Voiding a count sheet is in
 * countVoid.ts, reopening a reviewed line in review.ts.)
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type DbOrTx, type Db } from '../../db/client.ts';
import { NotAllowedError, StaleCommandError, StocktakeStateError } from '../domain/errors.ts';
import { requireReason } from '../domain/reasons.ts';
import { undoTexts } from '../domain/texts/undo.ts';
import { statusZh } from '../domain/texts/imports.ts';
import { holdsAnyOf, SUPERVISING_ROLES, type CommandContext, type Role } from '../domain/people.ts';
import { lineRef, type StocktakeStatus } from '../domain/stocktake.ts';
import type { AuditWriter } from './audit.ts';
import { emitEvent } from '../integration/events.ts';
import { runCommand } from './commands.ts';
import { getDocument, resolveDocument, settleStocktakeStatus, type DocumentSummary } from './documents.ts';
import { requireAnyRole, requireRole } from './people.ts';
import { getStocktake } from './stocktakes.ts';

/** Who may withdraw a document besides its submitter. */
const WITHDRAW_ANY_ROLES = ['manager', 'admin'] as const satisfies readonly Role[];

export interface CancelledStocktake {
  code: string;
  warehouse: string;
  status: 'cancelled';
  before: StocktakeStatus;
  reason: string;
  cancelledAt: string;
  /** Documents that were still in approval, withdrawn with the stocktake. */
  documentsWithdrawn: string[];
}

/**
 * Cancels a stocktake that has posted nothing: the warehouse is free for a new stocktake and for book
 * imports again, documents still in approval are withdrawn with it, and every row stays as evidence.
 * Supervisors, managers and admins of the warehouse; a reason is required.
 */
export async function cancelStocktake(
  db: Db,
  ctx: CommandContext,
  input: { stocktake: string; reason: string | undefined },
): Promise<CancelledStocktake> {
  const reason = requireReason(input.reason, { en: 'cancelling a stocktake', zh: '取消盘点' });
  return runCommand(db, ctx, 'stocktake.cancel', { ...input, reason }, async ({ tx, now, audit }) => {
    // The stocktake row lock orders this after any import, submit or close running on it.
    const st = await getStocktake(tx, input.stocktake, { forUpdate: true });
    await requireRole(tx, ctx.actor, st.warehouseId, st.warehouseCode, SUPERVISING_ROLES, 'cancel a stocktake');
    if (st.status === 'cancelled') {
      throw new StaleCommandError(undoTexts.alreadyCancelled(st.code));
    }
    const [posted] = await queryRows<{ number: string }>(
      tx,
      sql`select number from adjustment_document where stocktake_id = ${st.id}::uuid and status = 'posted' order by number limit 1`,
    );
    if (st.status === 'posted' || posted) {
      throw new StocktakeStateError(posted ? undoTexts.cancelPostedDocument(st.code, posted.number) : undoTexts.cancelPosted(st.code));
    }
    const open = await queryRows<{ id: string }>(
      tx,
      sql`select id::text as id from adjustment_document where stocktake_id = ${st.id}::uuid and status = 'approving' order by number for update`,
    );
    const withdrawn: string[] = [];
    for (const d of open) {
      const doc = await resolveDocument(tx, d.id);
      await withdrawWithin(tx, ctx, doc, `${st.code} cancelled: ${reason}`, now, audit);
      withdrawn.push(doc.number);
    }
    const moved = await queryRows(
      tx,
      sql`update stocktake set status = 'cancelled', cancelled_at = ${now.toISOString()}::timestamptz, cancelled_by = ${ctx.actor.personId}::uuid, cancel_reason = ${reason}
          where id = ${st.id}::uuid and status in ('counting', 'reviewing', 'approving') returning 1`,
    );
    if (moved.length !== 1) throw new StaleCommandError(undoTexts.changedMeanwhile(st.code));
    audit.add({
      action: 'stocktake.cancelled',
      entityType: 'stocktake',
      entityId: st.id,
      stocktakeId: st.id,
      before: { status: st.status },
      after: { status: 'cancelled', reason, documentsWithdrawn: withdrawn },
    });
    return {
      code: st.code,
      warehouse: st.warehouseCode,
      status: 'cancelled' as const,
      before: st.status,
      reason,
      cancelledAt: now.toISOString(),
      documentsWithdrawn: withdrawn,
    };
  });
}

/**
 * Withdraws a submitted document before its first decision: its approval steps are cancelled, its lines
 * go back to review as confirmed (with the reason shown on them), and the approvers' cards update. Its
 * submitter may, or a manager or admin of the warehouse; a reason is required. Once a step is approved it
 * is the approvers' to reject.
 */
export async function withdrawDocument(
  db: Db,
  ctx: CommandContext,
  input: { document: string; reason: string | undefined },
): Promise<DocumentSummary> {
  const reason = requireReason(input.reason, { en: 'withdrawing a document', zh: '撤回单据' });
  return runCommand(db, ctx, 'document.withdraw', { ...input, reason }, async ({ tx, now, audit }) => {
    const doc = await resolveDocument(tx, input.document, { forUpdate: true, actor: ctx.actor });
    // A stranger to the warehouse is refused before anything about the document's state is said.
    const roles = await requireAnyRole(tx, ctx.actor, doc.warehouseId, `document ${doc.number}`);
    const [meta] = await queryRows<{ submitted_by: string; submitter: string }>(
      tx,
      sql`select d.submitted_by::text as submitted_by, p.handle as submitter from adjustment_document d join person p on p.id = d.submitted_by where d.id = ${doc.id}::uuid`,
    );
    const isSubmitter = meta!.submitted_by === ctx.actor.personId && holdsAnyOf(roles, SUPERVISING_ROLES);
    if (!isSubmitter && !holdsAnyOf(roles, WITHDRAW_ANY_ROLES)) {
      throw new NotAllowedError(undoTexts.mayNotWithdraw(ctx.actor.handle, doc.number, meta!.submitter));
    }
    if (doc.status !== 'approving') {
      throw new StaleCommandError(undoTexts.notInApproval(doc.number, doc.status, statusZh(doc.status)));
    }
    const [decided] = await queryRows<{ step_no: number; role: string; handle: string | null; decided_at: string | null }>(
      tx,
      sql`select a.step_no, a.role::text as role, p.handle, ${isoText(sql`a.decided_at`)} as decided_at
          from approval_step a left join person p on p.id = a.decided_by
          where a.document_id = ${doc.id}::uuid and a.status = 'approved' order by a.step_no limit 1`,
    );
    if (decided) {
      throw new StaleCommandError(
        undoTexts.alreadyApproved(doc.number, decided.step_no, decided.role, decided.handle ?? '?', decided.decided_at ?? '?'),
      );
    }
    await withdrawWithin(tx, ctx, doc, reason, now, audit);
    await settleStocktakeStatus(tx, { id: doc.stocktakeId });
    return getDocument(tx, doc.id);
  });
}

/**
 * The withdrawal itself, inside the caller's transaction (a withdraw or a stocktake's cancel): steps still
 * waiting or pending are cancelled, the document is withdrawn, and its lines return to review, confirmed.
 */
async function withdrawWithin(
  tx: DbOrTx,
  ctx: CommandContext,
  doc: { id: string; number: string; stocktakeId: string },
  reason: string,
  now: Date,
  audit: AuditWriter,
): Promise<void> {
  const shown = `${doc.number} withdrawn by ${ctx.actor.handle}: ${reason}`;
  const steps = await queryRows<{ step_no: number }>(
    tx,
    sql`update approval_step set status = 'cancelled', reason = ${shown}, due_at = null
        where document_id = ${doc.id}::uuid and status in ('waiting', 'pending') returning step_no`,
  );
  await tx.execute(
    sql`update adjustment_document set status = 'withdrawn', decided_at = ${now.toISOString()}::timestamptz, withdrawn_by = ${ctx.actor.personId}::uuid, withdrawn_reason = ${reason}
        where id = ${doc.id}::uuid and status = 'approving'`,
  );
  const lines = await queryRows<{ sku: string; location: string; lot: string }>(
    tx,
    sql`update stocktake_line l set review_status = 'confirmed', returned_reason = ${shown}
        from document_line dl
        where dl.document_id = ${doc.id}::uuid and l.stocktake_id = ${doc.stocktakeId}::uuid and l.sku = dl.sku and l.location = dl.location
          and l.lot = dl.lot and l.review_status = 'documented'
        returning l.sku, l.location, l.lot`,
  );
  for (const r of lines) {
    audit.add({
      action: 'variance.withdrawn',
      entityType: 'variance',
      entityId: `${doc.number}/${lineRef(r)}`,
      stocktakeId: doc.stocktakeId,
      documentId: doc.id,
      line: { sku: r.sku, location: r.location, lot: r.lot },
      before: { reviewStatus: 'documented' },
      after: { reviewStatus: 'confirmed', returnedReason: shown },
    });
  }
  audit.add({
    action: 'document.withdrawn',
    entityType: 'document',
    entityId: doc.id,
    stocktakeId: doc.stocktakeId,
    documentId: doc.id,
    before: { status: 'approving' },
    after: { status: 'withdrawn', reason, stepsCancelled: steps.map((s) => Number(s.step_no)), linesReturned: lines.length },
  });
  await emitEvent(tx, { type: 'document.cancelled', documentId: doc.id }, now);
}

/** Who withdrew a document and why; null when it was not withdrawn. */
export async function withdrawalOf(db: DbOrTx, documentId: string): Promise<{ by: string | null; reason: string | null } | null> {
  const [row] = await queryRows<{ by: string | null; reason: string | null }>(
    db,
    sql`select p.handle as by, d.withdrawn_reason as reason from adjustment_document d left join person p on p.id = d.withdrawn_by
        where d.id = ${documentId}::uuid and d.status = 'withdrawn'`,
  );
  return row ?? null;
}
