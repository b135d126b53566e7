// Smoke test of the fake DingTalk platform, driven only by the real dingtalk-stream SDK (through
// GatewayDWClient) and plain fetch — the same two things the product adapter uses.
import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GatewayDWClient } from '../../bots/dingtalk/streamClient.ts';
import {
  startFakeDingTalk,
  STOCKTAKE_TEMPLATE_ID,
  type CardCallbackPayload,
  type FakeDingTalk,
  type RobotMessagePayload,
} from './dingtalk/index.ts';

const GROUP = 'cidFakeGroup0001==';

let fake: FakeDingTalk;
let client: GatewayDWClient;
let token: string;
const robotEvents: DWClientDownStream[] = [];
const downloads = new Map<string, Buffer>();
const listenerErrors: unknown[] = [];
const ignoredOnce = new Set<string>();
const taps: { actionIds: string[]; params: Record<string, unknown> }[] = [];
const BUTTONS = JSON.stringify([
  { id: 'approve', text: 'Approve', color: 'blue' },
  { id: 'stay-silent', text: 'Later', color: 'gray' },
  { id: 'undeclared', text: 'Odd', color: 'red' },
]);

async function api(method: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${client.openApiBase}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
    body: JSON.stringify(body),
  });
}

function cardBody(outTrackId: string, cardParamMap: Record<string, unknown>) {
  return {
    cardTemplateId: STOCKTAKE_TEMPLATE_ID,
    outTrackId,
    callbackType: 'STREAM',
    cardData: { cardParamMap },
    openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
    imGroupOpenSpaceModel: { supportForward: false },
    imGroupOpenDeliverModel: { robotCode: fake.robotCode },
  };
}

beforeAll(async () => {
  // The SDK logs "connect success" / "Disconnecting." with console.info even when debug is false.
  vi.spyOn(console, 'info').mockImplementation(() => {});
  // One re-push, 200 ms after a push nobody acked: a client slowed down by a busy machine gets at most one
  // duplicate, so the count of pushes below does not depend on how fast the ack comes back.
  fake = await startFakeDingTalk({ redeliveryDelayMs: 200, maxRedeliveries: 1 });
  client = new GatewayDWClient({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    gatewayUrl: fake.gatewayUrl,
    apiBase: fake.apiBase,
    debug: false,
  });

  client.registerCallbackListener(TOPIC_ROBOT, async (event) => {
    try {
      robotEvents.push(event);
      const msg = JSON.parse(event.data) as RobotMessagePayload;
      const text = msg.text?.content.trim() ?? '';
      if (text === 'ignore me once' && !ignoredOnce.has(msg.msgId)) {
        ignoredOnce.add(msg.msgId); // no ack: the platform pushes it again
        return;
      }
      if (msg.msgtype === 'file' && msg.content && 'fileName' in msg.content) {
        const res = await fetch(`${client.openApiBase}/v1.0/robot/messageFiles/download`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': await client.getAccessToken() },
          body: JSON.stringify({ downloadCode: msg.content.downloadCode, robotCode: msg.robotCode }),
        });
        const { downloadUrl } = (await res.json()) as { downloadUrl: string };
        downloads.set(msg.content.fileName, Buffer.from(await (await fetch(downloadUrl)).arrayBuffer()));
      } else {
        await fetch(msg.sessionWebhook, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'text', text: { content: `echo:${text}` } }),
        });
      }
      client.socketCallBackResponse(event.headers.messageId, { status: 'SUCCESS' });
    } catch (error) {
      listenerErrors.push(error);
    }
  });

  client.registerCallbackListener(TOPIC_CARD, (event) => {
    try {
      const callback = JSON.parse(event.data) as CardCallbackPayload;
      const { cardPrivateData } = JSON.parse(callback.content) as {
        cardPrivateData: { actionIds: string[]; params: Record<string, unknown> };
      };
      taps.push(cardPrivateData);
      const action = cardPrivateData.actionIds[0]!;
      if (action === 'stay-silent') return;
      // A tap on "undeclared" answers with a variable the template does not have: the platform refuses it.
      const cardParamMap = action === 'undeclared' ? { status: 'x' } : { markdown: action };
      client.socketCallBackResponse(event.headers.messageId, {
        cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
        cardData: { cardParamMap },
        userPrivateData: { cardParamMap: { toast: `tapped by ${callback.userId}` } },
      });
    } catch (error) {
      listenerErrors.push(error);
    }
  });

  await client.connect(); // never rejects: failures only schedule a retry
  await fake.waitFor(() => client.connected && fake.connectionCount() === 1);
  token = await client.getAccessToken();
});

