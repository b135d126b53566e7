import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { cliWarehouse, runCli, openOwnDatabase } from '../support/cli.ts';
import { databaseKinds } from '../support/db.ts';
import { runErpDeliveries } from '../support/erp.ts';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo.ts';

let fake: FakeOdoo;
beforeAll(async () => {
  fake = await startFakeOdoo({ database: 'widgets', login: 'api', password: 'odoo-key', locations: ['WH/Stock'] });
  process.env.TEST_CLI_ODOO_KEY = 'odoo-key';
});
afterAll(async () => {
  await fake.close();
  delete process.env.TEST_CLI_ODOO_KEY;
});

/** Opens the suite's database between commands (a PGlite directory takes one process at a time). */
async function withDb<T>(env: Record<string, string>, fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await openOwnDatabase(
    env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! },
  );
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

for (const kind of databaseKinds()) {
  describe(`stocktake CLI: erp [${kind}]`, () => {
    const { cli, file, ok, environment } = cliWarehouse(kind, 'erp');

    it('configures a connector, shows a failed sync with the ERP message, retries it and reconciles', async () => {
      for (const model of ['product.product', 'stock.quant', 'stock.move'] as const) fake.tables[model].length = 0;
      await ok('people', 'add', 'vic');
      await ok('roles', 'grant', 'vic', 'supervisor', 'WH1');
      const config = {
        baseUrl: fake.url,
        database: 'widgets',
        username: 'api',
        passwordEnv: 'TEST_CLI_ODOO_KEY',
        defaultLocation: 'WH/Stock',
      };
      expect((await cli('erp', 'add', 'WH1', 'odoo', '--config', '{"baseUrl": "not a url"}')).code).toBe(2);
      const added = await ok('erp', 'add', 'WH1', 'odoo', '--config', `@${file('odoo.json', JSON.stringify(config))}`);
      expect(added.stdout).toContain('The Odoo connector of WH1 is saved');
      expect((await ok('erp', 'list', '--json')).json()).toEqual([
        expect.objectContaining({ warehouse: 'WH1', kind: 'odoo', active: true, credentialsFrom: ['TEST_CLI_ODOO_KEY'] }),
      ]);
      expect((await ok('erp', 'test', 'WH1', 'odoo')).stdout).toContain('the Odoo connection works: logged in to widgets as api');

      const code = (await ok('start', 'WH1', '--json')).json().code as string;
      await ok('counts', 'import', code, file('c.csv', 'sku,location,qty\nA-1,L1,19\nB-2,L2,10\n'), '--counter', 'cara');
      await ok('close-counting', code, '--as', 'sam');
      await ok('variances', 'confirm', code, 'A-1', '--as', 'sam');
      await ok('variances', 'tag', code, 'A-1', 'damage', '--as', 'sam');
      const [doc] = (await ok('submit', code, '--as', 'sam', '--json')).json().documents as { id: string; number: string }[];
      await ok('approve', doc!.number, '--as', 'vic');
      // The delivery worker (running in the app) sends what posting queued.
      await withDb(await environment(), async (db) => {
        await runErpDeliveries(db);
      });

      const shown = await ok('documents', 'show', doc!.number);
      expect(shown.stdout).toContain('ERP sync:\n  Odoo: failed — no product with internal reference A-1 (our SKU A-1)');
      const zh = await runCli({ ...(await environment()), STOCKTAKE_LANG: 'zh-CN' }, 'documents', 'show', doc!.number);
      expect(zh.stdout).toContain('ERP 同步：\n  Odoo：同步失败——no product with internal reference A-1');
      expect((await ok('erp', 'reconcile', '--json')).json()).toEqual([
        expect.objectContaining({ document: doc!.number, kind: 'odoo', state: 'failed' }),
      ]);
      expect((await ok('erp', 'status', '--json')).json()).toEqual([
        expect.objectContaining({ warehouse: 'WH1', kind: 'odoo', failed: 1, synced: 0 }),
      ]);

      fake.addProduct('A-1');
      expect((await cli('erp', 'retry', doc!.number, '--as', 'cara')).code).toBe(2);
      const retried = await ok('erp', 'retry', doc!.number, '--as', 'vic');
      expect(retried.stdout).toContain(`1 ERP sync(s) of ${doc!.number} queued again`);
      await withDb(await environment(), runErpDeliveries);
      expect((await ok('documents', 'show', doc!.number, '--json')).json().erpSync).toEqual([
        expect.objectContaining({ kind: 'odoo', state: 'synced', externalRef: expect.stringContaining(doc!.number) }),
      ]);
      expect((await ok('erp', 'reconcile')).stdout).toContain('Every posted document is in the ERP.');
      expect((await ok('erp', 'remove', 'WH1', 'odoo')).stdout).toContain('is removed');
      expect((await ok('erp', 'list')).stdout).toContain('No ERP connector is configured.');
    });
  });
}
