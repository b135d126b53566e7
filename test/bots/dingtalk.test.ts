/**
 * The DingTalk adapter end to end: the real dingtalk-stream SDK (through GatewayDWClient) and the
 * adapter's own OpenAPI calls against the fake DingTalk on 127.0.0.1, the core from test/support/bot.ts.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { ConfigError } from '../../src/config.ts';
import { listDocuments, getDocument } from '../../src/services/documents.ts';
import { setNotify } from '../../src/services/people.ts';
import { createDingTalkAdapter, loadDingTalkConfig, type DingTalkAdapter, type DingTalkConfig } from '../../bots/dingtalk/index.ts';
import { cardCallbackEvent, robotMessageEvent } from '../../bots/dingtalk/inbound.ts';
import { createDingTalkDeliverer, DingTalkApi, DINGTALK_LIMITS, robotMessage, SessionWebhooks } from '../../bots/dingtalk/outbound.ts';
import { card } from '../../cards/model.ts';
import { DINGTALK_TYPED_INTRO } from '../../cards/render/dingtalk.ts';
import { DeliveryError } from '../../src/core/delivery.ts';
import {
  SHIPPED_TEMPLATE_PATH,
  startFakeDingTalk,
  STOCKTAKE_TEMPLATE_ID,
  type FakeCard,
  type FakeDingTalk,
  type SendRobotMessage,
} from '../fakes/dingtalk/index.ts';
import { loadCardTemplate, type TemplateTap } from '../fakes/dingtalk/template.ts';
import { botCore, seedTeam, sheet, type BotCore } from '../support/bot.ts';
import { describeEachDatabase, type TestDatabase } from '../support/db.ts';

const GROUP = 'cidStocktakeTeam01==';
const STAFF = { carl: 'carl01', sam: 'sam01', sue: 'sue01' } as const;
const FAST = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };
const COUNT = [
  ['sku', 'location', 'qty'],
  ['A-100', 'R1', '90'],
  ['A-200', 'R2', '21'],
  ['B-300', 'R3', '50.5'],
  ['C-400', 'R4', '1'],
];

const buttons = (card: FakeCard) => JSON.parse(card.params.buttons ?? '[]') as { id: string; text: string }[];
const buttonId = (card: FakeCard, label: RegExp) => {
  const found = buttons(card).find((b) => label.test(b.text));
  if (!found)
    throw new Error(
      `no button ${label} on "${card.params.title}": ${buttons(card)
        .map((b) => b.text)
        .join(', ')}`,
    );
  return found.id;
};
/** The index of an option on the card's select: what DingTalk's select reports when it is chosen. */
const optionIndex = (card: FakeCard, value: string) => {
  const index = (JSON.parse(card.params.select_values ?? '[]') as string[]).indexOf(value);
  if (index < 0) throw new Error(`no option ${value} on "${card.params.title}": ${card.params.select_values}`);
  return index;
};
const auditCount = async (t: TestDatabase, action: string) =>
  (await queryRows(t.db, sql`select 1 as one from audit_log where action = ${action}`)).length;

