/**
 * Webhook subscriptions and integration deliveries, for admins: add (the secret shown once), list,
 * rotate the secret (the previous one keeps signing for a grace period), remove, send a test, list
 * deliveries and retry failed ones. Every change is one command with its audit entry; secrets never go
 * into the audit log, a listing or an error.
 */
import { sql, type SQL } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, NotFoundError } from '../domain/errors.ts';
import type { CommandContext } from '../domain/people.ts';
import { isUuid } from '../domain/stocktake.ts';
import { webhookTexts } from '../domain/texts/integration.ts';
import { retryDeliveries, type DeliveryStatus, type DeliveryTargetKind } from '../integration/delivery.ts';
import { newEventId } from '../integration/events.ts';
import { INTEGRATION_EVENT_TYPES, PAYLOAD_VERSION, type IntegrationEventType } from '../integration/payload.ts';
import { newWebhookSecret, postSigned, shownUrl, signedRequest } from '../integration/webhook.ts';
import { DeliveryError } from '../integration/delivery.ts';
import { runCommand } from './commands.ts';
import { getWarehouse } from './warehouses.ts';

export interface WebhookView {
  id: string;
  /** The warehouse's code, or null: every warehouse. */
  warehouse: string | null;
  /** Without query string or credentials. */
  url: string;
  /** Empty: every type. */
  eventTypes: IntegrationEventType[];
  description: string | null;
  active: boolean;
  createdAt: string;
  /** Until when the previous secret still signs (after a rotation), else null. */
  previousSecretUntil: string | null;
  pendingDeliveries: number;
  failedDeliveries: number;
}

/** The default grace period of a rotation: the previous secret signs too for 24 hours. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;

/**
 * Whether `viewer` administers the warehouse `warehouseId` (SQL; a null warehouse means every warehouse,
 * so an admin of each). One rule for what an admin may see and change of integrations.
 */
const administers = (viewer: string, warehouseId: SQL) =>
  sql`(case when ${warehouseId} is null
        then exists (select 1 from role_grant ag where ag.person_id = ${viewer}::uuid and ag.role = 'admin')
          and not exists (select 1 from warehouse aw where not exists (
          select 1 from role_grant ag where ag.person_id = ${viewer}::uuid and ag.role = 'admin' and ag.warehouse_id = aw.id))
        else exists (select 1 from role_grant ag where ag.person_id = ${viewer}::uuid and ag.role = 'admin' and ag.warehouse_id = ${warehouseId})
      end)`;

/** The admins of the warehouse may (of every warehouse, for a subscription to all of them). */
async function requireWebhookAdmin(
  db: DbOrTx,
  ctx: CommandContext,
  warehouseId: string | null,
  warehouseCode: string | null,
): Promise<void> {
  const [row] = await queryRows<{ ok: boolean }>(
    db,
    sql`select ${administers(ctx.actor.personId, warehouseId ? sql`${warehouseId}::uuid` : sql`null::uuid`)} as ok`,
  );
  if (!row?.ok)
    throw new NotAllowedError(
      warehouseCode ? webhookTexts.adminsOnly(ctx.actor.handle, warehouseCode) : webhookTexts.adminsOfAllOnly(ctx.actor.handle),
    );
}

function checkUrl(url: string): string {
  const text = url.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(text);
  } catch {}
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new InvalidInputError(webhookTexts.badUrl(shownUrl(text)));
  return text;
}

function checkEventTypes(types: readonly string[] | undefined): IntegrationEventType[] {
  const out: IntegrationEventType[] = [];
  for (const t of (types ?? [])
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!INTEGRATION_EVENT_TYPES.includes(t as IntegrationEventType))
      throw new InvalidInputError(webhookTexts.badEventType(t, INTEGRATION_EVENT_TYPES.join(', ')));
    if (!out.includes(t as IntegrationEventType)) out.push(t as IntegrationEventType);
  }
  return out;
}

const VIEW_COLUMNS = sql`s.id::text as id, w.code as warehouse, s.url, s.event_types, s.description, s.active,
  ${isoText(sql`s.created_at`)} as created_at,
  case when s.previous_secret_until > now() then ${isoText(sql`s.previous_secret_until`)} end as previous_secret_until,
  (select count(*)::int from integration_delivery d where d.target = 'webhook' and d.target_id = s.id and d.status in ('pending', 'sending')) as pending,
  (select count(*)::int from integration_delivery d where d.target = 'webhook' and d.target_id = s.id and d.status = 'failed') as failed`;

