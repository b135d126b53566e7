import { sql } from 'drizzle-orm';
import { check, integer, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { warehouse } from './warehouse.ts';

/**
 * A warehouse's cycle-count plan (周期盘点计划, issue 16 §2): how many days may pass between counts of an
 * item of each ABC class. A warehouse without a row has no plan; the job starts nothing for it.
 */
export const cycleCountPlan = pgTable(
  'cycle_count_plan',
  {
    warehouseId: uuid('warehouse_id')
      .primaryKey()
      .references(() => warehouse.id),
    aDays: integer('a_days').notNull().default(30),
    bDays: integer('b_days').notNull().default(90),
    cDays: integer('c_days').notNull().default(365),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('cycle_count_plan_days_positive', sql`${t.aDays} > 0 and ${t.bDays} > 0 and ${t.cDays} > 0`)],
);
