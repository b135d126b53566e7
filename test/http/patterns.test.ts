/**
 * GET /api/v1/warehouses/{code}/patterns and …/performance on the fixed history (test/support/history.ts):
 * the answers are what openapi.json documents; a counter sees only their own figures, a manager everyone's,
 * a person without a role in the warehouse nothing.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { API_ROUTES, mountApi } from '../../src/http/api/index.ts';
import { addPerson } from '../../src/services/people.ts';
import { describeEachDatabase } from '../support/db.ts';
import { fourStocktakes } from '../support/history.ts';
import { testHttp } from '../support/http.ts';

afterEach(() => {
  vi.useRealTimers();
});

async function documentedBody(res: Response, path: string): Promise<any> {
  expect(res.status, path).toBe(200);
  const body = await res.json();
  const schema = API_ROUTES.find((r) => r.method === 'get' && r.path === path)!.response.schema!;
  expect(schema.parse(body)).toEqual(body);
  return body;
}

describeEachDatabase('REST API: patterns and performance', (get) => {
  it('answers with the findings and the figures the caller may see', async () => {
    const { db } = get();
    const { codes } = await fourStocktakes(db);
    await addPerson(db, { handle: 'zed', name: 'Zed' });
    const http = await testHttp(db, [mountApi]);
    const call = async (who: string, path: string) =>
      http.app.request(`/api/v1${path}`, { headers: { authorization: await http.bearerFor(who) } });

    const patterns = await documentedBody(await call('carl', '/warehouses/WH1/patterns'), '/warehouses/{code}/patterns');
    expect(patterns.recurringSkus.map((f: any) => f.key)).toEqual(['A-100']);
    expect(patterns.risingCauses.map((f: any) => [f.cause, f.latestStocktake])).toEqual([['damage', codes[3]]]);
    expect(patterns.clusters.map((f: any) => f.name)).toEqual(['equipment']);
    // The default minimum of 20 first-counted lines: carl's 16 are not enough to name him.
    expect(patterns.counters).toEqual([]);

    const mine = await documentedBody(await call('carl', '/warehouses/WH1/performance'), '/warehouses/{code}/performance');
    expect([mine.scope, mine.counters.map((c: any) => [c.person.handle, c.accuracyPercent]), mine.reviewers, mine.stocktakes]).toEqual([
      'own',
      [['carl', '87.5']],
      [],
      null,
    ]);
    const all = await documentedBody(await call('mo', '/warehouses/WH1/performance?stocktakes=2'), '/warehouses/{code}/performance');
    expect([all.scope, all.window, all.stocktakes.map((s: any) => s.code)]).toEqual(['all', 2, [codes[2], codes[3]]]);

    expect((await call('zed', '/warehouses/WH1/performance')).status).toBe(403);
    expect((await call('zed', '/warehouses/WH1/patterns')).status).toBe(403);
  });
});
