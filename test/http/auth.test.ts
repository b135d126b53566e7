/**
 * Who is at the browser: on a loopback server a visitor may pick a person; on any other address only a
 * sign-in link identifies them, every page needs a session and the API a key or a session.
 */
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { sql } from 'drizzle-orm';
import { createWebAdapter } from '../../bots/web/index.ts';
import { authenticate, createCredential, revokeCredential } from '../../src/services/credentials.ts';
import { mountApi } from '../../src/http/api/index.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { SESSION_COOKIE } from '../../src/http/session.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

const ORIGIN = 'http://localhost';

async function app(db: Db, localOnly: boolean) {
  await countedStocktake(db);
  const web = createWebAdapter({ db, log: () => {} });
  return testHttp(db, [mountApi, mountPages, (a) => web.mount(a)], { localOnly });
}

const cookieOf = (res: Response) => /stocktake_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;

describeEachDatabase('signing in', (get) => {
  it('lets a visitor of a local-only server pick who they are, and acts as that person', async () => {
    const http = await app(get().db, true);
    const home = await (await http.app.request('/', { headers: { accept: 'text/html' } })).text();
    expect(home).toContain('data-person="sam"');
    const picked = await http.app.request('/session', {
      method: 'POST',
      body: new URLSearchParams({ person: 'sam', next: '/stocktakes' }),
      headers: { origin: ORIGIN },
    });
    expect(picked.status).toBe(302);
    expect(picked.headers.get('location')).toBe('/stocktakes');
    const cookie = cookieOf(picked)!;
    const page = await http.app.request('/stocktakes', { headers: { cookie: `${SESSION_COOKIE}=${cookie}`, accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-person="sam"');
  });

  it('on a public address refuses picking a person and lets only a sign-in link in', async () => {
    const { db } = get();
    const http = await app(db, false);
    // Pages send an anonymous browser to sign in; the API answers 401.
    const page = await http.app.request('/stocktakes', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fstocktakes');
    expect((await http.app.request('/chat/team', { headers: { accept: 'text/html' } })).headers.get('location')).toMatch(/^\/login/);
    expect((await http.app.request('/api/v1/stocktakes')).status).toBe(401);
    // The OpenAPI document and the sign-in page stay public.
    expect((await http.app.request('/api/v1/openapi.json')).status).toBe(200);
    expect((await http.app.request('/login')).status).toBe(200);

    const pick = await http.app.request('/session', {
      method: 'POST',
      body: new URLSearchParams({ person: 'ann' }),
      headers: { origin: ORIGIN, accept: 'application/json' },
    });
    expect(pick.status).toBe(403);
    expect(cookieOf(pick)).toBeNull();
    expect((await http.app.request('/demo', { method: 'POST', headers: { origin: ORIGIN } })).status).toBe(401);

    const bad = await http.app.request('/login?token=stl_not-a-real-token');
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('unknown, revoked or expired');

    const { secret, credential } = await createCredential(db, { kind: 'login', person: 'sam' });
    const signIn = await http.app.request(`/login?token=${secret}&next=/stocktakes`);
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get('location')).toBe('/stocktakes');
    const cookie = `${SESSION_COOKIE}=${cookieOf(signIn)!}`;
    const signedIn = await http.app.request('/stocktakes', { headers: { cookie, accept: 'text/html' } });
    expect(signedIn.status).toBe(200);
    expect((await http.app.request('/api/v1/stocktakes', { headers: { cookie } })).status).toBe(200);
    // Roles still apply: sam is no admin.
    expect((await http.app.request('/people', { headers: { cookie, accept: 'text/html' } })).status).toBe(403);
    // A forged cookie is nobody; a revoked link no longer signs in.
    expect((await http.app.request('/stocktakes', { headers: { cookie: `${cookie}x`, accept: 'text/html' } })).status).toBe(302);
    await revokeCredential(db, credential.id);
    expect((await http.app.request(`/login?token=${secret}`)).status).toBe(401);
    // A script with an API key needs no Origin, even for a multipart upload (no browser sends our key).
    const listed = (await (
      await http.app.request('/api/v1/stocktakes', { headers: { authorization: await http.bearerFor('carl') } })
    ).json()) as { stocktakes: { code: string }[] };
    const code = listed.stocktakes[0]!.code;
    const body = new FormData();
    body.set('file', new File(['sku,location,qty\nA-100,R1,91\n'], 'api.csv', { type: 'text/csv' }));
    const upload = await http.app.request(`/api/v1/stocktakes/${code}/counts`, {
      method: 'POST',
      body,
      headers: { authorization: await http.bearerFor('carl') },
    });
    expect(upload.status, await upload.clone().text()).toBeLessThan(300);
    // An open redirect is not offered.
    const { secret: again } = await createCredential(db, { kind: 'login', person: 'sam' });
    expect((await http.app.request(`/login?token=${again}&next=//evil.example`)).headers.get('location')).toBe('/');
  });
});

describeEachDatabase('API keys', (get) => {
  it('records when a key was last used at most once a minute, so parallel calls with one key do not queue on it', async () => {
    const { db } = get();
    await countedStocktake(db);
    const { secret, credential } = await createCredential(db, { kind: 'api_key', person: 'sam' });
    const lastUsed = async () =>
      (
        await queryRows<{ at: string | null }>(db, sql`select last_used_at::text as at from credential where id = ${credential.id}::uuid`)
      )[0]!.at;
    expect(await lastUsed()).toBeNull();
    expect(await authenticate(db, 'api_key', secret)).toMatchObject({ handle: 'sam', identity: 'api:sam' });
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await Promise.all(Array.from({ length: 8 }, () => authenticate(db, 'api_key', secret)));
    expect(await lastUsed()).toBe(first);
    // A minute later the next call records it again.
    await db.execute(sql`update credential set last_used_at = last_used_at - interval '61 seconds' where id = ${credential.id}::uuid`);
    await authenticate(db, 'api_key', secret);
    expect(await lastUsed()).not.toBe(first);
    expect(await authenticate(db, 'api_key', `${secret}x`)).toBeNull();
  });
});
