/**
 * Approval centres (Feishu's third-party approval, DingTalk's integrated workflow tasks): each pending
 * approval step is mirrored as a task in the centre of every platform an approver has an identity on, one
 * task per person who may decide the step. Our routing (src/domain/routing.ts) and segregation of duties
 * (segregation.ts) stay the source of truth; a centre only shows the state and hands decisions back, which
 * go through approveDocument / rejectDocument exactly as a card tap does.
 *
 * The mirror is state-based (approval_centre_task): `reconcileCentres` compares the pending steps with the
 * rows, inserts rows for new approvers, moves rows whose step was decided (here, on a card, in the console
 * or in the other centre), and pushes every row not yet synced. It is idempotent and safe to run any number
 * of times; src/jobs/approvalCentres.ts runs it once at a time across instances, periodically and after
 * each decision. `synced_at` null means "the platform has not seen this row's status yet".
 */
import { sql } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError } from '../domain/errors.ts';
import type { CommandContext } from '../domain/people.ts';
import { centreTexts } from '../domain/texts/centres.ts';
import { approveDocument, rejectDocument } from './approvals.ts';
import type { DocumentSummary } from './documents.ts';
import { textArray } from './outbox.ts';
import { approvalConflicts } from './segregation.ts';

export type CentrePlatform = 'feishu' | 'dingtalk';
export type CentreTaskStatus = 'pending' | 'approved' | 'rejected' | 'done' | 'cancelled';

/** One approver's task as the centre should show it. */
export interface CentreTask {
  /** approval_centre_task.id: stable, usable as the platform's task id where we choose it (Feishu). */
  id: string;
  stepNo: number;
  role: string;
  /** The approver's account on the platform (person_identity.external_id). */
  approverId: string;
  approverName: string;
  status: CentreTaskStatus;
  /** The platform's task id; empty until the task was created there. */
  taskId: string;
  createdAt: string;
  /** When the step was decided (for a task no longer pending). */
  endedAt: string | null;
  /** True when the platform has not seen this status yet. */
  dirty: boolean;
}

/** One document as a centre should show it: its instance and every task of it on that platform. */
export interface CentreDocument {
  documentId: string;
  number: string;
  kind: 'gain' | 'loss';
  status: 'approving' | 'posted' | 'rejected' | 'withdrawn';
  totalValue: string;
  currency: string;
  lineCount: number;
  stocktakeCode: string;
  warehouseCode: string;
  submittedAt: string;
  decidedAt: string | null;
  /** The submitter's account on this platform, when they have one. */
  submitterId: string | null;
  submitterName: string;
  /** The platform's instance id; empty until the instance was created there. */
  instanceId: string;
  tasks: CentreTask[];
}

/** What a centre answers a sync with: the ids the platform uses (new ones included). */
export interface CentreSyncResult {
  instanceId: string;
  /** The platform's task id of each task (by CentreTask.id) that has one. */
  taskIds: Record<string, string>;
}

/** A platform's approval centre, as the reconciler drives it (bots/<platform>/centre.ts implements it). */
export interface ApprovalCentre {
  readonly platform: CentrePlatform;
  /** Makes the platform show `doc` as it is: creates the instance and tasks it lacks, updates the rest. */
  sync(doc: CentreDocument): Promise<CentreSyncResult>;
  /** Once before the first sync (Feishu defines the external approval); retried while it fails. */
  prepare?(): Promise<void>;
}

/** A decision an approver made in a centre, read and authenticated by the platform's callback. */
export interface CentreDecision {
  platform: CentrePlatform;
  /** The platform's task id (as CentreSyncResult gave it). */
  taskId: string;
  action: 'approve' | 'reject';
  reason?: string;
  /** The platform account that acted, when the callback names it in person_identity's terms. */
  operatorId?: string;
  /** The platform's instance id, when the callback carries it (checked against the task's). */
  instanceId?: string;
}

export interface ReconcileResult {
  created: number;
  moved: number;
  pushed: number;
  failed: { documentId: string; platform: CentrePlatform; error: string }[];
}

/**
 * One pass: new rows for approvers of pending steps, rows of decided steps moved, and every unsynced
 * document pushed to its centre. A platform failure leaves its rows unsynced for the next pass.
 */
