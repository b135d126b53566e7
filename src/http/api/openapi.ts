/**
 * The OpenAPI 3.1 document, built from the route table that registers the routes: every operation's
 * parameters, request body and responses come from the same zod schemas the handlers validate with.
 */
import { z } from 'zod';
import packageJson from '../../../package.json' with { type: 'json' };
import { SESSION_COOKIE } from '../session.ts';
import { API_BASE, defineRoute, pathParams, type ApiRoute } from './route.ts';
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
      { name: 'audit' },
      { name: 'meta' },
    ],
    paths,
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
