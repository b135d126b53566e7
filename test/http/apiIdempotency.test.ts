/** Idempotency-Key on the REST API: a repeated key has one effect and answers with the first result. */
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { auditHistory } from '../../src/services/audit.ts';
import { listStocktakes } from '../../src/services/stocktakes.ts';
import { stocktakeStatus } from '../../src/services/variances.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, seedPeople } from '../support/flow.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { testHttp } from '../support/http.ts';

/** A response's JSON body, untyped: the assertions say what it holds. */
const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

const post = (auth: string, key: string | null, body: unknown = {}) => ({
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
  body: JSON.stringify(body),
});

describeEachDatabase('REST API idempotency', (get) => {
  it('replays a review action sent twice with the same key: one change, one audit entry, the first answer', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const sam = await http.bearerFor('sam');
    expect((await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, post(sam, 'close-1'))).status).toBe(200);
    const again = await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, post(sam, 'close-1'));
    expect(again.status).toBe(200);
    expect(await read(again)).toMatchObject({ code: st.code, status: 'reviewing', openVariances: 3 });

    const first = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/tag`, post(sam, 'tag-1', { cause: 'damage', note: 'crushed' }));
    const second = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/tag`, post(sam, 'tag-1', { cause: 'damage', note: 'crushed' }));
    expect(second.status).toBe(200);
    expect(await read(second)).toEqual(await read(first));
    const history = await auditHistory(db, { stocktakeId: st.id });
    expect(history.filter((e) => e.action === 'variance.tag')).toHaveLength(1);
    expect(history.filter((e) => e.action === 'stocktake.counting_closed')).toHaveLength(1);
    expect(history.find((e) => e.action === 'variance.tag')!.idempotencyKey).toMatch(/^api:[0-9a-f-]{36}:tag-1$/);

    // Two at once with one key: the second waits for the first and answers with its result.
    const [x, y] = await Promise.all([1, 2].map(() => http.app.request(`/api/v1/stocktakes/${st.code}/variances/C-400/confirm`, post(sam, 'confirm-c'))));
    expect([x!.status, y!.status]).toEqual([200, 200]);
    expect(await read(x!)).toEqual(await read(y!));
    expect((await auditHistory(db, { stocktakeId: st.id })).filter((e) => e.action === 'variance.confirm')).toHaveLength(1);

    // Without a key a repeat is a new command: the confirmed line cannot be confirmed again.
    expect((await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/confirm`, post(sam, null))).status).toBe(200);
    const repeat = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/confirm`, post(sam, null));
    expect(repeat.status).toBe(409);
    expect((await read(repeat)).error.code).toBe('STALE');
  });

  it('starts one stocktake and imports a sheet once for a repeated key, answering with the first result', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountApi]);
    const sam = await http.bearerFor('sam');
    const start = () => http.app.request('/api/v1/stocktakes', post(sam, 'start-1', { warehouse: 'WH1' }));
    const a = await start();
    const b = await start();
    expect([a.status, b.status]).toEqual([201, 201]);
    const started = await read(a);
    expect(await read(b)).toEqual(started);
    expect(await listStocktakes(db)).toHaveLength(1);
    // A new key is a new command: the warehouse already has an open stocktake.
    const other = await http.app.request('/api/v1/stocktakes', post(sam, 'start-2', { warehouse: 'WH1' }));
    expect(other.status).toBe(409);
    expect((await read(other)).error.code).toBe('STOCKTAKE_ALREADY_OPEN');

    const carl = await http.bearerFor('carl');
    const upload = () => http.app.request(`/api/v1/stocktakes/${started.code}/counts`, { method: 'POST', headers: { authorization: carl, 'content-type': 'text/csv', 'idempotency-key': 'sheet-1' }, body: 'sku,location,qty\nA-100,R1,90\n' });
    const first = await upload();
    const second = await upload();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await read(second)).importId).toBe((await read(first)).importId);
    expect((await stocktakeStatus(db, started.id)).imports).toBe(1);
  });

  it('keeps each caller\'s keys apart and refuses a key reused for another action', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const sam = await http.bearerFor('sam');
    const sue = await http.bearerFor('sue');
    await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, post(sam, null));

    const bySam = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/confirm`, post(sam, 'k'));
    expect((await read(bySam)).sku).toBe('A-100');
    // The same key from sue is sue's own: her confirm of another line is done, not answered with sam's.
    const bySue = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/C-400/confirm`, post(sue, 'k'));
    expect(bySue.status).toBe(200);
    expect((await read(bySue)).sku).toBe('C-400');

    const reused = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-200/note`, post(sam, 'k', { note: 'looked twice' }));
    expect(reused.status).toBe(400);
    expect((await read(reused)).error.message).toMatch(/idempotency key api:.+:k was already used for variance\.confirm, not variance\.note/);
  });
});
