import { sql } from 'drizzle-orm';
import { check, date, index, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cause } from './cause.ts';
import { person } from './person.ts';
import { stocktake } from './stocktake.ts';
import { warehouse } from './warehouse.ts';

/** open: its corrective action is still to do; done: the action's owner (or a supervisor) closed it. */
export const caseStatus = pgEnum('case_status', ['open', 'done']);

/**
 * A case of the case library (事故案例库, C-12): an explained variance written up — what happened, the root
 * cause from the catalogue, the corrective action with its owner and due time. Its evidence is the
 * variances it is linked to (case_variance) and the photos on those lines. Named `incident_case` because
 * `case` is a keyword of SQL and of TypeScript.
 */
export const incidentCase = pgTable(
  'incident_case',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** C-1, C-2, … (one sequence for the installation). */
    code: text('code').notNull().unique(),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    /** The stocktake whose variances the case explains. */
    stocktakeId: uuid('stocktake_id')
      .notNull()
      .references(() => stocktake.id),
    title: text('title').notNull(),
    whatHappened: text('what_happened').notNull(),
    causeCode: text('cause_code')
      .notNull()
      .references(() => cause.code),
    /** The direction of the variances it explains: what a new variance must share to be offered the case. */
    direction: text('direction').notNull(),
    action: text('action').notNull(),
    actionOwnerId: uuid('action_owner_id')
      .notNull()
      .references(() => person.id),
    /** The due day as given, in the warehouse's calendar. */
    actionDueDay: date('action_due_day', { mode: 'string' }).notNull(),
    /** The end of that day in the warehouse's timezone: past it the action is overdue and reminded. */
    actionDueAt: timestamp('action_due_at', { withTimezone: true }).notNull(),
    status: caseStatus('status').notNull().default('open'),
    doneBy: uuid('done_by').references(() => person.id),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneNote: text('done_note'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => person.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Title, what happened, action, cause labels, SKUs and locations, normalised (NFKC, lower case, spaces
     * folded) by src/domain/cases.ts: what search matches terms and character bigrams against.
     */
    searchText: text('search_text').notNull(),
  },
  (t) => [
    check('incident_case_direction_check', sql`${t.direction} in ('gain', 'loss')`),
    index('incident_case_warehouse_idx').on(t.warehouseId, t.status),
    // The reminders' work list: open actions by due time.
    index('incident_case_due_idx').on(t.actionDueAt).where(sql`status = 'open'`),
  ],
);

/** A variance a case explains: the line and its figures when the case was written. */
export const caseVariance = pgTable(
  'case_variance',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => incidentCase.id),
    stocktakeId: uuid('stocktake_id')
      .notNull()
      .references(() => stocktake.id),
    sku: text('sku').notNull(),
    location: text('location').notNull(),
    lot: text('lot').notNull().default(''),
    diffQty: numeric('diff_qty', { precision: 18, scale: 3 }).notNull(),
    diffValue: numeric('diff_value', { precision: 18, scale: 2 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.stocktakeId, t.sku, t.location, t.lot] }),
    // A line's cases (its page), and the candidates of the similar-case suggestion by SKU and by location.
    index('case_variance_line_idx').on(t.stocktakeId, t.sku, t.location, t.lot),
    index('case_variance_sku_idx').on(t.sku),
    index('case_variance_location_idx').on(t.location),
  ],
);
