/**
 * The HTTP app in-process over a test database (Hono's `app.request`, no network), with helpers to act
 * as a person: through a session cookie (what the console's person menu or a sign-in link sets) or an
 * API key created the way the CLI creates it.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Db } from '../../db/client.ts';
import { loadInstallationSecret } from '../../src/core/actionToken.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createHttpApp, type AppEnv, type HttpDeps } from '../../src/http/app.ts';
import { mountAuth } from '../../src/http/auth.ts';
import { SESSION_COOKIE, SessionSigner } from '../../src/http/session.ts';
import { createCredential } from '../../src/services/credentials.ts';
import { getPerson } from '../../src/services/people.ts';

export type Mount = (app: Hono<AppEnv>) => void;

export interface TestHttp {
  app: Hono<AppEnv>;
  deps: HttpDeps;
  /** `Cookie` header value that signs `person` in. */
  cookieFor(person: string): Promise<string>;
  /** A fresh API key acting as `person`, as `Authorization` header value. */
  bearerFor(person: string): Promise<string>;
  /** GET/POST with the given person's session; `init.headers` are merged. */
  as(person: string, path: string, init?: RequestInit): Promise<Response>;
}

export async function testHttp(
  db: Db,
  mounts: Mount[],
  options: Partial<Pick<HttpDeps, 'localOnly' | 'maxUploadBytes' | 'defaultLocale' | 'allowedHosts' | 'changed'>> = {},
): Promise<TestHttp> {
  const sessions = new SessionSigner(await loadInstallationSecret(db));
  const deps: HttpDeps = {
    db,
    log: silentLogger,
    sessions,
    localOnly: options.localOnly ?? true,
    maxUploadBytes: options.maxUploadBytes ?? 1024 * 1024,
    defaultLocale: options.defaultLocale ?? 'en',
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.changed ? { changed: options.changed } : {}),
  };
  const app = createHttpApp(deps, [mountAuth, ...mounts]);
  const cookieFor = async (person: string) => `${SESSION_COOKIE}=${sessions.issue((await getPerson(db, person)).id)}`;
  return {
    app,
    deps,
    cookieFor,
    async bearerFor(person) {
      return `Bearer ${(await createCredential(db, { kind: 'api_key', person })).secret}`;
    },
    async as(person, path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('cookie', await cookieFor(person));
      // Form posts from our own pages carry our origin (the CSRF check wants it).
      if (init.method && init.method !== 'GET' && !headers.has('origin')) headers.set('origin', 'http://localhost');
      return app.request(path, { ...init, headers });
    },
  };
}

/** The app on a real port of 127.0.0.1 (for a browser or a raw request); `close` stops it. */
export async function listen(app: Hono<AppEnv>): Promise<{ base: string; port: number; close: () => Promise<void> }> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
