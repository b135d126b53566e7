/**
 * Opened from the chat as yourself (issue 13 §6): each platform's page with a forged identity and with a
 * valid one, through the HTTP app on a public address, against the fake Feishu and DingTalk servers
 * (Telegram's initData is signed here with the bot token, as Telegram signs it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { pathOfStartParam, startParamOf } from '../../src/http/platformSignIn.ts';
import { SESSION_COOKIE } from '../../src/http/session.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../fakes/dingtalk/index.ts';
import { startFakeFeishu } from '../fakes/feishu/index.ts';
import type { FakeFeishu } from '../fakes/feishu/types.ts';
import { describeEachDatabase } from '../support/db.ts';
import { initData, signInApp } from '../support/signIn.ts';

const ORIGIN = 'http://localhost';
const NEXT = '/stocktakes';

let feishu: FakeFeishu;
let dingtalk: FakeDingTalk;
beforeAll(async () => {
  [feishu, dingtalk] = await Promise.all([startFakeFeishu(), startFakeDingTalk()]);
});
afterAll(async () => {
  await Promise.all([feishu?.close(), dingtalk?.close()]);
});

const openApp = (db: Db) => signInApp(db, feishu, dingtalk);

type Http = Awaited<ReturnType<typeof openApp>>;

const post = (http: Http, platform: string, fields: Record<string, string>) =>
  http.app.request(`/open/${platform}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { origin: ORIGIN, accept: 'text/html', 'accept-language': 'zh-CN,zh;q=0.9' },
  });

const cookieOf = (res: Response) => new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;

/** A valid answer: 302 to `next` with a session that then loads a page as `person`. */
async function expectSignedIn(http: Http, res: Response, person: string, next = NEXT) {
  expect(res.status, await res.clone().text()).toBe(302);
  expect(res.headers.get('location')).toBe(next);
  const cookie = cookieOf(res);
  expect(cookie).not.toBeNull();
  const page = await http.app.request(next, { headers: { cookie: `${SESSION_COOKIE}=${cookie}`, accept: 'text/html' } });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`data-person="${person}"`);
}

async function expectRefused(res: Response, words: RegExp) {
  expect(res.status).toBe(403);
  expect(res.headers.get('set-cookie') ?? '').not.toContain(SESSION_COOKIE);
  expect(await res.text()).toMatch(words);
}

