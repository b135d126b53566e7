import { sql } from 'drizzle-orm';
import { bigint, boolean, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { warehouse } from './warehouse.ts';

export const stocktakeStatus = pgEnum('stocktake_status', ['counting', 'reviewing', 'approving', 'posted', 'cancelled']);

/**
 * A stocktake (盘点任务). Starting one freezes the book into its lines; `movement_watermark` is the last
 * movement id the frozen book already contains, so later movements are applied by the cut-off rule.
 */
export const stocktake = pgTable(
  'stocktake',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull().unique(),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    status: stocktakeStatus('status').notNull().default('counting'),
    snapshotAt: timestamp('snapshot_at', { withTimezone: true }).notNull(),
    movementWatermark: bigint('movement_watermark', { mode: 'bigint' }).notNull(),
    countingClosedAt: timestamp('counting_closed_at', { withTimezone: true }),
    /** A blind count (盲盘): counters see no book, expected or variance figures until counting closes. */
    blind: boolean('blind').notNull().default(false),
    /** A cancelled stocktake (before anything was posted): who, when and why; the rows stay as evidence. */
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by'),
    cancelReason: text('cancel_reason'),
    /**
     * A partial stocktake's scope (locations, categories, ABC classes, items, or a spot check's sample), as
     * src/domain/scope.ts `RecordedScope`; null for the whole warehouse.
     */
    scope: jsonb('scope'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // One open stocktake per warehouse: two would freeze and adjust the same book twice.
  (t) => [
    uniqueIndex('stocktake_one_open_per_warehouse').on(t.warehouseId).where(sql`${t.status} in ('counting', 'reviewing', 'approving')`),
  ],
);
