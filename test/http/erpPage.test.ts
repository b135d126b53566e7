/** The console's ERP page (/admin/erp) and the ERP sync on a stocktake's documents, in both languages. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mountPages } from '../../src/http/pages/index.ts';
import { documentSync } from '../../src/services/erp.ts';
import { describeEachDatabase } from '../support/db.ts';
import { postedDocuments, runErpDeliveries } from '../support/erp.ts';
import { testHttp } from '../support/http.ts';
import { startFakeKingdee, type FakeKingdee } from '../fakes/kingdee.ts';

let fake: FakeKingdee;
let dir: string;
beforeAll(async () => {
  fake = await startFakeKingdee({ acctId: 'A1', username: 'api', password: 'pw', units: ['pcs', 'box'], stocks: ['WH1'] });
  process.env.TEST_PAGE_KINGDEE_PASSWORD = 'pw';
  dir = await mkdtemp(join(tmpdir(), 'erp-page-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function html(response: Response | Promise<Response>, status = 200): Promise<string> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text.slice(0, 800)).toBe(status);
  return text;
}

describeEachDatabase('console: ERP connectors page and document sync', (get) => {
  it('lets an admin add, test and remove a connector; shows a failed sync on the document with a retry that works', async () => {
    const { db } = get();
    fake.bills.length = 0;
    fake.materials.clear();
    fake.materials.add('A-100');
    fake.materials.add('C-400');
    const http = await testHttp(db, [mountPages]);
    const post = (person: string, path: string, fields: Record<string, string>) =>
      http.as(person, path, { method: 'POST', body: new URLSearchParams(fields) });
    const config = JSON.stringify({
      baseUrl: fake.baseUrl,
      acctId: 'A1',
      username: 'api',
      passwordEnv: 'TEST_PAGE_KINGDEE_PASSWORD',
      stockOrg: '100',
    });
    const { gain, st } = await postedDocuments(db, async () => {
      expect(await html(http.as('sam', '/admin/erp'), 403)).not.toContain('kdservice');
      const bad = await html(post('ann', '/admin/erp', { warehouse: 'WH1', erp: 'kingdee', config: '{"baseUrl": 1}' }), 400);
      expect(bad).toContain('configuration is not valid');
      const saved = await post('ann', '/admin/erp', { warehouse: 'WH1', erp: 'kingdee', config });
      expect(saved.status).toBe(303);
      const page = await html(http.as('ann', saved.headers.get('location')!));
      expect(page).toContain('The Kingdee K/3 Cloud connector of WH1 is saved');
      expect(page).toContain('TEST_PAGE_KINGDEE_PASSWORD');
      expect(page).not.toContain('"pw"');
    });
    expect(await html(post('ann', '/admin/erp/test', { warehouse: 'WH1', erp: 'kingdee' }))).toContain(
      'the Kingdee K/3 Cloud connection works',
    );
    const zhTest = await html(post('ann', '/admin/erp/test?lang=zh-CN', { warehouse: 'WH1', erp: 'kingdee' }));
    expect(zhTest).toContain('金蝶云星空 连接正常');

    await runErpDeliveries(db);
    const detail = await html(http.as('fay', `/stocktakes/${st.code}`));
    expect(detail).toContain('Kingdee K/3 Cloud: failed — FMaterialId: 第1行物料编码 A-200 不存在');
    expect(detail).toContain(`action="/documents/${gain.id}/erp-retry"`);
    const zh = await html(http.as('fay', `/stocktakes/${st.code}?lang=zh-CN`));
    expect(zh).toContain('金蝶云星空：同步失败——FMaterialId: 第1行物料编码 A-200 不存在');
    expect(zh).toContain('重试 ERP 同步');
    const admin = await html(http.as('ann', '/admin/erp'));
    expect(admin).toContain(`data-document="${gain.number}"`);

    fake.materials.add('A-200');
    const refused = await html(post('carl', `/documents/${gain.id}/erp-retry`, { back: `/stocktakes/${st.code}` }), 403);
    expect(refused).toContain('may not retry the ERP sync');
    const retried = await post('fay', `/documents/${gain.id}/erp-retry`, { back: `/stocktakes/${st.code}` });
    expect(retried.status).toBe(303);
    expect(retried.headers.get('location')).toMatch(new RegExp(`^/stocktakes/${st.code}\\?done=retried`));
    await runErpDeliveries(db);
    expect(await documentSync(db, gain.id)).toEqual([expect.objectContaining({ state: 'synced' })]);
    expect(await html(http.as('fay', `/stocktakes/${st.code}?lang=en`))).toContain(`Kingdee K/3 Cloud: synced as ${gain.number}`);

    const removed = await post('ann', '/admin/erp/remove', { warehouse: 'WH1', erp: 'kingdee' });
    expect(await html(http.as('ann', removed.headers.get('location')!))).toContain('connector of WH1 is removed');
  });
});
