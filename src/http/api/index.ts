/**
 * The REST API under /api/v1: one route table registers every route and generates openapi.json. Each
 * route needs a caller (API key or session), validates its input with zod, limits its body, and passes
 * the caller's Idempotency-Key to the service it calls.
 *
 * @example
 * curl -H "Authorization: Bearer stk_…" http://127.0.0.1:3000/api/v1/stocktakes
 */
import type { Handler, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { NotAllowedError, NotFoundError } from '../../domain/errors.ts';
import { requireActor, type AppEnv } from '../app.ts';
import { PayloadTooLargeError } from '../errors.ts';
import { auditRoutes } from './audit.ts';
import { caseRoutes } from './cases.ts';
import { countRoutes } from './counts.ts';
import { documentRoutes } from './documents.ts';
import { erpRoutes } from './erp.ts';
import { exportRoutes } from './exports.ts';
import { integrationRoutes } from './integration.ts';
import { patternRoutes } from './patterns.ts';
import { cyclePlanRoutes } from './cyclePlans.ts';
import { photoRoutes } from './photos.ts';
import { scanRoutes } from './scans.ts';
import { idempotencyKey, jsonBody, parseWith } from './input.ts';
import { openApiRoute } from './openapi.ts';
import { API_BASE, honoPath, type ApiRoute } from './route.ts';
import { stocktakeRoutes } from './stocktakes.ts';
import { structureRoutes } from './structure.ts';
import { undoRoutes } from './undo.ts';
import { varianceRoutes } from './variances.ts';
import { httpTexts } from '../../domain/texts/http.ts';

/** The route table: what is served and what openapi.json documents. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...stocktakeRoutes,
  ...countRoutes,
  ...scanRoutes,
  ...varianceRoutes,
  ...photoRoutes,
  ...documentRoutes,
  ...exportRoutes,
  ...erpRoutes,
  ...auditRoutes,
  ...undoRoutes,
  ...patternRoutes,
  ...cyclePlanRoutes,
  ...caseRoutes,
  ...integrationRoutes,
  ...structureRoutes,
  openApiRoute(() => API_ROUTES),
];

const JSON_BODY_LIMIT = 1024 * 1024;

const megabytes = (bytes: number) => `${Number((bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 3 : 1))} MB`;

/** Refuses a body above the route's limit with 413 while reading it, before the handler sees any of it. */
function limitBody(route: ApiRoute): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const maxSize = route.maxBodyBytes?.(c) ?? JSON_BODY_LIMIT;
    const tooLarge = () => {
      throw new PayloadTooLargeError(
        route.maxBodyBytes ? httpTexts.uploadTooLarge(megabytes(maxSize)) : httpTexts.bodyTooLarge(megabytes(maxSize)),
      );
    };
    // A body of a stated length is judged by it, as hono's bodyLimit does, but without asking for the
    // request's body stream: on Node that turns the request into a full web Request (a stream over the
    // socket), ~0.1 ms of every write's ~1.8 ms in the server (`npm run bench:writes`), where reading the
    // JSON straight from the socket costs nothing extra. Chunked bodies are counted while read, by hono.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > maxSize ? tooLarge() : next();
    }
    return bodyLimit({ maxSize, onError: tooLarge })(c, next);
  };
}

function handler(route: ApiRoute): Handler<AppEnv> {
  return async (c) => {
    const actor = route.public ? null : requireActor(c);
    const query = route.query ? parseWith(route.query, c.req.query(), 'query') : undefined;
    const body = route.body ? parseWith(route.body, await jsonBody(c), 'request body') : undefined;
    const key = actor && route.method === 'post' ? idempotencyKey(c, actor) : undefined;
    // Public routes never read actor or ctx.
    const result = await route.handle(c, {
      actor: actor!,
      params: c.req.param() as Record<string, string>,
      query,
      body,
      ctx: { actor: actor!, ...(key ? { idempotencyKey: key } : {}) },
    });
    return result instanceof Response ? result : c.json(result as object, route.status);
  };
}

/**
 * A write signed in only by the session cookie must come from this server's own pages: a browser sends
 * the cookie along with any site's form post, and SameSite=Lax alone leaves same-site hosts open. Calls
 * with an API key carry no ambient credential and need no such check.
 */
const sameOriginWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) || c.req.header('authorization') || !c.get('actor')) return next();
  const origin = c.req.header('origin');
  if (c.req.header('sec-fetch-site') === 'same-origin' || (origin && origin === new URL(c.req.url).origin)) return next();
  throw new NotAllowedError(httpTexts.consoleOrigin());
};

/** Mounts /api/v1 on the app. */
export function mountApi(app: Hono<AppEnv>): void {
  app.use(`${API_BASE}/*`, sameOriginWrites);
  for (const route of API_ROUTES) app.on(route.method.toUpperCase(), honoPath(route.path), limitBody(route), handler(route));
  app.all(`${API_BASE}/*`, (c) => {
    throw new NotFoundError('route', `${c.req.method} ${c.req.path}`, httpTexts.noRoute(`${c.req.method} ${c.req.path}`, API_BASE));
  });
}
