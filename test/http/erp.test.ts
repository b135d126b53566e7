import { afterAll, beforeAll, expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { describeEachDatabase } from '../support/db.ts';
import { postedDocuments, runErpDeliveries } from '../support/erp.ts';
import { testHttp } from '../support/http.ts';
import { startFakeErpnext, type FakeErpnext } from '../fakes/erpnext.ts';

let fake: FakeErpnext;
const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();
beforeAll(async () => {
  fake = await startFakeErpnext({
    apiKey: 'k',
    apiSecret: 's',
    company: 'Widgets Pte',
    warehouses: ['Stores - WP'],
    accounts: ['Stock Adjustment - WP'],
  });
  process.env.TEST_API_ERPNEXT_KEY = 'k';
  process.env.TEST_API_ERPNEXT_SECRET = 's';
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase('REST API: ERP connectors and sync', (get) => {
  it('lets an admin configure and test a connector, shows the sync on the document, retries and reconciles', async () => {
    const { db } = get();
    fake.items.clear();
    fake.reconciliations.length = 0;
    fake.items.add('A-100');
    fake.items.add('C-400');
    const http = await testHttp(db, [mountApi]);
    const json = (init: { method: string; body?: unknown }) => ({
      method: init.method,
      headers: { 'content-type': 'application/json' },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    const config = {
      baseUrl: fake.url,
      apiKeyEnv: 'TEST_API_ERPNEXT_KEY',
      apiSecretEnv: 'TEST_API_ERPNEXT_SECRET',
      company: 'Widgets Pte',
      warehouse: 'Stores - WP',
      expenseAccount: 'Stock Adjustment - WP',
    };
    const { gain, loss } = await postedDocuments(db, async () => {
      // sam supervises but is no admin: refused; ann is.
      const refused = await http.as(
        'sam',
        '/api/v1/erp/connectors',
        json({ method: 'POST', body: { warehouse: 'WH1', erp: 'erpnext', config } }),
      );
      expect(refused.status).toBe(403);
      expect((await read(refused)).error.localized['zh-CN']).toContain('需要该仓库的管理员角色');
      const bad = await http.as(
        'ann',
        '/api/v1/erp/connectors',
        json({ method: 'POST', body: { warehouse: 'WH1', erp: 'erpnext', config: { ...config, apiKeyEnv: 'my secret key' } } }),
      );
      expect(bad.status).toBe(400);
      const saved = await http.as(
        'ann',
        '/api/v1/erp/connectors',
        json({ method: 'POST', body: { warehouse: 'WH1', erp: 'erpnext', config } }),
      );
      expect(saved.status).toBe(201);
      expect(await read(saved)).toMatchObject({
        warehouse: 'WH1',
        kind: 'erpnext',
        credentialsFrom: ['TEST_API_ERPNEXT_KEY', 'TEST_API_ERPNEXT_SECRET'],
      });
    });
    const tested = await http.as('ann', '/api/v1/erp/connectors/WH1/erpnext/test', json({ method: 'POST' }));
    expect(await read(tested)).toEqual({ ok: true, message: 'authenticated as integration@example.com' });

    await runErpDeliveries(db);
    const detail = await read(http.as('fay', `/api/v1/documents/${gain.number}`));
    expect(detail.erpSync).toEqual([
      expect.objectContaining({
        kind: 'erpnext',
        state: 'failed',
        lastError: expect.stringContaining('Could not find Row #1: Item Code: A-200'),
      }),
    ]);
    const unsynced = await read(http.as('fay', '/api/v1/erp/unsynced?warehouse=WH1'));
    expect(unsynced.documents.map((d: { document: string; state: string }) => [d.document, d.state])).toContainEqual([
      gain.number,
      'failed',
    ]);

    fake.items.add('A-200');
    expect((await http.as('carl', `/api/v1/documents/${gain.number}/erp-sync/retry`, json({ method: 'POST', body: {} }))).status).toBe(403);
    const retried = await http.as(
      'fay',
      `/api/v1/documents/${gain.number}/erp-sync/retry`,
      json({ method: 'POST', body: { erp: 'erpnext' } }),
    );
    expect(retried.status).toBe(200);
    expect(await read(retried)).toMatchObject({ document: gain.number, retried: 1 });
    await runErpDeliveries(db);
    const after = await read(http.as('fay', `/api/v1/documents/${gain.number}`));
    expect(after.erpSync).toEqual([expect.objectContaining({ state: 'synced', externalRef: expect.stringMatching(/^MAT-RECO-/) })]);
    const again = await http.as('fay', `/api/v1/documents/${gain.number}/erp-sync/retry`, json({ method: 'POST', body: {} }));
    expect(again.status).toBe(409);
    const status = await read(http.as('ann', '/api/v1/erp/status'));
    expect(status.connectors).toEqual([expect.objectContaining({ warehouse: 'WH1', kind: 'erpnext', synced: 2, failed: 0 })]);
    const removed = await http.as('ann', '/api/v1/erp/connectors/WH1/erpnext/remove', json({ method: 'POST' }));
    expect(await read(removed)).toMatchObject({ active: false });
    expect((await read(http.as('ann', '/api/v1/erp/connectors'))).connectors).toEqual([]);
  });
});