/** A running fake, the adapter connected to it and the core behind it; `close()` undoes all of it. */
async function harness(t: TestDatabase, cardTemplateId: string | null) {
  // DingTalk's own re-push window (about 60 s): a tap slowed down by a busy machine is not pushed again while
  // it is being handled; redelivery is tested explicitly with fake.redeliver().
  const fake = await startFakeDingTalk({ redeliveryDelayMs: 60_000, staff: Object.values(STAFF) });
  const config: DingTalkConfig = {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    robotCode: fake.robotCode,
    cardTemplateId,
    apiBase: fake.apiBase,
    gatewayUrl: fake.gatewayUrl,
  };
  const adapter: DingTalkAdapter = createDingTalkAdapter(config, { log: () => {}, limits: FAST });
  await seedTeam(t.db, 'dingtalk', STAFF);
  const core: BotCore = await botCore(t.db, [adapter]);
  await adapter.start(core.dispatch);
  await fake.waitFor(() => fake.connectionCount() === 1);
  /** A robot message; resolves when the core handled it and the outbox is drained. */
  const say = async (message: SendRobotMessage) => {
    const sent = await fake.sendRobotMessage(message);
    await adapter.whenIdle();
    await core.sender.drainUntilIdle();
    return sent;
  };
  const cards = (space: string, title: RegExp) =>
    [...fake.cards.values()].filter((c) => c.spaceId === space && title.test(c.params.title ?? ''));
  const card = (space: string, title: RegExp) => {
    const found = cards(space, title);
    if (found.length !== 1)
      throw new Error(`${found.length} cards ${title} in ${space}: ${[...fake.cards.values()].map((c) => c.params.title).join(' | ')}`);
    return found[0]!;
  };
  return {
    fake,
    adapter,
    core,
    say,
    cards,
    card,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}

describeEachDatabase('DingTalk adapter with the real SDK', (get) => {
  let h: Awaited<ReturnType<typeof harness>> | null = null;
  beforeEach(() => {
    // dingtalk-stream prints "connect success" / "Disconnecting." with console.info whatever its debug flag.
    vi.spyOn(console, 'info').mockImplementation(() => {});
  });
  afterEach(async () => {
    await h?.close();
    h = null;
    vi.restoreAllMocks();
  });

  it('runs a stocktake from binding to posting with interactive cards', async () => {
    const t = get();
    h = await harness(t, STOCKTAKE_TEMPLATE_ID);
    const { fake, core, say, cards, card } = h;
    const group = (staffId: string, text: string, extra: Partial<SendRobotMessage> = {}) =>
      say({ conversationId: GROUP, staffId, text, ...extra });
    const direct = (staffId: string, extra: Partial<SendRobotMessage>) =>
      say({ conversationId: `cid1to1${staffId}==`, conversationType: '1', staffId, ...extra });
    const tap = async (c: FakeCard, staffId: string, what: TemplateTap, shown?: Record<string, string>) => {
      const answer = await fake.tapCard({ outTrackId: c.outTrackId, userId: staffId, tap: what, shown });
      expect(answer.acked).toBe(true);
      expect(answer.cardUpdateError).toBeUndefined();
      await core.sender.drainUntilIdle();
      return answer;
    };

    // The stream was opened with both callback topics; a stranger is told how to get access.
    expect(fake.subscriptions()).toEqual(
      expect.arrayContaining([
        { type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
        { type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
      ]),
    );
    const stranger = await group('stranger01', 'bind WH1');
    expect(stranger.acked).toEqual({ response: { status: 'SUCCESS' } });
    expect(card(GROUP, /access/i).params.markdown).toContain('dingtalk:stranger01');

    // sam binds the group with an @; chatter without one never reaches the bot.
    await group(STAFF.sam, 'bind WH1');
    expect(await auditCount(t, 'chat.bound')).toBe(1);
    expect((await group(STAFF.sam, 'close', { atBot: false })).delivered).toBe(false);
    await group(STAFF.sam, 'new');

    // Group files never reach a bot: sam binds his one-to-one chat too and sends the sheet there.
    await direct(STAFF.sam, { text: 'bind WH1' });
    await direct(STAFF.sam, { file: { name: 'count.csv', content: sheet(COUNT) } });
    const summary = card(STAFF.sam, /count\.csv/);
    expect(summary).toMatchObject({ spaceType: 'IM_ROBOT', callbackType: 'STREAM', cardTemplateId: STOCKTAKE_TEMPLATE_ID });
    expect(fake.requests.some((r) => r.path === '/v1.0/robot/messageFiles/download' && r.status === 200)).toBe(true);

    // "close" in the group; the page goes to both team chats, one of them through a 429 first.
    fake.failNext({ method: 'POST', pathIncludes: 'createAndDeliver' }, { status: 429, retryAfterSeconds: 1 });
    await group(STAFF.sam, 'close');
    const page = card(GROUP, /^Variances to review/);
    expect(cards(STAFF.sam, /^Variances to review/)).toHaveLength(1);
    const throttled = fake.requests.find((r) => r.status === 429)!;
    const throttledId = (throttled.body as { outTrackId: string }).outTrackId;
    const attempts = fake.requests.filter(
      (r) => r.path.endsWith('createAndDeliver') && (r.body as { outTrackId: string }).outTrackId === throttledId,
    );
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(page.openSpaceId).toBe(`dtv1.card//IM_GROUP.${GROUP}`);

    // Tap a line on the page: its variance card arrives.
    const opened = await tap(page, STAFF.sam, { button: buttonId(page, /^C-400/) });
    expect(opened.response.userPrivateData.cardParamMap).toMatchObject({ toastKind: 'info' });
    const variance = card(GROUP, /C-400/);

    // Confirm: acked with the card as it now is and the toast; the card instance is updated after.
    const puts = () =>
      fake.requests.filter((r) => r.method === 'PUT' && (r.body as { outTrackId: string }).outTrackId === variance.outTrackId).length;
    const confirm = buttonId(variance, /^Confirm/);
    const confirmed = await tap(variance, STAFF.sam, { button: confirm });
    expect(confirmed.response.cardUpdateOptions).toMatchObject({ updateCardDataByKey: true });
    expect(confirmed.response.cardData.cardParamMap.markdown).toContain('confirmed');
    expect(confirmed.response.userPrivateData.cardParamMap).toEqual({ toast: 'Count confirmed.', toastKind: 'success' });
    expect(variance.params.markdown).toContain('confirmed');
    expect(variance.privateData[STAFF.sam]).toMatchObject({ toast: 'Count confirmed.' });
    // Rendered once: the answer updated the card for everyone, so no outbox update follows for it.
    await core.sender.drainUntilIdle();
    expect(puts()).toBe(0);
    expect(await auditCount(t, 'variance.confirm')).toBe(1);

    // The same tap again is stale; the platform pushing the first one again has no second effect.
    // (A client that has not refreshed still shows the button.)
    const again = await tap(variance, STAFF.sam, { button: confirm }, variance.history[0]);
    expect(again.response.userPrivateData.cardParamMap.toastKind).toBe('warning');
    const redelivered = await fake.redeliver(confirmed.messageId);
    expect(redelivered.acked).toBe(true);
    await core.sender.drainUntilIdle();
    expect(await auditCount(t, 'variance.confirm')).toBe(1);

    // A cause that needs a note (marked *): the template's select sends the pick alone, so the robot asks
    // for the note and says what to send (nobody can reply to a robot here); the answer tags both at once.
    const asked = await tap(variance, STAFF.sam, { select: optionIndex(variance, 'unknown') });
    expect(asked.response.userPrivateData.cardParamMap).toMatchObject({
      toastKind: 'info',
      toast: expect.stringContaining('needs a note'),
    });
    expect(await auditCount(t, 'variance.tag')).toBe(0);
    const prompt = fake.robotMessages.map((m) => m.msgParam.content ?? '').find((text) => text.includes('needs a note'))!;
    expect(prompt).toContain('C-400@R4');
    const answer = /^note (\S+) …$/m.exec(prompt);
    expect(answer).not.toBeNull();
    await group(STAFF.sam, `note ${answer![1]} searched the returns cage`);
    expect(await queryRows(t.db, sql`select cause_code, note from stocktake_line where sku = 'C-400'`)).toEqual([
      { cause_code: 'unknown', note: 'searched the returns cage' },
    ]);
    expect(await auditCount(t, 'variance.tag')).toBe(1);

    // The cause from the select, a note from the input.
    const cause = await tap(variance, STAFF.sam, { select: optionIndex(variance, 'damage') });
    expect(cause.response.userPrivateData.cardParamMap.toastKind).toBe('success');
    const note = await tap(variance, STAFF.sam, { input: 'pallet dropped in aisle 4' });
    expect(note.response.userPrivateData.cardParamMap.toast).toBe('Note saved.');
    const [line] = await queryRows<{ cause_code: string; note: string }>(
      t.db,
      sql`select cause_code, note from stocktake_line where sku = 'C-400'`,
    );
    expect(line).toEqual({ cause_code: 'damage', note: 'pallet dropped in aisle 4' });

    // The other lines, from the page as it now is; meanwhile DingTalk revokes the token early (one 401, one refresh).
    fake.expireTokens();
    for (const sku of ['A-100', 'A-200']) {
      await tap(page, STAFF.sam, { button: buttonId(page, new RegExp(`^${sku}`)) });
      const c = card(GROUP, new RegExp(sku));
      await tap(c, STAFF.sam, { button: buttonId(c, /^Confirm/) });
      await tap(c, STAFF.sam, { select: optionIndex(c, 'counting_error') });
    }

    // sue asked for her approval requests one to one.
    await setNotify(t.db, 'sue', { notify: 'dingtalk' });

    // submit: approval cards, one of them through DingTalk's 403 QpsLimit first.
    fake.failNext({ method: 'POST', pathIncludes: 'createAndDeliver' }, { status: 403 });
    await group(STAFF.sam, 'submit');
    const limited = fake.requests.filter((r) => r.status === 403);
    expect(limited).toHaveLength(1);
    const limitedId = (limited[0]!.body as { outTrackId: string }).outTrackId;
    expect(
      fake.requests.filter((r) => (r.body as { outTrackId?: string } | undefined)?.outTrackId === limitedId).map((r) => r.status),
    ).toEqual([403, 200]);
    const docs = await listDocuments(t.db);
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(cards(GROUP, new RegExp(`^Approval · ${doc.number}`))).toHaveLength(1);
      expect(cards(STAFF.sam, new RegExp(`^Approval · ${doc.number}`))).toHaveLength(1);
    }

    // sue's requests came to her chat with the robot, as interactive cards in its IM_ROBOT space.
    const toSue = [...fake.cards.values()].filter((c) => c.spaceType === 'IM_ROBOT' && c.spaceId === STAFF.sue);
    expect(toSue.map((c) => c.params.title)).toEqual(expect.arrayContaining(docs.map((d) => expect.stringContaining(d.number))));

    // sam explained the lines and may not approve; sue does, and the decision is announced.
    const approval = card(GROUP, new RegExp(`^Approval · ${docs[0]!.number}`));
    const refused = await tap(approval, STAFF.sam, { button: buttonId(approval, /^Approve/) });
    expect(refused.response.userPrivateData.cardParamMap.toastKind).toBe('error');
    expect(refused.response.cardData).toBeUndefined();
    await tap(approval, STAFF.sue, { button: buttonId(approval, /^Approve/) });
    expect((await getDocument(t.db, docs[0]!.id)).status).toBe('posted');
    expect(approval.params.markdown).toContain('posted');
    expect(cards(GROUP, new RegExp(`^Decision · ${docs[0]!.number}`))).toHaveLength(1);

    // Every card was created once, and every callback was acknowledged.
    const created = fake.requests
      .filter((r) => r.path.endsWith('createAndDeliver') && r.status === 200)
      .map((r) => (r.body as { outTrackId: string }).outTrackId);
    expect(new Set(created).size).toBe(created.length);
    expect(created).toHaveLength(fake.cards.size);
    expect(fake.unacked()).toEqual([]);
    expect(fake.requests.filter((r) => r.path === '/v1.0/oauth2/accessToken')).toHaveLength(2);
    expect(fake.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('falls back to ActionCard messages whose links send "tap <token>" without a card template', async () => {
    const t = get();
    h = await harness(t, null);
    const { fake, adapter, say } = h;
    expect(adapter.capabilities).toEqual({ cardInAnswer: false });
    const direct = (extra: Partial<SendRobotMessage>) =>
      say({ conversationId: 'cid1to1sam==', conversationType: '1', staffId: STAFF.sam, ...extra });
    const lastMessage = () => fake.robotMessages.at(-1)!;
    const link = (text: string, label: RegExp) => {
      const m = [...text.matchAll(/\[([^\]]+)\]\((dtmd:[^)]+)\)/g)].find((x) => label.test(x[1]!));
      if (!m) throw new Error(`no link ${label} in ${text}`);
      return decodeURIComponent(new URL(m[2]!).searchParams.get('content')!);
    };

    await direct({ text: 'bind WH1' });
    await direct({ text: 'new' });
    await direct({ file: { name: 'count.csv', content: sheet(COUNT) } });
    await direct({ text: 'close' });

    // The page: an ActionCard robot message to sam, one link button per line.
    const page = fake.robotMessages.find((m) => /^Variances to review/.test(m.msgParam.title))!;
    expect(page).toMatchObject({ kind: 'oto', body: { userIds: [STAFF.sam], robotCode: fake.robotCode } });
    expect(page.body.msgKey).toMatch(/^sampleActionCard\d?$/);
    const lineIndex = Object.entries(page.msgParam as Record<string, string>)
      .find(([k, v]) => k.startsWith('actionTitle') && v.startsWith('C-400'))![0]
      .slice('actionTitle'.length);
    const open = decodeURIComponent(new URL(page.msgParam[`actionURL${lineIndex}`]).searchParams.get('content')!);
    expect(page.msgParam[`actionURL${lineIndex}`]).toMatch(/^dtmd:\/\/dingtalkclient\/sendMessage\?content=tap%20/);
    expect(open).toMatch(/^tap [A-Za-z0-9._-]{1,22}$/);

    // The client sends the link's text; the variance message lists its actions as links.
    await direct({ text: open });
    const variance = fake.robotMessages.find((m) => /C-400/.test(m.msgParam.title))!;
    const confirm = link(variance.msgParam.text, /^Confirm/);
    const before = fake.robotMessages.length;
    await direct({ text: confirm });
    expect(await auditCount(t, 'variance.confirm')).toBe(1);
    // No edit is possible: the answer is one notice message, and no card API was called.
    expect(fake.robotMessages).toHaveLength(before + 1);
    expect(lastMessage().msgParam.text).toContain('Count confirmed.');
    expect(fake.requests.some((r) => r.path.startsWith('/v1.0/card/'))).toBe(false);
  });
});

describeEachDatabase('DingTalk groups without a card template', (get) => {
  let h: Awaited<ReturnType<typeof harness>> | null = null;
  beforeEach(() => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
  });
  afterEach(async () => {
    await h?.close();
    h = null;
    vi.restoreAllMocks();
  });

  it('shows no button that does nothing: the group is told what to send with an @-mention, and that works', async () => {
    const t = get();
    h = await harness(t, null);
    const { fake, say } = h;
    const group = (text: string) => say({ conversationId: GROUP, staffId: STAFF.sam, text });
    await group('bind WH1');
    await group('new');
    await say({
      conversationId: 'cid1to1sam==',
      conversationType: '1',
      staffId: STAFF.sam,
      file: { name: 'count.csv', content: sheet(COUNT) },
    });
    await group('close');

    // Every group message is markdown (no actionCard, no dtmd:// link), through the session webhook or the robot API.
    const groupTexts = () => [
      ...fake.webhookMessages.filter((m) => m.conversationId === GROUP).map((m) => m.body.markdown?.text ?? m.body.text?.content ?? ''),
      ...fake.robotMessages.filter((m) => m.kind === 'group').map((m) => m.msgParam.text ?? m.msgParam.content ?? ''),
    ];
    expect(fake.robotMessages.filter((m) => m.kind === 'group').every((m) => /^sample(Markdown|Text)$/.test(m.body.msgKey))).toBe(true);
    expect(fake.webhookMessages.filter((m) => m.conversationId === GROUP).every((m) => m.body.msgtype !== 'actionCard')).toBe(true);
    expect(groupTexts().join('\n')).not.toContain('dtmd://');
    const page = groupTexts().find((text) => text.includes('Variances to review'))!;
    expect(page).toContain(DINGTALK_TYPED_INTRO);
    const command = (text: string, label: RegExp) => {
      const found = [...text.matchAll(/^\*\*(.+?)\*\* — (.+?) *$/gm)].find((m) => label.test(m[1]!));
      if (!found) throw new Error(`no ${label} in ${text}`);
      return found[2]!.replace(/\\/g, '');
    };

    // sam does as told: @-mentions the robot with the line's command, then confirms the variance the same way.
    await group(command(page, /^C-400/));
    const variance = groupTexts().find((text) => text.includes('C-400') && text.includes('Confirm'))!;
    await group(command(variance, /^Confirm/));
    expect(await auditCount(t, 'variance.confirm')).toBe(1);
  });
});

describeEachDatabase('DingTalk photos', (get) => {
  let h: Awaited<ReturnType<typeof harness>> | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('attaches a picture sent with its line in one message, and tells a bare picture how to name its line', async () => {
    const t = get();
    h = await harness(t, null);
    const { fake, say } = h;
    await say({ conversationId: GROUP, staffId: STAFF.sam, text: 'bind WH1' });
    await say({ conversationId: GROUP, staffId: STAFF.sam, text: 'new' });
    const dm = 'cid1to1carl==';
    await say({ conversationId: dm, conversationType: '1', staffId: STAFF.carl, file: { name: 'count.csv', content: sheet(COUNT) } });
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .jpeg()
      .toBuffer();
    const texts = (conversationId: string) => [
      ...fake.webhookMessages
        .filter((m) => m.conversationId === conversationId)
        .map((m) => m.body.markdown?.text ?? m.body.text?.content ?? ''),
      ...fake.robotMessages.map((m) => `${m.msgParam.title ?? ''} ${m.msgParam.text ?? m.msgParam.content ?? ''}`),
    ];

    // In the group: "@bot A-100@R1" and the picture, one rich-text message (a picture alone cannot @ the bot).
    await say({ conversationId: GROUP, staffId: STAFF.carl, richText: [{ text: ' A-100@R1 ' }, { picture: photo }] });
    const rows = await queryRows<{ sku: string; location: string; source: string }>(
      t.db,
      sql`select sku, location, source from evidence_photo`,
    );
    expect(rows).toEqual([{ sku: 'A-100', location: 'R1', source: 'dingtalk' }]);
    expect(texts(GROUP).join('\n')).toMatch(/Attached to A-100@R1: it now has 1 photo/);

    // A picture alone, one to one: nothing attached, and the answer says how to name the line.
    await say({ conversationId: dm, conversationType: '1', staffId: STAFF.carl, picture: photo });
    expect(await queryRows(t.db, sql`select 1 from evidence_photo`)).toHaveLength(1);
    expect(texts(dm).join('\n')).toContain('type the SKU (or SKU@LOCATION), and add the picture');
  });
});

describe('DingTalk configuration', () => {
  it('is off without a client id, and reads defaults', () => {
    expect(loadDingTalkConfig({})).toBeNull();
    expect(loadDingTalkConfig({ DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 's3cret-value' })).toEqual({
      clientId: 'dingabc',
      clientSecret: 's3cret-value',
      robotCode: 'dingabc',
      cardTemplateId: null,
      apiBase: 'https://api.dingtalk.com',
      oapiBase: 'https://oapi.dingtalk.com',
      gatewayUrl: undefined,
    });
    expect(
      loadDingTalkConfig({
        DINGTALK_CLIENT_ID: 'dingabc',
        DINGTALK_CLIENT_SECRET: 's3cret-value',
        DINGTALK_ROBOT_CODE: 'robot1',
        DINGTALK_CARD_TEMPLATE_ID: 'tpl.schema',
        DINGTALK_API_BASE: 'http://127.0.0.1:9/',
        DINGTALK_GATEWAY_URL: 'http://127.0.0.1:9/gw',
        DINGTALK_UNRELATED: 'x',
      }),
    ).toMatchObject({
      robotCode: 'robot1',
      cardTemplateId: 'tpl.schema',
      apiBase: 'http://127.0.0.1:9',
      gatewayUrl: 'http://127.0.0.1:9/gw',
    });
    expect(
      loadDingTalkConfig({ DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 'x', DINGTALK_CARD_TEMPLATE_ID: '' })!.cardTemplateId,
    ).toBeNull();
    expect(DINGTALK_LIMITS).toEqual({ perChatIntervalMs: 1000, perChatPerMinute: 20, perAppPerSecond: 20 });
  });

  it('names the missing or malformed variable and never echoes a secret', () => {
    expect(() => loadDingTalkConfig({ DINGTALK_CLIENT_ID: 'dingabc' })).toThrow(/DINGTALK_CLIENT_SECRET/);
    expect(() => loadDingTalkConfig({ DINGTALK_CLIENT_SECRET: 'hush-hush-secret' })).toThrow(/DINGTALK_CLIENT_ID/);
    const bad = () =>
      loadDingTalkConfig({ DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 'hush-hush-secret', DINGTALK_API_BASE: 'not a url' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/DINGTALK_API_BASE/);
    try {
      bad();
    } catch (error) {
      expect(String(error)).not.toContain('hush-hush-secret');
    }
  });
});

describe('DingTalk payloads', () => {
  const message = {
    conversationId: GROUP,
    conversationType: '2',
    msgId: 'msg1',
    senderStaffId: 'sam01',
    senderId: '$:LWCP_v1:$x',
    msgtype: 'text',
    isInAtList: true,
  };
  const never = async () => Buffer.alloc(0);

  it('reads a group message as addressed only when the bot is in its @ list', () => {
    expect(robotMessageEvent({ ...message, text: { content: ' bind WH1' } }, never)).toMatchObject({
      type: 'text',
      text: 'bind WH1',
      chatId: GROUP,
      chatType: 'group',
      userId: 'sam01',
      eventId: 'msg1',
      addressed: true,
    });
    expect(robotMessageEvent({ ...message, isInAtList: false, text: { content: 'lunch?' } }, never)).toMatchObject({ addressed: false });
    expect(robotMessageEvent({ ...message, conversationType: '1', isInAtList: false, text: { content: 'status' } }, never)).toMatchObject({
      chatId: 'dm:sam01',
      chatType: 'direct',
      addressed: true,
    });
    expect(robotMessageEvent({ ...message, msgtype: 'picture', content: { downloadCode: 'x' } }, never)).toMatchObject({
      type: 'photo',
      addressed: true,
    });
    expect(robotMessageEvent({ ...message, msgtype: 'audio', content: { downloadCode: 'x' } }, never)).toBeNull();
    expect(robotMessageEvent({ nonsense: true }, never)).toBeNull();
    // A tap copied from a fallback message with markdown escapes still reads as the canonical command.
    expect(robotMessageEvent({ ...message, text: { content: ' tap Ab\\_cd:damage' } }, never)).toMatchObject({ text: 'tap Ab_cd:damage' });
  });

  it('reads a card tap with its option or input, keyed by the stream message id', () => {
    // As the shipped template's select reports it: the index, and the option values it echoes.
    const content = JSON.stringify({
      cardPrivateData: { actionIds: ['tok123'], params: { tok123: { index: 1 }, select_values: '["theft","damage"]' } },
    });
    expect(
      cardCallbackEvent({ outTrackId: 'stk_1', userId: 'sam01', spaceType: 'IM_GROUP', spaceId: GROUP, content }, 'frame-1'),
    ).toMatchObject({
      type: 'action',
      eventId: 'frame-1',
      chatId: GROUP,
      chatType: 'group',
      userId: 'sam01',
      token: 'tok123',
      option: 'damage',
    });
    expect(
      cardCallbackEvent({ outTrackId: 'stk_1', userId: 'sam01', spaceType: 'IM_ROBOT', spaceId: 'sam01', value: content }, 'frame-2'),
    ).toMatchObject({ chatId: 'dm:sam01', chatType: 'direct' });
    expect(cardCallbackEvent({ outTrackId: 'stk_1', userId: 'sam01', content: '{}' }, 'frame-3')).toBeNull();
    // The old guess (a string `params.option`) tags nothing: DingTalk's select never sends one.
    const guessed = JSON.stringify({ cardPrivateData: { actionIds: ['tok123'], params: { option: 'damage' } } });
    expect(cardCallbackEvent({ outTrackId: 'stk_1', userId: 'sam01', spaceId: GROUP, content: guessed }, 'frame-4')).not.toHaveProperty(
      'option',
    );
  });

  it('picks the robot message template by the number of link buttons', () => {
    const btn = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ title: `B${i}`, actionURL: `dtmd://dingtalkclient/sendMessage?content=tap%20t${i}` }));
    const card = (n: number) =>
      robotMessage({ msgtype: 'actionCard', actionCard: { title: 'T', text: 'x', btns: btn(n), btnOrientation: '0' } });
    expect(card(1)).toMatchObject({ msgKey: 'sampleActionCard', msgParam: { singleTitle: 'B0' } });
    expect(card(3)).toMatchObject({
      msgKey: 'sampleActionCard3',
      msgParam: { actionTitle3: 'B2', actionURL3: expect.stringContaining('t2') },
    });
    expect(card(7).msgKey).toBe('sampleMarkdown');
    expect(card(7).msgParam.text).toContain('[B6](dtmd://dingtalkclient/sendMessage?content=tap%20t6)');
    expect(robotMessage({ msgtype: 'markdown', markdown: { title: 'T', text: 'x' } })).toEqual({
      msgKey: 'sampleMarkdown',
      msgParam: { title: 'T', text: 'x' },
    });
  });
});

