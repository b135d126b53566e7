/**
 * Webhooks and cause accounts from the API and the CLI: admins only, the secret shown once, a failed
 * delivery listed and put back in line from either surface, OpenAPI documenting the payload and headers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db } from '../../db/client.ts';
import { mountApi } from '../../src/http/api/index.ts';
import { addPerson, grantRole } from '../../src/services/people.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { listDeliveries } from '../../src/services/webhooks.ts';
import { createStandaloneDatabase, databaseKinds, describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';
import { runCli, openOwnDatabase } from '../support/cli.ts';

const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

/** A failed delivery of a document.created event to the webhook `webhookId` (as the worker leaves one after its last attempt). */
async function failedDelivery(db: Db, webhookId: string): Promise<string> {
  const rows = await db.execute(sql`
    with ev as (
      insert into integration_event (id, warehouse_id, type, subject, payload)
      select 'evt_test_' || md5(random()::text), w.id, 'document.created', gen_random_uuid()::text, '{}'::jsonb from warehouse w where w.code = 'WH1'
      returning seq, subject)
    insert into integration_delivery (event_seq, subject, target, target_id, status, attempts, last_error)
    select ev.seq, ev.subject, 'webhook', ${webhookId}::uuid, 'failed', 12, 'POST http://127.0.0.1:9/hook: HTTP 500'
    from ev returning id::text as id`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: { id: string }[] }).rows) as { id: string }[];
  return list[0]!.id;
}