interface ViewRow {
  id: string;
  warehouse: string | null;
  url: string;
  event_types: string[] | string;
  description: string | null;
  active: boolean;
  created_at: string;
  previous_secret_until: string | null;
  pending: number;
  failed: number;
}

/** A text[] as either driver returns it (postgres.js: an array; PGlite: an array too, a literal when cast). */
const textList = (v: string[] | string): string[] =>
  Array.isArray(v) ? v : v.replace(/^\{|\}$/g, '') === '' ? [] : v.replace(/^\{|\}$/g, '').split(',');

const toView = (r: ViewRow): WebhookView => ({
  id: r.id,
  warehouse: r.warehouse,
  url: shownUrl(r.url),
  eventTypes: textList(r.event_types) as IntegrationEventType[],
  description: r.description,
  active: r.active,
  createdAt: r.created_at,
  previousSecretUntil: r.previous_secret_until,
  pendingDeliveries: Number(r.pending),
  failedDeliveries: Number(r.failed),
});

async function viewOf(db: DbOrTx, id: string): Promise<WebhookView> {
  const [row] = await queryRows<ViewRow>(
    db,
    sql`select ${VIEW_COLUMNS} from webhook_subscription s left join warehouse w on w.id = s.warehouse_id where s.id = ${id}::uuid`,
  );
  if (!row) throw new NotFoundError('webhook', id, webhookTexts.notFound(id));
  return toView(row);
}

/**
 * Subscriptions, newest first; removed ones only with `all`. With `viewer` (a person id), only those of
 * warehouses they administer (and those to every warehouse when they administer all); without, every one
 * (the local operator).
 */
export async function listWebhooks(db: DbOrTx, options: { all?: boolean; viewer?: string } = {}): Promise<WebhookView[]> {
  const where = [options.all ? sql`true` : sql`s.active`];
  if (options.viewer) where.push(administers(options.viewer, sql`s.warehouse_id`));
  const rows = await queryRows<ViewRow>(
    db,
    sql`select ${VIEW_COLUMNS} from webhook_subscription s left join warehouse w on w.id = s.warehouse_id
        where ${sql.join(where, sql` and `)} order by s.created_at desc, s.id`,
  );
  return rows.map(toView);
}

/** A subscription by id, locked, with its warehouse (for the permission check). */
async function lockedSubscription(tx: DbOrTx, ref: string): Promise<{ id: string; warehouseId: string | null; warehouse: string | null }> {
  const id = ref.trim();
  const [row] = isUuid(id)
    ? await queryRows<{ id: string; warehouse_id: string | null; warehouse: string | null }>(
        tx,
        sql`select s.id::text as id, s.warehouse_id::text as warehouse_id, w.code as warehouse
            from webhook_subscription s left join warehouse w on w.id = s.warehouse_id
            where s.id = ${id}::uuid and s.active for update of s`,
      )
    : [];
  if (!row) throw new NotFoundError('webhook', id, webhookTexts.notFound(id));
  return { id: row.id, warehouseId: row.warehouse_id, warehouse: row.warehouse };
}

export interface AddedWebhook {
  webhook: WebhookView;
  /** The signing secret (whsec_…): shown this once, store it in the receiver. */
  secret: string;
}

/**
 * Subscribes a URL to the events of a warehouse (or of every warehouse) of the given types (none: all).
 *
 * @example const { secret } = await addWebhook(db, ctx, { url: 'https://erp.example.com/hooks/stocktake', warehouse: 'WH1', events: ['document.posted'] });
 */
export async function addWebhook(
  db: Db,
  ctx: CommandContext,
  input: { url: string; warehouse?: string | null; events?: readonly string[]; description?: string | null },
): Promise<AddedWebhook> {
  const url = checkUrl(input.url);
  const eventTypes = checkEventTypes(input.events);
  const wh = input.warehouse ? await getWarehouse(db, input.warehouse) : null;
  const description = input.description?.trim() || null;
  return runCommand(
    db,
    ctx,
    'webhook.add',
    { url: shownUrl(url), warehouse: wh?.code ?? null, eventTypes, description },
    async ({ tx, audit }) => {
      await requireWebhookAdmin(tx, ctx, wh?.id ?? null, wh?.code ?? null);
      const secret = newWebhookSecret();
      const [row] = await queryRows<{ id: string }>(
        tx,
        sql`insert into webhook_subscription (warehouse_id, url, event_types, secret, description, created_by)
          values (${wh?.id ?? null}::uuid, ${url}, string_to_array(${eventTypes.join(',')}, ',')::text[], ${secret}, ${description}, ${ctx.actor.personId}::uuid)
          returning id::text as id`,
      );
      const webhook = await viewOf(tx, row!.id);
      audit.add({
        action: 'webhook.added',
        entityType: 'webhook',
        entityId: webhook.id,
        after: { warehouse: webhook.warehouse, url: webhook.url, eventTypes, description },
      });
      return { webhook, secret };
    },
  );
}

