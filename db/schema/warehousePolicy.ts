import { sql } from 'drizzle-orm';
import { boolean, check, integer, numeric, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { warehouse } from './warehouse.ts';

/**
 * How a warehouse reviews and approves. Tolerances are off (null) by default. Routing: the supervisor
 * always; finance above financeThreshold; the manager above managerThreshold (absolute document value).
 */
export const warehousePolicy = pgTable(
  'warehouse_policy',
  {
    warehouseId: uuid('warehouse_id')
      .primaryKey()
      .references(() => warehouse.id),
    reviewSlaHours: integer('review_sla_hours').notNull().default(24),
    approvalSlaHours: integer('approval_sla_hours').notNull().default(24),
    toleranceValue: numeric('tolerance_value', { precision: 18, scale: 2 }),
    tolerancePercent: numeric('tolerance_percent', { precision: 7, scale: 3 }),
    financeThreshold: numeric('finance_threshold', { precision: 18, scale: 2 }).notNull().default('1000'),
    managerThreshold: numeric('manager_threshold', { precision: 18, scale: 2 }).notNull().default('10000'),
    currency: text('currency').notNull().default('CNY'),
    /** Submit refuses lines whose cause has no account in cause_account for this warehouse. */
    requireAccountMapping: boolean('require_account_mapping').notNull().default(false),
    abcAPercent: numeric('abc_a_percent', { precision: 5, scale: 2 }).notNull().default('80'),
    abcBPercent: numeric('abc_b_percent', { precision: 5, scale: 2 }).notNull().default('15'),
    slowDays: integer('slow_days').notNull().default(90),
    deadDays: integer('dead_days').notNull().default(180),
  },
  (t) => [
    check(
      'warehouse_policy_abc_cutoffs',
      sql`${t.abcAPercent} > 0 and ${t.abcBPercent} >= 0 and ${t.abcAPercent} + ${t.abcBPercent} <= 100`,
    ),
    check('warehouse_policy_slow_dead_days', sql`${t.slowDays} > 0 and ${t.deadDays} > ${t.slowDays}`),
  ],
);
