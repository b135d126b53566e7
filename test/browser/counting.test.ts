/**
 * The counting page (扫码盘点) in a real browser on a phone (390×844, touch): `npm start` on an embedded
 * database seeded with WH1 (items with barcodes and a case of 12), carl counts location R1 by typing
 * barcodes by hand and with a handheld scanner's burst of keys and Enter, goes offline and scans on (the
 * page shows what waits), comes back online, and the server has each entry exactly once; a case count
 * (箱, 2 → 24), a quantity asked for, an unknown barcode answered in words, a photo with its thumbnail,
 * then "location done" and its result. A blind count's page shows no book figure; the page fits 360 and
 * 390 px. Debian's Chromium through playwright-core, skipped like the console's browser test without it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { importBook } from '../../src/services/book.ts';
import { importItems } from '../../src/services/items.ts';
import { grantRole } from '../../src/services/people.ts';
import { startStocktake } from '../../src/services/stocktakes.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { browserAvailable, launchBrowser, layoutProblems, NARROW, PHONE } from '../support/browser.ts';
import { createStandaloneDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';
import { startProduct } from '../support/product.ts';
import { stepsBudget } from '../support/wait.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const require = createRequire(import.meta.url);

/** WH1's items again, now with barcodes, A-200's case of 12 and B-300 (by weight) asking how much. */
const ITEMS = [
  ['sku', 'name', 'unit', 'unit_cost', 'barcode', 'packs', 'scan_asks_qty'],
  ['A-100', 'Widget', 'pcs', '2.50', '6901234567892', '', 'no'],
  ['A-200', '螺丝 M4', 'box', '12.00', '6901234567908;1690123456793', '箱=12', 'no'],
  ['B-300', 'Copper wire', 'kg', '0.3333', '2000000000015', '', 'yes'],
  ['C-400', 'Pallet', 'pcs', '150', '', '', 'no'],
];
const WIDGET = '6901234567892';
const SCREWS = '6901234567908';

/** WH1 counting (book A-100@R1 100 …) and WH2 counting blind (book A-100@S1 4321), carl counting in both. */
async function seed(dataDir: string): Promise<{ st: string; blind: string }> {
  const { env } = await createStandaloneDatabase('pglite', dataDir);
  const database = await openDatabase({ kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! });
  try {
    const db = database.db;
    await seedWarehouse(db);
    await importItems(db, csv('items.csv', ITEMS));
    await seedPeople(db);
    await addWarehouse(db, { code: 'WH2', name: 'Annex', timezone: 'Asia/Shanghai' });
    await importBook(
      db,
      'WH2',
      csv('book.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'S1', '4321'],
      ]),
    );
    await grantRole(db, 'carl', 'counter', 'WH2');
    const st = await startStocktake(db, 'WH1');
    const blind = await startStocktake(db, 'WH2', new Date(), null, { blind: true });
    return { st: st.code, blind: blind.code };
  } finally {
    await database.close();
  }
}