describeEachDatabase('webhooks over the API', (get) => {
  it('lets admins add (secret once), list, rotate, remove, and retry a failed delivery; refuses others', async () => {
    const { db } = get();
    await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const post = (who: string, path: string, body: unknown) =>
      http.as(who, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const created = await post('ann', '/api/v1/webhooks', {
      url: 'https://erp.example.com/hooks?token=abc',
      warehouse: 'WH1',
      events: ['document.posted'],
    });
    expect(created.status).toBe(201);
    const { webhook, secret } = await read(created);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(webhook).toMatchObject({
      warehouse: 'WH1',
      url: 'https://erp.example.com/hooks',
      eventTypes: ['document.posted'],
      active: true,
    });

    const listed = await read(http.as('ann', '/api/v1/webhooks'));
    expect(listed.webhooks).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect(JSON.stringify(listed)).not.toContain('token=abc');
    expect((await http.as('sam', '/api/v1/webhooks')).status).toBe(403);
    expect((await post('sam', '/api/v1/webhooks', { url: 'https://x.example/h', warehouse: 'WH1' })).status).toBe(403);
    const badUrl = await post('ann', '/api/v1/webhooks', { url: 'ftp://x.example/h' });
    expect(badUrl.status).toBe(400);

    const rotated = await read(post('ann', `/api/v1/webhooks/${webhook.id}/rotate`, {}));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.webhook.previousSecretUntil).toBe(rotated.previousSecretUntil);

    const id = await failedDelivery(db, webhook.id);
    const failed = await read(http.as('ann', '/api/v1/webhooks/deliveries?status=failed'));
    expect(failed.deliveries).toEqual([expect.objectContaining({ id, status: 'failed', lastError: expect.stringMatching(/HTTP 500/) })]);
    const retried = await post('ann', '/api/v1/webhooks/deliveries/retry', { ids: [id] });
    expect(retried.status).toBe(200);
    expect(await read(retried)).toEqual({ retried: [id] });
    expect((await listDeliveries(db))[0]).toMatchObject({ id, status: 'pending', attempts: 0 });
    expect((await post('ann', '/api/v1/webhooks/deliveries/retry', { ids: [id] })).status).toBe(400);

    // An admin of another warehouse sees neither the subscription nor its deliveries, and may not add one for every warehouse.
    await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
    await addPerson(db, { handle: 'wes', name: 'wes' });
    await grantRole(db, 'wes', 'admin', 'WH2');
    expect((await read(http.as('wes', '/api/v1/webhooks'))).webhooks).toEqual([]);
    expect((await read(http.as('wes', '/api/v1/webhooks/deliveries'))).deliveries).toEqual([]);
    const everywhere = await post('wes', '/api/v1/webhooks', { url: 'https://x.example/h' });
    expect(everywhere.status).toBe(403);
    expect((await read(everywhere)).error.localized['zh-CN']).toContain('只有每个仓库的管理员可以');
    expect((await post('wes', `/api/v1/webhooks/${webhook.id}/rotate`, {})).status).toBe(403);

    const removed = await read(post('ann', `/api/v1/webhooks/${webhook.id}/remove`, {}));
    expect(removed.active).toBe(false);
    expect((await read(http.as('ann', '/api/v1/webhooks'))).webhooks).toEqual([]);
  });

  it('maps a cause to an account from the API and documents the payload and signature headers in OpenAPI', async () => {
    const { db } = get();
    await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const post = (who: string, path: string, body: unknown) =>
      http.as(who, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const set = await post('ann', '/api/v1/cause-accounts', { warehouse: 'WH1', cause: 'damage', account: '6711', costCentre: 'CC1' });
    expect(set.status).toBe(200);
    expect(await read(set)).toMatchObject({ warehouse: 'WH1', causeCode: 'damage', labelZh: '报损', account: '6711', costCentre: 'CC1' });
    expect((await post('sam', '/api/v1/cause-accounts', { warehouse: 'WH1', cause: 'damage', account: '1' })).status).toBe(403);
    expect((await read(http.as('sam', '/api/v1/cause-accounts?warehouse=WH1'))).accounts).toHaveLength(1);
    expect((await post('ann', '/api/v1/cause-accounts/remove', { warehouse: 'WH1', cause: 'damage' })).status).toBe(200);

    const doc = await read(http.app.request('/api/v1/openapi.json'));
    expect(Object.keys(doc.webhooks).sort()).toEqual([
      'document.cancelled',
      'document.created',
      'document.posted',
      'document.rejected',
      'stocktake.closed',
    ]);
    expect(doc.webhooks['document.posted'].post.parameters.map((p: { name: string }) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    const event = doc.components.schemas.IntegrationEvent;
    expect(event.properties.version).toMatchObject({ const: 1 });
    expect(doc.components.schemas.IntegrationDocumentLine.required).toEqual(
      expect.arrayContaining(['account', 'costCentre', 'qtyDelta', 'value']),
    );
  });
});

for (const kind of databaseKinds()) {
  describe(`webhooks from the CLI [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-webhooks-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    const cli = (...args: string[]) => runCli(env, ...args);
    const target = () =>
      env.DATABASE_URL
        ? ({ kind: 'postgres', url: env.DATABASE_URL } as const)
        : ({ kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! } as const);
    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      for (const args of [
        ['warehouse', 'add', 'WH1', '--timezone', 'Asia/Shanghai'],
        ['people', 'add', 'ann'],
        ['people', 'add', 'sam'],
        ['roles', 'grant', 'ann', 'admin', 'WH1'],
        ['roles', 'grant', 'sam', 'supervisor', 'WH1'],
      ])
        expect((await cli(...args)).code, args.join(' ')).toBe(0);
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('adds a webhook (secret printed once), lists a failed delivery and retries it; maps a cause; sets the policy flag', async () => {
      const added = await cli(
        'webhooks',
        'add',
        'https://erp.example.com/hook',
        '--warehouse',
        'WH1',
        '--events',
        'document.posted',
        '--as',
        'ann',
        '--json',
      );
      expect(added.code, added.stderr).toBe(0);
      const { webhook, secret } = added.json();
      expect(secret).toMatch(/^whsec_/);
      const human = await cli('webhooks', 'list');
      expect(human.stdout).toContain(webhook.id);
      expect(human.stdout).not.toContain('whsec_');
      expect((await cli('webhooks', 'add', 'https://x.example/h', '--warehouse', 'WH1', '--as', 'sam')).code).not.toBe(0);

      const database = await openOwnDatabase(target());
      let id: string;
      try {
        id = await failedDelivery(database.db, webhook.id);
      } finally {
        await database.close();
      }
      const failed = await cli('webhooks', 'deliveries', '--status', 'failed');
      expect(failed.stdout).toMatch(new RegExp(`${id}.*document\\.created.*failed.*HTTP 500`));
      const retried = await cli('webhooks', 'retry', id, '--as', 'ann');
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout).toContain(`Put back in line: ${id}.`);
      expect((await cli('webhooks', 'deliveries', '--status', 'failed', '--json')).json()).toEqual([]);

      const mapped = await cli('causes', 'account', 'set', 'WH1', 'damage', '6711 营业外支出', '--cost-centre', 'CC1', '--as', 'ann');
      expect(mapped.code, mapped.stderr).toBe(0);
      expect(mapped.stdout).toContain('WH1: cause damage books to 6711 营业外支出, cost centre CC1.');
      expect((await cli('causes', 'account', 'list', 'WH1', '--json')).json()).toEqual([
        expect.objectContaining({ causeCode: 'damage', account: '6711 营业外支出', costCentre: 'CC1' }),
      ]);
      const policy = await cli('policy', 'set', 'WH1', '--require-account-mapping', 'on');
      expect(policy.code, policy.stderr).toBe(0);
      expect(policy.stdout).toContain('submit requires an accounting account for every cause');
      expect((await cli('policy', 'set', 'WH1', '--require-account-mapping', 'maybe')).code).not.toBe(0);
    });
  });
}