describeEachDatabase('opening a page from the chat as yourself', (get) => {
  it('serves each platform a public bootstrap page that reads the platform in the page and loads no script from outside', async () => {
    const http = await openApp(get().db);
    for (const platform of ['telegram', 'feishu', 'dingtalk']) {
      const res = await http.app.request(`/open/${platform}?next=${encodeURIComponent('/count/ST-1?location=R1')}`, {
        headers: { accept: 'text/html', 'accept-language': 'zh-CN' },
      });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`action="/open/${platform}"`);
      expect(html).toContain('value="/count/ST-1?location=R1"');
      expect(html).toContain('/login?next=%2Fcount%2FST-1%3Flocation%3DR1'); // outside the platform: the sign-in link
      expect(html).not.toMatch(/<script[^>]+src=/); // platform SDKs are injected only inside the platform
    }
    const telegram = await (await http.app.request('/open/telegram', { headers: { accept: 'text/html' } })).text();
    expect(telegram).toContain('window.Telegram.WebApp');
    expect(await (await http.app.request('/open/feishu')).text()).toContain(JSON.stringify(feishu.appId));
    expect(await (await http.app.request('/open/dingtalk')).text()).toContain('requestAuthCode');
    // Another site as `next` is never followed; an unknown platform goes to the ordinary sign-in.
    expect(await (await http.app.request('/open/telegram?next=//evil.example/x')).text()).toContain('name="next" value="/"');
    expect((await http.app.request('/open/wechat?next=/stocktakes', { headers: { accept: 'text/html' } })).headers.get('location')).toMatch(
      /^\/login/,
    );
    // Only the bootstrap and exchange paths became public.
    expect((await http.app.request('/open/telegram/x', { headers: { accept: 'text/html' } })).status).toBe(302);
  });

  it('Telegram: valid initData signs the person in; a wrong key, tampering, an old or future date are refused', async () => {
    const http = await openApp(get().db);
    await expectSignedIn(http, await post(http, 'telegram', { proof: initData({ id: 4242, first_name: 'Carl' }), next: NEXT }), 'carl');
    // A direct Mini App link in a group carries where to go in the signed start_param.
    const startParam = startParamOf('/stocktakes?lang=en');
    expect(pathOfStartParam(startParam)).toBe('/stocktakes?lang=en');
    await expectSignedIn(
      http,
      await post(http, 'telegram', { proof: initData({ id: 4242, first_name: 'Carl' }, { startParam }) }),
      'carl',
      '/stocktakes?lang=en',
    );

    const otherBot = initData({ id: 4242, first_name: 'Carl' }, { token: '987654321:AAHanotherBotsTokenXXXXXXXXXXXXXXXX' });
    await expectRefused(await post(http, 'telegram', { proof: otherBot, next: NEXT }), /不是真的/);
    const tampered = initData({ id: 4243, first_name: 'Mallory' }).replace('4243', '4242');
    await expectRefused(await post(http, 'telegram', { proof: tampered, next: NEXT }), /签名不符/);
    const old = initData({ id: 4242, first_name: 'Carl' }, { at: new Date(Date.now() - 2 * 3600_000) });
    await expectRefused(await post(http, 'telegram', { proof: old, next: NEXT }), /已过期/);
    const future = initData({ id: 4242, first_name: 'Carl' }, { at: new Date(Date.now() + 3600_000) });
    await expectRefused(await post(http, 'telegram', { proof: future, next: NEXT }), /已过期/);
    await expectRefused(await post(http, 'telegram', { proof: 'user=%7B%7D&hash=00', next: NEXT }), /不是真的/);
    await expectRefused(await post(http, 'telegram', { proof: '', next: NEXT }), /没有收到/);
  });

  it('Telegram: a genuine user nobody is linked to gets who they are and what to ask for, and no session', async () => {
    const http = await openApp(get().db);
    const res = await post(http, 'telegram', { proof: initData({ id: 777, first_name: 'Nina', username: 'nina_w' }), next: NEXT });
    await expectRefused(res, /尚未开通/);
    const en = await http.app.request('/open/telegram', {
      method: 'POST',
      body: new URLSearchParams({ proof: initData({ id: 777, first_name: 'Nina', username: 'nina_w' }) }),
      headers: { origin: ORIGIN, 'accept-language': 'en' },
    });
    const text = await en.text();
    expect(en.status).toBe(403);
    expect(text).toContain('Nina (@nina_w)');
    expect(text).toContain('telegram:777');
    expect(text).toContain('npx stocktake people add &lt;your-handle&gt; --identity telegram:777');
  });

  it("Feishu: a fresh auth code signs the person in once; a used, expired, unknown or other app's code is refused", async () => {
    const http = await openApp(get().db);
    const code = feishu.issueAuthCode('ou_carl', { name: '卡尔' });
    await expectSignedIn(http, await post(http, 'feishu', { proof: code, next: NEXT }), 'carl');
    await expectRefused(await post(http, 'feishu', { proof: code, next: NEXT }), /登录码无效、已用过或已过期/);
    await expectRefused(await post(http, 'feishu', { proof: feishu.issueAuthCode('ou_carl', { ttlMs: -1 }), next: NEXT }), /登录码/);
    await expectRefused(await post(http, 'feishu', { proof: 'not-a-code', next: NEXT }), /登录码/);
    await expectRefused(
      await post(http, 'feishu', { proof: feishu.issueAuthCode('ou_carl', { appId: 'cli_0000000000000000' }), next: NEXT }),
      /登录码/,
    );
    const stranger = await post(http, 'feishu', { proof: feishu.issueAuthCode('ou_stranger', { name: '陌生人' }), next: NEXT });
    await expectRefused(stranger, /「陌生人」（账号 feishu:ou_stranger）/);
  });

  it("DingTalk: a fresh 免登 code signs the person in once; a used, expired, unknown or other app's code is refused", async () => {
    const http = await openApp(get().db);
    const code = dingtalk.issueAuthCode('carl01', { name: '卡尔' });
    await expectSignedIn(http, await post(http, 'dingtalk', { proof: code, next: NEXT }), 'carl');
    await expectRefused(await post(http, 'dingtalk', { proof: code, next: NEXT }), /登录码无效、已用过或已过期/);
    await expectRefused(await post(http, 'dingtalk', { proof: dingtalk.issueAuthCode('carl01', { ttlMs: -1 }), next: NEXT }), /登录码/);
    await expectRefused(await post(http, 'dingtalk', { proof: 'nope', next: NEXT }), /登录码/);
    await expectRefused(
      await post(http, 'dingtalk', { proof: dingtalk.issueAuthCode('carl01', { clientId: 'dingother' }), next: NEXT }),
      /登录码/,
    );
    await expectRefused(
      await post(http, 'dingtalk', { proof: dingtalk.issueAuthCode('u999', { name: '新人' }), next: NEXT }),
      /dingtalk:u999/,
    );
  });

  it('says the platform cannot be reached (502, no session) when the exchange fails, and never follows another site as next', async () => {
    const http = await openApp(get().db);
    dingtalk.failNext({ pathIncludes: '/topapi/v2/user/getuserinfo' }, { status: 500, times: 1 });
    const res = await post(http, 'dingtalk', { proof: dingtalk.issueAuthCode('carl01'), next: NEXT });
    expect(res.status).toBe(502);
    expect(res.headers.get('set-cookie') ?? '').not.toContain(SESSION_COOKIE);
    expect(await res.text()).toContain('暂时无法连接钉钉');
    const away = await post(http, 'telegram', { proof: initData({ id: 4242, first_name: 'Carl' }), next: 'https://evil.example/' });
    expect(away.status).toBe(302);
    expect(away.headers.get('location')).toBe('/');
  });
});