/** A small PNG, as a phone's gallery would hand over a photo. */
function photo(): Buffer {
  const png = new PNG({ width: 48, height: 32 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([40, 120, (i / 4) % 255, 255], i);
  return PNG.sync.write(png);
}

/**
 * What Chromium's fake camera plays: an EAN-13 label (drawn by zxing-wasm's writer, its wasm read from
 * node_modules) on a white 640×480 frame, as a few MJPEG frames.
 */
async function cameraFrames(code: string): Promise<Buffer> {
  prepareZXingModule({ overrides: { wasmBinary: (await readFile(require.resolve('zxing-wasm/writer/zxing_writer.wasm'))).buffer } });
  const written = await writeBarcode(code, { format: 'EAN13', scale: 3 });
  if (!written.image) throw new Error(`zxing could not draw ${code}: ${written.error}`);
  const frame = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#ffffff' } })
    .composite([{ input: Buffer.from(await written.image.arrayBuffer()), gravity: 'center' }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return Buffer.concat(Array.from({ length: 5 }, () => frame));
}

/** One line of the running list: its total in base units and its entries still on the phone. */
const line = (page: Page, key: string) => page.locator(`#lines li.line[data-key="${key}"]`);
const status = (page: Page) => page.locator('#queue-status');

const run = browserAvailable() ? describe : describe.skip;

run('the counting page in a browser', () => {
  let browser: Browser;
  let product: Awaited<ReturnType<typeof startProduct>>;
  let dataDir: string;
  let codes: { st: string; blind: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stocktake-counting-'));
    await mkdir(SHOTS, { recursive: true });
    codes = await seed(join(dataDir, 'data'));
    product = await startProduct(join(dataDir, 'data'));
    browser = await launchBrowser();
  }, stepsBudget(3));

  afterAll(async () => {
    await browser?.close();
    product?.child.kill('SIGTERM');
    await new Promise((r) => product?.child.once('exit', r) ?? r(null));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function signIn(person: string, options: BrowserContextOptions, path: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ locale: 'en-US', ...options });
    const page = await context.newPage();
    await page.goto(`${product.url}/?switch=1&lang=en&next=${encodeURIComponent(path)}`);
    await page.click(`button[data-person="${person}"]`);
    await page.waitForURL(`**${path}`);
    await page.locator('body[data-ready=true]').waitFor();
    return { page, context };
  }

  /** carl's count of a location as the server has it, through the API with the page's session. */
  async function serverCount(page: Page, st: string, location: string) {
    const res = await page.request.get(`${product.url}/api/v1/stocktakes/${st}/scan/entries?location=${location}`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as {
      lines: { sku: string; qty: string; scans: number; expected: string | null; countedAs: string | null }[];
    };
    return Object.fromEntries(body.lines.map((l) => [l.sku, l]));
  }

  it(
    'counts a location by typed and scanned barcodes, offline and back, in cases, with a photo, and marks it done',
    async () => {
      const { page, context } = await signIn('carl', PHONE, `/count/${codes.st}`);
      await page.locator('#locations button[data-location="R1"]').waitFor();
      expect(await layoutProblems(page, true)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, 'counting-01-locations.png') });
      await page.tap('#locations button[data-location="R1"]');
      await expect.poll(() => page.locator('#location-name').textContent()).toBe('R1');
      // The scanner field has the focus: a handheld scanner types straight into it.
      await expect
        .poll(() =>
          page.locator('#scan').evaluate((el) => el === (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement),
        )
        .toBe(true);

      // By hand: type a barcode, press Enter; twice.
      for (let i = 0; i < 2; i++) {
        await page.fill('#scan', WIDGET);
        await page.press('#scan', 'Enter');
      }
      await expect.poll(() => line(page, 'A-100').getAttribute('data-qty')).toBe('2');
      // A handheld scanner: a burst of keys ending in Enter, the next one right behind it.
      for (const code of [WIDGET, WIDGET, WIDGET, 'A-200']) {
        await page.keyboard.type(code, { delay: 2 });
        await page.keyboard.press('Enter');
      }
      await expect.poll(() => line(page, 'A-100').getAttribute('data-qty')).toBe('5');
      await expect.poll(() => line(page, 'A-200').getAttribute('data-qty')).toBe('1');
      await expect.poll(() => status(page).getAttribute('data-queued')).toBe('0');

      // An unknown barcode is answered at once, in words, with what to do; nothing is queued.
      await page.fill('#scan', '4006381333931');
      await page.press('#scan', 'Enter');
      await expect
        .poll(() => page.locator('#message').textContent())
        .toMatch(/barcode 4006381333931 is not in the item master[\s\S]*type the SKU[\s\S]*damaged label/);
      expect(await status(page).getAttribute('data-queued')).toBe('0');

      // An item that asks how much (copper wire, by weight).
      await page.fill('#scan', '2000000000015');
      await page.press('#scan', 'Enter');
      await page.locator('#qty-dialog[open]').waitFor();
      await page.fill('#qty-dialog input[name=qty]', '1.5');
      await page.press('#qty-dialog input[name=qty]', 'Enter');
      await expect.poll(() => line(page, 'B-300').getAttribute('data-qty')).toBe('1.5');
      // Everything so far has reached the server (else an entry still on its way would wait with those below).
      await expect.poll(() => status(page).getAttribute('data-queued')).toBe('0');

      // Offline: scans go on, wait on the phone, and the page says so.
      await context.setOffline(true);
      // (An unknown barcode cannot be looked up offline: it waits too, and the server will refuse it.)
      for (const code of [WIDGET, WIDGET, 'C-400', '4006381333931']) {
        await page.keyboard.type(code, { delay: 2 });
        await page.keyboard.press('Enter');
      }
      await expect.poll(() => status(page).getAttribute('data-queued')).toBe('4');
      await expect.poll(() => status(page).getAttribute('data-offline')).toBe('true');
      expect(await status(page).textContent()).toMatch(/Offline[\s\S]*4 waiting to be sent, the oldest for \d+ s/);
      await expect.poll(() => line(page, 'A-100').getAttribute('data-qty')).toBe('7');
      expect(await line(page, 'A-100').getAttribute('data-waiting')).toBe('2');
      await page.screenshot({ path: join(SHOTS, 'counting-02-offline.png') });

      // Back online: the queue empties by itself, and the server has each entry once.
      await context.setOffline(false);
      await expect.poll(() => status(page).getAttribute('data-queued')).toBe('0');
      await expect.poll(() => status(page).getAttribute('data-offline')).toBe('false');
      expect(await page.locator('#message').textContent()).toMatch(
        /Not counted: 4006381333931: barcode 4006381333931 is not in the item master/,
      );
      expect(await line(page, '4006381333931').count()).toBe(0);
      const counted = await serverCount(page, codes.st, 'R1');
      expect(counted['A-100']).toMatchObject({ qty: '7', scans: 7 });
      expect(counted['A-200']).toMatchObject({ qty: '1', scans: 1 });
      expect(counted['B-300']).toMatchObject({ qty: '1.5', scans: 1 });
      expect(counted['C-400']).toMatchObject({ qty: '1', scans: 1 });

      // In cases: pick 箱 on the screws' line and type 2: 24 boxes in all.
      await line(page, 'A-200').locator('select.unit').selectOption('箱');
      await line(page, 'A-200').locator('input.qty').fill('2');
      await line(page, 'A-200').locator('input.qty').press('Enter');
      await expect.poll(async () => (await serverCount(page, codes.st, 'R1'))['A-200']?.qty).toBe('24');
      await expect.poll(() => line(page, 'A-200').getAttribute('data-qty')).toBe('24');
      // +/− on a line: one more widget, then one less.
      await line(page, 'A-100').locator('button.step[data-step="1"]').tap();
      await expect.poll(() => line(page, 'A-100').getAttribute('data-qty')).toBe('8');
      await line(page, 'A-100').locator('button.step[data-step="-1"]').tap();
      await expect.poll(() => line(page, 'A-100').getAttribute('data-qty')).toBe('7');

      // A photo of the shelf from the gallery: uploaded, its thumbnail shown.
      await page.setInputFiles('#photo-gallery', { name: 'shelf.png', mimeType: 'image/png', buffer: photo() });
      const thumb = page.locator('#photos img.thumb');
      await thumb.waitFor();
      await expect.poll(() => thumb.evaluate((img) => (img as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

      await expect.poll(() => status(page).getAttribute('data-queued')).toBe('0');
      expect(await layoutProblems(page, true)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, 'counting-03-location.png'), fullPage: true });

      // Location done: the scans become one count, and the page says what it did.
      await page.tap('#done');
      await page.tap('#done-yes');
      await page.locator('#result:not([hidden])').waitFor();
      expect(await page.locator('#result-text').textContent()).toBe('Location R1 done: 4 lines counted, 0 verified, 0 in conflict.');
      const after = await serverCount(page, codes.st, 'R1');
      expect(Object.values(after).map((l) => [l.sku, l.qty, l.scans])).toEqual([
        ['A-100', '7', 9],
        ['A-200', '24', 2], // the scan, and 23 boxes to make 2 cases
        ['B-300', '1.5', 1],
        ['C-400', '1', 1],
      ]);
      await page.locator('#result').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, 'counting-04-done.png') });
      await context.close();
    },
    stepsBudget(6),
  );

  it('shows no book figure on a blind count, and the book on an ordinary one', async () => {
    // WH2's book has 4321 widgets at S1: a counter of its blind count must not see that number anywhere.
    const blind = await signIn('carl', PHONE, `/count/${codes.blind}?location=S1`);
    await blind.page.fill('#scan', WIDGET);
    await blind.page.press('#scan', 'Enter');
    await expect.poll(() => line(blind.page, 'A-100').getAttribute('data-qty')).toBe('1');
    await expect.poll(() => status(blind.page).getAttribute('data-queued')).toBe('0');
    const shown = await blind.page.locator('main').innerText();
    expect(shown).not.toMatch(/4321|4,321|book \d/i);
    expect(await blind.page.content()).not.toContain('4321');
    expect((await serverCount(blind.page, codes.blind, 'S1'))['A-100']?.expected).toBeNull();
    await blind.page.screenshot({ path: join(SHOTS, 'counting-05-blind.png') });
    await blind.context.close();

    const open = await signIn('carl', PHONE, `/count/${codes.st}?location=R4`);
    await open.page.fill('#scan', 'C-400');
    await open.page.press('#scan', 'Enter');
    await expect.poll(() => line(open.page, 'C-400').locator('.line__detail').textContent()).toMatch(/book 3\b/);
    await open.context.close();
  });

  it('scans with the camera through the polyfill, its wasm fetched from this server and nothing from elsewhere', async () => {
    // Chromium's fake camera plays a picture of the widget's EAN-13; Linux Chromium has no BarcodeDetector
    // of its own, so this is the zxing-wasm polyfill reading it.
    const video = join(dataDir, 'widget.mjpeg');
    await writeFile(video, await cameraFrames(WIDGET));
    const cameraBrowser = await launchBrowser([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      const context = await cameraBrowser.newContext({ locale: 'en-US', ...PHONE });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${product.url}/?switch=1&lang=en&next=${encodeURIComponent(`/count/${codes.st}?location=R3`)}`);
      await page.click('button[data-person="carl"]');
      await page.locator('body[data-ready=true]').waitFor();
      expect(await page.evaluate(() => 'BarcodeDetector' in globalThis)).toBe(false);
      expect(requests.some((u) => u.includes('ponyfill'))).toBe(false); // loaded only when the camera is used
      await page.tap('#camera');
      await expect.poll(() => page.locator('#camera').getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => line(page, 'A-100').getAttribute('data-qty')).toBe('1');
      await page.screenshot({ path: join(SHOTS, 'counting-06-camera.png') });
      await page.tap('#camera-stop');
      await expect.poll(() => status(page).getAttribute('data-queued')).toBe('0');
      // The label stayed in sight the whole time: one scan, not one per frame.
      expect((await serverCount(page, codes.st, 'R3'))['A-100']).toMatchObject({ qty: '1', scans: 1 });
      expect(requests).toContain(`${product.url}/assets/counting/zxing_reader.wasm`);
      expect(requests.filter((u) => !u.startsWith(product.url) && !/^(data|blob):/.test(u))).toEqual([]);
      await context.close();
    } finally {
      await cameraBrowser.close();
    }
  });

  it('fits a phone 360 and 390 px wide, in Chinese and English', async () => {
    for (const [size, options, lang] of [
      ['390', PHONE, 'en'],
      ['360', NARROW, 'zh'],
    ] as const) {
      const { page, context } = await signIn('carl', options, `/count/${codes.st}?location=R2&lang=${lang}`);
      await page.fill('#scan', SCREWS);
      await page.press('#scan', 'Enter');
      await expect.poll(() => line(page, 'A-200').getAttribute('data-qty')).not.toBeNull();
      expect(await layoutProblems(page, true), `${size} px ${lang}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `counting-${size}-${lang}.png`), fullPage: true });
      await context.close();
    }
  });
});
