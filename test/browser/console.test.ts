/**
 * The new user's walk, in a real browser: `npm start` on an empty embedded database, the demo loaded from
 * the empty console, a count sheet uploaded, variances confirmed and tagged on cards, documents submitted
 * and approved by two people in two browser contexts — each seeing the other's decision arrive live —
 * then the posted document on the dashboard and its export downloaded. Debian's Chromium through
 * playwright-core; skipped with a notice where no Chromium is installed (CI installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRecountSheet } from '../../src/services/demo.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { NPM_START_ARGS, ROOT } from '../support/product.ts';
import { stepsBudget } from '../support/wait.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const run = browserAvailable() ? describe : describe.skip;

/** Starts the product as `npm start` does and resolves with the URL it prints. */
async function startProduct(dataDir: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, NPM_START_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, STOCKTAKE_DATA_DIR: dataDir, PORT: '0', STOCKTAKE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    // Two steps: the first start creates the embedded database (tens of seconds on a busy machine).
    const timer = setTimeout(() => reject(new Error(`the server did not start in time:\n${out}`)), stepsBudget(2));
    child.stdout!.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
  });
  return { url, child, output: () => out };
}

run('the console and dashboard in a browser', () => {
  let browser: Browser;
  let product: Awaited<ReturnType<typeof startProduct>>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stocktake-browser-'));
    await mkdir(SHOTS, { recursive: true });
    product = await startProduct(join(dataDir, 'data'));
    browser = await launchBrowser();
  }, stepsBudget(3));

  afterAll(async () => {
    await browser?.close();
    product?.child.kill('SIGTERM');
    await new Promise((r) => product?.child.once('exit', r) ?? r(null));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function as(context: BrowserContext, person: string, path: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${product.url}/?switch=1&next=${encodeURIComponent(path)}`);
    await page.click(`button[data-person="${person}"]`);
    await page.waitForURL(`**${path}`);
    await expect.poll(() => page.locator('.chat').getAttribute('data-live')).toBe('on');
    return page;
  }

  const card = (page: Page, text: string | RegExp) => page.locator('#messages .card').filter({ hasText: text }).last();
  const toast = (page: Page) => page.locator('#toast .toast');

  it(
    'walks the demo from an empty database to a posted document and its export',
    async () => {
      const staff = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
      const first = await staff.newPage();
      await first.goto(product.url);
      await expect.poll(() => first.locator('#load-demo').count()).toBe(1);
      await first.screenshot({ path: join(SHOTS, '01-empty.png') });
      await first.click('#load-demo');
      await first.waitForURL('**/?next=*');
      await first.screenshot({ path: join(SHOTS, '02-who-are-you.png') });
      await first.click('button[data-person="sam"]');
      await first.waitForURL('**/chat/demo-team');
      const sam = first;
      await expect.poll(() => sam.locator('.chat').getAttribute('data-live')).toBe('on');

      // The recount that resolves the demo's conflict, uploaded as carol would from her phone.
      const carol = await as(await browser.newContext({ locale: 'en-US' }), 'carol', '/chat/demo-team');
      const sheet = demoRecountSheet();
      await carol.setInputFiles('#upload input[type=file]', { name: sheet.fileName, mimeType: 'text/csv', buffer: sheet.bytes });
      await carol.click('#upload button');
      await card(carol, sheet.fileName).waitFor();
      // sam's page got carol's upload and its summary live.
      await card(sam, sheet.fileName).waitFor();

      await sam.fill('#composer input[name=text]', 'close');
      await sam.press('#composer input[name=text]', 'Enter');
      const review = card(sam, 'Variances to review');
      await review.waitFor();
      await sam.screenshot({ path: join(SHOTS, '03-variances.png'), fullPage: false });

      // Four lines carry a suggested cause: one tap confirms and tags them. The other six are opened from
      // the page, confirmed and tagged by hand.
      await review.getByRole('button', { name: /^Accept suggestions \(4\)/ }).click();
      await expect.poll(() => toast(sam).textContent()).toMatch(/4 line\(s\) confirmed with the suggested cause/);
      for (const sku of ['TEA-PE357', 'TEA-DHP250', 'POT-ZS', 'RICE-DB', 'TWL-CJ', 'GOJI-NX']) {
        await review.getByRole('button', { name: new RegExp(`^${sku}`) }).click();
        const line = sam
          .locator('#messages .card')
          .filter({ hasText: `Variance · ${sku}` })
          .last();
        await line.waitFor();
        await line.getByRole('button', { name: /^Confirm/ }).click();
        await expect.poll(() => toast(sam).textContent()).toBe('Count confirmed.');
        await line.locator('select[name=option]').selectOption('counting_error');
        await line.locator('form.select button').click();
        await expect.poll(() => toast(sam).textContent()).toMatch(/Cause tagged: Counting error/);
      }
      await expect.poll(() => review.textContent()).toMatch(/0 waiting/);

      await sam.fill('#composer input[name=text]', 'submit');
      await sam.press('#composer input[name=text]', 'Enter');
      await card(sam, /PK-\d{4}-\d{4}/).waitFor();

      // Two approvers, two browsers: ada approves step 1 and fiona's page shows it without a reload.
      const ada = await as(
        await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } }),
        'ada',
        '/chat/demo-approvals',
      );
      const fiona = await as(
        await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } }),
        'fiona',
        '/chat/demo-approvals',
      );
      const loss = (page: Page) => card(page, /Approval · PK-/);
      await loss(ada).waitFor();
      await loss(fiona).waitFor();
      ada.on('dialog', (d) => void d.accept());
      fiona.on('dialog', (d) => void d.accept());
      await loss(ada)
        .getByRole('button', { name: /^Approve/ })
        .click();
      await expect.poll(() => toast(ada).textContent()).toMatch(/Approved/);
      await expect.poll(() => loss(fiona).textContent()).toMatch(/approved by ada|ada/);
      await fiona.screenshot({ path: join(SHOTS, '04-approval-live.png') });
      await loss(fiona)
        .getByRole('button', { name: /^Approve/ })
        .click();
      await expect.poll(() => toast(fiona).textContent()).toMatch(/Approved/);
      await expect.poll(() => loss(ada).textContent()).toMatch(/posted/);

      const gain = card(ada, /Approval · PY-/);
      await gain.getByRole('button', { name: /^Approve/ }).click();
      await expect.poll(() => gain.textContent()).toMatch(/posted/);

      // The dashboard: the stocktake posted, its documents with their routes, and the export.
      const dash = await ada.context().newPage();
      await dash.goto(`${product.url}/stocktakes`);
      await dash.locator('a[href^="/stocktakes/"]').first().click();
      await expect.poll(() => dash.locator('body').textContent()).toMatch(/posted/);
      await dash.screenshot({ path: join(SHOTS, '05-dashboard.png'), fullPage: true });
      const [download] = await Promise.all([dash.waitForEvent('download'), dash.locator('a[href*="/export?format=xlsx"]').first().click()]);
      const file = await download.path();
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
      expect((await readFile(file)).subarray(0, 2).toString()).toBe('PK'); // a zip: an XLSX workbook
      // About twenty steps (pages, uploads, six lines, two approvers, the dashboard), each waited for by condition.
    },
    stepsBudget(20),
  );
});
