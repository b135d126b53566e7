/**
 * The OpenAPI 3.1 document, built from the route table that registers the routes: every operation's
 * parameters, request body and responses come from the same zod schemas the handlers validate with.
 */
import { z } from 'zod';
import packageJson from '../../../package.json' with { type: 'json' };
import { SESSION_COOKIE } from '../session.ts';
import { API_BASE, defineRoute, pathParams, type ApiRoute } from './route.ts';
import { INTEGRATION_EVENT_TYPES } from '../../integration/payload.ts';
import { apiSchemas, OpenApiDocument } from './schemas.ts';

// Inlined by the build (dist/ has no path back to package.json's folder).
const { version } = packageJson;

const ERRORS: Record<number, string> = {
  400: 'INVALID_INPUT: bad input, with every problem and its field (or sheet line and column)',
  401: 'UNAUTHENTICATED: no API key or session, or the key is unknown, revoked or expired',
  403: 'NOT_ALLOWED: the caller lacks the role in the warehouse, or segregation of duties forbids it',
  404: 'NOT_FOUND: the stocktake, document, line or person does not exist',
  409: 'STALE, STOCKTAKE_STATE, DUPLICATE_IMPORT or STOCKTAKE_ALREADY_OPEN: the current state does not allow it',
  413: 'PAYLOAD_TOO_LARGE: the body is larger than the limit; nothing was read',
  422: 'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was already used for another command, target or input; nothing was done',
};

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any 1–200 visible ASCII characters (a UUID). The same key again from the same caller with the same request has no second effect and answers with the first result; with another target or input it is refused with 422.',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
};

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema for a request (the input side: defaults and coercions before parsing). */
function inputSchema(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

function queryParameters(query: z.ZodType | undefined): Json[] {
  if (!query) return [];
  const schema = inputSchema(query) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: property,
  }));
}

/** A JSON body; required only when it has required fields (an empty body is read as `{}`). */
function jsonBody(body: z.ZodType): Json {
  const schema = inputSchema(body);
  return { required: Array.isArray(schema.required) && schema.required.length > 0, content: { 'application/json': { schema } } };
}

function ref(schema: z.ZodType): Json {
  const meta = apiSchemas.get(schema);
  if (!meta) throw new Error('a response schema must be registered in apiSchemas (schemas.ts)');
  return { $ref: `#/components/schemas/${meta.id}` };
}

function operation(route: ApiRoute): Json {
  const errors = [
    ...new Set([400, ...(route.public ? [] : [401]), ...(route.method === 'post' ? [422] : []), ...(route.errors ?? [])]),
  ].sort();
  const success = route.response.schema ? { 'application/json': { schema: ref(route.response.schema) } } : route.response.content;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    security: route.public ? [] : [{ bearer: [] }, { session: [] }],
    parameters: [
      ...pathParams(route.path).map((name) => ({
        name,
        in: 'path',
        required: true,
        description: route.params?.[name] ?? name,
        schema: { type: 'string' },
      })),
      ...queryParameters(route.query),
      ...(route.method === 'post' ? [IDEMPOTENCY_HEADER] : []),
    ],
    ...(route.body ? { requestBody: jsonBody(route.body) } : {}),
    ...(route.requestBody ? { requestBody: route.requestBody } : {}),
    responses: {
      [route.status]: { description: route.response.description, ...(success ? { content: success } : {}) },
      ...Object.fromEntries(
        errors.map((status) => [
          status,
          { description: ERRORS[status] ?? 'refused', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
      ),
    },
  };
}

/** The headers of every webhook delivery (Standard Webhooks). */
const WEBHOOK_HEADERS: Json[] = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'the event id (= body.id), the same on every retry: deduplicate on it',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'unix seconds of this attempt; refuse one more than 5 minutes off (replay window)',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">`, keyed by the base64 part of the whsec_ secret; two during a rotation (new and previous secret): accept either',
    schema: { type: 'string' },
  },
];

/** OpenAPI 3.1 `webhooks`: what a subscription receives, one entry per event type. */
function webhookDocs(): Json {
  return Object.fromEntries(
    INTEGRATION_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          summary: `${type} (integration payload version 1)`,
          tags: ['webhooks'],
          parameters: WEBHOOK_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/IntegrationEvent' } } } },
          responses: {
            '2XX': { description: 'delivered' },
            '410': { description: 'stop: the subscription is deactivated' },
            default: { description: 'failed: retried with backoff (Retry-After honoured), then failed until retried' },
          },
        },
      },
    ]),
  );
}

/** The document for a route table. */
export function openApiDocument(routes: readonly ApiRoute[]): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) (paths[`${API_BASE}${route.path}`] ??= {})[route.method] = operation(route);
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }) as {
    schemas: Record<string, Json>;
  };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stocktake assistant API',
      version,
      description:
        'Stocktakes, count sheets, variance review, gain/loss documents, approvals, exports and the audit trail. Every call acts as the person its API key (or session) belongs to: roles per warehouse and segregation of duties apply.',
    },
    tags: [
      { name: 'stocktakes' },
      { name: 'counts' },
      { name: 'variances' },
      { name: 'documents' },
      { name: 'exports' },
      { name: 'erp', description: 'ERP connectors (金蝶 Kingdee, 用友 U8, ERPNext, Odoo) and the sync of posted documents' },
      { name: 'audit' },
      { name: 'webhooks', description: 'subscriptions, deliveries and the signed integration payload (Standard Webhooks)' },
      { name: 'causes' },
      { name: 'patterns', description: 'recurring variances and early warning (复盘), accuracy and performance figures (绩效)' },
      { name: 'cases', description: 'the case library (事故案例库): explained variances written up with a corrective action' },
      { name: 'meta' },
    ],
    paths,
    webhooks: webhookDocs(),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'stk_…', description: 'an API key from `stocktake access key <person>`' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'the console session set by a sign-in link (`stocktake access login <person>`)',
        },
      },
      schemas,
    },
  };
}

/** GET /api/v1/openapi.json, public: the document of `routes()` (the table this route is in). */
export function openApiRoute(routes: () => readonly ApiRoute[]): ApiRoute {
  let document: Json | null = null;
  return defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApi',
    summary: 'This OpenAPI document',
    tags: ['meta'],
    public: true,
    status: 200,
    response: { description: 'the OpenAPI 3.1 document', schema: OpenApiDocument },
    handle: async () => (document ??= openApiDocument(routes())),
  });
}
