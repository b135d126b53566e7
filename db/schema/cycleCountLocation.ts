import { sql } from 'drizzle-orm';
import { check, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cycleCountPlan } from './cycleCountPlan.ts';

/**
 * A location rule of a warehouse's cycle-count plan (issue 16 §2): an item held at a matching location is
 * counted at least every `days` days there, whatever its ABC class says. `location` is a location code or
 * a prefix ending in `*` (a zone: `A-01*`), as in a partial stocktake's scope. A rule belongs to a plan.
 */
export const cycleCountLocation = pgTable(
  'cycle_count_location',
  {
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => cycleCountPlan.warehouseId),
    location: text('location').notNull(),
    days: integer('days').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.location] }), check('cycle_count_location_days_positive', sql`${t.days} > 0`)],
);
