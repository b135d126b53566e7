/**
 * DNS rebinding: the server answers only to the host names it is configured for (the loopback names,
 * HOST, PUBLIC_URL's host, STOCKTAKE_ALLOWED_HOSTS), for pages, the session route and the API alike.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { createWebAdapter } from '../../bots/web/index.ts';
import { loadConfig } from '../../src/config.ts';
import { mountApi } from '../../src/http/api/index.ts';
import { mountHealth } from '../../src/http/health.ts';
import { allowedHostsOf, hostName } from '../../src/http/hosts.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedPeople } from '../support/flow.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { testHttp } from '../support/http.ts';

const read = async (res: Response): Promise<any> => res.json();

describe('allowed host names', () => {
  it("are the loopback names and HOST by default, plus PUBLIC_URL's host and STOCKTAKE_ALLOWED_HOSTS", () => {
    expect(allowedHostsOf(loadConfig({}))).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(
      allowedHostsOf(
        loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://Stock.Example.com/base', STOCKTAKE_ALLOWED_HOSTS: 'lan-box, 10.0.0.5,fe80::1' }),
      ),
    ).toEqual(['localhost', '127.0.0.1', '[::1]', '0.0.0.0', 'stock.example.com', 'lan-box', '10.0.0.5', '[fe80::1]']);
    expect(() => loadConfig({ STOCKTAKE_ALLOWED_HOSTS: 'https://stock.example.com' })).toThrow(/STOCKTAKE_ALLOWED_HOSTS/);
  });

  it('read a Host header with or without a port', () => {
    expect(hostName('LocalHost:3000')).toBe('localhost');
    expect(hostName('[::1]:8080')).toBe('[::1]');
    expect(hostName('stock.example.com.')).toBe('stock.example.com');
    expect(hostName('a b')).toBeNull();
  });
});

describeEachDatabase('the Host check', (get) => {
  async function app(allowedHosts?: string[]) {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const web = createWebAdapter({ db, log: () => {} });
    return testHttp(
      db,
      [(a) => mountHealth(a, { db, platforms: () => ({}) }), mountApi, mountPages, (a) => web.mount(a)],
      allowedHosts ? { allowedHosts } : {},
    );
  }

  it('refuses a page, the session route and the API under another host name with 421, and answers the loopback names on any port', async () => {
    const http = await app();
    const evil = { host: 'evil.example' };
    const refusals = [
      await http.app.request('/', { headers: { ...evil, accept: 'text/html' } }),
      // A rebound page posting "I am ann" from its own origin (same-origin as far as the browser knows).
      await http.app.request('/session', {
        method: 'POST',
        body: new URLSearchParams({ person: 'ann' }),
        headers: { ...evil, origin: 'http://evil.example' },
      }),
      await http.app.request('/api/v1/stocktakes', { headers: { ...evil, authorization: await http.bearerFor('sam') } }),
      await http.app.request('/chat/team/messages', {
        method: 'POST',
        body: new URLSearchParams({ text: 'help' }),
        headers: { ...evil, cookie: await http.cookieFor('sam'), origin: 'http://evil.example' },
      }),
      // An absolute request target names the host too.
      await http.app.request('http://evil.example/api/v1/stocktakes'),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(421);
      expect(res.headers.get('set-cookie')).toBeNull();
      const { error } = await read(res);
      expect(error.code).toBe('MISDIRECTED_HOST');
      expect(error.message).toContain('"evil.example"');
      expect(error.message).toContain('STOCKTAKE_ALLOWED_HOSTS');
      // In English for integrators, and in Chinese beside it (localized).
      expect(error.localized['zh-CN']).toContain('DNS 重绑定');
    }
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:8080', '[::1]:3000']) {
      expect(
        (await http.app.request('/api/v1/stocktakes', { headers: { host, authorization: await http.bearerFor('sam') } })).status,
        host,
      ).toBe(200);
    }
    const picked = await http.app.request('/session', {
      method: 'POST',
      body: new URLSearchParams({ person: 'ann' }),
      headers: { origin: 'http://localhost' },
    });
    expect(picked.status).toBe(302);
    // Health probes name the pod's address, which nobody configures.
    for (const path of ['/healthz', '/readyz', '/livez']) expect((await http.app.request(path, { headers: evil })).status, path).toBe(200);
  });

  it("answers PUBLIC_URL's host and the extra names, over a real socket too", async () => {
    const http = await app(
      allowedHostsOf(loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://stock.example.com', STOCKTAKE_ALLOWED_HOSTS: 'lan-box' })),
    );
    const server = serve({ fetch: http.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
    const { port } = server.address() as AddressInfo;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/openapi.json', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await status('stock.example.com')).toBe(200);
      expect(await status('lan-box:3000')).toBe(200);
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status('evil.example')).toBe(421);
      expect(await status(`evil.example:${port}`)).toBe(421);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
