/**
 * Blind counts (盲盘) through the REST API: started with `{ "blind": true }`, a counter's answers carry no
 * book, expected or variance figure until counting closes; a supervisor's and finance's do. Every answer is
 * checked against the schema openapi.json documents.
 */
import { expect, it } from 'vitest';
import type { z } from 'zod';
import { API_ROUTES, mountApi } from '../../src/http/api/index.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { importCounts } from '../../src/services/counts.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { bookFiguresIn } from '../support/blind.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';
import { testHttp, type TestHttp } from '../support/http.ts';

function documented(method: string, path: string): z.ZodType {
  const route = API_ROUTES.find((r) => r.method === method && r.path === path);
  if (!route?.response.schema) throw new Error(`no JSON response documented for ${method} ${path}`);
  return route.response.schema;
}

/** The body, checked to be exactly what the schema documents. */
async function bodyOf(res: Response, method: string, path: string): Promise<any> {
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  const body = await res.json();
  const parsed = documented(method, path).safeParse(body);
  if (!parsed.success) throw new Error(`${method} ${path} answered outside its documented schema: ${parsed.error.message}`);
  expect(parsed.data).toEqual(body);
  return body;
}

function client(http: TestHttp, auth: string) {
  const send = (method: string, path: string, init: { json?: unknown; body?: string; type?: string } = {}) =>
    http.app.request(`/api/v1${path}`, {
      method,
      headers: {
        authorization: auth,
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.type ? { 'content-type': init.type } : {}),
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : init.body !== undefined ? { body: init.body } : {}),
    });
  return { get: (path: string) => send('GET', path), post: (path: string, json: unknown = {}) => send('POST', path, { json }), send };
}

describeEachDatabase('REST API: blind counts', (get) => {
  it('gives a counter no book figures while a blind count is counting, a supervisor and finance all of them, and everyone all once it closes', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountApi]);
    const [carl, sam, fay] = await Promise.all(['carl', 'sam', 'fay'].map(async (p) => client(http, await http.bearerFor(p))));

    const started = await bodyOf(await sam!.post('/stocktakes', { warehouse: 'WH1', blind: true }), 'post', '/stocktakes');
    expect(started).toMatchObject({ blind: true, status: 'counting' });
    const st = started.code as string;

    const imported = await bodyOf(
      await carl!.send('POST', `/stocktakes/${st}/counts?fileName=aisle.csv`, {
        body: 'sku,location,qty\nA-100,R1,90\nA-200,R2,21\nB-300,R3,50.5\nC-400,R4,1\n',
        type: 'text/csv',
      }),
      'post',
      '/stocktakes/{stocktake}/counts',
    );
    expect(imported.progress).toMatchObject({ blind: true, bookFiguresHidden: true, lines: { counted: 4 } });
    expect(bookFiguresIn(imported)).toEqual([]);

    const counterViews = [
      await bodyOf(await carl!.get(`/stocktakes/${st}`), 'get', '/stocktakes/{stocktake}'),
      await bodyOf(await carl!.get('/stocktakes'), 'get', '/stocktakes'),
      await bodyOf(await carl!.get(`/stocktakes/${st}/variances`), 'get', '/stocktakes/{stocktake}/variances'),
    ];
    for (const view of counterViews) expect(bookFiguresIn(view)).toEqual([]);
    expect(counterViews[0]).toMatchObject({ bookFiguresHidden: true, lines: { total: 4, uncounted: 0 } });
    expect(counterViews[0]).not.toHaveProperty('variances');
    expect(counterViews[2]).toMatchObject({ bookFiguresHidden: true, total: 4 });
    expect(counterViews[2].lines[0]).toEqual({
      line: 'A-100@R1',
      sku: 'A-100',
      location: 'R1',
      lot: '',
      itemName: 'Widget',
      unit: 'pcs',
      countStatus: 'counted',
      recountNeeded: false,
    });

    // Filters and orders that would tell the variance apart are refused, not quietly answered.
    for (const q of ['direction=loss', 'onlyDiff=true', 'sort=value']) {
      const refused = await carl!.get(`/stocktakes/${st}/variances?${q}`);
      expect(refused.status, q).toBe(403);
      expect(bookFiguresIn(await refused.text())).toEqual([]);
    }

    for (const reader of [sam!, fay!]) {
      const detail = await bodyOf(await reader.get(`/stocktakes/${st}`), 'get', '/stocktakes/{stocktake}');
      expect(detail).toMatchObject({ blind: true, bookFiguresHidden: false, variances: { netValue: '-313.00' } });
      const lines = await bodyOf(await reader.get(`/stocktakes/${st}/variances?sort=value`), 'get', '/stocktakes/{stocktake}/variances');
      expect(lines.lines[0]).toMatchObject({ line: 'C-400@R4', bookQty: '3', diffValue: '-300.00' });
    }

    await bodyOf(await sam!.post(`/stocktakes/${st}/close-counting`), 'post', '/stocktakes/{stocktake}/close-counting');
    const after = await bodyOf(await carl!.get(`/stocktakes/${st}`), 'get', '/stocktakes/{stocktake}');
    expect(after).toMatchObject({ status: 'reviewing', bookFiguresHidden: false, variances: { netValue: '-313.00' } });
    const lines = await bodyOf(await carl!.get(`/stocktakes/${st}/variances?sort=value`), 'get', '/stocktakes/{stocktake}/variances');
    expect(lines.lines[0]).toMatchObject({ line: 'C-400@R4', bookQty: '3', diffValue: '-300.00' });
  });

  it('starts an ordinary stocktake without "blind": a counter sees its figures as before', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountApi]);
    const [carl, sam] = await Promise.all(['carl', 'sam'].map(async (p) => client(http, await http.bearerFor(p))));
    const started = await bodyOf(await sam!.post('/stocktakes', { warehouse: 'WH1' }), 'post', '/stocktakes');
    expect(started.blind).toBe(false);
    const detail = await bodyOf(await carl!.get(`/stocktakes/${started.code}`), 'get', '/stocktakes/{stocktake}');
    expect(detail).toMatchObject({ blind: false, bookFiguresHidden: false, variances: { netValue: '0.00' } });
  });
});

