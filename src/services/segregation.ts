/**
 * Segregation of duties, written once: who may not approve a step of an adjustment document. Approving
 * (approvals.ts) refuses such a person with the first reason found, and reminders (reminders.ts) leave them
 * out of who may decide an overdue step. Both use `approvalConflicts`, so the rule cannot drift between them.
 */
import { sql, type SQL } from 'drizzle-orm';

/** Why a person may not approve a step of a document, in the order they are reported. */
export type ApprovalConflict =
  | { conflict: 'approved'; stepNo: number; role: string }
  | { conflict: 'counted'; sku: string; location: string }
  | { conflict: 'explained'; sku: string; location: string };

/**
 * A query with one row per reason `person` may not approve a step of `document` (of stocktake `stocktake`):
 * they approved another step of it (nobody approves two steps), counted one of its lines (their name is on
 * the count sheet), or explained one (confirmed it or tagged its cause). The arguments are SQL expressions,
 * bound values (`sql\`${id}::uuid\``) or columns of the surrounding query (`sql\`d.id\``). Columns: rank (the
 * order above), conflict, step_no, role, sku, location. Empty when the person may approve.
 */
export function approvalConflicts(document: SQL, stocktake: SQL, person: SQL): SQL {
  return sql`
    select 1 as rank, 'approved' as conflict, o.step_no, o.role::text as role, null::text as sku, null::text as location
      from approval_step o where o.document_id = ${document} and o.status = 'approved' and o.decided_by = ${person}
    union all
    select 2, 'counted', null, null, dl.sku, dl.location from document_line dl
      join count_entry ce on ce.stocktake_id = ${stocktake} and ce.sku = dl.sku and ce.location = dl.location and ce.lot = dl.lot
      join count_import ci on ci.id = ce.import_id
      where dl.document_id = ${document} and ci.counter_person_id = ${person}
    union all
    select 3, 'explained', null, null, dl.sku, dl.location from document_line dl
      join stocktake_line sl on sl.stocktake_id = ${stocktake} and sl.sku = dl.sku and sl.location = dl.location and sl.lot = dl.lot
      where dl.document_id = ${document} and (sl.explained_by = ${person} or sl.confirmed_by = ${person})`;
}

/** The row `firstConflict` reads: a reason's columns as SQL returns them. */
export interface ConflictRow {
  conflict: ApprovalConflict['conflict'];
  step_no: number | null;
  role: string | null;
  sku: string | null;
  location: string | null;
}

/**
 * A query with the first reason `personId` may not approve a step of the document (one row of ConflictRow),
 * or no row when they may; approving reads it together with the roles and steps it decides by (approvals.ts).
 */
export function firstConflict(doc: { id: string; stocktakeId: string }, personId: string): SQL {
  return sql`select c.conflict, c.step_no, c.role, c.sku, c.location
        from (${approvalConflicts(sql`${doc.id}::uuid`, sql`${doc.stocktakeId}::uuid`, sql`${personId}::uuid`)}) c
        order by c.rank limit 1`;
}

/** The reason a ConflictRow names, or null for none. */
export function toConflict(row: ConflictRow | null | undefined): ApprovalConflict | null {
  if (!row) return null;
  if (row.conflict === 'approved') return { conflict: 'approved', stepNo: Number(row.step_no), role: row.role ?? '' };
  return { conflict: row.conflict, sku: row.sku ?? '', location: row.location ?? '' };
}
