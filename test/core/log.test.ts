/**
 * Logs an operator can diagnose from, and that never carry a secret: pino's JSON lines with the error's
 * class, stack and cause chain, child bindings per component and per HTTP request, and secrets hidden both
 * by field name and by value (in messages, error texts and URLs too).
 */
import { randomBytes } from 'node:crypto';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { childLogger, createLogger, functionLogger, type LogLevel } from '../../src/core/log.ts';
import { createHttpApp, type HttpDeps } from '../../src/http/app.ts';
import { SessionSigner } from '../../src/http/session.ts';
import { DomainError, InvalidInputError, NotFoundError, StaleCommandError } from '../../src/domain/errors.ts';

function recorder(env: NodeJS.ProcessEnv = {}, level: LogLevel = 'debug') {
  const lines: string[] = [];
  const log = createLogger({ level, env, write: (line) => lines.push(line) });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('the JSON logger', () => {
  it("logs an error with its class, stack and the cause chain with each cause's message and stack", () => {
    const { log, parsed } = recorder();
    const root = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const error = new NotFoundError('stocktake', 'ST-1', 'check the code', { cause: new Error('lookup failed', { cause: root }) });
    log('error', 'event failed', { error });
    const [line] = parsed();
    expect(line).toMatchObject({ level: 'error', msg: 'event failed' });
    expect(typeof line!.time).toBe('string');
    expect(line!.error).toMatchObject({ type: 'NotFoundError', code: 'NOT_FOUND', message: 'stocktake "ST-1" not found; check the code' });
    expect(line!.error.stack).toMatch(/^NotFoundError: stocktake "ST-1" not found[\s\S]*log\.test\.ts/);
    expect(line!.error.cause).toMatchObject({ type: 'Error', message: 'lookup failed' });
    expect(line!.error.cause.stack).toContain('lookup failed');
    expect(line!.error.cause.cause).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:5432' });
  });

  it("keeps an SDK error's objects (request config with its Authorization header) out of the line", () => {
    const { log, lines } = recorder();
    const sdk = Object.assign(new Error('Request failed with status code 500'), {
      status: 500,
      config: { headers: { Authorization: 'Bearer t-tenant-token-123' } },
      request: { socket: {} },
    });
    log('warn', 'delivery will be retried', { error: new Error('Feishu call failed', { cause: sdk }) });
    expect(lines[0]).toContain('"status":500');
    expect(lines[0]).not.toContain('t-tenant-token-123');
  });

  it('drops the bound parameters of a failed query (an API key being looked up) but keeps the query and the reason', () => {
    const { log, lines } = recorder();
    const error = new DrizzleQueryError(
      'select person_id from credential where secret_hash = $1',
      ['stk_live_abcdef123456'],
      new Error('terminating connection'),
    );
    log('error', 'request failed', { error });
    const line = JSON.parse(lines[0]!);
    expect(lines[0]).not.toContain('stk_live_abcdef123456');
    expect(line.error.message).toContain('select person_id from credential');
    expect(line.error.cause.message).toBe('terminating connection');
  });

  it('never writes a secret from the environment: not in a message, an error, a cause, a URL or a field', () => {
    const token = `tg-${randomBytes(12).toString('hex')}`;
    const password = `pw"${randomBytes(6).toString('hex')}/x`;
    const env = { TELEGRAM_BOT_TOKEN: token, DATABASE_URL: `postgres://stock:${encodeURIComponent(password)}@db.internal:5432/stock` };
    const { log, lines } = recorder(env);
    log('error', `call to https://api.telegram.org/bot${token}/sendMessage failed`, {
      error: new Error(`polling failed for ${token}`, { cause: new Error(`password authentication failed: ${password}`) }),
      url: `https://api.telegram.org/bot${token}/getUpdates`,
      database: env.DATABASE_URL,
      note: `connecting to postgres://other:hunter22@elsewhere/db`,
    });
    log('info', 'plain', { detail: { quoted: password } });
    const out = lines.join('\n');
    expect(out).not.toContain(token);
    expect(out).not.toContain(encodeURIComponent(password));
    expect(out).not.toContain(JSON.stringify(password).slice(1, -1));
    expect(out).not.toContain('hunter22');
    expect(out).toContain('***');
    expect(JSON.parse(lines[0]!).error.message).toBe('polling failed for ***');
  });

  it('censors fields named like secrets wherever a call puts them', () => {
    const { log, parsed } = recorder();
    log('info', 'callback', {
      headers: { authorization: 'Bearer abc', 'content-type': 'json' },
      token: 'x1',
      config: { appSecret: 's3', encryptKey: 'k' },
    });
    expect(parsed()[0]).toMatchObject({
      headers: { authorization: '***', 'content-type': 'json' },
      token: '***',
      config: { appSecret: '***', encryptKey: '***' },
    });
  });

  it('binds a component to a child logger, and a request to its child', () => {
    const { log, parsed } = recorder();
    const sender = childLogger(log, { component: 'sender' });
    childLogger(sender, { outboxId: '7' })('warn', 'retry');
    sender('info', 'drained');
    expect(parsed()).toMatchObject([
      { component: 'sender', outboxId: '7', msg: 'retry', level: 'warn' },
      { component: 'sender', msg: 'drained', level: 'info' },
    ]);
  });

  it('writes nothing below its level', () => {
    const { log, lines } = recorder({}, 'warn');
    log('info', 'quiet');
    log('debug', 'quieter');
    log('warn', 'heard');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['heard']);
  });

  it('gives plain-function loggers child bindings too', () => {
    const calls: unknown[] = [];
    childLogger(
      functionLogger((level, message, fields) => calls.push({ level, message, fields })),
      { component: 'web' },
    )('info', 'hi', { a: 1 });
    childLogger((level, message, fields) => calls.push({ level, message, fields }), { component: 'http' })('info', 'ho');
    expect(calls).toEqual([
      { level: 'info', message: 'hi', fields: { component: 'web', a: 1 } },
      { level: 'info', message: 'ho', fields: { component: 'http' } },
    ]);
  });
});

