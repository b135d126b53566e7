import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createWebAdapter } from '../../bots/web/index.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { addPerson, grantRole } from '../../src/services/people.ts';
import { requestRecount } from '../../src/services/review.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { countedStocktake, seedPeople } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

async function counting(db: Parameters<typeof seedPeople>[0]) {
  await seedWarehouse(db);
  await seedPeople(db);
  const st = await startStocktake(db, 'WH1');
  const http = await testHttp(db, [mountPages]);
  return { st, http };
}

async function page(response: Promise<Response>, status: number): Promise<string> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text.slice(0, 400)).toBe(status);
  return text;
}

describeEachDatabase('the counting page', (get) => {
  it('opens for a counter in the stocktake’s language, with the scanner field, camera, photo inputs and its script', async () => {
    const { st, http } = await counting(get().db);
    const zh = await page(http.as('carl', `/count/${st.code}?lang=zh`), 200);
    expect(zh).toContain('扫码盘点');
    expect(zh).toContain('本库位完成');
    expect(zh).toMatch(/<input type="text" id="scan"/);
    expect(zh).toContain('accept="image/*" capture="environment"');
    expect(zh).toMatch(/<input type="file" class="photo-input" id="photo-gallery" accept="image\/\*">/);
    expect(zh).toContain('<script type="module" src="/assets/counting/counting.js">');
    const config = JSON.parse(/<script type="application\/json" id="counting-config">(.*?)<\/script>/s.exec(zh)![1]!);
    expect(config).toMatchObject({ stocktake: st.code, locale: 'zh-CN', words: { done: '本库位完成' } });
    const en = await page(http.as('carl', `/count/${st.code}?lang=en`), 200);
    expect(en).toContain('Location done');
    const body = en.slice(en.indexOf('<main>'), en.indexOf('<script type="application/json"'));
    expect(body).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses someone without a counting role, naming who to ask', async () => {
    const { db } = get();
    const { st, http } = await counting(db);
    const refused = await page(http.as('fay', `/count/${st.code}?lang=en`), 403);
    expect(refused).toContain('You hold no counting role (counter or supervisor) in warehouse WH1');
    expect(refused).toContain('Ask sam, sue, ann to grant you the counter role.'); // the warehouse's supervisors
    await addPerson(db, { handle: 'olga', name: 'Olga' });
    const stranger = await page(http.as('olga', `/count/${st.code}?lang=zh`), 403);
    expect(stranger).not.toContain('WH1'); // no role at all: the warehouse is none of her business
  });

  it('refuses a stocktake whose counting is over, in words', async () => {
    const { db } = get();
    const { st, http } = await counting(db);
    await closeCounting(db, st.code);
    const review = await page(http.as('carl', `/count/${st.code}?lang=en`), 403);
    expect(review).toMatch(
      /Stocktake ST-\S+ is in review and has no recount for you\. If a location needs counting again, ask sam, sue, ann\./,
    );
    await db.execute(sql`update stocktake set status = 'posted' where code = ${st.code}`);
    const posted = await page(http.as('carl', `/count/${st.code}?lang=en`), 403);
    expect(posted).toMatch(/Stocktake ST-\S+ is posted: counting is over/);
  });

  it('opens in review for the person a line was sent back to for a recount, and only for them', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await requestRecount(db, people.sam, { stocktake: st.code, line: 'A-100@R1', recounter: 'carl' });
    const http = await testHttp(db, [mountPages]);
    expect(await page(http.as('carl', `/count/${st.code}?lang=en`), 200)).toContain('id="scan"');
    expect(await page(http.as('sue', `/count/${st.code}?lang=en`), 403)).toContain('is in review and has no recount for you');
  });

  it('serves its bundled script and the zxing reader from this server', async () => {
    const { http } = await counting(get().db);
    const script = await http.app.request('/assets/counting/counting.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const wasm = await http.app.request('/assets/counting/zxing_reader.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(Buffer.from(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    expect((await http.app.request('/assets/counting/..%2Fserver.js')).status).toBe(404);
  });

  it('is linked from the stocktake page while counting and from the console', async () => {
    const { db } = get();
    const { st } = await counting(db);
    const web = createWebAdapter({ db, log: () => {} });
    const http = await testHttp(db, [mountPages, (app) => web.mount(app)]);
    expect(await page(http.as('carl', `/stocktakes/${st.code}?lang=en`), 200)).toContain(`href="/count/${st.code}"`);
    expect(await page(http.as('fay', `/stocktakes/${st.code}?lang=en`), 200)).not.toContain(`href="/count/${st.code}"`);
    expect(await page(http.as('carl', '/?switch=1&lang=en'), 200)).toContain(`href="/count/${st.code}"`);
    await grantRole(db, 'fay', 'counter', 'WH1');
    expect(await page(http.as('fay', '/?switch=1&lang=en'), 200)).toContain(`href="/count/${st.code}"`);
  });

  it("opens a variance card's Add photo for anyone with a role in the warehouse, until the stocktake is posted", async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await addPerson(db, { handle: 'olga', name: 'Olga' });
    const http = await testHttp(db, [mountPages]);
    // Finance holds no counting role and there is no recount: the photo step still opens, for that line.
    const zh = await page(http.as('fay', `/count/${st.code}?photo=A-100&location=R1&lang=zh`), 200);
    expect(zh).toContain('拍照留档');
    expect(zh).toContain('data-line="A-100@R1"');
    expect(zh).toContain('accept="image/*" capture="environment"');
    expect(zh).toContain(`/api/v1/stocktakes/${st.code}/photos?line=A-100%40R1`);
    expect(zh).toContain('这一行还没有照片。');
    await page(http.as('olga', `/count/${st.code}?photo=A-100&location=R1`), 403);
    await db.execute(sql`update stocktake set status = 'posted' where id = ${st.id}::uuid`);
    const closed = await page(http.as('fay', `/count/${st.code}?photo=A-100&location=R1&lang=en`), 403);
    expect(closed).toContain('no more photos can be added');
  });
});
