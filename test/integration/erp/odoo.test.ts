import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentSync, retryDocumentSync, saveErpConnector, testErpConnector, unsyncedDocuments } from '../../../src/services/erp.ts';
import { describeEachDatabase } from '../../support/db.ts';
import { postedDocuments, runErpDeliveries } from '../../support/erp.ts';
import { startFakeOdoo, type FakeOdoo } from '../../fakes/odoo.ts';

let fake: FakeOdoo;

beforeAll(async () => {
  fake = await startFakeOdoo({
    database: 'widgets',
    login: 'api@widgets.example',
    password: 'odoo-key',
    locations: ['WH/Stock/R1', 'WH/Stock/R2', 'WH/Stock'],
  });
  process.env.TEST_ODOO_KEY = 'odoo-key';
});
afterAll(async () => {
  await fake.close();
  delete process.env.TEST_ODOO_KEY;
});

const config = () => ({
  baseUrl: fake.url,
  database: 'widgets',
  username: 'api@widgets.example',
  passwordEnv: 'TEST_ODOO_KEY',
  locationMap: { R1: 'WH/Stock/R1', R2: 'WH/Stock/R2' },
  defaultLocation: 'WH/Stock',
});

function reset(products: string[]) {
  for (const t of Object.values(fake.tables)) if (t !== fake.tables['stock.location']) t.length = 0;
  for (const p of products) fake.addProduct(p);
}

const productId = (code: string) => fake.tables['product.product'].find((p) => p.default_code === code)!.id;
const locationId = (name: string) => fake.tables['stock.location'].find((l) => l.complete_name === name)!.id;

describeEachDatabase('Odoo connector', (get) => {
  it('sets inventory_quantity on the quants to the counted quantities and applies them', async () => {
    const { db } = get();
    reset(['A-100', 'A-200', 'C-400']);
    // A-100 has a quant at R1 (100 on hand in Odoo); the others have none yet.
    fake.tables['stock.quant'].push({
      id: 900,
      product_id: productId('A-100'),
      location_id: locationId('WH/Stock/R1'),
      lot_id: false,
      quantity: 100,
    });
    const { gain, loss } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'odoo', config: config() }),
    );
    await runErpDeliveries(db);

    const quants = fake.tables['stock.quant'];
    expect(quants.find((q) => q.id === 900)).toMatchObject({ quantity: 90, inventory_quantity: '90', inventory_quantity_set: false });
    expect(quants.find((q) => q.product_id === productId('A-200'))).toMatchObject({ location_id: locationId('WH/Stock/R2'), quantity: 21 });
    // R4 is not mapped: the default location.
    expect(quants.find((q) => q.product_id === productId('C-400'))).toMatchObject({ location_id: locationId('WH/Stock'), quantity: 1 });
    const moves = fake.tables['stock.move'];
    expect(moves.filter((m) => m.reference === gain.number)).toEqual([expect.objectContaining({ quantity: 21, is_inventory: true })]);
    expect(moves.filter((m) => m.reference === loss.number).map((m) => m.quantity)).toEqual([-10, 1]);
    const [synced] = await documentSync(db, gain.id);
    expect(synced).toMatchObject({ state: 'synced' });
    expect(synced!.externalRef).toMatch(new RegExp(`^${gain.number} \\(stock\\.move \\d+\\)$`));
  });

  it("records Odoo's error.data.message and syncs on retry once the product exists", async () => {
    const { db } = get();
    reset(['A-100', 'C-400']);
    const { gain, loss, people } = await postedDocuments(db, () =>
      saveErpConnector(db, null, { warehouse: 'WH1', kind: 'odoo', config: config() }),
    );
    await runErpDeliveries(db);
    expect((await documentSync(db, gain.id))[0]).toMatchObject({
      state: 'failed',
      lastError: 'no product with internal reference A-200 (our SKU A-200)',
    });
    expect((await unsyncedDocuments(db, { warehouse: 'WH1' })).map((u) => [u.document, u.state])).toEqual([[gain.number, 'failed']]);

    fake.addProduct('A-200');
    await retryDocumentSync(db, people.mo.actor, { document: gain.number });
    await runErpDeliveries(db);
    expect((await documentSync(db, gain.id))[0]).toMatchObject({ state: 'synced' });
    expect(fake.tables['stock.quant'].find((q) => q.product_id === productId('A-200'))).toMatchObject({ quantity: 21 });
  });

  it('lists documents posted before the connector only on request, and a retry queues their posting event', async () => {
    const { db } = get();
    reset(['A-100', 'A-200', 'C-400']);
    const { gain, loss, people } = await postedDocuments(db);
    await saveErpConnector(db, null, { warehouse: 'WH1', kind: 'odoo', config: config() });
    expect(await unsyncedDocuments(db)).toEqual([]);
    const earlier = await unsyncedDocuments(db, { includeEarlier: true });
    expect(earlier.map((u) => `${u.document} ${u.state}`).sort()).toEqual([`${gain.number} notQueued`, `${loss.number} notQueued`].sort());
    expect(await documentSync(db, gain.id)).toEqual([expect.objectContaining({ state: 'notQueued' })]);
    await retryDocumentSync(db, people.ann.actor, { document: gain.number, kind: 'odoo' });
    await runErpDeliveries(db);
    expect(await documentSync(db, gain.id)).toEqual([expect.objectContaining({ state: 'synced' })]);
    expect(await unsyncedDocuments(db, { includeEarlier: true })).toEqual([
      expect.objectContaining({ document: loss.number, state: 'notQueued' }),
    ]);
  });

  it("refuses a lot-tracked product without a lot as Odoo's wizard would, and answers Odoo's AccessDenied on a wrong key", async () => {
    const { db } = get();
    reset(['A-100', 'C-400']);
    fake.addProduct('A-200', 'lot');
    const { gain } = await postedDocuments(db, () => saveErpConnector(db, null, { warehouse: 'WH1', kind: 'odoo', config: config() }));
    await runErpDeliveries(db);
    expect((await documentSync(db, gain.id))[0]!.lastError).toMatch(/asked for confirmation \(stock\.track\.confirmation\)/);
    expect(await testErpConnector(db, null, { warehouse: 'WH1', kind: 'odoo' })).toMatchObject({ ok: true });
    expect(await testErpConnector(db, null, { warehouse: 'WH1', kind: 'odoo' }, { TEST_ODOO_KEY: 'wrong' })).toEqual({
      ok: false,
      message: 'login refused for api@widgets.example on database widgets',
    });
  });
});
