/**
 * The case library over the REST API: written up by the line's owner with an Idempotency-Key, refused for
 * an outsider, searched in Chinese and English (only in the caller's warehouses), shown with its photos and
 * history, and closed by the action's owner; the answers match the documented schemas.
 */
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { CaseDetail, CaseList } from '../../src/http/api/schemas.ts';
import { localDay } from '../../src/domain/time.ts';
import { addPerson } from '../../src/services/people.ts';
import { addPhoto } from '../../src/services/photos.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

describeEachDatabase('case API', (get) => {
  it('writes up, searches, shows and closes a case, for members of the warehouse only', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 40, b: 40 } } })
      .jpeg()
      .toBuffer();
    await addPhoto(db, people.sam, { stocktake: st.code, line: 'A-100', bytes: new Uint8Array(photo), source: 'api' });
    await addPerson(db, { handle: 'visitor' });
    const http = await testHttp(db, [mountApi]);
    const sam = await http.bearerFor('sam');
    const visitor = await http.bearerFor('visitor');
    const call = (auth: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      http.app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json', ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const body = {
      stocktake: st.code,
      lines: ['A-100@R1'],
      title: '包装破损导致漏数',
      whatHappened: 'Carton torn by a forklift; 10 pieces swept away',
      action: '加装防撞护栏',
      actionOwner: 'sam',
      actionDue: localDay(new Date(Date.now() + 3 * 24 * 3600_000), 'Asia/Shanghai'),
    };

    expect((await call(visitor, 'POST', '/cases', body)).status).toBe(403);
    const created = await call(sam, 'POST', '/cases', body, { 'idempotency-key': 'case-1' });
    expect(created.status).toBe(201);
    const shown: any = await created.json();
    expect(CaseDetail.safeParse(shown).success).toBe(true);
    expect(shown).toMatchObject({ code: 'C-1', lines: [{ line: 'A-100@R1', diffQty: '-10' }], history: [{ action: 'case.created' }] });
    expect(shown.photos).toHaveLength(1);
    expect(shown.photos[0].url).toBe(`/api/v1/photos/${shown.photos[0].sha256}`);
    // The same key again: the same case, not a second one.
    const again: any = await (await call(sam, 'POST', '/cases', body, { 'idempotency-key': 'case-1' })).json();
    expect(again.code).toBe('C-1');

    const search = async (auth: string, q: string) => {
      const res = await call(auth, 'GET', `/cases?q=${encodeURIComponent(q)}`);
      const list: any = await res.json();
      expect(CaseList.safeParse(list).success).toBe(true);
      return list.cases.map((c: { code: string }) => c.code);
    };
    expect(await search(sam, '破损')).toEqual(['C-1']);
    expect(await search(sam, 'FORKLIFT')).toEqual(['C-1']);
    expect(await search(sam, '冷库')).toEqual([]);
    expect(await search(visitor, '破损')).toEqual([]);
    expect((await call(visitor, 'GET', '/cases/C-1')).status).toBe(403);
    expect((await call(sam, 'GET', '/cases/C-99')).status).toBe(404);

    const done = await call(sam, 'POST', '/cases/C-1/done', { note: '护栏已装' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'done', doneBy: 'sam', doneNote: '护栏已装' });
    expect((await call(sam, 'POST', '/cases/C-1/done', {})).status).toBe(409);
  });
});