export interface RotatedSecret {
  webhook: WebhookView;
  /** The new secret (whsec_…): shown this once. */
  secret: string;
  /** Until when deliveries are signed with the previous secret as well. */
  previousSecretUntil: string;
}

/** A new signing secret; the current one keeps signing too for `graceHours` (default 24; 0 stops it at once). */
export async function rotateWebhookSecret(db: Db, ctx: CommandContext, input: { id: string; graceHours?: number }): Promise<RotatedSecret> {
  const grace = input.graceHours ?? DEFAULT_ROTATION_GRACE_HOURS;
  if (!Number.isInteger(grace) || grace < 0 || grace > 720) throw new InvalidInputError(webhookTexts.badGrace());
  return runCommand(db, ctx, 'webhook.rotate', { id: input.id, grace }, async ({ tx, now, audit }) => {
    const sub = await lockedSubscription(tx, input.id);
    await requireWebhookAdmin(tx, ctx, sub.warehouseId, sub.warehouse);
    const secret = newWebhookSecret();
    const until = new Date(now.getTime() + grace * 3600_000).toISOString();
    await tx.execute(
      sql`update webhook_subscription set previous_secret = secret, previous_secret_until = ${until}::timestamptz, secret = ${secret}
          where id = ${sub.id}::uuid`,
    );
    audit.add({ action: 'webhook.secret_rotated', entityType: 'webhook', entityId: sub.id, after: { previousSecretUntil: until } });
    return { webhook: await viewOf(tx, sub.id), secret, previousSecretUntil: until };
  });
}

/** Stops a subscription: no new deliveries; those still queued fail with "removed". Kept for the history. */
export async function removeWebhook(db: Db, ctx: CommandContext, input: { id: string }): Promise<WebhookView> {
  return runCommand(db, ctx, 'webhook.remove', input, async ({ tx, audit }) => {
    const sub = await lockedSubscription(tx, input.id);
    await requireWebhookAdmin(tx, ctx, sub.warehouseId, sub.warehouse);
    await tx.execute(sql`update webhook_subscription set active = false where id = ${sub.id}::uuid`);
    audit.add({ action: 'webhook.removed', entityType: 'webhook', entityId: sub.id, before: { active: true }, after: { active: false } });
    return viewOf(tx, sub.id);
  });
}

export interface WebhookTestResult {
  ok: boolean;
  /** The HTTP status when the receiver answered 2xx. */
  status: number | null;
  /** Why it failed (no secret in it). */
  error: string | null;
  eventId: string;
}

/**
 * Sends a signed `webhook.test` event to the subscription now, outside the queue, and says what the
 * receiver answered. Its data is `{ "test": true }`; receivers should verify it and answer 2xx.
 */
export async function testWebhook(db: Db, ctx: CommandContext, input: { id: string }): Promise<WebhookTestResult> {
  const sub = await db.transaction(async (tx) => {
    const s = await lockedSubscription(tx, input.id);
    await requireWebhookAdmin(tx, ctx, s.warehouseId, s.warehouse);
    const [row] = await queryRows<{ url: string; secret: string; previous_secret: string | null; previous_secret_until: string | null }>(
      tx,
      sql`select url, secret, previous_secret, previous_secret_until::text as previous_secret_until from webhook_subscription where id = ${s.id}::uuid`,
    );
    return { ...row!, warehouse: s.warehouse };
  });
  const eventId = newEventId();
  const now = ctx.now ?? new Date();
  const body = JSON.stringify({
    id: eventId,
    type: 'webhook.test',
    version: PAYLOAD_VERSION,
    timestamp: now.toISOString(),
    warehouse: sub.warehouse,
    data: { test: true },
  });
  const request = signedRequest(eventId, body, {
    secret: sub.secret,
    previousSecret: sub.previous_secret,
    previousSecretUntil: sub.previous_secret_until ? new Date(sub.previous_secret_until) : null,
  });
  try {
    const status = await postSigned(sub.url, request);
    return { ok: true, status, error: null, eventId };
  } catch (error) {
    if (error instanceof DeliveryError) return { ok: false, status: null, error: error.message, eventId };
    throw error;
  }
}

