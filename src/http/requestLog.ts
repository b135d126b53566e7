/**
 * One child logger per HTTP request, bound to its request id, method and path, so every line a request
 * causes can be found together. The id is the caller's `X-Request-Id` when it looks like one (a proxy's or a
 * client's), else a new one; it is sent back in the same header.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { childLogger, type Logger } from '../core/log.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Sets `c.var.log` and `c.var.requestId`; a finished request is logged at debug level with its status and time. */
export function requestLog(log: Logger): MiddlewareHandler<{ Variables: { log: Logger; requestId: string } }> {
  return async (c, next) => {
    const given = c.req.header(REQUEST_ID_HEADER);
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const requestLogger = childLogger(log, { requestId, method: c.req.method, path: c.req.path });
    c.set('requestId', requestId);
    c.set('log', requestLogger);
    const started = performance.now();
    // Set before the response exists, the header goes out with whatever c.json, c.html, c.body or c.redirect
    // makes. Set on a finished response, hono copies it into a new Response whose body is a stream, and
    // @hono/node-server then pumps that stream instead of writing the string: 5–8 % of an instance's CPU for
    // every API call in `npm run bench:writes`. Only a Response a handler built itself lacks it here.
    c.header(REQUEST_ID_HEADER, requestId);
    await next();
    if (c.res.headers.get(REQUEST_ID_HEADER) !== requestId) c.header(REQUEST_ID_HEADER, requestId);
    requestLogger('debug', 'request', { status: c.res.status, ms: Math.round(performance.now() - started) });
  };
}
