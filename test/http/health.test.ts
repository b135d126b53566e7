import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../db/unavailable.ts';
import type { AppEnv } from '../../src/http/app.ts';
import { errorResponse } from '../../src/http/errors.ts';
import { mountHealth } from '../../src/http/health.ts';
import { openTemplatePglite } from '../support/db.ts';

const platforms = () => ({
  web: { connected: true, detail: 'served by this process' },
  telegram: { connected: false, detail: 'polling stopped: 409' },
});

describe('/healthz, /readyz and /livez', () => {
  let up: Database;
  let down: Database;
  beforeAll(async () => {
    up = await openTemplatePglite();
    // Nothing listens on port 1: every query fails to connect, as during an outage.
    down = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' }, { migrate: false });
  });
  afterAll(async () => {
    await up.close();
    await down.close();
  });

  const app = (db: Database) => {
    const a = new Hono<AppEnv>();
    mountHealth(a, { db: db.db, platforms });
    return a;
  };

  it('answers 200 with the database and every platform link when the database answers', async () => {
    const res = await app(up).request('/healthz');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, database: { ok: true }, platforms: platforms() });
    expect((await app(up).request('/readyz')).status).toBe(200);
  });

  it('answers 503 while the database is unreachable, and /livez still 200', async () => {
    const res = await app(down).request('/healthz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ok: boolean; database: unknown; platforms: Record<string, unknown> };
    expect(body.ok).toBe(false);
    expect(body.database).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    expect(body.platforms.telegram).toEqual({ connected: false, detail: 'polling stopped: 409' });
    expect((await app(down).request('/readyz')).status).toBe(503);
    expect((await app(down).request('/livez')).status).toBe(200);
  });

  it('turns a lost connection into 503 DATABASE_UNAVAILABLE, not a 500', async () => {
    const error = await down.db.execute('select 1' as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(errorResponse(error, 'ref1')).toMatchObject({ status: 503, body: { error: { code: 'DATABASE_UNAVAILABLE' } } });
    expect(errorResponse(new Error('boom'), 'ref2').status).toBe(500);
  });
});

describe('isDatabaseUnavailable', () => {
  it('recognises the driver, socket and server codes of an outage anywhere in the cause chain', () => {
    for (const code of [
      'CONNECTION_CLOSED',
      'CONNECTION_ENDED',
      'CONNECT_TIMEOUT',
      'ECONNREFUSED',
      'ECONNRESET',
      '57P01',
      '57P03',
      '08006',
    ]) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code })), code).toBe(true);
      expect(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { code }) })), `wrapped ${code}`).toBe(true);
    }
    expect(isDatabaseUnavailable(new DatabaseUnavailableError())).toBe(true);
  });

  it('leaves other failures alone: a constraint, a syntax error, a plain bug', () => {
    for (const code of ['23505', '42601', '22003', undefined])
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
