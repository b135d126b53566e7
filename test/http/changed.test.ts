/**
 * A change made through the API or the console is passed on at once (HttpDeps.changed): the sender delivers
 * the chat updates it queued, and the approval centres pick up a decision made outside them, without waiting
 * for their next poll.
 */
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { bindChat } from '../../src/services/chats.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

describeEachDatabase('HTTP changes passed on', (get) => {
  it('calls changed after a successful change, not after a read or a refused change', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    let calls = 0;
    const http = await testHttp(db, [mountApi], { changed: () => void (calls += 1) });
    const sam = await http.bearerFor('sam');
    const carl = await http.bearerFor('carl');
    const post = (auth: string) => ({ method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{}' });

    expect((await http.app.request(`/api/v1/stocktakes/${st.code}`, { headers: { authorization: sam } })).status).toBe(200);
    expect(calls).toBe(0);
    // A counter may not close counting: refused, nothing changed.
    expect((await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, post(carl))).status).toBe(403);
    expect(calls).toBe(0);
    expect((await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, post(sam))).status).toBe(200);
    expect(calls).toBe(1);
  });

  it('says whether the request queued chat messages or card updates, so the sender looks only then', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const seen: boolean[] = [];
    const http = await testHttp(db, [mountApi], { changed: ({ outbox }) => void seen.push(outbox) });
    const sam = await http.bearerFor('sam');
    const post = (path: string, body: unknown = {}) =>
      http.app.request(`/api/v1/stocktakes/${st.code}${path}`, {
        method: 'POST',
        headers: { authorization: sam, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // No chat is bound: closing counting announces review to nobody, and a confirmation updates no card.
    expect((await post('/close-counting')).status).toBe(200);
    expect((await post(`/variances/${encodeURIComponent('A-100@R1')}/confirm`)).status).toBe(200);
    expect(seen).toEqual([false, false]);
    // With a team chat bound, a recount request is announced there.
    await bindChat(db, people.sam, { platform: 'web', chatId: 'team', warehouse: 'WH1', purpose: 'team', locale: 'en' });
    expect((await post(`/variances/${encodeURIComponent('A-200@R2')}/recount`, { by: 'carl' })).status).toBe(200);
    expect(seen).toEqual([false, false, true]);
  });
});
