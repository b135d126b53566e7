import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, queryRows, type Db } from '../../db/client.ts';
import type { DomainError } from '../../src/domain/errors.ts';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/integration/delivery.ts';
import { emitEvent } from '../../src/integration/events.ts';
import type { DocumentData, IntegrationEnvelope } from '../../src/integration/payload.ts';
import '../../src/integration/webhook.ts';
import { approveDocument, rejectDocument } from '../../src/services/approvals.ts';
import { setCauseAccount } from '../../src/services/causeAccounts.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { exportPosted } from '../../src/services/export.ts';
import { setPolicy } from '../../src/services/policy.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { withdrawDocument } from '../../src/services/undo.ts';
import { addWebhook, listDeliveries, retryFailedDeliveries, rotateWebhookSecret } from '../../src/services/webhooks.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';
import { startReceiver, type FakeReceiver } from '../support/webhookReceiver.ts';

const quiet = () => {};
let rx: FakeReceiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(async () => {
  await rx.close();
});

/** A worker that retries at once (a short backoff keeps the tests quick; order and counts are what matter). */
const workerOn = (db: Db, options: { maxAttempts?: number; backoffMs?: number } = {}): DeliveryWorker =>
  createDeliveryWorker({ db, log: quiet, maxAttempts: options.maxAttempts ?? 5, backoffMs: () => options.backoffMs ?? 0 });

/** WH1 counted and closed with a webhook for `events`, every line explained by sam and submitted: PY (gain) and PK (loss). */
async function submitted(db: Db, events: string[] = []) {
  const { st, people } = await countedStocktake(db);
  const { secret, webhook } = await addWebhook(db, people.ann, { url: rx.url, warehouse: 'WH1', events });
  rx.secrets = [secret];
  await closeCounting(db, st.code);
  await explainAll(db, st.code, people.sam);
  const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
  const loss = documents.find((d) => d.kind === 'loss')!;
  const gain = documents.find((d) => d.kind === 'gain')!;
  return { st, people, webhook, loss, gain };
}

const envelopes = (r: FakeReceiver) => r.accepted().map((x) => x.verified as unknown as IntegrationEnvelope<DocumentData>);
const typesOf = (r: FakeReceiver, number: string) =>
  envelopes(r)
    .filter((e) => e.type.startsWith('document.') && e.data.document.number === number)
    .map((e) => e.type);