describe('DingTalk images', () => {
  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  const chart = card({
    header: { title: 'Daily digest' },
    elements: [
      { type: 'markdown', text: 'Where WH1 stands' },
      { type: 'image', alt: 'Progress', png: PNG },
    ],
  });

  it("uploads a card's chart once as media and shows it by its media id, in messages and templated cards", async () => {
    const fake = await startFakeDingTalk();
    try {
      const base = {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        robotCode: fake.robotCode,
        apiBase: fake.apiBase,
        gatewayUrl: undefined,
      };
      const messages = createDingTalkDeliverer(new DingTalkApi(base), { ...base, cardTemplateId: null });
      await messages.send(GROUP, chart, { idempotencyKey: 'outbox-1' });
      const [mediaId] = [...fake.media.keys()];
      expect(fake.media.get(mediaId!)).toMatchObject({ type: 'image', filename: 'chart.png', content: Buffer.from(PNG, 'base64') });
      expect(fake.robotMessages.at(-1)!.msgParam.text).toContain(`![Progress](${mediaId})`);
      const cards = createDingTalkDeliverer(new DingTalkApi(base), { ...base, cardTemplateId: STOCKTAKE_TEMPLATE_ID });
      const { messageId } = await cards.send(GROUP, chart, { idempotencyKey: 'outbox-2' });
      expect(fake.cards.get(messageId)!.params.image).toMatch(/^@lADP/);
      await cards.update(GROUP, messageId, chart);
      expect(fake.media.size).toBe(2); // one upload per deliverer, none for the update
    } finally {
      await fake.close();
    }
  });

  it('sends the card with the alt text when the upload is refused for good, and retries it when throttled', async () => {
    const fake = await startFakeDingTalk();
    try {
      const base = {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        robotCode: fake.robotCode,
        apiBase: fake.apiBase,
        gatewayUrl: undefined,
      };
      const deliverer = createDingTalkDeliverer(new DingTalkApi(base), { ...base, cardTemplateId: null });
      fake.failNext({ pathIncludes: '/media/upload' }, { status: 200, body: { errcode: 60011, errmsg: '没有调用该接口的权限' } });
      await deliverer.send(GROUP, chart, { idempotencyKey: 'outbox-1' });
      expect(fake.robotMessages.at(-1)!.msgParam.text).toContain('🖼 Progress');
      fake.failNext({ pathIncludes: '/media/upload' }, { status: 200, body: { errcode: 90018, errmsg: '当前请求太频繁' } });
      const throttled = await deliverer.send(GROUP, chart, { idempotencyKey: 'outbox-2' }).catch((e: unknown) => e);
      expect(throttled).toBeInstanceOf(DeliveryError);
      expect(throttled).toMatchObject({ permanent: false, options: { status: 429 } });
    } finally {
      await fake.close();
    }
  });
});