export async function reconcileCentres(db: Db, centres: readonly ApprovalCentre[], now = new Date()): Promise<ReconcileResult> {
  const result: ReconcileResult = { created: 0, moved: 0, pushed: 0, failed: [] };
  if (centres.length === 0) return result;
  const platforms = textArray(centres.map((c) => c.platform));
  // Who may decide each pending step and has an account on a centre's platform: the same rule reminders
  // and direct messages use (role holders, minus segregation conflicts).
  const eligible = sql`
    select d.id as document_id, a.step_no, i.platform, g.person_id
      from adjustment_document d
      join approval_step a on a.document_id = d.id and a.status = 'pending'
      join role_grant g on g.warehouse_id = d.warehouse_id and g.role = a.role
      join person_identity i on i.person_id = g.person_id and i.platform = any(${platforms}::text[])
     where d.status = 'approving'
       and not exists (${approvalConflicts(sql`d.id`, sql`d.stocktake_id`, sql`g.person_id`)})
     group by d.id, a.step_no, i.platform, g.person_id`;
  const created = await queryRows(
    db,
    sql`insert into approval_centre_task (document_id, step_no, platform, approver_id, instance_id, task_id, status)
        select e.document_id, e.step_no, e.platform::centre_platform, e.person_id, '', '', 'pending' from (${eligible}) e
        on conflict (document_id, step_no, platform, approver_id) do nothing
        returning 1 as one`,
  );
  result.created = created.length;
  // A pending task whose step was decided, or whose approver may no longer decide it, takes its final status.
  const moved = await queryRows(
    db,
    sql`update approval_centre_task t set status = x.status::centre_task_status, synced_at = null
        from (
          select t2.id,
                 case when a.status = 'approved' and a.decided_by = t2.approver_id then 'approved'
                      when a.status = 'rejected' and a.decided_by = t2.approver_id then 'rejected'
                      when a.status in ('approved', 'rejected') then 'done'
                      else 'cancelled' end as status
            from approval_centre_task t2
            join approval_step a on a.document_id = t2.document_id and a.step_no = t2.step_no
           where t2.status = 'pending' and t2.platform = any(${platforms}::text[]::centre_platform[])
             and not exists (select 1 from (${eligible}) e
                              where e.document_id = t2.document_id and e.step_no = t2.step_no
                                and e.platform = t2.platform::text and e.person_id = t2.approver_id)
        ) x
        where x.id = t.id and t.status = 'pending'
        returning 1 as one`,
  );
  result.moved = moved.length;
  const dirty = await queryRows<{ document_id: string; platform: CentrePlatform }>(
    db,
    sql`select distinct document_id::text, platform::text from approval_centre_task
        where synced_at is null and platform = any(${platforms}::text[]::centre_platform[])`,
  );
  for (const { document_id, platform } of dirty) {
    const centre = centres.find((c) => c.platform === platform)!;
    const doc = await centreDocument(db, document_id, platform);
    if (!doc) continue;
    try {
      const synced = await centre.sync(doc);
      await markSynced(db, doc, synced, now);
      result.pushed += 1;
    } catch (error) {
      result.failed.push({ documentId: document_id, platform, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/** Records what the platform now shows: its ids, and each pushed row synced unless it moved meanwhile. */
async function markSynced(db: Db, doc: CentreDocument, synced: CentreSyncResult, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    for (const t of doc.tasks) {
      const taskId = synced.taskIds[t.id] ?? t.taskId;
      await tx.execute(sql`update approval_centre_task
                           set instance_id = ${synced.instanceId}, task_id = ${taskId},
                               synced_at = case when status = ${t.status}::centre_task_status then ${now.toISOString()}::timestamptz else synced_at end
                           where id = ${t.id}::uuid`);
    }
  });
}

/** The document and its tasks on one platform, as a centre shows them; null when it has no task there. */
export async function centreDocument(db: DbOrTx, documentId: string, platform: CentrePlatform): Promise<CentreDocument | null> {
  const [d] = await queryRows<{
    number: string;
    kind: 'gain' | 'loss';
    status: CentreDocument['status'];
    total_value: string;
    currency: string;
    line_count: number;
    stocktake_code: string;
    warehouse_code: string;
    submitted_at: string;
    decided_at: string | null;
    submitter_id: string | null;
    submitter_name: string;
  }>(
    db,
    sql`select d.number, d.kind, d.status, d.total_value::text, d.currency, d.line_count, s.code as stocktake_code, w.code as warehouse_code,
               ${isoText(sql`d.submitted_at`)} as submitted_at, ${isoText(sql`d.decided_at`)} as decided_at,
               (select min(i.external_id) from person_identity i where i.person_id = d.submitted_by and i.platform = ${platform}) as submitter_id,
               coalesce(p.name, '') as submitter_name
        from adjustment_document d join stocktake s on s.id = d.stocktake_id join warehouse w on w.id = d.warehouse_id
        left join person p on p.id = d.submitted_by
        where d.id = ${documentId}::uuid`,
  );
  if (!d) return null;
  const tasks = await queryRows<{
    id: string;
    step_no: number;
    role: string;
    approver_id: string | null;
    approver_name: string;
    status: CentreTaskStatus;
    task_id: string;
    instance_id: string;
    created_at: string;
    ended_at: string | null;
    dirty: boolean;
  }>(
    db,
    sql`select t.id::text, t.step_no, a.role::text as role,
               (select min(i.external_id) from person_identity i where i.person_id = t.approver_id and i.platform = ${platform}) as approver_id,
               p.name as approver_name, t.status::text as status, t.task_id, t.instance_id,
               ${isoText(sql`t.created_at`)} as created_at, ${isoText(sql`a.decided_at`)} as ended_at, t.synced_at is null as dirty
        from approval_centre_task t
        join approval_step a on a.document_id = t.document_id and a.step_no = t.step_no
        join person p on p.id = t.approver_id
        where t.document_id = ${documentId}::uuid and t.platform = ${platform}
        order by t.step_no, p.handle`,
  );
  if (tasks.length === 0) return null;
  return {
    documentId,
    number: d.number,
    kind: d.kind,
    status: d.status,
    totalValue: d.total_value,
    currency: d.currency,
    lineCount: Number(d.line_count),
    stocktakeCode: d.stocktake_code,
    warehouseCode: d.warehouse_code,
    submittedAt: d.submitted_at,
    decidedAt: d.decided_at,
    submitterId: d.submitter_id,
    submitterName: d.submitter_name,
    instanceId: tasks.find((t) => t.instance_id)?.instance_id ?? '',
    tasks: tasks.map((t) => ({
      id: t.id,
      stepNo: Number(t.step_no),
      role: t.role,
      // An approver whose account was removed since: the task is shown under the id it was created for.
      approverId: t.approver_id ?? '',
      approverName: t.approver_name,
      status: t.status,
      taskId: t.task_id,
      createdAt: t.created_at,
      endedAt: t.status === 'pending' ? null : (t.ended_at ?? d.decided_at ?? t.created_at),
      dirty: t.dirty,
    })),
  };
}

/** The task a centre's callback names, with who it belongs to. */
export interface CentreTaskRow {
  id: string;
  documentId: string;
  stepNo: number;
  instanceId: string;
  approver: { personId: string; handle: string; externalId: string | null };
}

export async function findCentreTask(db: DbOrTx, platform: CentrePlatform, taskId: string): Promise<CentreTaskRow | null> {
  if (!taskId) return null;
  const [row] = await queryRows<{
    id: string;
    document_id: string;
    step_no: number;
    instance_id: string;
    person_id: string;
    handle: string;
    external_id: string | null;
  }>(
    db,
    sql`select t.id::text, t.document_id::text, t.step_no, t.instance_id, p.id::text as person_id, p.handle,
               (select min(i.external_id) from person_identity i where i.person_id = p.id and i.platform = ${platform}) as external_id
        from approval_centre_task t join person p on p.id = t.approver_id
        where t.platform = ${platform} and t.task_id = ${taskId} limit 1`,
  );
  if (!row) return null;
  return {
    id: row.id,
    documentId: row.document_id,
    stepNo: Number(row.step_no),
    instanceId: row.instance_id,
    approver: { personId: row.person_id, handle: row.handle, externalId: row.external_id },
  };
}

/**
 * Applies a decision made in a centre, as the task's approver, through the same service as a card tap
 * (same refusals: segregation of duties, a step decided meanwhile, a reject without reason). The idempotency
 * key is the task and the action: the same callback delivered again replays its result and changes nothing;
 * a second, different decision on the step is refused as stale, naming who decided it and when.
 */
export async function decideFromCentre(db: Db, decision: CentreDecision, now = new Date()): Promise<DocumentSummary> {
  const task = await findCentreTask(db, decision.platform, decision.taskId);
  if (!task || (decision.instanceId !== undefined && decision.instanceId !== task.instanceId))
    throw new InvalidInputError(centreTexts.unknownTask(decision.platform));
  if (decision.operatorId !== undefined && decision.operatorId !== task.approver.externalId)
    throw new NotAllowedError(centreTexts.notYourTask());
  const ctx: CommandContext = {
    actor: {
      personId: task.approver.personId,
      handle: task.approver.handle,
      identity: `${decision.platform}:${task.approver.externalId ?? task.approver.handle}`,
    },
    idempotencyKey: `centre:${decision.platform}:${decision.taskId}:${decision.action}`,
    now,
  };
  const input = { document: task.documentId, step: task.stepNo };
  return decision.action === 'approve'
    ? approveDocument(db, ctx, input)
    : rejectDocument(db, ctx, { ...input, reason: decision.reason ?? '' });
}

/** The tasks of a document in the centres (console, CLI and tests read them). */
export async function centreTasksOf(
  db: DbOrTx,
  documentId: string,
): Promise<{ platform: CentrePlatform; stepNo: number; approver: string; status: CentreTaskStatus; taskId: string; synced: boolean }[]> {
  const rows = await queryRows<{
    platform: CentrePlatform;
    step_no: number;
    handle: string;
    status: CentreTaskStatus;
    task_id: string;
    synced: boolean;
  }>(
    db,
    sql`select t.platform::text, t.step_no, p.handle, t.status::text as status, t.task_id, t.synced_at is not null as synced
        from approval_centre_task t join person p on p.id = t.approver_id
        where t.document_id = ${documentId}::uuid order by t.platform, t.step_no, p.handle`,
  );
  return rows.map((r) => ({
    platform: r.platform,
    stepNo: Number(r.step_no),
    approver: r.handle,
    status: r.status,
    taskId: r.task_id,
    synced: r.synced,
  }));
}
