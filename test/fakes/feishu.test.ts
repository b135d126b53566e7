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
