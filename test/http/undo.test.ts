/**
 * Undo through the REST API: cancel, list and void count sheets, reopen a line, withdraw a document; the
 * answers are what openapi.json documents, refusals say what is wrong, and an Idempotency-Key replays.
 */
import { expect, it } from 'vitest';
import { API_ROUTES, mountApi } from '../../src/http/api/index.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

/** Checks a 200 answer against the schema its route documents, and returns it. */
async function documentedBody(res: Response, method: 'get' | 'post', path: string): Promise<any> {
  expect(res.status, `${method} ${path}`).toBe(200);
  const body = await res.json();
  const schema = API_ROUTES.find((r) => r.method === method && r.path === path)!.response.schema!;
  expect(schema.parse(body)).toEqual(body);
  return body;
}

describeEachDatabase('REST API: undo', (get) => {
  it('lists and voids a count sheet, cancels a stocktake, each with a reason', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const auth = { sam: await http.bearerFor('sam'), fay: await http.bearerFor('fay') };
    const call = (who: keyof typeof auth, method: string, path: string, json?: unknown, headers: Record<string, string> = {}) =>
      http.app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: auth[who], 'content-type': 'application/json', ...headers },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });

    const list = await documentedBody(await call('sam', 'GET', `/stocktakes/${st.code}/counts`), 'get', '/stocktakes/{stocktake}/counts');
    expect(list.imports).toEqual([expect.objectContaining({ fileName: 'count.csv', counter: 'carl', voidedAt: null })]);
    const id = list.imports[0].id as string;

    const noReason = await call('sam', 'POST', `/stocktakes/${st.code}/counts/${id}/void`, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as any).error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('needs a reason'),
    });
    const finance = await call('fay', 'POST', `/stocktakes/${st.code}/counts/${id}/void`, { reason: 'x' });
    expect(finance.status).toBe(403);

    const key = { 'idempotency-key': 'void-1' };
    const voided = await documentedBody(
      await call('sam', 'POST', `/stocktakes/${st.code}/counts/${id}/void`, { reason: 'last month’s sheet' }, key),
      'post',
      '/stocktakes/{stocktake}/counts/{sheet}/void',
    );
    expect(voided).toMatchObject({ importId: id, linesCovered: 4, linesChanged: 4 });
    expect(voided.changed[0]).toEqual({
      sku: 'A-100',
      location: 'R1',
      lot: '',
      before: { countStatus: 'counted', countedQty: '90' },
      after: { countStatus: 'uncounted', countedQty: null },
    });
    // The same key replays the first answer; without it, a second void is stale.
    expect(
      await (await call('sam', 'POST', `/stocktakes/${st.code}/counts/${id}/void`, { reason: 'last month’s sheet' }, key)).json(),
    ).toEqual(voided);
    expect((await call('sam', 'POST', `/stocktakes/${st.code}/counts/count.csv/void`, { reason: 'again' })).status).toBe(409);

    const cancelled = await documentedBody(
      await call('sam', 'POST', `/stocktakes/${st.code}/cancel`, { reason: 'wrong warehouse' }),
      'post',
      '/stocktakes/{stocktake}/cancel',
    );
    expect(cancelled).toMatchObject({ code: st.code, status: 'cancelled', before: 'counting', reason: 'wrong warehouse' });
    expect((await call('sam', 'POST', `/stocktakes/${st.code}/cancel`, { reason: 'again' })).status).toBe(409);
  });

  it('reopens a confirmed line and withdraws a document', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const http = await testHttp(db, [mountApi]);
    const sam = await http.bearerFor('sam');
    const post = (path: string, json: unknown) =>
      http.app.request(`/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: sam, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });

    const reopened = await documentedBody(
      await post(`/stocktakes/${st.code}/variances/${encodeURIComponent('A-100@R1')}/reopen`, { reason: 'recount the shelf' }),
      'post',
      '/stocktakes/{stocktake}/variances/{line}/reopen',
    );
    expect(reopened).toMatchObject({ reviewStatus: 'open', returnedReason: 'reopened by sam: recount the shelf' });

    const submitted = (await (await post(`/stocktakes/${st.code}/submit`, {})).json()) as any;
    const doc = submitted.documents[0];
    const withdrawn = await documentedBody(
      await post(`/documents/${doc.number}/withdraw`, { reason: 'cause to check' }),
      'post',
      '/documents/{document}/withdraw',
    );
    expect(withdrawn).toMatchObject({ number: doc.number, status: 'withdrawn' });
    const again = await post(`/documents/${doc.number}/withdraw`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.message).toContain('only a document still in approval can be withdrawn');
  });
});
