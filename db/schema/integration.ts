import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { adjustmentDocument } from './adjustmentDocument.ts';
import { person } from './person.ts';
import { warehouse } from './warehouse.ts';

/**
 * An integration event (document.created, document.posted, document.rejected, document.cancelled,
 * stocktake.closed): written in the transaction of the change, never updated. `id` is the stable id a
 * receiver deduplicates on (the Standard Webhooks `webhook-id`); `seq` orders events; `subject` is the
 * document or stocktake id the event is about (deliveries keep order per subject).
 */
export const integrationEvent = pgTable(
  'integration_event',
  {
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    id: text('id').notNull().unique(),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    type: text('type').notNull(),
    subject: text('subject').notNull(),
    /** The versioned payload as sent (decimal strings). */
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('integration_event_subject_idx').on(t.subject, t.seq)],
);

/**
 * A webhook subscription: a URL that receives the events of one warehouse (or every warehouse when
 * warehouseId is null) whose type is in eventTypes (empty: every type). Signed per Standard Webhooks
 * with `secret` (whsec_…); during a rotation the previous secret also signs until previousSecretUntil.
 */
export const webhookSubscription = pgTable('webhook_subscription', {
  id: uuid('id').primaryKey().defaultRandom(),
  warehouseId: uuid('warehouse_id').references(() => warehouse.id),
  url: text('url').notNull(),
  eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
  description: text('description'),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by').references(() => person.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const erpKind = pgEnum('erp_kind', ['kingdee', 'u8', 'erpnext', 'odoo']);

/**
 * An ERP connector of one warehouse. `config` holds what is not secret (base URL, account set / database,
 * organisation and stock numbers, SKU/location mappings); credentials are named by environment variable
 * in config (e.g. {"passwordEnv": "KINGDEE_PASSWORD"}) and read from the environment when sending.
 */
export const erpConnector = pgTable(
  'erp_connector',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    kind: erpKind('kind').notNull(),
    config: jsonb('config').notNull().default(sql`'{}'::jsonb`),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('erp_connector_warehouse_kind').on(t.warehouseId, t.kind)],
);

export const deliveryTarget = pgEnum('delivery_target', ['webhook', 'erp']);
export const deliveryStatus = pgEnum('delivery_status', ['pending', 'sending', 'delivered', 'failed']);

/**
 * One event to one target (a webhook subscription or an ERP connector), queued in the event's
 * transaction. Workers claim due rows (FOR UPDATE SKIP LOCKED, a lease in claimed_until) whose subject has
 * no earlier unfinished delivery to the same target, so each target sees a subject's events in order.
 * A failure waits for next_attempt_at (backoff) and after the last attempt is `failed` until retried.
 * externalRef is what the target answered (the ERP's document number).
 */
export const integrationDelivery = pgTable(
  'integration_delivery',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    eventSeq: bigint('event_seq', { mode: 'bigint' })
      .notNull()
      .references(() => integrationEvent.seq),
    subject: text('subject').notNull(),
    target: deliveryTarget('target').notNull(),
    targetId: uuid('target_id').notNull(),
    status: deliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    lastError: text('last_error'),
    externalRef: text('external_ref'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    unique('integration_delivery_once').on(t.eventSeq, t.target, t.targetId),
    index('integration_delivery_due_idx').on(t.nextAttemptAt).where(sql`status in ('pending', 'sending')`),
    index('integration_delivery_subject_idx').on(t.target, t.targetId, t.subject, t.id),
  ],
);

/** The accounting account (and optional cost centre) a cause's adjustments book to, per warehouse. */
export const causeAccount = pgTable(
  'cause_account',
  {
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    causeCode: text('cause_code').notNull(),
    account: text('account').notNull(),
    costCentre: text('cost_centre'),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.causeCode] })],
);

export const centrePlatform = pgEnum('centre_platform', ['feishu', 'dingtalk']);
export const centreTaskStatus = pgEnum('centre_task_status', ['pending', 'approved', 'rejected', 'done', 'cancelled']);

/**
 * A pending approval step mirrored as a task in a platform's approval centre (Feishu external approval,
 * DingTalk integrated task), one per approver who may decide the step. Our approval_step stays the source
 * of truth; this row records the platform's ids and what was last pushed.
 */
export const approvalCentreTask = pgTable(
  'approval_centre_task',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => adjustmentDocument.id),
    stepNo: integer('step_no').notNull(),
    platform: centrePlatform('platform').notNull(),
    approverId: uuid('approver_id')
      .notNull()
      .references(() => person.id),
    instanceId: text('instance_id').notNull(),
    taskId: text('task_id').notNull(),
    status: centreTaskStatus('status').notNull().default('pending'),
    syncedAt: timestamp('synced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('approval_centre_task_once').on(t.documentId, t.stepNo, t.platform, t.approverId),
    index('approval_centre_task_platform_idx').on(t.platform, t.taskId),
  ],
);
