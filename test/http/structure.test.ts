/**
 * The stock structure on the dashboard and in the API, on the fixed warehouse of test/support/structure.ts
 * (as-of 2025-06-30 end of day in UTC, 100 days).
 */
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { StockStructureSchema, StructureItemPage } from '../../src/http/api/structure.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { addPerson, grantRole } from '../../src/services/people.ts';
import { describeEachDatabase } from '../support/db.ts';
import { testHttp } from '../support/http.ts';
import { seedStructure } from '../support/structure.ts';
import type { Db } from '../../db/client.ts';

async function setUp(db: Db) {
  await seedStructure(db);
  await addPerson(db, { handle: 'ann', name: 'Ann' });
  await grantRole(db, 'ann', 'supervisor', 'ST');
  await addPerson(db, { handle: 'eve', name: 'Eve' });
  return testHttp(db, [mountApi, mountPages]);
}

const QUERY = 'asOf=2025-06-30&days=100';

describeEachDatabase('stock structure over HTTP', (get) => {
  it('shows the figures, the class table, the charts and the slow and dead lists on the dashboard, in both languages', async () => {
    const http = await setUp(get().db);
    const r = await http.as('ann', `/structure?warehouse=ST&${QUERY}`);
    const page = await r.text();
    expect(r.status, page.slice(0, 400)).toBe(200);
    expect(page).toContain('Stock structure of ST Structure');
    expect(page).toContain('Consumption over 100 days, 2025-03-23 to 2025-06-30');
    expect(page).toMatch(
      /<tr data-class="A"><td><strong>A<\/strong><\/td><td class="num">2<\/td><td class="num">850\.00<\/td><td class="num">86\.73<\/td><td class="num">350\.00<\/td><td class="num">48\.28<\/td><\/tr>/,
    );
    expect(page).toContain('<dd>980.00</dd>');
    expect(page).toContain('<dd>0.75</dd>');
    const dead = page.slice(page.indexOf('id="dead"'));
    expect([...dead.matchAll(/<tr data-sku="([^"]+)"/g)].map((m) => m[1])).toEqual(['P6', 'P5']);
    expect((page.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(page).toContain('/api/v1/warehouses/ST/structure/items?format=csv&amp;asOf=2025-06-30&amp;days=100');
    const zh = await (await http.as('ann', `/structure?warehouse=ST&${QUERY}&lang=zh`)).text();
    expect(zh).toContain('ST Structure 库存结构');
    expect(zh).toContain('死库存（按库存金额）');
    expect(zh).toContain('从未出库');
  });

  it('refuses an unknown warehouse, a person with no role and a period out of range', async () => {
    const http = await setUp(get().db);
    expect(await (await http.as('ann', '/structure?warehouse=ST')).text()).toContain('Stock structure of ST');
    expect((await http.as('ann', '/structure?warehouse=NOPE')).status).toBe(404);
    expect(await (await http.as('eve', '/structure')).text()).toContain('You hold no role in any warehouse yet');
    expect((await http.as('ann', '/structure?warehouse=ST&days=2')).status).toBe(400);
  });

  it('answers the summary and the per-item table in the API, as JSON and CSV', async () => {
    const http = await setUp(get().db);
    const auth = { authorization: await http.bearerFor('ann') };
    const r = await http.app.request(`/api/v1/warehouses/ST/structure?${QUERY}&top=3`, { headers: auth });
    expect(r.status).toBe(200);
    const s = StockStructureSchema.parse(await r.json());
    expect(s.totals).toEqual({
      items: 7,
      issueValue: '980.00',
      stockValue: '725.00',
      averageValue: '1311.50',
      turnover: '0.75',
      daysOfStock: '74.0',
    });
    expect(s.topConsumers.map((i) => i.sku)).toEqual(['P1', 'P2', 'P3']);

    const page = StructureItemPage.parse(
      await (await http.app.request(`/api/v1/warehouses/ST/structure/items?${QUERY}&class=c&limit=2&offset=1`, { headers: auth })).json(),
    );
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.sku)).toEqual(['P6', 'P5']);

    const csv = await http.app.request(`/api/v1/warehouses/ST/structure/items?${QUERY}&status=slow&format=csv`, { headers: auth });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')).toEqual([
      'sku,name,category,unit,unit_cost,abc_class,issue_qty,issue_value,cumulative_percent,stock_qty,stock_value,average_qty,average_value,turnover,days_of_stock,last_issue_at,days_idle,status',
      'P2,Gasket,alpha,pcs,5.0000,A,30.000,150.00,86.73,10.000,50.00,20.000,100.00,1.50,33.3,2025-05-22T00:00:00.000Z,40,slow',
      'P7,New clip,beta,pcs,1.0000,C,0.000,0.00,,10.000,10.00,3.000,3.00,0.00,,,30,slow',
      '',
    ]);

    const refused = await http.app.request(`/api/v1/warehouses/ST/structure`, { headers: { authorization: await http.bearerFor('eve') } });
    expect(refused.status).toBe(403);
    const bad = await http.app.request(`/api/v1/warehouses/ST/structure?days=5`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('7 to 3650');
  });
});
