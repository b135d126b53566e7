/**
 * The cycle-count page (/plans) in a real browser on the narrowest phone we support (360 px, touch): the
 * page never scrolls sideways (in English and Chinese), its controls are 44 px touch targets, a supervisor
 * changes the plan (a class's days and a zone rule) and starts a spot check, landing on the new stocktake,
 * whose page states the sample. The app runs in-process on an embedded database (as the open-page test
 * does); Debian's Chromium through playwright-core, skipped like the other browser tests without it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { getPlan } from '../../src/services/cyclePlans.ts';
import { browserAvailable, launchBrowser, layoutProblems, NARROW } from '../support/browser.ts';
import { openTemplatePglite } from '../support/db.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';
import { listen, testHttp, type TestHttp } from '../support/http.ts';

// biome-ignore lint/suspicious/noExplicitAny: the browser's globals inside page.evaluate
declare const document: any, window: any;

const run = browserAvailable() ? describe : describe.skip;

/** The page's width against the window's: what scrolls sideways shows as scrollWidth > innerWidth. */
const widths = (page: Page): Promise<{ scrollWidth: number; innerWidth: number }> =>
  page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

async function fits(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await widths(page);
  expect(scrollWidth, `${page.url()} is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
  expect(await layoutProblems(page, true)).toEqual([]);
}

run('the cycle-count page in a browser at 360 px', () => {
  let browser: Browser;
  let stopServer: (() => Promise<void>) | undefined;
  let database: Database;
  let http: TestHttp;
  let base = '';

  beforeAll(async () => {
    database = await openTemplatePglite();
    await seedWarehouse(database.db);
    await seedPeople(database.db);
    http = await testHttp(database.db, [mountPages]);
    ({ base, close: stopServer } = await listen(http.app));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopServer?.();
    await database?.close();
  });

  /** A 360 px touch phone signed in as `person` (the session cookie the person menu sets). */
  async function phoneAs(person: string): Promise<BrowserContext> {
    const context = await browser.newContext({ ...NARROW, locale: 'en-US' });
    const [name, value] = (await http.cookieFor(person)).split('=', 2) as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    return context;
  }

  it('fits the phone, changes the plan and starts a spot check', async () => {
    const context = await phoneAs('sam');
    const page = await context.newPage();
    await page.goto(`${base}/plans?lang=en`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Cycle counts · WH1 Main');
    await fits(page);

    // The plan: class C every 200 days, zone R every 20.
    await page.fill('.plan-form input[name=C]', '200');
    await page.fill('.plan-form input[name=location]', 'R*');
    await page.fill('.plan-form input[name=locationDays]', '20');
    await page.locator('.plan-form button').tap();
    await page.waitForURL('**/plans?warehouse=WH1&done=saved*');
    await expect.poll(() => page.locator('.notice.ok').textContent()).toBe('The plan of WH1 is saved.');
    expect(await page.locator('tr[data-rule="location:R*"] td').allTextContents()).toEqual(['location R*', '20', '4', '4', 'Remove']);
    expect(await getPlan(database.db, 'WH1')).toEqual({
      warehouse: 'WH1',
      days: { A: 30, B: 90, C: 200 },
      locations: [{ location: 'R*', days: 20 }],
    });
    await fits(page);

    // A spot check of two items weighted by value, seed 1: the new stocktake's page states the sample.
    await page.fill('.spot-form input[name=size]', '2');
    await page.selectOption('.spot-form select[name=weighted]', 'value');
    await page.fill('.spot-form input[name=seed]', '1');
    await page.locator('.spot-form button').tap();
    await page.waitForURL(/\/stocktakes\/ST-[^/?]+$/);
    await expect.poll(() => page.locator('.scope').textContent()).toBe('spot check: 2 of 4 items, weighted by value, seed 1');
    await fits(page);

    // Back on the plan page (now in Chinese): the open spot check is named and the page still fits.
    await page.goto(`${base}/plans?lang=zh-CN`);
    await expect.poll(() => page.locator('.open-stocktake').textContent()).toMatch(/^盘点任务 ST-\S+ 尚未结束/);
    await fits(page);
    await context.close();
  });
});
