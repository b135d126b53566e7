/**
 * The console's webhooks page (/admin/webhooks), the cause accounts on /admin/causes and the account
 * mapping switch on /admin/settings: admins only, secrets shown once on the answer page, both languages.
 */
import { expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import '../../src/integration/webhook.ts';
import { createDeliveryWorker } from '../../src/integration/delivery.ts';
import { listCauseAccounts } from '../../src/services/causeAccounts.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { listDeliveries, listWebhooks } from '../../src/services/webhooks.ts';
import { policyOf } from '../../src/services/policy.ts';
import { getWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';
import { startReceiver } from '../support/webhookReceiver.ts';

async function setup(db: Db) {
  const { st } = await countedStocktake(db);
  const http = await testHttp(db, [mountPages]);
  const post = (person: string, path: string, fields: Record<string, string>) =>
    http.as(person, path, { method: 'POST', body: new URLSearchParams(fields) });
  return { http, post, st };
}

async function html(response: Response | Promise<Response>, status = 200): Promise<string> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text.slice(0, 800)).toBe(status);
  return text;
}

describeEachDatabase('webhooks and cause accounts in the console', (get) => {
  it('subscribes, tests, rotates and removes a webhook, and retries a failed delivery, for admins only', async () => {
    const { db } = get();
    const { http, post, st } = await setup(db);
    const rx = await startReceiver();
    try {
      expect(await html(http.as('ann', '/admin'))).toContain('href="/admin/webhooks"');
      expect(await html(http.as('sam', '/admin/webhooks'), 403)).toContain('Only admins');

      const added = await html(post('ann', '/admin/webhooks', { url: rx.url, warehouse: 'WH1', 'event_stocktake.closed': '1' }));
      const secret = /(whsec_[A-Za-z0-9+/=]+)/.exec(added)?.[1];
      expect(secret).toBeDefined();
      rx.secrets = [secret!];
      const [sub] = await listWebhooks(db);
      expect(sub).toMatchObject({ warehouse: 'WH1', eventTypes: ['stocktake.closed'] });
      expect(await html(http.as('ann', '/admin/webhooks'))).not.toContain('whsec_');

      expect(await html(post('ann', '/admin/webhooks/test', { id: sub!.id }))).toContain(
        'The receiver answered 200 to a signed test event.',
      );
      expect(rx.accepted()).toHaveLength(1);

      rx.script = [500];
      await closeCounting(db, st.code);
      await createDeliveryWorker({ db, log: () => {}, maxAttempts: 1 }).drainUntilIdle();
      const [failed] = await listDeliveries(db, { status: 'failed' });
      const page = await html(http.as('ann', '/admin/webhooks'));
      expect(page).toContain(`data-delivery="${failed!.id}"`);
      expect(page).toContain('HTTP 500');
      expect(await html(post('ann', '/admin/webhooks/retry', { id: failed!.id }))).toContain('1 delivery(ies) put back in line.');
      await createDeliveryWorker({ db, log: () => {} }).drainUntilIdle();
      expect(rx.accepted().map((r) => (r.verified as { type: string }).type)).toEqual(['webhook.test', 'stocktake.closed']);

      const rotated = await html(post('ann', '/admin/webhooks/rotate', { id: sub!.id }));
      expect(rotated).toMatch(/whsec_/);
      expect(rotated).not.toContain(secret!);
      expect(await html(post('ann', '/admin/webhooks/remove', { id: sub!.id }))).toContain('will receive nothing more');
      expect(await listWebhooks(db)).toEqual([]);
      expect((await post('sam', '/admin/webhooks', { url: rx.url })).status).toBe(403);
      // Last: choosing a language sticks to the session.
      expect(await html(http.as('ann', '/admin/webhooks?lang=zh'))).toContain('Webhook 与集成投递');
    } finally {
      await rx.close();
    }
  });

  it('maps causes to accounts on the causes page and switches the requirement on the settings page', async () => {
    const { db } = get();
    const { http, post } = await setup(db);
    expect(await html(http.as('ann', '/admin/causes'))).toContain('Accounts per warehouse');
    const saved = await html(
      post('ann', '/admin/causes/accounts', { action: 'set', warehouse: 'WH1', cause: 'damage', account: '6711', costCentre: 'CC1' }),
    );
    expect(saved).toContain('WH1: the account of cause damage was saved.');
    expect(saved).toContain('data-account="WH1/damage"');
    expect(await listCauseAccounts(db, 'WH1')).toEqual([
      expect.objectContaining({ causeCode: 'damage', account: '6711', costCentre: 'CC1' }),
    ]);
    expect(await html(post('ann', '/admin/causes/accounts?lang=zh', { action: 'remove', warehouse: 'WH1', cause: 'damage' }))).toContain(
      'WH1：原因 damage 已不再对应科目。',
    );
    expect((await post('sam', '/admin/causes/accounts', { action: 'set', warehouse: 'WH1', cause: 'damage', account: '1' })).status).toBe(
      403,
    );

    const wh = await getWarehouse(db, 'WH1');
    const settings = {
      warehouse: 'WH1',
      financeThreshold: '1000',
      managerThreshold: '10000',
      currency: 'CNY',
      reviewSlaHours: '24',
      approvalSlaHours: '24',
      requireAccountMapping: '1',
    };
    expect(await html(http.as('ann', '/admin/settings'))).toContain('Require an account for every cause at submit');
    expect((await post('ann', '/admin/settings', settings)).status).toBe(303);
    expect((await policyOf(db, wh.id)).requireAccountMapping).toBe(true);
    const { requireAccountMapping: _off, ...without } = settings;
    expect((await post('ann', '/admin/settings', without)).status).toBe(303);
    expect((await policyOf(db, wh.id)).requireAccountMapping).toBe(false);
  });
});