describe('HTTP request logging', () => {
  function app(log: ReturnType<typeof recorder>['log']) {
    const deps = {
      db: null,
      log: childLogger(log, { component: 'http' }),
      sessions: new SessionSigner(randomBytes(32)),
      localOnly: true,
      maxUploadBytes: 1024,
      defaultLocale: 'en',
    } as unknown as HttpDeps;
    return createHttpApp(deps, [
      (a) => {
        a.get('/boom', () => {
          throw new Error('ledger write failed', { cause: new Error('deadlock detected') });
        });
        a.get('/fine', (c) => c.text('ok'));
        a.get('/json', (c) => c.json({ lines: 3 }, 201));
        a.get('/own', () => new Response('made by hand', { headers: { 'content-type': 'text/plain' } }));
        a.get('/moved', () => Response.redirect('http://localhost/elsewhere', 302));
      },
    ]);
  }

  it("logs a failed request with its request id, method, path and the error's cause, and returns the id", async () => {
    const { log, parsed } = recorder();
    const res = await app(log).request('/boom', { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const failed = parsed().find((l) => l.msg === 'request failed');
    expect(failed).toMatchObject({
      level: 'error',
      component: 'http',
      requestId: 'req-42',
      method: 'GET',
      path: '/boom',
      error: { message: 'ledger write failed', cause: { message: 'deadlock detected' } },
    });
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain(`reference ${failed!.ref}`);
  });

  it('sends the request id with every kind of response, its body and status intact', async () => {
    const { log } = recorder();
    const json = await app(log).request('/json', { headers: { 'x-request-id': 'req-1' } });
    expect([json.status, json.headers.get('x-request-id'), json.headers.get('content-type')]).toEqual([201, 'req-1', 'application/json']);
    expect(await json.json()).toEqual({ lines: 3 });
    const own = await app(log).request('/own', { headers: { 'x-request-id': 'req-2' } });
    expect([own.headers.get('x-request-id'), await own.text()]).toEqual(['req-2', 'made by hand']);
    const moved = await app(log).request('/moved', { headers: { 'x-request-id': 'req-3' } });
    expect([moved.status, moved.headers.get('location'), moved.headers.get('x-request-id')]).toEqual([
      302,
      'http://localhost/elsewhere',
      'req-3',
    ]);
  });

  it('makes up a request id when the caller gives none (or a malformed one)', async () => {
    const { log, parsed } = recorder();
    const res = await app(log).request('/fine', { headers: { 'x-request-id': 'bad id with spaces\n' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(parsed()).toMatchObject([{ level: 'debug', msg: 'request', requestId: id, status: 200 }]);
  });
});

describe('domain errors', () => {
  it('are named after their class and keep their cause and literal code', () => {
    const cause = new TypeError('bad row');
    const errors: DomainError[] = [
      new InvalidInputError('bad file', [], { cause }),
      new NotFoundError('item', 'A-1', '', { cause }),
      new StaleCommandError('moved on', { cause }),
    ];
    expect(errors.map((e) => [e.name, e.code, e.cause])).toEqual([
      ['InvalidInputError', 'INVALID_INPUT', cause],
      ['NotFoundError', 'NOT_FOUND', cause],
      ['StaleCommandError', 'STALE', cause],
    ]);
    expect(String(errors[2])).toBe('StaleCommandError: moved on');
  });
});
