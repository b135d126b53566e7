/**
 * Approval centres end to end: the real Feishu SDK and our DingTalk OpenAPI client against the fakes'
 * approval centres (test/fakes/feishu/approval.ts, test/fakes/dingtalk/workflow.ts), the centres' callbacks
 * posted to our HTTP app in-process, the sync driven pass by pass, the cards through a recording deliverer.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { createDingTalkCentre, loadDingTalkCentreConfig, DINGTALK_CENTRE_TOKEN_HEADER } from '../../bots/dingtalk/centre.ts';
import { loadDingTalkConfig } from '../../bots/dingtalk/config.ts';
import { createFeishuCentre } from '../../bots/feishu/centre.ts';
import { loadFeishuConfig } from '../../bots/feishu/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { mountCentres } from '../../src/http/centres.ts';
import { createCentreSync, type CentreSync } from '../../src/jobs/approvalCentres.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { bindChat } from '../../src/services/chats.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../fakes/dingtalk/index.ts';
import { shown } from '../fakes/feishu/approval.ts';
import { startFakeFeishu, type FakeFeishu } from '../fakes/feishu/index.ts';
import { botCore, RecordingDeliverer, type BotCore } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

const PUBLIC_URL = 'http://127.0.0.1:8080';
const FEISHU_OPEN_IDS = { sue: 'ou_sue0000000000000001', ann: 'ou_ann0000000000000002', fay: 'ou_fay0000000000000003' };
const DINGTALK_IDS = { sue: 'sue001', fay: 'fay001' };

describeEachDatabase('approval centres (Feishu third-party approval, DingTalk integrated tasks)', (get) => {
  let feishu: FakeFeishu;
  let dingtalk: FakeDingTalk;
  let sync: CentreSync;
  let post: (url: string, init: RequestInit) => Promise<Response>;
  let core: BotCore;
  let web: RecordingDeliverer;
  /** Off: a decision does not trigger a pass, so the other centre still shows the task (a callback in flight). */
  let nudging = true;

  beforeEach(async () => {
    nudging = true;
    feishu = await startFakeFeishu();
    dingtalk = await startFakeDingTalk({ staff: Object.values(DINGTALK_IDS), processCodes: ['PROC-STOCKTAKE'] });
    dingtalk.workflow.dataSource = {
      apiKey: 'ds-api-key',
      url: `${PUBLIC_URL}/centres/dingtalk`,
      headers: { [DINGTALK_CENTRE_TOKEN_HEADER]: 'dt-callback-token' },
    };
  });
  afterEach(async () => {
    await sync?.stop();
    await feishu.close();
    await dingtalk.close();
  });

  /** The cast with centre accounts, the approvals chat bound, and one document per count line given. */
  async function setUp(counts: (string | number)[][]) {
    const { db } = get();
    const { st, people } = await countedStocktake(db, counts);
    for (const [handle, id] of Object.entries(FEISHU_OPEN_IDS))
      await db.execute(
        sql`insert into person_identity (platform, external_id, person_id) select 'feishu', ${id}, id from person where handle = ${handle}`,
      );
    for (const [handle, id] of Object.entries(DINGTALK_IDS))
      await db.execute(
        sql`insert into person_identity (platform, external_id, person_id) select 'dingtalk', ${id}, id from person where handle = ${handle}`,
      );
    await bindChat(db, people.ann, { platform: 'web', chatId: 'approvals', warehouse: 'WH1', purpose: 'approvals', locale: 'en' });
    web = new RecordingDeliverer('web');
    core = await botCore(db, [web]);
    const env = {
      FEISHU_APP_ID: feishu.appId,
      FEISHU_APP_SECRET: feishu.appSecret,
      FEISHU_DOMAIN: feishu.domain,
      DINGTALK_CLIENT_ID: dingtalk.clientId,
      DINGTALK_CLIENT_SECRET: dingtalk.clientSecret,
      DINGTALK_API_BASE: dingtalk.apiBase,
      DINGTALK_CORP_ID: dingtalk.corpId,
      DINGTALK_CENTRE_PROCESS_CODE: 'PROC-STOCKTAKE',
      DINGTALK_CENTRE_API_KEY: 'ds-api-key',
      DINGTALK_CENTRE_CALLBACK_TOKEN: 'dt-callback-token',
      PUBLIC_URL,
    };
    const dingtalkConfig = loadDingTalkConfig(env)!;
    const centres = [
      createFeishuCentre(
        loadFeishuConfig(env)!,
        { approvalCode: 'STOCKTAKE-ADJ', callbackToken: 'fs-callback-token', callbackKey: 'fs-callback-key', publicUrl: PUBLIC_URL },
        silentLogger,
      ),
      createDingTalkCentre(dingtalkConfig, loadDingTalkCentreConfig(env, dingtalkConfig)!),
    ];
    sync = createCentreSync({ db, log: silentLogger, centres, intervalMs: 3600_000, retryMs: 50 });
    const http = await testHttp(db, [
      mountCentres(centres, () => {
        if (nudging) sync.nudge();
      }),
    ]);
    post = async (url, init) => http.app.request(url, init);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    await core.sender.drainUntilIdle();
    const first = await sync.runOnce();
    if (first?.failed.length) throw new Error(JSON.stringify(first.failed));
    return { db, st, people, documents };
  }

  /** `<handle>@<step>: <status>` of each task of the document in Feishu's centre. */
  const feishuTasks = (documentId: string) =>
    Object.fromEntries(
      feishu.approval.instances
        .get(documentId)!
        .task_list.map((t) => [`${Object.entries(FEISHU_OPEN_IDS).find(([, id]) => id === t.open_id)![0]}@${t.node_id}`, t.status]),
    );
  const feishuTaskOf = (documentId: string, handle: keyof typeof FEISHU_OPEN_IDS, step = 1) =>
    feishu.approval.instances
      .get(documentId)!
      .task_list.find((t) => t.open_id === FEISHU_OPEN_IDS[handle] && t.node_id === `step-${step}`)!;
  /** The DingTalk instance of the document the test is about (each test's `doc`). */
  let shownNumber = '';
  const dingtalkInstance = () => [...dingtalk.workflow.instances.values()].find((i) => i.form.some((f) => f.value === shownNumber))!;
  const dingtalkTasks = () =>
    dingtalkInstance().tasks.map((t) => `${t.activityId}:${t.userId}:${t.status}${t.result ? `:${t.result}` : ''}`);
  const documentState = async (db: Db, id: string) => {
    const [d] = await queryRows<{ status: string; steps: string }>(
      db,
      sql`select d.status, string_agg(a.role || ':' || a.status || ':' || coalesce(p.handle, '-'), ' ' order by a.step_no) as steps
          from adjustment_document d join approval_step a on a.document_id = d.id left join person p on p.id = a.decided_by
          where d.id = ${id}::uuid group by d.status`,
    );
    return d;
  };

  it('shows a submitted document as a task for each supervisor who may decide it, in each centre', async () => {
    const { documents } = await setUp([['C-400', 'R4', '10']]);
    const doc = documents.find((d) => d.kind === 'gain')!;
    shownNumber = doc.number;
    // sam explained the lines, so he may not approve: sue and ann (Feishu), sue (DingTalk).
    expect(feishuTasks(doc.id)).toEqual({ 'sue@step-1': 'PENDING', 'ann@step-1': 'PENDING' });
    const instance = feishu.approval.instances.get(doc.id)!;
    expect(instance.status).toBe('PENDING');
    expect(shown(instance, instance.title, 'zh-CN')).toBe(`盘盈单 ${doc.number}（WH1）`);
    expect(shown(instance, instance.title, 'en-US')).toBe(`Stock gain ${doc.number} (WH1)`);
    expect(shown(instance, feishuTaskOf(doc.id, 'sue').title, 'zh-CN')).toBe(`审批 ${doc.number}：第 1 步（仓库主管）`);
    expect(feishu.approval.definitions.get('STOCKTAKE-ADJ')!.callbackUrl).toBe(`${PUBLIC_URL}/centres/feishu`);
    expect(dingtalkTasks()).toEqual(['step-1:sue001:RUNNING']);
    expect(dingtalkInstance().url).toBe(`${PUBLIC_URL}/stocktakes/${encodeURIComponent(await stocktakeCode(get().db, doc.id))}#documents`);
    // A second pass with nothing changed pushes nothing.
    expect(await sync.runOnce()).toMatchObject({ created: 0, moved: 0, pushed: 0 });
  });

  it('approving in the Feishu centre moves the document as a card tap does; the last approval (in DingTalk) posts it', async () => {
    const { db, documents } = await setUp([['C-400', 'R4', '10']]);
    const doc = documents.find((d) => d.kind === 'gain')!; // 1,050.00: supervisor, then finance
    shownNumber = doc.number;
    const answer = await feishu.decideTask({ taskId: feishuTaskOf(doc.id, 'sue').task_id, action: 'APPROVE' }, post);
    expect(answer).toMatchObject({ status: 200, timedOut: false });
    expect(await documentState(db, doc.id)).toEqual({ status: 'approving', steps: 'supervisor:approved:sue finance:pending:-' });
    await core.sender.drainUntilIdle();
    expect(web.sent[0]!.updates.length).toBeGreaterThan(0); // the approval card shows the decision
    await sync.idle();
    expect((await sync.runOnce())?.failed).toEqual([]);
    expect(feishuTasks(doc.id)).toEqual({
      'sue@step-1': 'APPROVED',
      'ann@step-1': 'DONE',
      'ann@step-2': 'PENDING',
      'fay@step-2': 'PENDING',
    });
    expect(dingtalkTasks()).toEqual(['step-1:sue001:COMPLETED:AGREE', 'step-2:fay001:RUNNING']);
    const fayTask = dingtalkInstance().tasks.find((t) => t.userId === 'fay001')!;
    expect(await dingtalk.decideTask({ taskId: fayTask.taskId, outResult: 'agree' }, post)).toMatchObject({ status: 200 });
    expect(await documentState(db, doc.id)).toEqual({ status: 'posted', steps: 'supervisor:approved:sue finance:approved:fay' });
    const ledger = await queryRows(db, sql`select 1 from ledger_entry where document_id = ${doc.id}::uuid`);
    expect(ledger.length).toBe(1);
    await sync.idle();
    await sync.runOnce();
    expect(feishu.approval.instances.get(doc.id)!.status).toBe('APPROVED');
    expect(feishuTasks(doc.id)).toEqual({ 'sue@step-1': 'APPROVED', 'ann@step-1': 'DONE', 'ann@step-2': 'DONE', 'fay@step-2': 'APPROVED' });
    expect(dingtalkInstance()).toMatchObject({ status: 'COMPLETED', result: 'agree' });
  });

  it('rejecting in DingTalk rejects the document with the remark as its reason, and Feishu shows it', async () => {
    const { db, documents } = await setUp([['A-100', 'R1', '90']]);
    const doc = documents[0]!;
    shownNumber = doc.number;
    const task = dingtalkInstance().tasks[0]!;
    const refused = await dingtalk.decideTask({ taskId: task.taskId, outResult: 'refuse', remark: '' }, post);
    // Without a reason a rejection is refused, exactly as on a card.
    expect(refused.status).toBe(422);
    expect(refused.body.errorMessageEn).toMatch(/reason/);
    expect(await dingtalk.decideTask({ taskId: task.taskId, outResult: 'refuse', remark: 'count again' }, post)).toMatchObject({
      status: 200,
    });
    const [d] = await queryRows<{ status: string; rejected_reason: string }>(
      db,
      sql`select status, rejected_reason from adjustment_document where id = ${doc.id}::uuid`,
    );
    expect(d).toEqual({ status: 'rejected', rejected_reason: 'count again' });
    await sync.idle();
    await sync.runOnce();
    expect(feishu.approval.instances.get(doc.id)!.status).toBe('REJECTED');
    expect(feishuTasks(doc.id)).toEqual({ 'sue@step-1': 'REJECTED', 'ann@step-1': 'DONE' });
    expect(dingtalkInstance()).toMatchObject({ status: 'COMPLETED', result: 'refuse' });
    expect(dingtalkTasks()).toEqual(['step-1:sue001:COMPLETED:REFUSE']);
  });

  it("marks the centres' tasks when the step is decided by a card tap", async () => {
    const { db, people, documents } = await setUp([['A-100', 'R1', '90']]);
    const doc = documents[0]!;
    shownNumber = doc.number;
    await approveDocument(db, { ...people.ann, idempotencyKey: 'web:tap-1' }, { document: doc.id, step: 1 });
    await sync.runOnce();
    expect(feishuTasks(doc.id)).toEqual({ 'sue@step-1': 'DONE', 'ann@step-1': 'APPROVED' });
    expect(feishu.approval.instances.get(doc.id)!.status).toBe('APPROVED');
    expect(dingtalkTasks()).toEqual(['step-1:sue001:CANCELED']);
  });

  it('takes one decision per step whatever the order: the second, from either centre, is refused and changes nothing', async () => {
    nudging = false;
    for (const first of ['feishu', 'dingtalk'] as const) {
      const { db, documents } = await setUp([['A-100', 'R1', '90']]);
      const doc = documents[0]!;
      shownNumber = doc.number;
      const viaFeishu = () => feishu.decideTask({ taskId: feishuTaskOf(doc.id, 'ann').task_id, action: 'REJECT', reason: 'wrong' }, post);
      const viaDingTalk = () => dingtalk.decideTask({ taskId: dingtalkInstance().tasks[0]!.taskId, outResult: 'agree' }, post);
      const [a, b] = first === 'feishu' ? [viaFeishu, viaDingTalk] : [viaDingTalk, viaFeishu];
      expect((await a()).status).toBe(200);
      const second = await b();
      expect(second.status).toBe(409);
      expect(JSON.stringify(second.body)).toMatch(first === 'feishu' ? /ann/ : /sue/);
      expect((await documentState(db, doc.id))!.status).toBe(first === 'feishu' ? 'rejected' : 'posted');
      // The same callback delivered again replays its answer and changes nothing.
      expect((await a()).status).toBe(200);
      await sync.stop();
      await truncateAll(db);
      feishu.approval.instances.clear();
      dingtalk.workflow.instances.clear();
    }
  });

  it('applies one of two decisions arriving at once', async () => {
    const { db, documents } = await setUp([['A-100', 'R1', '90']]);
    const doc = documents[0]!;
    shownNumber = doc.number;
    const answers = await Promise.all([
      feishu.decideTask({ taskId: feishuTaskOf(doc.id, 'ann').task_id, action: 'APPROVE' }, post),
      dingtalk.decideTask({ taskId: dingtalkInstance().tasks[0]!.taskId, outResult: 'refuse', remark: 'no' }, post),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const steps = await queryRows(db, sql`select 1 from approval_step where document_id = ${doc.id}::uuid and decided_by is not null`);
    expect(steps.length).toBe(1);
  });

  it('refuses a forged callback and changes nothing', async () => {
    const { db, documents } = await setUp([['A-100', 'R1', '90']]);
    const doc = documents[0]!;
    shownNumber = doc.number;
    const task = feishuTaskOf(doc.id, 'sue').task_id;
    expect((await feishu.decideTask({ taskId: task, action: 'APPROVE', forge: { token: 'guessed' } }, post)).status).toBe(401);
    expect((await feishu.decideTask({ taskId: task, action: 'APPROVE', forge: { actionContext: 'guessed' } }, post)).status).toBe(401);
    const plain = await post(`${PUBLIC_URL}/centres/feishu`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action_type: 'APPROVE', approval_code: 'STOCKTAKE-ADJ', task_id: task, token: 'fs-callback-token' }),
    });
    expect(plain.status).toBe(401); // not encrypted although a key is configured
    const dtTask = dingtalkInstance().tasks[0]!.taskId;
    dingtalk.workflow.dataSource!.headers = {};
    expect((await dingtalk.decideTask({ taskId: dtTask, outResult: 'agree' }, post)).status).toBe(401);
    dingtalk.workflow.dataSource!.headers = { [DINGTALK_CENTRE_TOKEN_HEADER]: 'dt-callback-token' };
    expect((await dingtalk.decideTask({ taskId: dtTask, outResult: 'agree', operator: 'fay001' }, post)).status).toBe(403);
    expect((await documentState(db, doc.id))!.status).toBe('approving');
  });
});

async function stocktakeCode(db: Db, documentId: string): Promise<string> {
  const [r] = await queryRows<{ code: string }>(
    db,
    sql`select s.code from stocktake s join adjustment_document d on d.stocktake_id = s.id where d.id = ${documentId}::uuid`,
  );
  return r!.code;
}

async function truncateAll(db: Db): Promise<void> {
  const [r] = await queryRows<{ t: string }>(
    db,
    sql`select string_agg('"' || tablename || '"', ',') as t from pg_tables where schemaname = 'public'`,
  );
  await db.execute(sql.raw(`truncate ${r!.t} restart identity cascade`));
}