describe('DingTalk mentions', () => {
  const mentions = [
    { name: 'Sam Chen', identities: ['dingtalk:sam01', 'telegram:3002'] },
    { name: 'Mo', identities: [] },
  ];
  const overdue = card({ header: { title: 'Overdue: 3 items' }, elements: [{ type: 'markdown', text: 'Past due.' }], mentions });
  const tappable = card({
    ...overdue,
    elements: [...overdue.elements, { type: 'buttons', buttons: [{ label: 'Open', action: { token: 'tok.open' } }] }],
  });
  const configOf = (fake: FakeDingTalk) => ({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    robotCode: fake.robotCode,
    apiBase: fake.apiBase,
    gatewayUrl: undefined,
  });

  it("@-mentions a templated card's people through imGroupOpenDeliverModel.atUserIds, and names them on the card", async () => {
    const fake = await startFakeDingTalk();
    try {
      const base = configOf(fake);
      const deliverer = createDingTalkDeliverer(new DingTalkApi(base), { ...base, cardTemplateId: STOCKTAKE_TEMPLATE_ID });
      const { messageId } = await deliverer.send(GROUP, overdue, { idempotencyKey: 'outbox-1' });
      const sent = fake.cards.get(messageId)!;
      expect((sent.createBody as { imGroupOpenDeliverModel: unknown }).imGroupOpenDeliverModel).toEqual({
        robotCode: fake.robotCode,
        atUserIds: { sam01: 'Sam Chen' },
      });
      expect(sent.params.markdown).toBe('@Sam Chen, Mo\n\nPast due.');
      // A card without mentions is delivered as before.
      const plain = await deliverer.send(GROUP, card({ header: { title: 'x' }, elements: [] }), { idempotencyKey: 'outbox-2' });
      expect((fake.cards.get(plain.messageId)!.createBody as { imGroupOpenDeliverModel: unknown }).imGroupOpenDeliverModel).toEqual({
        robotCode: fake.robotCode,
      });
    } finally {
      await fake.close();
    }
  });

  it("without a template, @-mentions through the group's session webhook, and names the people when it has none", async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    const fake = await startFakeDingTalk();
    const adapter = createDingTalkAdapter(
      { ...configOf(fake), cardTemplateId: null, gatewayUrl: fake.gatewayUrl },
      { log: () => {}, limits: FAST },
    );
    try {
      // No one has written in the group yet: no session, so the robot API, which cannot @, names them.
      await adapter.send(GROUP, overdue, { idempotencyKey: 'outbox-1' });
      expect(fake.robotMessages.at(-1)!.msgParam.text).toBe('#### ℹ️ Overdue: 3 items\n\nSam Chen, Mo\n\nPast due.');
      expect(fake.webhookMessages).toHaveLength(0);

      await adapter.start(async () => null);
      await fake.waitFor(() => fake.connectionCount() === 1);
      await fake.sendRobotMessage({ conversationId: GROUP, staffId: STAFF.sam, text: 'help' });
      await adapter.whenIdle();
      const robotCount = fake.robotMessages.length;
      // Markdown carries `at`: the whole card goes through the session webhook.
      expect(await adapter.send(GROUP, overdue, { idempotencyKey: 'outbox-2' })).toEqual({ messageId: 'session-outbox-2' });
      expect(fake.webhookMessages.at(-1)).toMatchObject({
        conversationId: GROUP,
        body: {
          msgtype: 'markdown',
          markdown: { text: '#### ℹ️ Overdue: 3 items\n\n@sam01, Mo\n\nPast due.' },
          at: { atUserIds: ['sam01'], isAtAll: false },
        },
      });
      // A card with buttons is markdown in a group too (what to send, no links), so it carries the @ as well.
      await adapter.send(GROUP, tappable, { idempotencyKey: 'outbox-3' });
      expect(fake.robotMessages).toHaveLength(robotCount);
      expect(fake.webhookMessages.at(-1)!.body).toMatchObject({
        msgtype: 'markdown',
        markdown: { text: expect.stringContaining('**Open** — tap tok.open') },
        at: { atUserIds: ['sam01'], isAtAll: false },
      });
    } finally {
      await adapter.stop();
      await fake.close();
      vi.restoreAllMocks();
    }
  });

  it('falls back to naming the people when the session webhook has lapsed, and forgets it', async () => {
    const fake = await startFakeDingTalk();
    try {
      const base = configOf(fake);
      const sessions = new SessionWebhooks();
      sessions.remember(GROUP, `${fake.apiBase}/robot/sendBySession?session=gone`, Date.now() + 3600_000);
      const deliverer = createDingTalkDeliverer(new DingTalkApi(base), { ...base, cardTemplateId: null }, DINGTALK_LIMITS, sessions);
      await deliverer.send(GROUP, overdue, { idempotencyKey: 'outbox-1' });
      expect(fake.robotMessages.at(-1)!.msgParam.text).toContain('Sam Chen, Mo');
      expect(sessions.fresh(GROUP)).toBeNull();
      // One about to lapse is not used at all.
      sessions.remember(GROUP, `${fake.apiBase}/robot/sendBySession?session=soon`, Date.now() + 30_000);
      expect(sessions.fresh(GROUP)).toBeNull();
    } finally {
      await fake.close();
    }
  });
});

