import type { Readable } from 'node:stream';
import { Client, EventDispatcher, LoggerLevel, WSClient, type Logger } from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAndEncryptCallback, startFakeFeishu, type FakeFeishu } from './feishu/index.ts';

// Smoke test of the fake itself: the real SDK, unmodified, against the fake. If this passes, the
// adapter tests built on the fake are exercising the same wire shapes the SDK sees in production.

// The SDK logs through console by default. LoggerLevel.fatal (0) does not silence Client or
// EventDispatcher (they do `loggerLevel || info`), so give every part a logger that just collects.
const logs: string[] = [];
const logger: Logger = {
  error: (...m) => void logs.push(`error ${JSON.stringify(m)}`),
  warn: (...m) => void logs.push(`warn ${JSON.stringify(m)}`),
  info: () => {},
  debug: () => {},
  trace: () => {},
};

// Axios errors, as the SDK rethrows them (axios is only the SDK's dependency, so no import of it here).
interface HttpError {
  isAxiosError: true;
  response: { status: number; data: any; headers: Record<string, string> };
}

const card = (text: string, updateMulti: boolean | undefined = true) => ({
  schema: '2.0',
  config: updateMulti === undefined ? {} : { update_multi: updateMulti },
  body: {
    elements: [
      { tag: 'markdown', content: text },
      { tag: 'button', text: { tag: 'plain_text', content: 'Approve' }, behaviors: [{ type: 'callback', value: { action: 'approve' } }] },
    ],
  },
});

