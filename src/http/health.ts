/**
 * Health for orchestrators and operators:
 * - GET /livez: the process serves HTTP (restart it only when this fails);
 * - GET /readyz (and /healthz): the database answers, with each chat platform's link; 503 while the
 *   database is unreachable, so a load balancer sends requests elsewhere until it is back.
 * They are public (no person, no secret in the answer) and mounted before the sign-in and host checks.
 */
import { sql } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import type { Db } from '../../db/client.ts';
import type { PlatformHealth } from '../core/health.ts';
import type { AppEnv } from './app.ts';

export interface HealthDeps {
  db: Db;
  platforms: () => Record<string, PlatformHealth>;
  /** How long the database may take to answer `select 1` before it counts as down. */
  timeoutMs?: number;
}

export const HEALTH_PATHS = ['/livez', '/readyz', '/healthz'] as const;

/** `select 1` within the deadline; the error text never includes the URL (postgres.js errors do not). */
export async function pingDatabase(db: Db, timeoutMs: number): Promise<{ ok: true; latencyMs: number } | { ok: false; error: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    return { ok: false, error: e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

export function mountHealth(app: Hono<AppEnv>, deps: HealthDeps): void {
  const timeoutMs = deps.timeoutMs ?? 2000;
  app.get('/livez', (c) => c.json({ ok: true, uptimeSeconds: Math.round(process.uptime()) }));
  const ready = async (c: Context<AppEnv>) => {
    const database = await pingDatabase(deps.db, timeoutMs);
    const platforms = deps.platforms();
    return c.json({ ok: database.ok, database, platforms }, database.ok ? 200 : 503, { 'cache-control': 'no-store' });
  };
  app.get('/readyz', ready);
  app.get('/healthz', ready);
}
