import { sql } from 'drizzle-orm';
import { isoText } from '../../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { personOf } from './common.ts';
import type { DigestChanges, DocumentEvent } from './types.ts';

/** Audit actions counted per kind of change. */
const COUNTED: Record<
  string,
  keyof Pick<DigestChanges, 'confirmed' | 'tagged' | 'notes' | 'recountsRequested' | 'recounted' | 'reassigned' | 'returned'>
> = {
  'variance.confirm': 'confirmed',
  'variance.tag': 'tagged',
  'variance.note': 'notes',
  'variance.recount': 'recountsRequested',
  'variance.recounted': 'recounted',
  'variance.assign': 'reassigned',
  'variance.returned': 'returned',
};

const DOCUMENT_EVENTS = {
  'document.submitted': 'submitted',
  'document.approved': 'approved',
  'document.rejected': 'rejected',
  'document.posted': 'posted',
} as const;

/**
 * What changed in a stocktake after `from` up to and including `to`, read from the audit trail — every
 * change appends to it with its time, actor and before/after, so nothing needs a timestamp of its own:
 * count sheets and the lines they covered, review actions, counting closed, and document events.
 */
export async function digestChanges(tx: DbOrTx, stocktakeId: string, from: Date, to: Date): Promise<DigestChanges> {
  const window = sql`a.stocktake_id = ${stocktakeId}::uuid and a.at > ${from.toISOString()}::timestamptz and a.at <= ${to.toISOString()}::timestamptz`;
  const grouped = await queryRows<{ action: string; n: number; lines: number; last_at: string }>(
    tx,
    sql`select a.action, count(*)::int as n,
          coalesce(sum((a.after->>'linesCounted')::int) filter (where a.action in ('counts.imported', 'counts.recount_imported')), 0)::int as lines,
          ${isoText(sql`max(a.at)`)} as last_at
        from audit_log a where ${window} group by a.action`,
  );
  const changes: DigestChanges = {
    from: from.toISOString(),
    to: to.toISOString(),
    imports: 0,
    linesCounted: 0,
    confirmed: 0,
    tagged: 0,
    notes: 0,
    recountsRequested: 0,
    recounted: 0,
    reassigned: 0,
    returned: 0,
    started: null,
    countingClosed: null,
    submitted: [],
    approved: [],
    rejected: [],
    posted: [],
  };
  for (const g of grouped) {
    if (g.action === 'counts.imported' || g.action === 'counts.recount_imported') {
      changes.imports += Number(g.n);
      changes.linesCounted += Number(g.lines);
    } else if (g.action === 'stocktake.started') changes.started = g.last_at;
    else if (g.action === 'stocktake.counting_closed') changes.countingClosed = g.last_at;
    else if (COUNTED[g.action]) changes[COUNTED[g.action]!] += Number(g.n);
  }
  if (!grouped.some((g) => g.action in DOCUMENT_EVENTS)) return changes;
  const events = await queryRows<{
    action: keyof typeof DOCUMENT_EVENTS;
    at: string;
    number: string;
    kind: 'gain' | 'loss';
    total_value: string;
    handle: string | null;
    name: string | null;
    step_no: number | null;
    role: string | null;
    reason: string | null;
  }>(
    tx,
    sql`select a.action, ${isoText(sql`a.at`)} as at, d.number, d.kind, d.total_value::text as total_value, p.handle, p.name,
          s.step_no, s.role::text as role, a.after->>'reason' as reason
        from audit_log a
        join adjustment_document d on d.id = a.document_id
        left join person p on p.id = a.actor_person_id
        left join approval_step s on s.document_id = a.document_id and s.step_no = (a.after->>'step')::int
                                  and a.action in ('document.approved', 'document.rejected')
        where ${window} and a.action in ('document.submitted', 'document.approved', 'document.rejected', 'document.posted')
        order by a.id`,
  );
  for (const e of events) {
    const event: DocumentEvent = {
      number: e.number,
      kind: e.kind,
      totalValue: e.total_value,
      at: e.at,
      by: personOf(e.handle, e.name),
      stepNo: e.step_no === null ? null : Number(e.step_no),
      role: e.role,
      reason: e.reason,
    };
    changes[DOCUMENT_EVENTS[e.action]].push(event);
  }
  return changes;
}
