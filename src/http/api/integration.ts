/** Webhook subscriptions, integration deliveries and cause → account mappings: admins only. */
import { z } from 'zod';
import type { DbOrTx } from '../../../db/client.ts';
import { NotAllowedError } from '../../domain/errors.ts';
import type { Actor } from '../../domain/people.ts';
import { adminTexts } from '../../domain/texts/admin.ts';
import { INTEGRATION_EVENT_TYPES } from '../../integration/payload.ts';
import { isAdminAnywhere } from '../../services/administration.ts';
import { listCauseAccounts, removeCauseAccount, setCauseAccount } from '../../services/causeAccounts.ts';
import {
  addWebhook,
  listDeliveries,
  listWebhooks,
  removeWebhook,
  retryFailedDeliveries,
  rotateWebhookSecret,
  testWebhook,
} from '../../services/webhooks.ts';
import {
  CauseAccount,
  CauseAccountList,
  CauseAccountRemoved,
  DeliveryList,
  Retried,
  Webhook,
  WebhookCreated,
  WebhookList,
  WebhookRotated,
  WebhookTest,
} from './integrationSchemas.ts';
import { readableWarehouses, requireReader } from './access.ts';
import { defineRoute, type ApiRoute } from './route.ts';

const WEBHOOK_PARAM = { webhook: 'the subscription id (GET /api/v1/webhooks)' };

async function requireAdmin(db: DbOrTx, actor: Actor): Promise<void> {
  if (!(await isAdminAnywhere(db, actor.personId))) throw new NotAllowedError(adminTexts.adminsOnly(actor.handle));
}

const SIGNING =
  'Deliveries are POSTs of an IntegrationEvent (see its schema) signed per Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`, `webhook-signature`. 2xx is delivered; 410 stops the subscription; anything else, a timeout (15 s) or a network error is retried with backoff (1 min doubling to 1 h, 12 attempts), honouring Retry-After, then failed until retried. Each document’s events reach a subscription in order.';

