/**
 * The "open from the chat" page's own script in a real browser, on a phone (390×844, touch): with the
 * platform's object as its web view provides it (window.Telegram.WebApp, Feishu's `tt`, DingTalk's `dd`,
 * stubbed here, since their SDK scripts come from the internet), the page gets the proof, posts it, and
 * lands on `next` signed in; in a plain browser it says to open it inside the platform or to use a
 * sign-in link. Every request that is not to our server is refused, so no platform script is loaded.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTemplatePglite } from '../support/db.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { listen } from '../support/http.ts';
import { CARL, initData, signInApp } from '../support/signIn.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../fakes/dingtalk/index.ts';
import { startFakeFeishu } from '../fakes/feishu/index.ts';
import type { FakeFeishu } from '../fakes/feishu/types.ts';

const run = browserAvailable() ? describe : describe.skip;

run('opening the counting page from a chat, in a browser', () => {
  let browser: Browser;
  let stopServer: (() => Promise<void>) | undefined;
  let base = '';
  let feishu: FakeFeishu;
  let dingtalk: FakeDingTalk;
  let closeDb: () => Promise<void>;
  const outside: string[] = [];

  beforeAll(async () => {
    [feishu, dingtalk] = await Promise.all([startFakeFeishu(), startFakeDingTalk()]);
    const database = await openTemplatePglite();
    closeDb = database.close;
    const http = await signInApp(database.db, feishu, dingtalk);
    ({ base, close: stopServer } = await listen(http.app));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopServer?.();
    await Promise.all([feishu?.close(), dingtalk?.close(), closeDb?.()]);
  });

  /** A phone page where `platform` stands in for what the platform's web view provides. */
  async function phone(platform?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith(base)) return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    if (platform) await context.addInitScript(platform);
    return context.newPage();
  }

  const signedInAs = async (page: Page, handle: string) => {
    await page.waitForURL(`${base}/stocktakes`);
    await expect.poll(() => page.locator(`[data-person="${handle}"]`).count()).toBeGreaterThan(0);
  };

  it('signs in from a Telegram Mini App with its initData', async () => {
    const data = initData({ id: CARL.telegram, first_name: 'Carl' });
    const page = await phone(`window.Telegram = { WebApp: { initData: ${JSON.stringify(data)}, ready: function () {} } };`);
    await page.goto(`${base}/open/telegram?next=%2Fstocktakes`);
    await signedInAs(page, 'carl');
  });

  it('signs in from a Feishu web app with the code tt.requestAccess gives', async () => {
    const code = feishu.issueAuthCode(CARL.feishu);
    const page = await phone(
      `window.tt = { requestAccess: function (o) { if (o.appID === ${JSON.stringify(feishu.appId)}) o.success({ code: ${JSON.stringify(code)} }); else o.fail({}); } };`,
    );
    await page.goto(`${base}/open/feishu?next=%2Fstocktakes`);
    await signedInAs(page, 'carl');
  });

  it('signs in from a DingTalk H5 micro-app with the code requestAuthCode gives', async () => {
    const code = dingtalk.issueAuthCode(CARL.dingtalk);
    const page = await phone(
      `window.dd = { runtime: { permission: { requestAuthCode: function (o) { if (o.corpId === ${JSON.stringify(dingtalk.corpId)}) o.onSuccess({ code: ${JSON.stringify(code)} }); else o.onFail({}); } } } };`,
    );
    await page.goto(`${base}/open/dingtalk?next=%2Fstocktakes`);
    await signedInAs(page, 'carl');
  });

  it('in a plain browser says to open it inside the platform or use a sign-in link, and loads nothing from outside', async () => {
    const page = await phone();
    await page.goto(`${base}/open/feishu?next=%2Fstocktakes`);
    const outsideNote = page.locator('#outside');
    await expect.poll(() => outsideNote.isVisible()).toBe(true);
    expect(await outsideNote.innerText()).toContain('需要在飞书里打开');
    expect(await page.locator('#outside a').getAttribute('href')).toBe('/login?next=%2Fstocktakes');
    // Fits the phone: no sideways scroll.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    expect(outside).toEqual([]);
  });

  it('refuses a platform that answers with a forged identity, with a page and no session', async () => {
    const forged = initData({ id: CARL.telegram, first_name: 'Carl' }, { token: '987654321:AAHanotherBotsTokenXXXXXXXXXXXXXXXX' });
    const page = await phone(`window.Telegram = { WebApp: { initData: ${JSON.stringify(forged)} } };`);
    await page.goto(`${base}/open/telegram?next=%2Fstocktakes`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('登录被拒绝');
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('stocktake_session');
  });
});
