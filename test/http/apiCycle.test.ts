import { expect, it } from 'vitest';
import { API_ROUTES, mountApi } from '../../src/http/api/index.ts';
import { importCounts } from '../../src/services/counts.ts';
import { cancelStocktake } from '../../src/services/undo.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

/** Parses the body and checks it is exactly what the route documents (nothing missing, nothing extra). */
async function bodyOf(res: Response, method: string, path: string): Promise<any> {
  const body = await res.json();
  const schema = API_ROUTES.find((r) => r.method === method && r.path === path)!.response.schema!;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${method} ${path} answered outside its documented schema: ${parsed.error.message}`);
  expect(parsed.data).toEqual(body);
  return body;
}

describeEachDatabase('partial stocktakes and spot checks over the API', (get) => {
  it('starts a scoped stocktake, then a spot check whose status estimates the accuracy', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const people = await seedPeople(db);
    const http = await testHttp(db, [mountApi]);
    const auth = await http.bearerFor('sam');
    const post = (path: string, json: unknown) =>
      http.app.request(`/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    const getJson = (path: string) => http.app.request(`/api/v1${path}`, { headers: { authorization: auth } });

    const scoped = await post('/stocktakes', { warehouse: 'WH1', locations: ['R1', 'R2'] });
    expect(scoped.status).toBe(201);
    const started = await bodyOf(scoped, 'post', '/stocktakes');
    expect(started).toMatchObject({ bookLines: 2, scope: { locations: ['R1', 'R2'] }, scopeSummary: { en: 'locations R1, R2' } });
    const bad = await post('/stocktakes', { warehouse: 'WH1', classes: ['D'] });
    expect(bad.status).toBe(400);
    await cancelStocktake(db, people.sam, { stocktake: started.code, reason: 'test' });

    const neither = await post('/spot-checks', { warehouse: 'WH1' });
    expect(neither.status).toBe(400);
    const spot = await post('/spot-checks', { warehouse: 'WH1', size: 2, seed: 1 });
    expect(spot.status).toBe(201);
    const check = await bodyOf(spot, 'post', '/spot-checks');
    expect(check.scope.sample).toEqual({ size: 2, population: 4, weighted: 'none', seed: 1 });
    const skus = check.scope.skus as string[];
    const book: Record<string, [string, string]> = {
      'A-100': ['R1', '100'],
      'A-200': ['R2', '20'],
      'B-300': ['R3', '50.5'],
      'C-400': ['R4', '3'],
    };
    await importCounts(db, check.code, csv('count.csv', [['sku', 'location', 'qty'], ...skus.map((s) => [s, ...book[s]!])]), {
      counter: 'carl',
    });
    await closeCounting(db, check.code);
    const status = await bodyOf(await getJson(`/stocktakes/${check.code}`), 'get', '/stocktakes/{stocktake}');
    const progress = status.progress ?? status;
    expect(progress.spotCheck).toMatchObject({
      lines: 2,
      matching: 2,
      accuracy: '100.0',
      low: '34.2',
      high: '100.0',
      items: 2,
      population: 4,
    });
  });

  it('reads, sets and runs a cycle-count plan', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountApi]);
    const [sam, carl] = [await http.bearerFor('sam'), await http.bearerFor('carl')];
    const send = (auth: string, method: string, path: string, json?: unknown) =>
      http.app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: auth, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    const before = await bodyOf(await send(carl, 'GET', '/warehouses/WH1/cycle-plan'), 'get', '/warehouses/{code}/cycle-plan');
    expect(before).toMatchObject({ plan: null, due: 4, suggestions: [] });
    expect((await send(carl, 'POST', '/warehouses/WH1/cycle-plan', { A: 10 })).status).toBe(403);
    expect((await send(sam, 'POST', '/warehouses/WH1/cycle-plan', { A: 0 })).status).toBe(400);
    const set = await send(sam, 'POST', '/warehouses/WH1/cycle-plan', { A: 10 });
    expect(await bodyOf(set, 'post', '/warehouses/{code}/cycle-plan')).toEqual({
      warehouse: 'WH1',
      days: { A: 10, B: 90, C: 365 },
      locations: [],
    });
    // Location rules: added, refused with the reason (nothing changed), shown with their counts, removed.
    const badRule = await send(sam, 'POST', '/warehouses/WH1/cycle-plan', { A: 20, locations: [{ location: 'R*1', days: 7 }] });
    expect(badRule.status).toBe(400);
    expect(JSON.stringify(await badRule.json())).toContain('location \\"R*1\\" is not valid');
    const withRules = await send(sam, 'POST', '/warehouses/WH1/cycle-plan', {
      locations: [
        { location: 'R1', days: 7 },
        { location: 'R*', days: 500 },
      ],
    });
    expect(await bodyOf(withRules, 'post', '/warehouses/{code}/cycle-plan')).toEqual({
      warehouse: 'WH1',
      days: { A: 10, B: 90, C: 365 },
      locations: [
        { location: 'R*', days: 500 },
        { location: 'R1', days: 7 },
      ],
    });
    const shown = await bodyOf(await send(carl, 'GET', '/warehouses/WH1/cycle-plan'), 'get', '/warehouses/{code}/cycle-plan');
    // Never counted: every item due by its class and by the rules covering it.
    expect(shown.rules.filter((r: { kind: string }) => r.kind === 'location')).toEqual([
      { kind: 'location', rule: 'R*', days: 500, items: 4, due: 4 },
      { kind: 'location', rule: 'R1', days: 7, items: 1, due: 1 },
    ]);
    expect(shown.items.find((i: { sku: string }) => i.sku === 'A-100')).toMatchObject({
      dueBy: ['class', 'location'],
      location: { rule: 'R1', days: 7, lastCounted: null, nextDue: null, due: true }, // both never counted: the shorter interval
    });
    const removed = await send(sam, 'POST', '/warehouses/WH1/cycle-plan', { removeLocations: ['R*'] });
    expect((await bodyOf(removed, 'post', '/warehouses/{code}/cycle-plan')).locations).toEqual([{ location: 'R1', days: 7 }]);
    expect((await send(sam, 'POST', '/warehouses/WH1/cycle-plan', { removeLocations: ['R*'] })).status).toBe(400);
    const run = await bodyOf(await send(sam, 'POST', '/warehouses/WH1/cycle-plan/run', {}), 'post', '/warehouses/{code}/cycle-plan/run');
    expect(run).toMatchObject({ outcome: 'started', items: 4, stocktake: { bookLines: 4 } });
  });
});