async function streamBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('fake Feishu against the real SDK', () => {
  let fake: FakeFeishu;
  let client: Client;
  let ws: WSClient;
  const seen: { type: string; data: any }[] = [];

  beforeAll(async () => {
    fake = await startFakeFeishu();
    client = new Client({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.domain, logger, loggerLevel: LoggerLevel.error });
    const dispatcher = new EventDispatcher({ logger, loggerLevel: LoggerLevel.error }).register({
      'im.message.receive_v1': async (data) => {
        seen.push({ type: 'message', data });
        const text = JSON.parse(data.message.content).text as string | undefined;
        if (text?.includes('hello')) {
          await client.im.v1.message.create({
            params: { receive_id_type: 'chat_id' },
            data: {
              receive_id: data.message.chat_id,
              msg_type: 'interactive',
              content: JSON.stringify(card(`hi ${data.sender.sender_id?.open_id}`)),
            },
          });
        }
      },
      'card.action.trigger': async (data: any) => {
        seen.push({ type: 'card', data });
        return { toast: { type: 'success', content: 'ok' } };
      },
    });
    ws = new WSClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.domain, logger, loggerLevel: LoggerLevel.error });
    await ws.start({ eventDispatcher: dispatcher });
  });

  afterAll(async () => {
    ws?.close({ force: true });
    await fake?.close();
  });

  it('delivers a message event over the long connection and records the reply the handler sends', async () => {
    const user = 'ou_11111111111111111111111111111111';
    const r = await fake.sendMessage({ chatId: 'oc_group1', openId: user, text: 'hello', mentionBot: true });
    expect(r.code).toBe(200);
    expect(r.reply).toBeUndefined(); // the message handler returned nothing

    const data = seen.find((s) => s.type === 'message')!.data;
    expect(data.event_type).toBe('im.message.receive_v1'); // the SDK flattens header and event
    expect(data.event_id).toBe(r.eventId);
    expect(data.message).toMatchObject({ message_id: r.messageId, chat_id: 'oc_group1', chat_type: 'group', message_type: 'text' });
    expect(JSON.parse(data.message.content)).toEqual({ text: '@_user_1 hello' });
    expect(data.message.mentions[0]).toMatchObject({ key: '@_user_1', id: { open_id: fake.botOpenId } });

    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ chatId: 'oc_group1', msgType: 'interactive', updates: [] });
    expect((fake.messages[0]!.content as any).body.elements[0].content).toBe(`hi ${user}`);
    const send = fake.requests.find((q) => q.path.startsWith('/open-apis/im/v1/messages?'))!;
    expect(send).toMatchObject({ method: 'POST', path: '/open-apis/im/v1/messages?receive_id_type=chat_id', status: 200 });
    expect(fake.requests.some((q) => q.path === '/open-apis/auth/v3/tenant_access_token/internal')).toBe(true);
  });

  it('returns the card handler result (the toast) on the reply frame', async () => {
    const cardMsg = fake.messages[0]!;
    const r = await fake.tapCard({ messageId: cardMsg.messageId, openId: 'ou_2', value: { action: 'approve' } });
    expect(r.code).toBe(200);
    expect(r.reply).toEqual({ toast: { type: 'success', content: 'ok' } });
    const data = seen.find((s) => s.type === 'card')!.data;
    expect(data).toMatchObject({
      event_type: 'card.action.trigger',
      operator: { open_id: 'ou_2' },
      token: r.token,
      action: { tag: 'button', value: { action: 'approve' } },
      context: { open_message_id: cardMsg.messageId, open_chat_id: 'oc_group1' },
    });

    // Redelivery carries the same event_id: the handler sees it twice (dedup is the bot's job).
    await fake.redeliver(r.eventId);
    expect(seen.filter((s) => s.type === 'card' && s.data.event_id === r.eventId)).toHaveLength(2);
  });

  it('accepts a delayed card update with the tap token, at most twice', async () => {
    const cardMsg = fake.messages[0]!;
    const { token } = await fake.tapCard({ messageId: cardMsg.messageId, openId: 'ou_2', value: { action: 'approve' } });
    const update = (text: string) =>
      client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token, card: card(text) } });
    expect(await update('approved')).toMatchObject({ code: 0 });
    await update('approved again');
    expect(cardMsg.updates.map((c: any) => c.body.elements[0].content)).toEqual(['approved', 'approved again']);
    const third = await update('too many').catch((e: HttpError) => e.response);
    expect(third).toMatchObject({ status: 400 });
  });

  it('keeps delivering after the connection drops: the SDK reconnects by itself', async () => {
    fake.disconnect();
    const r = await fake.sendMessage({ chatId: 'oc_group1', openId: 'ou_4', chatType: 'p2p', text: 'still there?' });
    expect(r.code).toBe(200);
    expect(fake.connections).toBe(1);
  });

  it('surfaces a 429 to the caller so the sender can retry', async () => {
    fake.failNext({ method: 'POST', pathIncludes: '/open-apis/im/v1/messages' }, { status: 429, resetSeconds: 2 });
    const send = () =>
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_group1', msg_type: 'text', content: JSON.stringify({ text: 'x' }) },
      });
    const err = await send().catch((e: unknown) => e);
    expect((err as HttpError).isAxiosError).toBe(true);
    const res = (err as HttpError).response;
    expect(res.status).toBe(429);
    expect(res.data).toMatchObject({ code: 99991400 });
    expect(res.headers['x-ogw-ratelimit-reset']).toBe('2');
    const ok = await send(); // only the next call failed
    expect(ok.code).toBe(0);
  });

  it('honours uuid: the same uuid returns the same message and records nothing new', async () => {
    const before = fake.messages.length;
    const send = () =>
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_group1', msg_type: 'text', content: JSON.stringify({ text: 'once' }), uuid: 'digest-2024-06-01' },
      });
    const a = await send();
    const b = await send();
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(fake.messages.length).toBe(before + 1);
  });

  it('serves the bytes of a file the user sent', async () => {
    const content = Buffer.from('sku,qty\nA-1,3\n');
    const r = await fake.sendMessage({ chatId: 'oc_group1', openId: 'ou_3', file: { name: 'count.csv', content } });
    const data = seen.find((s) => s.type === 'message' && s.data.message.message_id === r.messageId)!.data;
    expect(data.message.message_type).toBe('file');
    const { file_key, file_name } = JSON.parse(data.message.content);
    expect(file_name).toBe('count.csv');
    const res = await client.im.v1.messageResource.get({ path: { message_id: r.messageId, file_key }, params: { type: 'file' } });
    expect(await streamBytes(res.getReadableStream())).toEqual(content);
  });

  it('rejects patching a card that is not shared, accepts a shared one', async () => {
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_group1', msg_type: 'interactive', content: JSON.stringify(card('v1', true)) },
    });
    const id = sent.data!.message_id!;
    const err = await client.im.v1.message
      .patch({ path: { message_id: id }, data: { content: JSON.stringify({ ...card('v2'), schema: undefined, config: {} }) } })
      .catch((e: unknown) => e);
    expect((err as HttpError).response.status).toBe(400);
    expect((err as HttpError).response.data).toMatchObject({ code: 230001 });
    await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('v2')) } });
    const msg = fake.messages.find((m) => m.messageId === id)!;
    expect(msg.updates).toHaveLength(1);
    expect((msg.updates[0] as any).body.elements[0].content).toBe('v2');
  });

  it('uploads an image and returns an image_key', async () => {
    const image = Buffer.from('\x89PNG\r\n\x1a\nfake', 'binary');
    const r = await client.im.v1.image.create({ data: { image_type: 'message', image } });
    // Unlike most methods, image.create resolves to `data` itself, not the {code, msg, data} envelope.
    expect(r?.image_key).toMatch(/^img_/);
    expect(fake.uploadedImages).toEqual([{ imageKey: r!.image_key, bytes: image.length }]);
  });

  it('refuses API calls without the tenant token', async () => {
    const res = await fetch(`${fake.domain}/open-apis/im/v1/messages?receive_id_type=chat_id`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 99991661 });
  });

  it('signs and encrypts an HTTP callback the way the SDK verifies it', async () => {
    const encryptKey = 'test-encrypt-key';
    const body = {
      schema: '2.0',
      header: { event_id: 'e1', event_type: 'im.message.receive_v1', create_time: '0', app_id: fake.appId, tenant_key: fake.tenantKey },
      event: { message: { message_id: 'om_1' } },
    };
    const signed = signAndEncryptCallback(body, { encryptKey, verificationToken: 'vt' });
    let got: any;
    const d = new EventDispatcher({ encryptKey, logger, loggerLevel: LoggerLevel.error }).register({
      'im.message.receive_v1': async (data) => {
        got = data;
        return 'handled';
      },
    });
    // What adaptDefault builds from a request: the parsed body with the headers on its prototype.
    const asRequest = (headers: object) => Object.assign(Object.create({ headers }), JSON.parse(signed.body));
    expect(await d.invoke(asRequest(signed.headers))).toBe('handled');
    expect(got).toMatchObject({ event_id: 'e1', token: 'vt', message: { message_id: 'om_1' } });
    expect(await d.invoke(asRequest({ ...signed.headers, 'x-lark-signature': 'bad' }))).toBeUndefined();
  });

  it('logged no errors along the way except the deliberate failures', () => {
    // The SDK logs failed HTTP calls at error level; the 429, the patch and the third card update were meant to fail.
    expect(logs.filter((l) => l.startsWith('error'))).toHaveLength(3);
  });
});

