import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentSync, retryDocumentSync, saveErpConnector, testErpConnector, unsyncedDocuments } from '../../../src/services/erp.ts';
import { describeEachDatabase } from '../../support/db.ts';
import { erpnextRemarks } from '../../../src/integration/erp/erpnext.ts';
import { payloadOf, postedDocuments, runErpDeliveries } from '../../support/erp.ts';
import { startFakeErpnext, type FakeErpnext } from '../../fakes/erpnext.ts';

let fake: FakeErpnext;

beforeAll(async () => {
  fake = await startFakeErpnext({
    apiKey: 'k3y',
    apiSecret: 's3cret',
    company: 'Widgets Pte',
    warehouses: ['Stores - WP'],
    accounts: ['Stock Adjustment - WP'],
  });
  process.env.TEST_ERPNEXT_KEY = 'k3y';
  process.env.TEST_ERPNEXT_SECRET = 's3cret';
});
afterAll(async () => {
  await fake.close();
  delete process.env.TEST_ERPNEXT_KEY;
  delete process.env.TEST_ERPNEXT_SECRET;
});

const config = () => ({
  baseUrl: fake.url,
  apiKeyEnv: 'TEST_ERPNEXT_KEY',
  apiSecretEnv: 'TEST_ERPNEXT_SECRET',
  company: 'Widgets Pte',
  warehouse: 'Stores - WP',
  expenseAccount: 'Stock Adjustment - WP',
});

describeEachDatabase('ERPNext connector', (get) => {
  it('creates a Stock Reconciliation with the counted quantities and submits it', async () => {
    const { db } = get();
    fake.reconciliations.length = 0;
    for (const i of ['A-100', 'A-200', 'C-400']) fake.items.add(i);
    const { gain, loss } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext', config: config() }),
    );
    await runErpDeliveries(db);
    expect(fake.reconciliations).toHaveLength(2);
    const [gainPayload, lossPayload] = [await payloadOf(db, gain.id), await payloadOf(db, loss.id)];
    // The worker sends deliveries side by side: find each document's reconciliation by its remarks.
    const first = fake.reconciliations.find((r) => r.doc.remarks === erpnextRemarks(gainPayload))!;
    const second = fake.reconciliations.find((r) => r.doc.remarks === erpnextRemarks(lossPayload))!;
    expect(first.docstatus).toBe(1);
    expect(second.docstatus).toBe(1);
    expect(first.doc).toMatchObject({
      company: 'Widgets Pte',
      purpose: 'Stock Reconciliation',
      expense_account: 'Stock Adjustment - WP',
      items: [{ item_code: 'A-200', warehouse: 'Stores - WP', qty: '21', valuation_rate: '12' }],
    });
    expect(second.doc.items).toEqual([
      { item_code: 'A-100', warehouse: 'Stores - WP', qty: '90', valuation_rate: '2.5' },
      { item_code: 'C-400', warehouse: 'Stores - WP', qty: '1', valuation_rate: '150' },
    ]);
    expect(await documentSync(db, gain.id)).toEqual([expect.objectContaining({ state: 'synced', externalRef: first.name })]);
    expect(await documentSync(db, loss.id)).toEqual([expect.objectContaining({ state: 'synced', externalRef: second.name })]);
  });

  it("records ERPNext's _server_messages, and a retry after the item is created syncs the document", async () => {
    const { db } = get();
    fake.reconciliations.length = 0;
    fake.items.clear();
    for (const i of ['A-100', 'C-400']) fake.items.add(i);
    const { gain, loss, people } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext', config: config() }),
    );
    await runErpDeliveries(db);
    const [failed] = await documentSync(db, gain.id);
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed!.lastError).toBe('creating the Stock Reconciliation: LinkValidationError: Could not find Row #1: Item Code: A-200');
    // The loss went through; only the gain waits for someone.
    expect(await unsyncedDocuments(db, { kind: 'erpnext' })).toEqual([expect.objectContaining({ document: gain.number, state: 'failed' })]);
    expect(await documentSync(db, loss.id)).toEqual([expect.objectContaining({ state: 'synced' })]);

    fake.items.add('A-200');
    await retryDocumentSync(db, people.fay.actor, { document: gain.number, kind: 'erpnext' });
    await runErpDeliveries(db);
    const remarks = erpnextRemarks(await payloadOf(db, gain.id));
    const made = fake.reconciliations.find((r) => r.doc.remarks === remarks)!;
    expect(made.docstatus).toBe(1);
    expect(await documentSync(db, gain.id)).toEqual([expect.objectContaining({ state: 'synced', externalRef: made.name })]);
  });

  it('finds the draft an earlier attempt created and submits it instead of creating a second', async () => {
    const { db } = get();
    fake.reconciliations.length = 0;
    for (const i of ['A-100', 'A-200', 'C-400']) fake.items.add(i);
    const { gain, loss } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext', config: config() }),
    );
    // An attempt created the draft and its answer was lost before the submit.
    fake.reconciliations.push({
      name: 'MAT-RECO-2026-00042',
      docstatus: 0,
      doc: { remarks: erpnextRemarks(await payloadOf(db, gain.id)) },
    });
    await runErpDeliveries(db);
    // The gain's draft was submitted, not doubled; the loss got its own reconciliation.
    expect(fake.reconciliations).toEqual([
      expect.objectContaining({ name: 'MAT-RECO-2026-00042', docstatus: 1 }),
      expect.objectContaining({ docstatus: 1, doc: expect.objectContaining({ remarks: erpnextRemarks(await payloadOf(db, loss.id)) }) }),
    ]);
    expect(await documentSync(db, gain.id)).toEqual([expect.objectContaining({ state: 'synced', externalRef: 'MAT-RECO-2026-00042' })]);
  });

  it('tests the token: a wrong secret is answered with AuthenticationError', async () => {
    const { db } = get();
    await postedDocuments(db, () => saveErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext', config: config() }));
    expect(await testErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext' })).toEqual({
      ok: true,
      message: 'authenticated as integration@example.com',
    });
    expect(
      await testErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext' }, { TEST_ERPNEXT_KEY: 'k3y', TEST_ERPNEXT_SECRET: 'x' }),
    ).toEqual({
      ok: false,
      message: 'login: AuthenticationError: Invalid Credentials',
    });
  });
});