describeEachDatabase('console pages: blind counts', (get) => {
  it('shows a counter the lines to count and what needs a recount, without figures; a supervisor the figures', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const people = await seedPeople(db);
    const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000), people.sam.actor, { blind: true });
    await importCounts(
      db,
      st.code,
      csv('a.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '21'],
        ['C-400', 'R4', '1'],
      ]),
      {
        counter: 'carl',
      },
    );
    await importCounts(
      db,
      st.code,
      csv('b.csv', [
        ['sku', 'location', 'qty'],
        ['C-400', 'R4', '2'],
      ]),
      { counter: 'sam', round: 1 },
    );
    const http = await testHttp(db, [mountPages]);
    const page = async (who: string, path: string) => {
      const res = await http.as(who, path);
      expect(res.status).toBe(200);
      return res.text();
    };

    const counter = await page('carl', `/stocktakes/${st.code}`);
    expect(bookFiguresIn(counter)).toEqual([]);
    expect(counter).toContain('hidden from counters until counting closes');
    expect(counter).toMatch(/data-line="B-300@R3">.*uncounted/);
    expect(counter).toMatch(/data-line="C-400@R4">.*recount needed/);
    const table = counter.slice(counter.indexOf('id="variances"'), counter.indexOf('id="documents"'));
    expect(table).toContain('data-line="A-100@R1"');
    expect(table).not.toMatch(/<td class="num">/);
    // The list's counting bar is drawn in percent of lines (width:25.00%), not money: look at the net value cell.
    const list = await page('carl', '/stocktakes');
    expect(list).toContain('<td class="num muted">—</td>');
    expect(list).not.toMatch(/13\.00/);
    expect(await page('sam', '/stocktakes')).toContain('-13.00');
    expect(await page('carl', `/stocktakes/${st.code}?lang=zh`)).toContain('需要复盘');

    const supervisor = await page('sam', `/stocktakes/${st.code}`);
    expect(supervisor).toContain('-25.00');
    expect(supervisor).toContain('Blind count (盲盘)');

    // Closing needs the conflict settled; then the counter sees everything.
    await importCounts(
      db,
      st.code,
      csv('c.csv', [
        ['sku', 'location', 'qty'],
        ['C-400', 'R4', '1'],
      ]),
      { counter: 'carl', round: 2 },
    );
    await closeCounting(db, st.code);
    expect(await page('carl', `/stocktakes/${st.code}`)).toContain('-25.00');
  });
});