export const integrationRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    summary: 'Webhook subscriptions (admins)',
    description: SIGNING,
    tags: ['webhooks'],
    query: z.object({ all: z.enum(['true', 'false']).optional().describe('true: removed ones too') }).strict(),
    status: 200,
    response: { description: 'the subscriptions', schema: WebhookList },
    errors: [403],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      await requireAdmin(db, actor);
      return { webhooks: await listWebhooks(db, { all: query.all === 'true', viewer: actor.personId }) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/webhooks',
    operationId: 'addWebhook',
    summary: 'Subscribe a URL to integration events; the signing secret is in the answer, once',
    description: `${SIGNING} A subscription to every warehouse needs an admin of each.`,
    tags: ['webhooks'],
    body: z
      .object({
        url: z.string().max(2000).describe('http:// or https:// URL of the receiver'),
        warehouse: z.string().nullable().optional().describe('a warehouse code; omitted or null: every warehouse'),
        events: z
          .array(z.enum(INTEGRATION_EVENT_TYPES as [string, ...string[]]))
          .optional()
          .describe('omitted or empty: every type'),
        description: z.string().max(500).optional(),
      })
      .strict(),
    status: 201,
    response: { description: 'the subscription and its secret', schema: WebhookCreated },
    errors: [403, 404],
    handle: (c, { ctx, body }) => addWebhook(c.get('deps').db, ctx, body),
  }),

  defineRoute({
    method: 'post',
    path: '/webhooks/{webhook}/rotate',
    operationId: 'rotateWebhookSecret',
    summary: 'A new signing secret (in the answer, once); the previous one also signs for the grace period',
    description:
      'During the grace period (default 24 h) every delivery carries two signatures, so the receiver may switch secrets at any time in it.',
    tags: ['webhooks'],
    params: WEBHOOK_PARAM,
    body: z
      .object({ graceHours: z.number().int().min(0).max(720).optional().describe('default 24; 0 stops the previous secret at once') })
      .strict(),
    status: 200,
    response: { description: 'the new secret', schema: WebhookRotated },
    errors: [403, 404],
    handle: (c, { ctx, params, body }) => rotateWebhookSecret(c.get('deps').db, ctx, { id: params.webhook!, ...body }),
  }),

  defineRoute({
    method: 'post',
    path: '/webhooks/{webhook}/remove',
    operationId: 'removeWebhook',
    summary: 'Stop a subscription (kept, inactive, for its history)',
    tags: ['webhooks'],
    params: WEBHOOK_PARAM,
    status: 200,
    response: { description: 'the subscription, inactive', schema: Webhook },
    errors: [403, 404],
    handle: (c, { ctx, params }) => removeWebhook(c.get('deps').db, ctx, { id: params.webhook! }),
  }),

  defineRoute({
    method: 'post',
    path: '/webhooks/{webhook}/test',
    operationId: 'testWebhook',
    summary: 'Send a signed webhook.test event now and say what the receiver answered',
    tags: ['webhooks'],
    params: WEBHOOK_PARAM,
    status: 200,
    response: { description: 'the receiver’s answer', schema: WebhookTest },
    errors: [403, 404],
    handle: (c, { ctx, params }) => testWebhook(c.get('deps').db, ctx, { id: params.webhook! }),
  }),

  defineRoute({
    method: 'get',
    path: '/webhooks/deliveries',
    operationId: 'listDeliveries',
    summary: 'Integration deliveries (webhooks and ERP connectors), newest first (admins)',
    tags: ['webhooks'],
    query: z
      .object({
        status: z.enum(['pending', 'sending', 'delivered', 'failed']).optional(),
        webhook: z.string().optional().describe("only this subscription's"),
        target: z.enum(['webhook', 'erp']).optional(),
        limit: z.coerce.number().int().min(1).max(500).optional().describe('default 50'),
      })
      .strict(),
    status: 200,
    response: { description: 'the deliveries', schema: DeliveryList },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      await requireAdmin(db, actor);
      return { deliveries: await listDeliveries(db, { ...query, viewer: actor.personId }) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/webhooks/deliveries/retry',
    operationId: 'retryDeliveries',
    summary: 'Put failed deliveries back in line (due now, attempts counted afresh)',
    tags: ['webhooks'],
    body: z.object({ ids: z.array(z.string()).min(1).max(500) }).strict(),
    status: 200,
    response: { description: 'the deliveries put back', schema: Retried },
    errors: [403],
    handle: (c, { ctx, body }) => retryFailedDeliveries(c.get('deps').db, ctx, { ids: body.ids }),
  }),

  defineRoute({
    method: 'get',
    path: '/cause-accounts',
    operationId: 'listCauseAccounts',
    summary: 'The accounting account each cause books to, per warehouse (the warehouses where the caller holds a role)',
    tags: ['causes'],
    query: z.object({ warehouse: z.string().optional() }).strict(),
    status: 200,
    response: { description: 'the mappings', schema: CauseAccountList },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      if (query.warehouse) await requireReader(db, actor, query.warehouse, `warehouse ${query.warehouse}`);
      const readable = await readableWarehouses(db, actor);
      return { accounts: (await listCauseAccounts(db, query.warehouse)).filter((a) => readable.has(a.warehouse)) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/cause-accounts',
    operationId: 'setCauseAccount',
    summary: 'Map a cause to an account (and cost centre) in a warehouse (admins of it)',
    description:
      'Submit copies it onto each document line; exports, webhooks and ERP connectors carry it. Documents already submitted keep theirs.',
    tags: ['causes'],
    body: z
      .object({
        warehouse: z.string(),
        cause: z.string(),
        account: z.string().max(60),
        costCentre: z.string().max(60).nullable().optional(),
      })
      .strict(),
    status: 200,
    response: { description: 'the mapping', schema: CauseAccount },
    errors: [403, 404],
    handle: (c, { ctx, body }) => setCauseAccount(c.get('deps').db, ctx, body),
  }),

  defineRoute({
    method: 'post',
    path: '/cause-accounts/remove',
    operationId: 'removeCauseAccount',
    summary: "Remove a cause's account in a warehouse (admins of it)",
    tags: ['causes'],
    body: z.object({ warehouse: z.string(), cause: z.string() }).strict(),
    status: 200,
    response: { description: 'the mapping removed', schema: CauseAccountRemoved },
    errors: [403, 404],
    handle: (c, { ctx, body }) => removeCauseAccount(c.get('deps').db, ctx, body),
  }),
];