afterAll(async () => {
  // Disconnect while connected: DWClient then schedules no reconnect timer that could keep the process up.
  client?.disconnect();
  await fake?.waitFor(() => fake.connectionCount() === 0).catch(() => {});
  await fake?.close();
  vi.restoreAllMocks();
  expect(listenerErrors).toEqual([]);
});

describe('fake DingTalk with the real dingtalk-stream SDK', () => {
  it('opens the stream through the configured gateway with the registered callback topics', () => {
    const open = fake.requests.find((r) => r.path === '/v1.0/gateway/connections/open');
    expect(open).toMatchObject({ method: 'POST', status: 200, body: { clientId: fake.clientId, clientSecret: fake.clientSecret } });
    expect(fake.subscriptions()).toEqual(
      expect.arrayContaining([
        { type: 'EVENT', topic: '*' },
        { type: 'CALLBACK', topic: TOPIC_ROBOT },
        { type: 'CALLBACK', topic: TOPIC_CARD },
      ]),
    );
    expect(client.config.access_token).toBe(token);
    expect(fake.requests.some((r) => r.path === '/v1.0/oauth2/accessToken' && r.status === 200)).toBe(true);
  });

  it('answers a SYSTEM ping with the same opaque', async () => {
    const echo = await fake.ping();
    expect(echo?.code).toBe(200);
    expect(echo?.data).toEqual({ opaque: expect.any(String) });
  });

  it('delivers an @-mention; the bot replies through the sessionWebhook and acks', async () => {
    const sent = await fake.sendRobotMessage({ conversationId: GROUP, staffId: 'manager01', nick: 'Wang', text: 'variances' });
    expect(sent.acked).toEqual({ response: { status: 'SUCCESS' } });
    expect(fake.webhookMessages).toContainEqual({ conversationId: GROUP, body: { msgtype: 'text', text: { content: 'echo:variances' } } });
    const event = robotEvents.at(-1)!;
    expect(event).toMatchObject({ specVersion: '1.0', type: 'CALLBACK', headers: { topic: TOPIC_ROBOT, contentType: 'application/json' } });
    const msg = JSON.parse(event.data) as RobotMessagePayload;
    expect(msg).toMatchObject({
      conversationType: '2',
      senderStaffId: 'manager01',
      isInAtList: true,
      msgtype: 'text',
      text: { content: ' variances' },
    });
    expect(msg.atUsers).toEqual([{ dingtalkId: fake.chatbotUserId }]);
    expect(fake.unacked()).not.toContain(sent.messageId);
  });

  it('takes @-mentions: at.atUserIds on a session webhook message, imGroupOpenDeliverModel.atUserIds on a card', async () => {
    await fake.sendRobotMessage({ conversationId: GROUP, staffId: 'manager01', text: 'variances' });
    const { sessionWebhook } = JSON.parse(robotEvents.at(-1)!.data) as RobotMessagePayload;
    const post = async (body: unknown) =>
      (await fetch(sessionWebhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const body = {
      msgtype: 'markdown',
      markdown: { title: 'Overdue', text: '@manager01 please look' },
      at: { atUserIds: ['manager01'], isAtAll: false },
    };
    expect(await post(body)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(fake.webhookMessages.at(-1)).toEqual({ conversationId: GROUP, body });
    expect(await post({ ...body, at: { atUserIds: 'manager01' } })).toMatchObject({ errcode: 40035 });

    const at = (atUserIds: unknown) => ({
      ...cardBody(`at-${JSON.stringify(atUserIds).length}`, { title: 'Overdue' }),
      imGroupOpenDeliverModel: { robotCode: fake.robotCode, atUserIds },
    });
    expect((await api('POST', '/v1.0/card/instances/createAndDeliver', at({ manager01: 'Wang' }))).status).toBe(200);
    expect((await api('POST', '/v1.0/card/instances/createAndDeliver', at(['manager01']))).status).toBe(400);
  });

  it('does not deliver group chatter that does not @ the bot', async () => {
    const sent = await fake.sendRobotMessage({ conversationId: GROUP, staffId: 'clerk01', text: 'lunch?', atBot: false });
    expect(sent.delivered).toBe(false);
  });

  it('pushes an unacked callback again with the same messageId until it is acked', async () => {
    // The listener skips the first push; the redelivery (200 ms later) is acked.
    const sent = await fake.sendRobotMessage({ conversationId: GROUP, staffId: 'clerk01', text: 'ignore me once' });
    expect(sent.acked).toEqual({ response: { status: 'SUCCESS' } });
    expect(fake.unacked()).not.toContain(sent.messageId);
    const pushes = robotEvents.filter((e) => e.headers.messageId === sent.messageId);
    expect(pushes).toHaveLength(2);
    expect(pushes[1]!.data).toBe(pushes[0]!.data);
    expect(fake.pushes(sent.messageId!)).toBe(2);
  });

  it('creates a card, rejects non-string card data, applies a tap response and a keyed update', async () => {
    const bad = await api('POST', '/v1.0/card/instances/createAndDeliver', cardBody('bad-1', { lines: 3 }));
    expect(bad.status).toBe(400);

    const created = await api(
      'POST',
      '/v1.0/card/instances/createAndDeliver',
      cardBody('variance-1', { title: 'Count 7', markdown: 'pending', buttons: BUTTONS, hasButtons: 'true' }),
    );
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({
      success: true,
      result: { outTrackId: 'variance-1', deliverResults: [{ spaceType: 'IM_GROUP', spaceId: GROUP, success: true }] },
    });

    const tap = await fake.tapCard({ outTrackId: 'variance-1', userId: 'manager01', tap: { button: 'approve' } });
    expect(tap.acked).toBe(true);
    expect(taps.at(-1)).toEqual({ actionIds: ['approve'], params: {} });
    expect(tap.response).toMatchObject({ cardData: { cardParamMap: { markdown: 'approve' } } });
    const card = fake.cards.get('variance-1')!;
    expect(card.params).toMatchObject({ title: 'Count 7', markdown: 'approve' });
    expect(card.privateData.manager01).toEqual({ toast: 'tapped by manager01' });

    const again = await fake.redeliver(tap.messageId);
    expect(again.response).toEqual(tap.response);

    // Never acked: a short wait is enough (a slower client only makes the ack later still).
    const silent = await fake.tapCard({ outTrackId: 'variance-1', userId: 'clerk01', tap: { button: 'stay-silent' }, ackWaitMs: 1500 });
    expect(silent.acked).toBe(false);
    expect(fake.unacked()).toContain(silent.messageId);

    const updated = await api('PUT', '/v1.0/card/instances', {
      outTrackId: 'variance-1',
      cardData: { cardParamMap: { markdown: 'posted' } },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
    expect(await updated.json()).toEqual({ success: true, result: true });
    expect(card.params).toMatchObject({ title: 'Count 7', markdown: 'posted' });
    expect(card.history.map((h) => h.markdown)).toEqual(['pending', 'approve', 'approve', 'posted']);
  });

  it('holds cards to the shipped template: unknown template ids and undeclared variables are refused', async () => {
    const create = (body: unknown) => api('POST', '/v1.0/card/instances/createAndDeliver', body);
    const refused = async (res: Response) => {
      expect(res.status).toBe(400);
      return ((await res.json()) as { message: string }).message;
    };
    expect(await refused(await create({ ...cardBody('tpl-1', { title: 'x' }), cardTemplateId: 'made-up.schema' }))).toMatch(
      /made-up\.schema/,
    );
    expect(await refused(await create(cardBody('tpl-2', { title: 'x', status: 'pending' })))).toMatch(/status is not declared/);
    expect(await refused(await create(cardBody('tpl-3', { buttons: JSON.stringify([{ id: 'a', text: 'A', style: 'primary' }]) })))).toMatch(
      /field style/,
    );
    expect(await refused(await create(cardBody('tpl-4', { hasButtons: 'yes' })))).toMatch(/boolean/);
    expect(await refused(await create(cardBody('tpl-5', { select_options: JSON.stringify(['damage']) })))).toMatch(/selectOptions/);
    expect(await refused(await create({ ...cardBody('tpl-6', {}), privateData: { sam01: { cardParamMap: { tappedBy: 'x' } } } }))).toMatch(
      /tappedBy/,
    );
    expect([...fake.cards.keys()].filter((k) => k.startsWith('tpl-'))).toEqual([]);

    // An update and a tap answer are held to it too.
    expect((await create(cardBody('tpl-ok', { title: 'ok', buttons: BUTTONS, hasButtons: 'true' }))).status).toBe(200);
    const put = await api('PUT', '/v1.0/card/instances', { outTrackId: 'tpl-ok', cardData: { cardParamMap: { state: 'red' } } });
    expect(await refused(put)).toMatch(/state is not declared/);
    const odd = await fake.tapCard({ outTrackId: 'tpl-ok', userId: 'manager01', tap: { button: 'undeclared' } });
    expect(odd.cardUpdateError).toMatch(/status is not declared/);
    await expect(fake.tapCard({ outTrackId: 'tpl-ok', userId: 'manager01', tap: { button: 'nope' } })).rejects.toThrow(/no button/);
    await expect(fake.tapCard({ outTrackId: 'tpl-ok', userId: 'manager01', tap: { select: 0 } })).rejects.toThrow(/no select/);
  });

  it("reports a select by the chosen option's index and an input by its text, as the template's components do", async () => {
    const data = {
      title: 'Variance',
      select_id: 'tok.cause',
      select_placeholder: 'Cause',
      select_options: JSON.stringify([
        { value: 'theft', text: { zh_CN: '盗失', en_US: 'Theft' } },
        { value: 'damage', text: { zh_CN: '损坏', en_US: 'Damage' } },
      ]),
      select_values: JSON.stringify(['theft', 'damage']),
      select_index: '-1',
      hasSelect: 'true',
      input_id: 'tok.note',
      input_label: 'Note',
      hasInput: 'true',
    };
    expect((await api('POST', '/v1.0/card/instances/createAndDeliver', cardBody('parts-1', data))).status).toBe(200);
    await fake.tapCard({ outTrackId: 'parts-1', userId: 'manager01', tap: { select: 1 } });
    expect(taps.at(-1)).toEqual({ actionIds: ['tok.cause'], params: { 'tok.cause': { index: 1 }, select_values: '["theft","damage"]' } });
    await fake.tapCard({ outTrackId: 'parts-1', userId: 'manager01', tap: { input: '少了 3 箱' } });
    expect(taps.at(-1)).toEqual({ actionIds: ['tok.note'], params: { 'tok.note': '少了 3 箱' } });
    await expect(fake.tapCard({ outTrackId: 'parts-1', userId: 'manager01', tap: { select: 2 } })).rejects.toThrow(/no option 2/);
  });

  it('sends one-to-one robot messages and IM_ROBOT cards only to staff of the organisation', async () => {
    const oto = (userIds: string[]) =>
      api('POST', '/v1.0/robot/oToMessages/batchSend', {
        robotCode: fake.robotCode,
        userIds,
        msgKey: 'sampleText',
        msgParam: JSON.stringify({ content: 'Reminder' }),
      });
    const stranger = await oto(['nobody01']);
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toMatchObject({ code: 'staffId.notExisted' });
    expect((await oto(['manager01'])).status).toBe(200); // manager01 wrote to the robot above
    expect(fake.robotMessages.at(-1)).toMatchObject({ kind: 'oto', body: { userIds: ['manager01'] } });
    expect((await oto(Array.from({ length: 21 }, () => 'manager01'))).status).toBe(400);

    const robotCard = (outTrackId: string, userId: string, deliver: unknown = { spaceType: 'IM_ROBOT', robotCode: fake.robotCode }) => ({
      cardTemplateId: STOCKTAKE_TEMPLATE_ID,
      outTrackId,
      callbackType: 'STREAM',
      cardData: { cardParamMap: { title: 'Reminder' } },
      openSpaceId: `dtv1.card//IM_ROBOT.${userId}`,
      imRobotOpenSpaceModel: { supportForward: false },
      imRobotOpenDeliverModel: deliver,
    });
    const create = async (body: unknown) => (await api('POST', '/v1.0/card/instances/createAndDeliver', body)).json();
    expect(await create(robotCard('dm-1', 'manager01'))).toMatchObject({ result: { deliverResults: [{ success: true }] } });
    expect(fake.cards.get('dm-1')).toMatchObject({ spaceType: 'IM_ROBOT', spaceId: 'manager01' });
    expect(await create(robotCard('dm-2', 'nobody01'))).toMatchObject({ result: { deliverResults: [{ success: false }] } });
    expect(fake.cards.has('dm-2')).toBe(false);
    expect(await create(robotCard('dm-3', 'manager01', { robotCode: fake.robotCode }))).toMatchObject({
      code: 'param.openDeliverModelInvalid',
    });
  });

  it('answers an injected 429 once, with Retry-After', async () => {
    fake.failNext({ method: 'PUT', pathIncludes: '/v1.0/card/instances' }, { status: 429, retryAfterSeconds: 2 });
    const body = {
      outTrackId: 'variance-1',
      cardData: { cardParamMap: { markdown: 'x' } },
      cardUpdateOptions: { updateCardDataByKey: true },
    };
    const throttled = await api('PUT', '/v1.0/card/instances', body);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(await throttled.json()).toMatchObject({ code: 'Throttling' });
    expect((await api('PUT', '/v1.0/card/instances', body)).status).toBe(200);
  });

  it('serves a file sent in a single chat through messageFiles/download', async () => {
    const content = Buffer.from('sku,counted\nA-1,12\n');
    const sent = await fake.sendRobotMessage({
      conversationId: 'cidSingle01==',
      conversationType: '1',
      staffId: 'clerk01',
      file: { name: 'count.csv', content },
    });
    expect(sent.acked).toEqual({ response: { status: 'SUCCESS' } });
    expect(downloads.get('count.csv')).toEqual(content);
    await expect(fake.sendRobotMessage({ conversationId: GROUP, staffId: 'clerk01', file: { name: 'x.csv', content } })).rejects.toThrow(
      /single chat/,
    );
  });

  it('records proactive group messages', async () => {
    const res = await api('POST', '/v1.0/robot/groupMessages/send', {
      msgParam: JSON.stringify({ title: 'Digest', text: '**3** variances' }),
      msgKey: 'sampleMarkdown',
      openConversationId: GROUP,
      robotCode: fake.robotCode,
    });
    expect(await res.json()).toEqual({ processQueryKey: expect.any(String) });
    expect(fake.robotMessages.at(-1)).toMatchObject({ kind: 'group', msgParam: { title: 'Digest' } });
  });

  it('takes an image through the legacy media upload and refuses what oapi refuses, with errcode', async () => {
    const upload = async (fields: { type?: string; file?: [Buffer, string]; token?: string }) => {
      const form = new FormData();
      if (fields.type) form.set('type', fields.type);
      if (fields.file) form.set('media', new Blob([new Uint8Array(fields.file[0])]), fields.file[1]);
      const res = await fetch(`${client.openApiBase}/media/upload?access_token=${fields.token ?? token}`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      return (await res.json()) as { errcode: number; errmsg: string; media_id?: string };
    };
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const ok = await upload({ type: 'image', file: [png, 'chart.png'] });
    expect(ok).toMatchObject({ errcode: 0, errmsg: 'ok', media_id: expect.stringMatching(/^@lADP/) });
    expect(fake.media.get(ok.media_id!)).toMatchObject({ type: 'image', filename: 'chart.png', content: png });
    expect(fake.requests.at(-1)!.body).toEqual({
      form: [
        { name: 'type', filename: undefined, size: 5 },
        { name: 'media', filename: 'chart.png', size: png.length },
      ],
    });
    expect(await upload({ type: 'image', file: [png, 'chart.png'], token: 'nope' })).toMatchObject({ errcode: 40014 });
    expect(await upload({ type: 'sticker', file: [png, 'chart.png'] })).toMatchObject({ errcode: 40004 });
    expect(await upload({ type: 'image', file: [png, 'chart.svg'] })).toMatchObject({ errcode: 40005 });
    expect(await upload({ type: 'image' })).toMatchObject({ errcode: 40035 });
  });

  it('rejects an expired access token with 401 until a fresh one is fetched', async () => {
    fake.expireTokens();
    const body = {
      outTrackId: 'variance-1',
      cardData: { cardParamMap: { markdown: 'y' } },
      cardUpdateOptions: { updateCardDataByKey: true },
    };
    const denied = await api('PUT', '/v1.0/card/instances', body);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ code: 'InvalidAuthentication' });
    token = await client.getAccessToken();
    expect((await api('PUT', '/v1.0/card/instances', body)).status).toBe(200);
  });

  it('keeps a second client down when shutdown() races the SDK reconnect timer', async () => {
    const other = new GatewayDWClient({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      gatewayUrl: fake.gatewayUrl,
      apiBase: fake.apiBase,
    });
    other.registerCallbackListener(TOPIC_ROBOT, () => {});
    await other.connect();
    await fake.waitFor(() => other.connected && fake.connectionCount() === 2);
    const opens = fake.requests.filter((r) => r.path === '/v1.0/gateway/connections/open').length;
    await fake.disconnectAll(); // both drop; each SDK schedules a reconnect in 1 s
    other.shutdown(); // plain disconnect() here would be undone by that timer
    await fake.waitFor(() => client.connected && fake.connectionCount() >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.connectionCount()).toBe(1);
    expect(other.connected).toBe(false);
    expect(fake.requests.filter((r) => r.path === '/v1.0/gateway/connections/open').length).toBe(opens + 1);
  });

  it('reconnects through the gateway after a SYSTEM disconnect', async () => {
    const opens = () => fake.requests.filter((r) => r.path === '/v1.0/gateway/connections/open').length;
    const before = opens();
    await fake.disconnectAll();
    await fake.waitFor(() => opens() > before && client.connected && fake.connectionCount() === 1);
    const sent = await fake.sendRobotMessage({ conversationId: GROUP, staffId: 'manager01', text: 'still there?' });
    expect(sent.acked).toEqual({ response: { status: 'SUCCESS' } });
  });
});