describe('fake Feishu holds the platform rules', () => {
  const open: { close(): Promise<void> | void }[] = [];
  afterAll(async () => {
    while (open.length > 0) await open.pop()!.close();
  });

  /** A fake and the real SDK on it; `onTap` answers taps, `seen` collects message events. */
  async function platform(options: Parameters<typeof startFakeFeishu>[0] = {}, onTap?: (data: any) => Promise<unknown>) {
    const fake = await startFakeFeishu(options);
    const client = new Client({
      appId: fake.appId,
      appSecret: fake.appSecret,
      domain: fake.domain,
      logger,
      loggerLevel: LoggerLevel.error,
    });
    const seen: any[] = [];
    const dispatcher = new EventDispatcher({ logger, loggerLevel: LoggerLevel.error }).register({
      'im.message.receive_v1': async (data) => void seen.push(data),
      'card.action.trigger': async (data: any) => (onTap ? onTap(data) : undefined),
    });
    const ws = new WSClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.domain, logger, loggerLevel: LoggerLevel.error });
    await ws.start({ eventDispatcher: dispatcher });
    open.push(fake, { close: () => ws.close({ force: true }) });
    const send = (content: unknown, receive: { id: string; type?: 'chat_id' | 'open_id' } = { id: 'oc_g' }) =>
      client.im.v1.message
        .create({
          params: { receive_id_type: receive.type ?? 'chat_id' },
          data: { receive_id: receive.id, msg_type: 'interactive', content: JSON.stringify(content) },
        })
        .then(
          (r) => ({ status: 200, data: r as any }),
          (e: HttpError) => ({ status: e.response.status, data: e.response.data }),
        );
    return { fake, client, seen, send };
  }

  const withElements = (elements: unknown[]) => ({ schema: '2.0', config: { update_multi: true }, body: { elements } });
  const table = { tag: 'table', columns: [{ name: 'a', display_name: 'A', data_type: 'text' }], rows: [{ a: '1' }] };
  const mdTable = { tag: 'markdown', content: '| A | B |\n| --- | ---: |\n| 1 | 2 |' };

  it('refuses card JSON 2.0 the platform refuses, in its 230099 envelope', async () => {
    const { send } = await platform();
    const refused = async (c: unknown, errMsg: RegExp) => {
      const r = await send(c);
      expect(r.status).toBe(400);
      expect(r.data.code).toBe(230099);
      expect(r.data.msg).toMatch(/^Failed to create card content, ext=ErrCode: 11310; ErrMsg: /);
      expect(r.data.msg).toMatch(errMsg);
    };
    await refused(withElements([{ tag: 'action', actions: [] }]), /unknown tag action/); // 1.0's container, gone in 2.0
    await refused(withElements([{ tag: 'markdown', content: 'x', colour: 'red' }]), /unknown property colour/);
    await refused(
      withElements([{ tag: 'button', text: { tag: 'plain_text', content: 'OK' }, value: { t: 'x' } }]),
      /unknown property value/,
    );
    await refused(
      withElements([{ tag: 'button', text: { tag: 'plain_text', content: 'OK' }, behaviors: { type: 'callback' } }]),
      /behaviors/,
    );
    await refused(
      withElements([{ tag: 'button', text: { tag: 'plain_text', content: 'OK' }, behaviors: [{ type: 'tap', value: {} }] }]),
      /behavior type/,
    );
    await refused(
      { ...withElements([]), header: { title: { tag: 'plain_text', content: 't' }, colour: 'blue' } },
      /unknown property colour/,
    );
    // Five table components and one markdown table: six tables.
    await refused(withElements([...Array.from({ length: 5 }, () => table), mdTable]), /card table number over limit/);
    // 201 elements: each button is two (the button and its plain_text).
    const buttons = Array.from({ length: 101 }, () => ({
      tag: 'button',
      text: { tag: 'plain_text', content: 'b' },
      behaviors: [{ type: 'callback', value: {} }],
    }));
    await refused(withElements(buttons), /element number over limit/);

    expect((await send(withElements([...Array.from({ length: 4 }, () => table), mdTable]))).status).toBe(200);
    expect((await send(withElements(buttons.slice(1)))).status).toBe(200);
    const big = await send(withElements([{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }]));
    expect(big).toMatchObject({ status: 400, data: { code: 230025 } });
  });

  it('holds forms to the documented rules: a submit button, and names unique on the whole card; a submit sends only what the client would', async () => {
    const taps: any[] = [];
    const { fake, send } = await platform({}, async (data) => {
      taps.push(data);
      return { toast: { type: 'success', content: 'ok' } };
    });
    const submit = (name: string, t: string) => ({
      tag: 'button',
      name,
      text: { tag: 'plain_text', content: 'Send' },
      form_action_type: 'submit',
      behaviors: [{ type: 'callback', value: { t } }],
    });
    const select = {
      tag: 'select_static',
      name: 'option',
      required: true,
      options: [
        { text: { tag: 'plain_text', content: 'Damage' }, value: 'damage' },
        { text: { tag: 'plain_text', content: 'Unknown *' }, value: 'unknown' },
      ],
    };
    const input = (name: string) => ({ tag: 'input', name, max_length: 10 });
    const refused = async (c: unknown, errMsg: RegExp) => {
      const r = await send(c);
      expect(r.status).toBe(400);
      expect(r.data.msg).toMatch(errMsg);
    };
    await refused(withElements([{ tag: 'form', name: 'f', elements: [input('input')] }]), /a form needs a submit button/);
    await refused(
      withElements([{ tag: 'form', name: 'f', elements: [{ tag: 'input' }, submit('s', 'a')] }]),
      /input in a form needs a name/,
    );
    await refused(
      withElements([
        { tag: 'form', name: 'f', elements: [input('input'), submit('submit', 'a')] },
        { tag: 'form', name: 'f2', elements: [input('input'), submit('submit_2', 'b')] },
      ]),
      /name input is not unique on the card/,
    );
    await refused(withElements([{ tag: 'form', name: 'f', elements: [table, submit('s', 'a')] }]), /a form cannot hold a table/);

    const sent = await send(withElements([{ tag: 'form', name: 'f', elements: [select, input('input'), submit('submit', 'a')] }]));
    expect(sent.status).toBe(200);
    const messageId = sent.data.data.message_id as string;
    // A required select left empty: the phone stops the submit, nothing is sent.
    await expect(fake.submitForm({ messageId, openId: 'ou_x', values: { input: 'x' } })).rejects.toThrow(/option is required/);
    await expect(fake.submitForm({ messageId, openId: 'ou_x', values: { option: 'theft' } })).rejects.toThrow(/no option theft/);
    await expect(fake.submitForm({ messageId, openId: 'ou_x', values: { option: 'unknown', input: 'x'.repeat(11) } })).rejects.toThrow(
      /at most 10/,
    );
    const tapped = await fake.submitForm({ messageId, openId: 'ou_x', values: { option: 'unknown', input: 'checked' } });
    expect(tapped.code).toBe(200);
    expect(taps).toHaveLength(1);
    expect(taps[0].action).toMatchObject({ tag: 'button', value: { t: 'a' }, form_value: { option: 'unknown', input: 'checked' } });
  });

  it('refuses the same cards in a patch, and any patch of a message older than 14 days (230031)', async () => {
    const { fake, client, send } = await platform();
    const sent = await send(withElements([{ tag: 'markdown', content: 'v1' }]));
    const id = sent.data.data.message_id as string;
    const patch = (c: unknown) =>
      client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(c) } }).then(
        (r) => ({ status: 200, data: r as any }),
        (e: HttpError) => ({ status: e.response.status, data: e.response.data }),
      );
    expect((await patch(withElements([...Array.from({ length: 6 }, () => table)]))).data.code).toBe(230099);
    expect((await patch(withElements([{ tag: 'markdown', content: 'v2' }]))).status).toBe(200);
    fake.ageMessage(id, 14 * 24 * 3600_000 + 60_000);
    await expect(fake.tapCard({ messageId: id, openId: 'ou_1', value: {} })).rejects.toThrow(/older than 14 days/);
    expect(await patch(withElements([{ tag: 'markdown', content: 'v3' }]))).toMatchObject({
      status: 400,
      data: { code: 230031, msg: 'Message can only be modified within 14 days after sending.' },
    });
  });

  it('delivers group messages by scope: only @-mentions with group_at_msg, everything (files too) with group_msg', async () => {
    const atOnly = await platform({ scopes: ['im:message:send_as_bot', 'im:message.group_at_msg:readonly', 'im:resource'] });
    const file = { name: 'count.csv', content: Buffer.from('sku,qty\n') };
    expect((await atOnly.fake.sendMessage({ chatId: 'oc_g', openId: 'ou_1', text: 'status', mentionBot: true })).delivered).toBe(true);
    expect((await atOnly.fake.sendMessage({ chatId: 'oc_g', openId: 'ou_1', text: 'lunch?' })).delivered).toBe(false);
    expect((await atOnly.fake.sendMessage({ chatId: 'oc_g', openId: 'ou_1', file })).delivered).toBe(false);
    expect((await atOnly.fake.sendMessage({ chatId: 'oc_dm', chatType: 'p2p', openId: 'ou_1', text: 'hi' })).delivered).toBe(false);
    expect(atOnly.seen).toHaveLength(1);

    const all = await platform(); // README's scopes
    expect((await all.fake.sendMessage({ chatId: 'oc_g', openId: 'ou_1', text: 'lunch?' })).delivered).toBe(true);
    expect((await all.fake.sendMessage({ chatId: 'oc_g', openId: 'ou_1', file })).delivered).toBe(true);
    expect((await all.fake.sendMessage({ chatId: 'oc_dm', chatType: 'p2p', openId: 'ou_1', text: 'hi' })).delivered).toBe(true);
    expect(all.seen.map((d) => d.message.message_type)).toEqual(['text', 'file', 'text']);
  });

  it('reports replies with parent_id and mentions of other people by their own open_ids', async () => {
    const { fake, seen } = await platform();
    await fake.sendMessage({
      chatId: 'oc_g',
      openId: 'ou_1',
      text: 'see this',
      parentId: 'om_parent',
      mentionUsers: [{ openId: 'ou_2', name: 'Li' }],
    });
    expect(seen[0].message).toMatchObject({ parent_id: 'om_parent', root_id: 'om_parent' });
    expect(JSON.parse(seen[0].message.content).text).toBe('@_user_1 see this');
    expect(seen[0].message.mentions).toEqual([
      expect.objectContaining({ key: '@_user_1', name: 'Li', id: expect.objectContaining({ open_id: 'ou_2' }) }),
    ]);
  });

  it('gives a tap 3 s: a later answer is a timeout for the user and its card is never shown', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const slowCard = withElements([{ tag: 'markdown', content: 'late' }]);
    const { fake, send } = await platform({ tapTimeoutMs: 200 }, async () => {
      await released;
      return { toast: { type: 'success', content: 'done' }, card: { type: 'raw', data: slowCard } };
    });
    const sent = await send(withElements([{ tag: 'markdown', content: 'v1' }]));
    const id = sent.data.data.message_id as string;
    const tap = await fake.tapCard({ messageId: id, openId: 'ou_1', value: { t: 'x' } });
    expect(tap).toMatchObject({ timedOut: true, reply: undefined });
    release();
    await new Promise((r) => setImmediate(r));
    expect(fake.messages.find((m) => m.messageId === id)!.updates).toEqual([]);
  });

  it('refuses a card in a tap answer that breaks the card rules', async () => {
    const { fake, send } = await platform({}, async () => ({
      toast: { type: 'success', content: 'ok' },
      card: { type: 'raw', data: withElements(Array.from({ length: 6 }, () => table)) },
    }));
    const id = (await send(withElements([{ tag: 'markdown', content: 'v1' }]))).data.data.message_id as string;
    const tap = await fake.tapCard({ messageId: id, openId: 'ou_1', value: {} });
    expect(tap.cardRefused).toMatch(/card table number over limit/);
    expect(fake.messages.find((m) => m.messageId === id)!.updates).toEqual([]);
  });

  it('sends a direct message by open_id into the one-to-one chat, and refuses a person outside the availability range (230013)', async () => {
    const { fake, send } = await platform();
    const li = `ou_${'1'.repeat(32)}`;
    const r = await send(withElements([{ tag: 'markdown', content: 'for you' }]), { id: li, type: 'open_id' });
    expect(r.status).toBe(200);
    const msg = fake.messages.find((m) => m.messageId === r.data.data.message_id)!;
    expect(msg).toMatchObject({ receiveIdType: 'open_id', openId: li, chatId: fake.p2pChatOf(li) });
    fake.setReachable(li, false);
    expect(await send(withElements([]), { id: li, type: 'open_id' })).toMatchObject({
      status: 400,
      data: { code: 230013, msg: 'Bot has NO availability to this user.' },
    });
  });
});