export interface DeliveryView {
  id: string;
  eventId: string;
  type: IntegrationEventType;
  /** The document's number, or the stocktake's code, the event is about. */
  subject: string;
  warehouse: string;
  target: DeliveryTargetKind;
  targetId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  externalRef: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** Deliveries, newest first: of one webhook or every target, in one status or all; `viewer`: of the warehouses they administer. */
export async function listDeliveries(
  db: DbOrTx,
  filter: { status?: DeliveryStatus; webhook?: string; target?: DeliveryTargetKind; limit?: number; viewer?: string } = {},
): Promise<DeliveryView[]> {
  const limit = Math.min(Math.max(1, filter.limit ?? 50), 500);
  const where = [sql`true`];
  if (filter.viewer) where.push(administers(filter.viewer, sql`ev.warehouse_id`));
  if (filter.status) where.push(sql`d.status = ${filter.status}::delivery_status`);
  if (filter.target) where.push(sql`d.target = ${filter.target}::delivery_target`);
  if (filter.webhook) {
    if (!isUuid(filter.webhook.trim())) throw new NotFoundError('webhook', filter.webhook, webhookTexts.notFound(filter.webhook));
    where.push(sql`d.target = 'webhook' and d.target_id = ${filter.webhook.trim()}::uuid`);
  }
  const rows = await queryRows<{
    id: string;
    event_id: string;
    type: IntegrationEventType;
    subject: string;
    warehouse: string;
    target: DeliveryTargetKind;
    target_id: string;
    status: DeliveryStatus;
    attempts: number;
    next_attempt_at: string | null;
    last_error: string | null;
    external_ref: string | null;
    created_at: string;
    delivered_at: string | null;
  }>(
    db,
    sql`select d.id::text as id, ev.id as event_id, ev.type, coalesce(ad.number, st.code, d.subject) as subject, w.code as warehouse,
          d.target::text as target, d.target_id::text as target_id, d.status::text as status, d.attempts,
          case when d.status = 'pending' then ${isoText(sql`d.next_attempt_at`)} end as next_attempt_at,
          d.last_error, d.external_ref, ${isoText(sql`d.created_at`)} as created_at, ${isoText(sql`d.delivered_at`)} as delivered_at
        from integration_delivery d
        join integration_event ev on ev.seq = d.event_seq
        join warehouse w on w.id = ev.warehouse_id
        left join adjustment_document ad on ev.type like 'document.%' and ad.id::text = d.subject
        left join stocktake st on ev.type like 'stocktake.%' and st.id::text = d.subject
        where ${sql.join(where, sql` and `)}
        order by d.id desc limit ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    type: r.type,
    subject: r.subject,
    warehouse: r.warehouse,
    target: r.target,
    targetId: r.target_id,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    externalRef: r.external_ref,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  }));
}

/**
 * Puts failed deliveries back in the queue (due now, attempts counted afresh). Admins of the event's
 * warehouse; refused when none of the ids is a failed delivery.
 */
export async function retryFailedDeliveries(
  db: Db,
  ctx: CommandContext,
  input: { ids: readonly string[] },
): Promise<{ retried: string[] }> {
  const ids = input.ids.map((i) => i.trim());
  const bad = ids.find((i) => !/^\d{1,18}$/.test(i));
  if (bad !== undefined) throw new InvalidInputError(webhookTexts.badDeliveryId(bad));
  return runCommand(db, ctx, 'delivery.retry', { ids }, async ({ tx, audit }) => {
    const rows = await queryRows<{ id: string; warehouse_id: string; warehouse: string }>(
      tx,
      sql`select d.id::text as id, ev.warehouse_id::text as warehouse_id, w.code as warehouse
          from integration_delivery d join integration_event ev on ev.seq = d.event_seq join warehouse w on w.id = ev.warehouse_id
          where d.status = 'failed' and d.id in (${sql.join(
            ids.map((i) => sql`${i}::bigint`),
            sql`, `,
          )}) for update of d`,
    );
    if (rows.length === 0) throw new InvalidInputError(webhookTexts.notRetryable(ids.join(', ')));
    for (const wh of new Set(rows.map((r) => `${r.warehouse_id} ${r.warehouse}`))) {
      const [id, code] = wh.split(' ') as [string, string];
      await requireWebhookAdmin(tx, ctx, id, code);
    }
    const retried = await retryDeliveries(
      tx,
      rows.map((r) => r.id),
    );
    for (const id of retried)
      audit.add({
        action: 'delivery.retried',
        entityType: 'integration_delivery',
        entityId: id,
        before: { status: 'failed' },
        after: { status: 'pending' },
      });
    return { retried };
  });
}
