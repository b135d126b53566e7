/** Idempotency-Key on the REST API: a repeated key has one effect and answers with the first result. */
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { auditHistory } from '../../src/services/audit.ts';
import { importBook } from '../../src/services/book.ts';
import { getDocument, submitVariances } from '../../src/services/documents.ts';
import { grantRole } from '../../src/services/people.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { listStocktakes } from '../../src/services/stocktakes.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import type { Db } from '../../db/client.ts';
import { stocktakeStatus } from '../../src/services/variances.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, seedPeople } from '../support/flow.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { testHttp } from '../support/http.ts';

/** A response's JSON body, untyped: the assertions say what it holds. */
const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

/** WH2 with WH1's book, where sam supervises and carl counts. */
async function seedWarehouseTwo(db: Db): Promise<void> {
  await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
  await importBook(
    db,
    'WH2',
    csv('book.csv', [
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '100'],
    ]),
  );
  await grantRole(db, 'sam', 'supervisor', 'WH2');
  await grantRole(db, 'carl', 'counter', 'WH2');
}

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

    const first = await http.app.request(
      `/api/v1/stocktakes/${st.code}/variances/A-100/tag`,
      post(sam, 'tag-1', { cause: 'damage', note: 'crushed' }),
    );
    const second = await http.app.request(
      `/api/v1/stocktakes/${st.code}/variances/A-100/tag`,
      post(sam, 'tag-1', { cause: 'damage', note: 'crushed' }),
    );
    expect(second.status).toBe(200);
    expect(await read(second)).toEqual(await read(first));
    const history = await auditHistory(db, { stocktakeId: st.id });
    expect(history.filter((e) => e.action === 'variance.tag')).toHaveLength(1);
    expect(history.filter((e) => e.action === 'stocktake.counting_closed')).toHaveLength(1);
    expect(history.find((e) => e.action === 'variance.tag')!.idempotencyKey).toMatch(/^api:[0-9a-f-]{36}:tag-1$/);

    // Two at once with one key: the second waits for the first and answers with its result.
    const [x, y] = await Promise.all(
      [1, 2].map(() => http.app.request(`/api/v1/stocktakes/${st.code}/variances/C-400/confirm`, post(sam, 'confirm-c'))),
    );
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
    const upload = () =>
      http.app.request(`/api/v1/stocktakes/${started.code}/counts`, {
        method: 'POST',
        headers: { authorization: carl, 'content-type': 'text/csv', 'idempotency-key': 'sheet-1' },
        body: 'sku,location,qty\nA-100,R1,90\n',
      });
    const first = await upload();
    const second = await upload();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await read(second)).importId).toBe((await read(first)).importId);
    expect((await stocktakeStatus(db, started.id)).imports).toBe(1);
  });

  it("keeps each caller's keys apart and refuses a key reused for another action", async () => {
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
    expect(reused.status).toBe(422);
    expect((await read(reused)).error).toEqual({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message:
        'idempotency key "k" was already used for variance.confirm, not variance.note; nothing was done: send a new key for a new action',
      localized: {
        en: 'idempotency key "k" was already used for variance.confirm, not variance.note; nothing was done: send a new key for a new action',
        'zh-CN': '幂等键“k”已用于 variance.confirm（而非 variance.note），本次未执行：新的操作请换一个新键',
      },
    });
  });

  it('refuses a key reused for the same action on another target or with other input, doing nothing', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const sam = await http.bearerFor('sam');
    await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, post(sam, null));
    const reusedMessage =
      'idempotency key "K" was already used for variance.confirm with another target or input; nothing was done: send a new key for a new action';

    // Confirm line A with K, then line C with K: the second is refused, not answered with A's result.
    expect((await read(http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/confirm`, post(sam, 'K')))).sku).toBe('A-100');
    const other = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/C-400/confirm`, post(sam, 'K'));
    expect(other.status).toBe(422);
    const refused = (await read(other)).error;
    expect(refused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: reusedMessage });
    expect(refused.localized['zh-CN']).toContain('幂等键');
    expect((await listReview(db, st.code)).find((l) => l.sku === 'C-400')!.reviewStatus).toBe('open');
    // The retry of the first request is still answered with its result.
    expect((await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/confirm`, post(sam, 'K'))).status).toBe(200);

    // The same line and command with other input (another cause) is another action too.
    expect((await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/tag`, post(sam, 'T', { cause: 'damage' }))).status).toBe(
      200,
    );
    const otherCause = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-100/tag`, post(sam, 'T', { cause: 'theft' }));
    expect(otherCause.status).toBe(422);
    expect((await listReview(db, st.code)).find((l) => l.sku === 'A-100')!.causeCode).toBe('damage');

    // Approve one document with a key, then the other document with it: the second is refused, still pending.
    await confirmVariance(db, people.sam, { stocktake: st.code, line: 'A-200' });
    await tagCause(db, people.sam, { stocktake: st.code, line: 'A-200', cause: 'counting_error' });
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code, lines: ['A-100', 'A-200'] });
    const [loss, gain] = [documents.find((d) => d.kind === 'loss')!, documents.find((d) => d.kind === 'gain')!];
    const sue = await http.bearerFor('sue');
    expect((await http.app.request(`/api/v1/documents/${gain.number}/approve`, post(sue, 'A'))).status).toBe(200);
    const second = await http.app.request(`/api/v1/documents/${loss.number}/approve`, post(sue, 'A'));
    expect(second.status).toBe(422);
    expect((await read(second)).error.message).toContain('idempotency key "A" was already used for document.approve');
    expect((await getDocument(db, loss.id)).route[0]!.status).toBe('pending');

    // A count sheet sent with a key, then another sheet with the same key: refused, not imported.
    await seedWarehouseTwo(db);
    const carl = await http.bearerFor('carl');
    const start = await read(http.app.request('/api/v1/stocktakes', post(sam, 'S', { warehouse: 'WH2' })));
    const upload = (body: string) =>
      http.app.request(`/api/v1/stocktakes/${start.code}/counts`, {
        method: 'POST',
        headers: { authorization: carl, 'content-type': 'text/csv', 'idempotency-key': 'U' },
        body,
      });
    expect((await upload('sku,location,qty\nA-100,R1,90\n')).status).toBe(201);
    const otherSheet = await upload('sku,location,qty\nA-100,R1,95\n');
    expect(otherSheet.status).toBe(422);
    expect((await read(otherSheet)).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await stocktakeStatus(db, start.id)).imports).toBe(1);
    // Starting another warehouse's stocktake with the key that started WH2's is refused as well.
    expect((await http.app.request('/api/v1/stocktakes', post(sam, 'S', { warehouse: 'WH1' }))).status).toBe(422);
  });
});
