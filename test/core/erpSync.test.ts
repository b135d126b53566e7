/** "sync PK-…" in the chat: an approver sends a posted document to the ERP again and reads each ERP's state. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addPerson, grantRole } from '../../src/services/people.ts';
import { saveErpConnector } from '../../src/services/erp.ts';
import { botCore, RecordingDeliverer, teamText } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { postedDocuments, runErpDeliveries } from '../support/erp.ts';
import { startFakeErpnext, type FakeErpnext } from '../fakes/erpnext.ts';

let fake: FakeErpnext;
beforeAll(async () => {
  fake = await startFakeErpnext({
    apiKey: 'k',
    apiSecret: 's',
    company: 'Widgets Pte',
    warehouses: ['WH1'],
    accounts: ['Stock Adjustment - WP'],
  });
  process.env.TEST_CHAT_ERPNEXT_KEY = 'k';
  process.env.TEST_CHAT_ERPNEXT_SECRET = 's';
});
afterAll(async () => {
  await fake.close();
});

/** The fake ERPNext as a connector's configuration (the key and secret come from the environment). */
const erpnextConfig = () => ({
  baseUrl: fake.url,
  apiKeyEnv: 'TEST_CHAT_ERPNEXT_KEY',
  apiSecretEnv: 'TEST_CHAT_ERPNEXT_SECRET',
  company: 'Widgets Pte',
  expenseAccount: 'Stock Adjustment - WP',
});

describeEachDatabase('ERP sync retried from the chat', (get) => {
  it("answers an approver with the ERPs' states in the chat's language, and refuses a counter", async () => {
    const { db } = get();
    fake.reconciliations.length = 0;
    fake.items.clear();
    fake.items.add('A-100');
    const config = erpnextConfig();
    const { gain } = await postedDocuments(db, () => saveErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext', config }));
    await addPerson(db, { handle: 'vera', name: 'vera', identities: ['web:u-vera'] });
    await grantRole(db, 'vera', 'finance', 'WH1');
    await addPerson(db, { handle: 'cody', name: 'cody', identities: ['web:u-cody'] });
    await grantRole(db, 'cody', 'counter', 'WH1');
    await runErpDeliveries(db);

    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    await dispatch(teamText('u-cody', `sync ${gain.number}`));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('may not retry the ERP sync');
    await dispatch(teamText('u-vera', 'sync'));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('sync PK-2026-0001');

    fake.items.add('A-200');
    await dispatch(teamText('u-vera', `同步 ${gain.number}`));
    await sender.drainUntilIdle();
    const answer = JSON.stringify(out.last());
    expect(answer).toContain(`1 ERP sync(s) of ${gain.number} queued again`);
    expect(answer).toContain('ERPNext: waiting to sync — the last attempt failed: creating the Stock Reconciliation');
    await runErpDeliveries(db);
    await dispatch(teamText('u-vera', 'lang zh'));
    await dispatch(teamText('u-vera', `重试同步 ${gain.number}`));
    await sender.drainUntilIdle();
    expect(JSON.stringify(out.last())).toContain('已同步到 ERP');
  });

  it("offers Retry ERP sync on the team chat's posted-document card; a tap answers with each ERP's state", async () => {
    const { db } = get();
    fake.reconciliations.length = 0;
    fake.items.clear();
    fake.items.add('A-100');
    fake.items.add('C-400');
    const config = erpnextConfig();
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    const { gain } = await postedDocuments(db, async () => {
      await saveErpConnector(db, null, { warehouse: 'WH1', kind: 'erpnext', config });
      await addPerson(db, { handle: 'vera', name: 'vera', identities: ['web:u-vera'] });
      await grantRole(db, 'vera', 'manager', 'WH1');
      await dispatch(teamText('u-vera', 'bind WH1'));
    });
    await runErpDeliveries(db);
    await sender.drainUntilIdle();
    const decision = out.sent.find(
      (m) => JSON.stringify(m.card).includes(gain.number) && m.card.elements.some((el) => el.type === 'buttons'),
    )!;
    const retry = decision.card.elements
      .flatMap((el) => (el.type === 'buttons' ? el.buttons : []))
      .find((b) => b.label === 'Retry ERP sync')!;
    expect(retry).toBeDefined();

    fake.items.add('A-200');
    const answer = await dispatch({
      type: 'action',
      platform: 'web',
      eventId: 'erp-tap-1',
      chatId: 'team',
      chatType: 'group',
      userId: 'u-vera',
      token: retry.action.token,
    });
    expect(answer!.toast).toMatchObject({ kind: 'success', text: expect.stringContaining(`1 ERP sync(s) of ${gain.number} queued again`) });
    await runErpDeliveries(db);
    const again = await dispatch({
      type: 'action',
      platform: 'web',
      eventId: 'erp-tap-2',
      chatId: 'team',
      chatType: 'group',
      userId: 'u-vera',
      token: retry.action.token,
    });
    expect(again!.toast.text).toContain(`${gain.number} is already in the ERP (ERPNext MAT-RECO-`);
  });
});
