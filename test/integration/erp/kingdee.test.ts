import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentSync, retryDocumentSync, saveErpConnector, testErpConnector, unsyncedDocuments } from '../../../src/services/erp.ts';
import { describeEachDatabase } from '../../support/db.ts';
import { postedDocuments, runErpDeliveries } from '../../support/erp.ts';
import { startFakeKingdee, type FakeKingdee } from '../../fakes/kingdee.ts';

let fake: FakeKingdee;
const ENV = 'TEST_KINGDEE_PASSWORD';

beforeAll(async () => {
  fake = await startFakeKingdee({
    acctId: '66a1b2c3',
    username: 'api',
    password: 'k3-secret',
    orgs: ['100'],
    units: ['Pcs', 'Box'],
    stocks: ['CK01'],
  });
  process.env[ENV] = 'k3-secret';
});
afterAll(async () => {
  await fake.close();
  delete process.env[ENV];
});

const config = () => ({
  baseUrl: fake.baseUrl,
  acctId: '66a1b2c3',
  username: 'api',
  passwordEnv: ENV,
  stockOrg: '100',
  stock: 'CK01',
  locationField: 'FSTOCKLOCID__FF100001',
  unitMap: { pcs: 'Pcs', box: 'Box' },
  skuMap: { 'C-400': 'PALLET-01' },
});

describeEachDatabase('Kingdee K/3 Cloud connector', (get) => {
  it('saves a posted gain as STK_StockCountGain with FGainQty and a loss as STK_StockCountLoss with FLossQty, audited', async () => {
    const { db } = get();
    fake.bills.length = 0;
    fake.materials.clear();
    for (const m of ['A-100', 'A-200', 'PALLET-01']) fake.materials.add(m);
    const { gain, loss } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'kingdee', config: config() }),
    );
    await runErpDeliveries(db);
    expect(fake.bills).toHaveLength(2);

    const gainBill = fake.bills.find((b) => b.formId === 'STK_StockCountGain')!;
    expect(gainBill).toMatchObject({ number: gain.number, audited: true });
    expect(gainBill.model).toMatchObject({
      FBillNo: gain.number,
      FBillTypeID: { FNUMBER: 'PY01_SYS' },
      FStockOrgId: { FNumber: '100' },
      FOwnerTypeIdHead: 'BD_OwnerOrg',
      FOwnerIdHead: { FNumber: '100' },
    });
    expect(gainBill.model.FDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(gainBill.model.FBillEntry).toEqual([
      expect.objectContaining({
        FMaterialId: { FNumber: 'A-200' },
        FUnitID: { FNumber: 'Box' },
        FStockId: { FNumber: 'CK01' },
        FStockLocId: { FSTOCKLOCID__FF100001: { FNumber: 'R2' } },
        FAcctQty: '20',
        FCountQty: '21',
        FGainQty: '1',
      }),
    ]);
    const lossBill = fake.bills.find((b) => b.formId === 'STK_StockCountLoss')!;
    expect(lossBill.model.FBillTypeID).toEqual({ FNUMBER: 'PK01_SYS' });
    expect(lossBill.model.FBillEntry).toEqual([
      expect.objectContaining({ FMaterialId: { FNumber: 'A-100' }, FAcctQty: '100', FCountQty: '90', FLossQty: '10' }),
      expect.objectContaining({ FMaterialId: { FNumber: 'PALLET-01' }, FAcctQty: '3', FCountQty: '1', FLossQty: '2' }),
    ]);
    expect(await documentSync(db, gain.id)).toEqual([
      expect.objectContaining({ kind: 'kingdee', state: 'synced', externalRef: gain.number }),
    ]);
    expect(await unsyncedDocuments(db, { warehouse: 'WH1' })).toEqual([]);
  });

  it("records Kingdee's refusal with its message, lists the document as unsynced, and a retry after the fix syncs it", async () => {
    const { db } = get();
    fake.bills.length = 0;
    fake.materials.clear();
    for (const m of ['A-100', 'PALLET-01']) fake.materials.add(m);
    const { gain, loss, people } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'kingdee', config: config() }),
    );
    await runErpDeliveries(db);

    const [failed] = await documentSync(db, gain.id);
    expect(failed).toMatchObject({ state: 'failed', externalRef: null, attempts: 1 });
    expect(failed!.lastError).toContain('第1行物料编码 A-200 不存在');
    expect(await unsyncedDocuments(db, { warehouse: 'WH1', kind: 'kingdee' })).toEqual([
      expect.objectContaining({ warehouse: 'WH1', kind: 'kingdee', document: gain.number, state: 'failed' }),
    ]);

    fake.materials.add('A-200');
    const retried = await retryDocumentSync(db, people.sue.actor, { document: gain.number });
    expect(retried).toMatchObject({ retried: 1, sync: [expect.objectContaining({ state: 'pending', attempts: 0 })] });
    await runErpDeliveries(db);
    expect(await documentSync(db, gain.id)).toEqual([
      expect.objectContaining({ state: 'synced', externalRef: gain.number, lastError: null }),
    ]);
    expect(await unsyncedDocuments(db)).toEqual([]);
    // Synced already: a second retry is refused, naming the ERP's number.
    await expect(retryDocumentSync(db, people.sue.actor, { document: gain.number })).rejects.toThrow(
      new RegExp(`already in the ERP.*${gain.number}`),
    );
  });

  it('keeps a server error for another attempt, and does not save twice when an earlier attempt got through', async () => {
    const { db } = get();
    fake.bills.length = 0;
    for (const m of ['A-100', 'A-200', 'PALLET-01']) fake.materials.add(m);
    const { gain, loss } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'kingdee', config: config() }),
    );
    fake.failNextSaves(1, 'STK_StockCountGain');
    await runErpDeliveries(db);
    const [waiting] = await documentSync(db, gain.id);
    expect(waiting).toMatchObject({ state: 'pending', attempts: 1 });
    expect(waiting!.lastError).toContain('HTTP 500');
    await retryDocumentSync(db, null, { document: gain.number });
    await runErpDeliveries(db);
    expect(fake.bills.filter((b) => b.number === gain.number)).toHaveLength(1);
    // The answer was lost after Kingdee saved the bill: the next attempt finds it instead of saving again.
    await db.execute(sql`update integration_delivery set status = 'failed', external_ref = null where subject = ${gain.id}`);
    await retryDocumentSync(db, null, { document: gain.number });
    await runErpDeliveries(db);
    expect(await documentSync(db, gain.id)).toEqual([expect.objectContaining({ state: 'synced', externalRef: gain.number })]);
    expect(fake.bills.filter((b) => b.number === gain.number)).toHaveLength(1);
  });

  it("tests the login: a wrong password is answered with Kingdee's message, never the password", async () => {
    const { db } = get();
    await postedDocuments(db, () => saveErpConnector(db, null, { warehouse: 'WH1', kind: 'kingdee', config: config() }));
    expect(await testErpConnector(db, null, { warehouse: 'WH1', kind: 'kingdee' })).toMatchObject({ ok: true });
    const wrong = await testErpConnector(db, null, { warehouse: 'WH1', kind: 'kingdee' }, { [ENV]: 'nope' });
    expect(wrong).toEqual({ ok: false, message: 'login refused: 用户名或密码错误！' });
    const unset = await testErpConnector(db, null, { warehouse: 'WH1', kind: 'kingdee' }, {});
    expect(unset.message).toBe(`environment variable ${ENV} is not set (it holds the kingdee credential)`);
  });
});