describeEachDatabase('integration events and signed webhooks', (get) => {
  it('delivers a posted document once, signed per Standard Webhooks, with the version 1 payload', async () => {
    const { db } = get();
    const { people, loss } = await submitted(db);
    await approveDocument(db, people.sue, { document: loss.number });
    await workerOn(db).drainUntilIdle();
    const posted = envelopes(rx).filter((e) => e.type === 'document.posted');
    expect(posted).toHaveLength(1);
    const got = rx.accepted().find((r) => (r.verified as { type: string }).type === 'document.posted')!;
    expect(got.headers['webhook-id']).toBe(posted[0]!.id);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(got.headers['content-type']).toBe('application/json');
    const doc = posted[0]!.data.document;
    expect(posted[0]).toMatchObject({ version: 1, warehouse: 'WH1' });
    expect(doc).toMatchObject({
      number: loss.number,
      type: 'loss',
      status: 'posted',
      currency: 'CNY',
      submittedBy: 'sam',
      totalValue: '-325.00',
    });
    expect(doc.postingDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(doc.approvers).toEqual([expect.objectContaining({ step: 1, role: 'supervisor', person: 'sue' })]);
    expect(doc.lines.map((l) => [l.sku, l.location, l.qtyDelta, l.value, l.causeCode, l.account])).toEqual([
      ['A-100', 'R1', '-10', '-25.00', 'damage', null],
      ['C-400', 'R4', '-2', '-300.00', 'damage', null],
    ]);
    expect(doc.lines[0]).toMatchObject({ bookQty: '100', countedQty: '90', causeLabel: { en: 'Damage / scrap', zh: '报损' } });
    // Every field of a line and of an approver, with its type: what an ERP maps.
    expect(doc.lines[0]).toEqual({
      lineNo: 1,
      sku: 'A-100',
      name: 'Widget',
      unit: 'pcs',
      location: 'R1',
      lot: '',
      expiry: null,
      bookQty: '100',
      countedQty: '90',
      qtyDelta: '-10',
      unitCost: '2.5',
      value: '-25.00',
      causeCode: 'damage',
      causeLabel: { en: 'Damage / scrap', zh: '报损' },
      note: null,
      account: null,
      costCentre: null,
      photos: [],
    });
    expect(doc.approvers).toEqual([
      { step: 1, role: 'supervisor', person: 'sue', decidedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) },
    ]);
    // Every event id arrives once: created for both documents, stocktake.closed, posted.
    const ids = rx.accepted().map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      envelopes(rx)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['document.created', 'document.created', 'document.posted', 'stocktake.closed']);
    const deliveries = await listDeliveries(db);
    expect(deliveries.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  });

  it('retries a 500 and delivers on the next attempt', async () => {
    const { db } = get();
    await submitted(db, ['document.created']);
    rx.script = [500];
    await workerOn(db).drainUntilIdle();
    expect(rx.received.map((r) => r.status)).toEqual([500, 200, 200]);
    expect(rx.accepted()).toHaveLength(2);
    const deliveries = await listDeliveries(db);
    expect(deliveries.map((d) => [d.status, d.attempts]).sort()).toEqual([
      ['delivered', 1],
      ['delivered', 2],
    ]);
  });

  it("keeps a document's events in order when the first attempt fails: created arrives before posted", async () => {
    const { db } = get();
    const { people, loss } = await submitted(db, ['document.created', 'document.posted']);
    await approveDocument(db, people.sue, { document: loss.number });
    // The loss document's created goes first (ids follow the events) and fails; its posted must wait.
    rx.script = [200, 503, 200, 200];
    await createDeliveryWorker({ db, log: quiet, backoffMs: () => 200, batchSize: 8 }).drainUntilIdle();
    expect(rx.received.filter((r) => r.status >= 300)).toHaveLength(1);
    expect(typesOf(rx, loss.number)).toEqual(['document.created', 'document.posted']);
  });

  it('two workers on two connections deliver each event once', async () => {
    const { db, target } = get();
    const { people, loss, gain } = await submitted(db);
    await approveDocument(db, people.sue, { document: loss.number });
    await approveDocument(db, people.sue, { document: gain.number });
    const other = target.kind === 'postgres' ? await openDatabase(target) : null;
    try {
      const a = createDeliveryWorker({ db, log: quiet, batchSize: 1 });
      const b = createDeliveryWorker({ db: other?.db ?? db, log: quiet, batchSize: 1 });
      await Promise.all([a.drainUntilIdle(), b.drainUntilIdle()]);
    } finally {
      await other?.close();
    }
    const ids = rx.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(typesOf(rx, loss.number)).toEqual(['document.created', 'document.posted']);
    expect(typesOf(rx, gain.number)).toEqual(['document.created', 'document.posted']);
  });

  it('signs with the new and the previous secret during a rotation, and with the new one only after the grace period', async () => {
    const { db } = get();
    const { people, webhook, loss, gain } = await submitted(db, ['document.rejected', 'document.cancelled']);
    const old = rx.secrets[0]!;
    const rotated = await rotateWebhookSecret(db, people.ann, { id: webhook.id });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(old);
    expect(Date.parse(rotated.previousSecretUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    rx.secrets = [rotated.secret, old];
    await rejectDocument(db, people.sue, { document: loss.number, reason: 'recount the rack' });
    await workerOn(db).drainUntilIdle();
    const during = rx.accepted()[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // Each secret alone verifies it: a receiver that has not switched yet keeps working.
    for (const secret of [old, rotated.secret])
      expect(() => new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();

    const again = await rotateWebhookSecret(db, people.ann, { id: webhook.id, graceHours: 0 });
    await withdrawDocument(db, people.sam, { document: gain.number, reason: 'wrong lines' });
    await workerOn(db).drainUntilIdle();
    const after = rx.received.at(-1)!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => new Webhook(again.secret).verify(after.body, after.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(after.body, after.headers as Record<string, string>)).toThrow();
    expect((JSON.parse(after.body) as { type: string }).type).toBe('document.cancelled');
  });

  it('lists a delivery that ran out of attempts as failed, holds the later ones back, and delivers after a retry', async () => {
    const { db } = get();
    const { people, loss } = await submitted(db, ['document.created', 'document.posted']);
    await approveDocument(db, people.sue, { document: loss.number });
    rx.script = [500, 500, 500, 500];
    await workerOn(db, { maxAttempts: 2 }).drainUntilIdle();
    const failed = await listDeliveries(db, { status: 'failed' });
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.lastError).toMatch(/HTTP 500/);
    expect(failed[0]!.lastError).not.toContain('whsec_');
    // The failed created holds its document's posted back.
    expect(typesOf(rx, loss.number)).not.toContain('document.posted');
    rx.script = [];
    const { retried } = await retryFailedDeliveries(db, people.ann, { ids: failed.map((d) => d.id) });
    expect(retried.sort()).toEqual(failed.map((d) => d.id).sort());
    await workerOn(db).drainUntilIdle();
    expect(await listDeliveries(db, { status: 'failed' })).toEqual([]);
    expect(typesOf(rx, loss.number)).toEqual(['document.created', 'document.posted']);
    await expect(retryFailedDeliveries(db, people.ann, { ids: [failed[0]!.id] })).rejects.toThrow(/not a failed delivery/);
    await expect(retryFailedDeliveries(db, people.sam, { ids: ['1'] })).rejects.toThrow();
  });

  it('writes no event when the change rolls back', async () => {
    const { db } = get();
    const { loss } = await submitted(db);
    const before = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from integration_event`);
    await expect(
      db.transaction(async (tx) => {
        await emitEvent(tx, { type: 'document.posted', documentId: loss.id }, new Date());
        throw new Error('the change failed after the event');
      }),
    ).rejects.toThrow(/failed after/);
    const after = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from integration_event`);
    expect(after[0]!.n).toBe(before[0]!.n);
    const queued = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from integration_delivery d join integration_event e on e.seq = d.event_seq where e.type = 'document.posted'`,
    );
    expect(queued[0]!.n).toBe(0);
  });

  it('fails at once with a clear message when no handler is registered for a target', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await db.execute(sql`insert into erp_connector (warehouse_id, kind) select id, 'odoo' from warehouse where code = 'WH1'`);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    await approveDocument(db, people.sue, { document: documents.find((d) => d.kind === 'loss')!.number });
    const { deliveryHandler, registerDeliveryTarget } = await import('../../src/integration/delivery.ts');
    if (deliveryHandler('erp')) return; // H2's connectors are registered in this process: nothing to show here.
    await workerOn(db, { maxAttempts: 1 }).drainUntilIdle();
    const [erp] = await listDeliveries(db, { target: 'erp' });
    expect(erp).toMatchObject({ status: 'failed', type: 'document.posted' });
    expect(erp!.lastError).toMatch(/no delivery handler is registered for target "erp"/);
    registerDeliveryTarget('erp', async ({ event }) => ({
      externalRef: `ERP-${(event.payload as IntegrationEnvelope<DocumentData>).data.document.number}`,
    }));
    await retryFailedDeliveries(db, people.ann, { ids: [erp!.id] });
    await workerOn(db).drainUntilIdle();
    const [done] = await listDeliveries(db, { target: 'erp' });
    expect(done).toMatchObject({ status: 'delivered', externalRef: expect.stringMatching(/^ERP-PK-/) });
  });
});

describeEachDatabase('cause → account', (get) => {
  it('refuses to submit an unmapped cause when the warehouse requires mapping, naming it in both languages', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await setPolicy(db, 'WH1', { requireAccountMapping: true });
    await setCauseAccount(db, people.ann, { warehouse: 'WH1', cause: 'unrecorded_receipt', account: '1405 库存商品' });
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const error = (await submitVariances(db, people.sam, { stocktake: st.code }).catch((e: unknown) => e)) as DomainError;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.textFor('en', 'cli')).toMatch(
      /WH1 requires an accounting account .*: damage \(Damage \/ scrap\).*stocktake causes account set WH1 damage/,
    );
    expect(error.textFor('zh-CN', 'chat')).toMatch(/damage（报损）.*请管理员/);
    expect(error.textFor('en', 'cli')).not.toMatch(/unrecorded_receipt/);
    const docs = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from adjustment_document`);
    expect(docs[0]!.n).toBe(0);
  });

  it("carries a mapped cause's account and cost centre into the export and the webhook payload", async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const { secret } = await addWebhook(db, people.ann, { url: rx.url, events: ['document.posted'] });
    rx.secrets = [secret];
    await setPolicy(db, 'WH1', { requireAccountMapping: true });
    await setCauseAccount(db, people.ann, { warehouse: 'WH1', cause: 'damage', account: '6711 营业外支出', costCentre: 'CC-WH1' });
    await setCauseAccount(db, people.ann, { warehouse: 'WH1', cause: 'unrecorded_receipt', account: '1405' });
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    const loss = documents.find((d) => d.kind === 'loss')!;
    await approveDocument(db, people.sue, { document: loss.number });
    const csv = (await exportPosted(db, loss.number, 'csv')).body.toString('utf8').split('\r\n');
    expect(csv[0]).toMatch(/,photos,account,cost_centre$/);
    expect(csv[1]).toMatch(/,6711 营业外支出,CC-WH1$/);
    await workerOn(db).drainUntilIdle();
    const [posted] = envelopes(rx);
    expect(posted!.data.document.lines.map((l) => [l.account, l.costCentre])).toEqual([
      ['6711 营业外支出', 'CC-WH1'],
      ['6711 营业外支出', 'CC-WH1'],
    ]);
  });
});