describe('DingTalk direct messages (dm:<staff id>)', () => {
  const configOf = (fake: FakeDingTalk) => ({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    robotCode: fake.robotCode,
    apiBase: fake.apiBase,
    gatewayUrl: undefined,
  });
  const reminder = card({
    header: { title: 'Reminder' },
    elements: [
      { type: 'markdown', text: 'Three lines wait for you.' },
      { type: 'buttons', buttons: [{ label: 'Open', action: { token: 'tok.open' } }] },
    ],
  });

  it('sends a one-to-one robot message to the person, and refuses someone outside the organisation as unreachable', async () => {
    const fake = await startFakeDingTalk({ staff: [STAFF.sue] });
    try {
      const deliverer = createDingTalkDeliverer(new DingTalkApi(configOf(fake)), { ...configOf(fake), cardTemplateId: null });
      const sent = await deliverer.send(`dm:${STAFF.sue}`, reminder, { idempotencyKey: 'dm-1' });
      expect(sent.messageId).not.toBe('');
      expect(fake.robotMessages.at(-1)).toMatchObject({ kind: 'oto', body: { userIds: [STAFF.sue], robotCode: fake.robotCode } });
      // One-to-one, the robot reads every message: link buttons work there.
      expect(fake.robotMessages.at(-1)!.body.msgKey).toBe('sampleActionCard');
      const prompt = await deliverer.prompt(`dm:${STAFF.sue}`, 'Why?', { idempotencyKey: 'dm-2' });
      expect(prompt.messageId).not.toBe('');
      const refused = await deliverer.send('dm:gone01', reminder, { idempotencyKey: 'dm-3' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DeliveryError);
      expect(refused).toMatchObject({ permanent: true, options: { unreachable: true } });
    } finally {
      await fake.close();
    }
  });

  it('with a template, delivers an interactive card to the IM_ROBOT space, updates it by the returned id, and reports the unreachable', async () => {
    const fake = await startFakeDingTalk({ staff: [STAFF.sue] });
    try {
      const config = { ...configOf(fake), cardTemplateId: STOCKTAKE_TEMPLATE_ID };
      const deliverer = createDingTalkDeliverer(new DingTalkApi(config), config);
      const { messageId } = await deliverer.send(`dm:${STAFF.sue}`, reminder, { idempotencyKey: 'dm-1' });
      const sent = fake.cards.get(messageId)!;
      expect(sent).toMatchObject({ spaceType: 'IM_ROBOT', spaceId: STAFF.sue, openSpaceId: `dtv1.card//IM_ROBOT.${STAFF.sue}` });
      await deliverer.update(`dm:${STAFF.sue}`, messageId, card({ ...reminder, header: { title: 'Reminder · done' } }));
      expect(sent.params.title).toBe('Reminder · done');
      const refused = await deliverer.send('dm:gone01', reminder, { idempotencyKey: 'dm-2' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ permanent: true, options: { unreachable: true } });
      // A group is never "unreachable" in that sense.
      const group = await deliverer.send('cidUnknown==', reminder, { idempotencyKey: 'dm-3' });
      expect(fake.cards.get(group.messageId)!.spaceType).toBe('IM_GROUP');
    } finally {
      await fake.close();
    }
  });

  it('reads a one-to-one message and a tap on an IM_ROBOT card as the same dm: chat', () => {
    const direct = { conversationId: 'cid1to1', conversationType: '1', msgId: 'm1', senderStaffId: STAFF.sue, senderId: '$:x' };
    expect(robotMessageEvent({ ...direct, msgtype: 'text', text: { content: 'status' } }, async () => Buffer.alloc(0))).toMatchObject({
      chatId: `dm:${STAFF.sue}`,
    });
    const content = JSON.stringify({ cardPrivateData: { actionIds: ['tok.open'], params: {} } });
    expect(
      cardCallbackEvent({ outTrackId: 'stk_1', userId: STAFF.sue, spaceType: 'IM_ROBOT', spaceId: STAFF.sue, content }, 'f1'),
    ).toMatchObject({
      chatId: `dm:${STAFF.sue}`,
      chatType: 'direct',
    });
  });
});

describe('DingTalk documentation', () => {
  const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const section = () => {
    const readme = read('README.md');
    const start = readme.indexOf('### DingTalk');
    return readme.slice(start, readme.indexOf('\n### ', start + 1));
  };

  it('names the permissions for sending, file download, media upload and cards, and links the template steps', () => {
    const text = section();
    expect(text).toMatch(/qyapi_robot_sendmsg[\s\S]{0,400}messageFiles\/download/);
    expect(text).toMatch(/qyapi_base[\s\S]{0,200}media\/upload/);
    expect(text).toContain('Card.Instance.Write');
    expect(text).toContain('bots/dingtalk/templates/README.md');
    expect(text).toContain('<!-- onboarding:dingtalk -->');
  });

  it('walks through importing the shipped template and names every variable it declares', () => {
    const steps = read('bots/dingtalk/templates/README.md');
    expect(steps).toContain('更多 → 导入');
    expect(steps).toContain('DINGTALK_CARD_TEMPLATE_ID');
    for (const name of loadCardTemplate(SHIPPED_TEMPLATE_PATH).variables.keys()) expect(steps).toContain(`\`${name}\``);
  });
});
