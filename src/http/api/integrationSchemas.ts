/**
 * Schemas of the webhook and cause-account routes, and of the integration payload (version 1,
 * src/integration/payload.ts) that webhooks carry: registered in apiSchemas so openapi.json documents them.
 */
import { z } from 'zod';
import { INTEGRATION_EVENT_TYPES } from '../../integration/payload.ts';
import { apiSchemas, decimal } from './schemas.ts';

function named<S extends z.ZodType>(id: string, description: string, schema: S): S {
  apiSchemas.add(schema, { id, description });
  return schema;
}

const instant = z.string().describe('ISO 8601 instant (UTC)');
const eventType = z.enum(INTEGRATION_EVENT_TYPES as [string, ...string[]]);

export const Webhook = named(
  'Webhook',
  'a webhook subscription (its secret is never listed)',
  z.object({
    id: z.string(),
    warehouse: z.string().nullable().describe('the warehouse code, or null: every warehouse'),
    url: z.string().describe('without its query string'),
    eventTypes: z.array(eventType).describe('empty: every type'),
    description: z.string().nullable(),
    active: z.boolean(),
    createdAt: instant,
    previousSecretUntil: instant.nullable().describe('after a rotation: until when the previous secret also signs'),
    pendingDeliveries: z.number().int(),
    failedDeliveries: z.number().int(),
  }),
);

export const WebhookList = named('WebhookList', 'webhook subscriptions, newest first', z.object({ webhooks: z.array(Webhook) }));

export const WebhookCreated = named(
  'WebhookCreated',
  'the new subscription and its signing secret, shown this once',
  z.object({ webhook: Webhook, secret: z.string().describe('whsec_… (Standard Webhooks): store it in the receiver') }),
);

export const WebhookRotated = named(
  'WebhookRotated',
  'the new signing secret, shown this once; the previous one keeps signing until previousSecretUntil',
  z.object({ webhook: Webhook, secret: z.string(), previousSecretUntil: instant }),
);

export const WebhookTest = named(
  'WebhookTest',
  'what the receiver answered to a signed webhook.test event (data: {"test": true})',
  z.object({ ok: z.boolean(), status: z.number().int().nullable(), error: z.string().nullable(), eventId: z.string() }),
);

export const Delivery = named(
  'IntegrationDelivery',
  'one event to one target (a webhook subscription or an ERP connector)',
  z.object({
    id: z.string().describe('the delivery id (retry with it)'),
    eventId: z.string().describe('the event id: the webhook-id header'),
    type: eventType,
    subject: z.string().describe("the document's number or the stocktake's code"),
    warehouse: z.string(),
    target: z.enum(['webhook', 'erp']),
    targetId: z.string(),
    status: z.enum(['pending', 'sending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: instant.nullable(),
    lastError: z.string().nullable(),
    externalRef: z.string().nullable().describe("what the target answered, e.g. the ERP's document number"),
    createdAt: instant,
    deliveredAt: instant.nullable(),
  }),
);

export const DeliveryList = named('IntegrationDeliveryList', 'deliveries, newest first', z.object({ deliveries: z.array(Delivery) }));

export const Retried = named('DeliveriesRetried', 'the failed deliveries put back in line', z.object({ retried: z.array(z.string()) }));

export const CauseAccount = named(
  'CauseAccount',
  'the accounting account (and cost centre) a cause books to in a warehouse',
  z.object({
    warehouse: z.string(),
    causeCode: z.string(),
    labelEn: z.string(),
    labelZh: z.string(),
    account: z.string(),
    costCentre: z.string().nullable(),
  }),
);

export const CauseAccountList = named('CauseAccountList', 'cause → account mappings', z.object({ accounts: z.array(CauseAccount) }));

export const CauseAccountRemoved = named(
  'CauseAccountRemoved',
  'the mapping removed',
  z.object({ warehouse: z.string(), causeCode: z.string() }),
);

const LinePayload = named(
  'IntegrationDocumentLine',
  'a document line as the integration payload carries it',
  z.object({
    lineNo: z.number().int(),
    sku: z.string(),
    name: z.string().describe("the item's name from the item master"),
    unit: z.string().describe('its base unit'),
    location: z.string(),
    lot: z.string().describe("'' for an item that is not lot-tracked"),
    expiry: z.string().nullable().describe('YYYY-MM-DD'),
    bookQty: decimal.describe('the frozen book quantity'),
    countedQty: decimal,
    qtyDelta: decimal.describe('signed: positive for a gain, negative for a loss'),
    unitCost: decimal,
    value: decimal.describe('signed, 2 decimals'),
    causeCode: z.string(),
    causeLabel: z.object({ en: z.string(), zh: z.string() }),
    note: z.string().nullable(),
    account: z.string().nullable().describe("the cause's accounting account in this warehouse when submitted; null when unmapped"),
    costCentre: z.string().nullable(),
    photos: z.array(z.string()).describe('SHA-256 of each evidence photo (GET /api/v1/photos/{sha256})'),
  }),
);

const DocumentPayload = named(
  'IntegrationDocument',
  'a gain (盘盈单, PY-…) or loss (盘亏单, PK-…) document as the integration payload carries it',
  z.object({
    id: z.string(),
    number: z.string(),
    type: z.enum(['gain', 'loss']),
    status: z.enum(['approving', 'posted', 'rejected', 'withdrawn']),
    warehouse: z.string(),
    stocktake: z.string().describe("the stocktake's code"),
    postingDate: z.string().nullable().describe("YYYY-MM-DD in the warehouse's timezone; null until posted"),
    postedAt: instant.nullable(),
    currency: z.string(),
    totalQty: decimal,
    totalValue: decimal,
    submittedBy: z.string(),
    approvers: z
      .array(z.object({ step: z.number().int(), role: z.string(), person: z.string(), decidedAt: instant }))
      .describe('the approved steps in order'),
    lines: z.array(LinePayload),
  }),
);

export const IntegrationEvent = named(
  'IntegrationEvent',
  'the body of every webhook (payload version 1), signed per Standard Webhooks: headers webhook-id (= id), webhook-timestamp (unix seconds of this attempt) and webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>", two space-separated during a secret rotation). Verify over the raw body and refuse timestamps more than 5 minutes off; deduplicate on id.',
  z.object({
    id: z.string().describe('the stable event id, also the webhook-id header: deduplicate on it'),
    type: eventType,
    version: z.literal(1),
    timestamp: instant.describe('when the change committed'),
    warehouse: z.string(),
    data: z.union([
      z.object({ document: DocumentPayload }).describe('document.created, document.posted, document.rejected, document.cancelled'),
      z
        .object({ stocktake: z.object({ id: z.string(), code: z.string(), status: z.string(), closedAt: instant.nullable() }) })
        .describe('stocktake.closed'),
    ]),
  }),
);
