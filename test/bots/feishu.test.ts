/**
 * The Feishu adapter end to end: the real @larksuiteoapi/node-sdk (long connection and OpenAPI client)
 * against the fake Feishu on 127.0.0.1, the real core and a real database. What a warehouse team does in a
 * Feishu group, from the first stranger to a posted document, plus HTTP callback mode and the config.
 */
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Domain } from '@larksuiteoapi/node-sdk';
import { queryRows } from '../../db/client.ts';
import { card } from '../../cards/model.ts';
import {
  createFeishuAdapter,
  FEISHU_TAP_DEADLINE_MS,
  loadFeishuConfig,
  type FeishuAdapter,
  type FeishuConfig,
} from '../../bots/feishu/index.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import { DeliveryError } from '../../src/core/delivery.ts';
import type { Logger } from '../../src/core/log.ts';
import { databaseMediaIds, MediaUploadingError } from '../../src/core/media.ts';
import { getDocument, listDocuments } from '../../src/services/documents.ts';
import { signAndEncryptCallback, startFakeFeishu, type FakeFeishu } from '../fakes/feishu/index.ts';
import { cardActionEvent, envelope, messageReceiveEvent } from '../fakes/feishu/events.ts';
import { botCore, seedTeam, sheet, type BotCore } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { PATIENCE_MS } from '../support/wait.ts';
import { buttonValue, cardsTitled, latest, textOf, theCard, titleOf } from './feishuCards.ts';

const CARL = `ou_${'c'.repeat(32)}`;
const SAM = `ou_${'5'.repeat(32)}`;
const SUE = `ou_${'e'.repeat(32)}`;
const STRANGER = `ou_${'0'.repeat(32)}`;
const GROUP = 'oc_team0000000000000000000000000000';
const ENCRYPT_KEY = 'test-encrypt-key-0123';

const logs: string[] = [];
const log: Logger = (level, message, fields) => void logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);

const open: { close(): Promise<void> }[] = [];
async function closeAll() {
  while (open.length > 0) await open.pop()!.close();
}
afterEach(closeAll);
afterAll(closeAll);

function configFor(fake: FakeFeishu, extra: Partial<FeishuConfig> = {}): FeishuConfig {
  return {
    appId: fake.appId,
    appSecret: fake.appSecret,
    domain: fake.domain,
    mode: 'ws',
    httpHost: '127.0.0.1',
    httpPort: 0,
    httpPath: '/feishu/events',
    ...extra,
  };
}

async function startFake(options: Parameters<typeof startFakeFeishu>[0] = {}): Promise<FakeFeishu> {
  const fake = await startFakeFeishu(options);
  open.push(fake);
  return fake;
}

describeEachDatabase('Feishu adapter with the real SDK', (get) => {
  async function team(
    extra: Partial<FeishuConfig> = {},
  ): Promise<{ fake: FakeFeishu; adapter: FeishuAdapter; core: BotCore; settle: () => Promise<void> }> {
    const { db } = get();
    await seedTeam(db, 'feishu', { carl: CARL, sam: SAM, sue: SUE });
    // Taps here go through the real core and database, which a loaded CI machine can slow past 3 s: the
    // walk gets room, and the 3-second rule has its own test below with a core held on purpose.
    const fake = await startFake({ tapTimeoutMs: PATIENCE_MS });
    const adapter = createFeishuAdapter(configFor(fake, extra), { log, tapDeadlineMs: PATIENCE_MS / 2 });
    const core = await botCore(db, [adapter]);
    await adapter.start(core.dispatch);
    open.push({ close: () => adapter.stop() });
    // Messages are handled after the acknowledgement: wait for the core, then for the outbox.
    const settle = async () => {
      await adapter.idle();
      await core.sender.drainUntilIdle();
    };
    return { fake, adapter, core, settle };
  }

  const auditCount = async (action: string) => (await queryRows(get().db, sql`select 1 from audit_log where action = ${action}`)).length;

  it('runs a stocktake in a Feishu group: upload, review on cards, approval, posting', async () => {
    const { db } = get();
    const { fake, adapter, settle } = await team();
    expect(adapter.botOpenId).toBe(fake.botOpenId);
    const say = async (openId: string, text: string, mentionBot = true) => {
      const r = await fake.sendMessage({ chatId: GROUP, openId, text, mentionBot });
      expect(r.code).toBe(200);
      await settle();
      return r;
    };

    await say(STRANGER, 'bind WH1');
    expect(fake.messages).toHaveLength(1);
    expect(titleOf(fake.messages[0]!.content)).toMatch(/access/i);
    expect(textOf(fake.messages[0]!.content)).toContain(`feishu:${STRANGER}`);

    await say(SAM, 'bind WH1');
    expect(fake.messages).toHaveLength(2);
    await say(SAM, 'status', false); // not addressed to the bot: ignored
    expect(fake.messages).toHaveLength(2);
    await say(SAM, 'new');

    const upload = await fake.sendMessage({
      chatId: GROUP,
      openId: CARL,
      file: {
        name: 'count.csv',
        content: sheet([
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '90'],
          ['A-200', 'R2', '21'],
          ['B-300', 'R3', '50.5'],
          ['C-400', 'R4', '1'],
        ]),
      },
    });
    expect(upload.code).toBe(200);
    await settle();
    const summary = theCard(fake, /count\.csv/);
    expect(summary.replyTo).toBe(upload.messageId); // threaded under the upload
    const summaryText = textOf(summary.content);
    expect(summaryText).toMatch(/Lines counted\*\*\n4/);
    expect(summaryText).toMatch(/Gains\*\*\n1 · 12\.00/);
    expect(summaryText).toMatch(/Losses\*\*\n2 · -325\.00/);

    // The page card is created (not a reply): its first create is throttled and retried after the reset.
    fake.failNext({ method: 'POST', pathIncludes: '/open-apis/im/v1/messages?receive_id_type' }, { status: 429, resetSeconds: 1 });
    const closedAt = Date.now();
    await say(SAM, 'close');
    const page = theCard(fake, /^Variances to review/);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
    const creates = fake.requests.filter((q) => q.path.startsWith('/open-apis/im/v1/messages?'));
    const throttled = creates.find((q) => q.status === 429)!;
    expect(throttled).toBeDefined();
    expect((throttled.body as { uuid: string }).uuid).toBe(page.uuid);
    expect(fake.messages.filter((m) => m.uuid === page.uuid)).toHaveLength(1);
    // The throttled create was "not now": the row went out on its first counted attempt, its last error the 429.
    const [outboxRow] = await queryRows<{ status: string; attempts: number }>(
      db,
      sql`select status, attempts from outbox where last_error like '%99991400%'`,
    );
    expect(outboxRow).toMatchObject({ status: 'sent', attempts: 1 });

    // Open one line from the page: a single-variance card, threaded under the page.
    const opened = await fake.tapCard({ messageId: page.messageId, openId: SAM, value: buttonValue(latest(page), /^C-400/) });
    expect(opened.reply.toast.type).toBe('info');
    await settle();
    const line = theCard(fake, /Variance · C-400/);
    expect(line.replyTo).toBe(page.messageId);

    // A forged token (signature altered) is refused and changes nothing.
    const confirm = buttonValue(latest(line), /^Confirm/) as { t: string };
    const forged = `${confirm.t.slice(0, 11)}${confirm.t[11] === 'A' ? 'B' : 'A'}${confirm.t.slice(12)}`;
    const refused = await fake.tapCard({ messageId: line.messageId, openId: SAM, value: { t: forged } });
    expect(refused.reply.toast.type).toBe('error');
    expect(await auditCount('variance.confirm')).toBe(0);

    const first = await fake.tapCard({ messageId: line.messageId, openId: SAM, value: confirm });
    expect(first.reply.toast.type).toBe('success');
    expect(first.reply.card.type).toBe('raw');
    expect(textOf(first.reply.card.data)).toContain('confirmed');
    await settle();
    const patches = (m: { messageId: string }) =>
      fake.requests.filter((q) => q.method === 'PATCH' && q.path.includes(m.messageId) && q.status === 200).length;
    // Rendered once: the answer's card replaced the shared card for everyone, so no outbox update follows
    // for it; the page, another card showing the line, is updated through the outbox.
    expect(patches(line)).toBe(0);
    expect(patches(page)).toBeGreaterThan(0);
    expect(textOf(latest(page))).toContain('confirmed');

    const again = await fake.tapCard({ messageId: line.messageId, openId: SAM, value: confirm });
    expect(again.reply.toast.type).toBe('warning');
    expect(textOf(again.reply.card.data)).toContain('confirmed');
    const redelivered = await fake.redeliver(first.eventId);
    expect(redelivered.code).toBe(200);
    expect(await auditCount('variance.confirm')).toBe(1);

    // The cause is a form: the cause, its note and one submit. A cause that needs a note (marked *) sent
    // without one is answered by a toast and no card, so the form keeps what was picked and typed.
    const unexplained = await fake.submitForm({ messageId: line.messageId, openId: SAM, values: { option: 'unknown', input: '' } });
    expect(unexplained.reply).toEqual({ toast: { type: 'warning', content: expect.stringContaining('needs a note') } });
    expect(await auditCount('variance.tag')).toBe(0);
    const explained = await fake.submitForm({
      messageId: line.messageId,
      openId: SAM,
      values: { option: 'unknown', input: 'Searched the aisle and the returns cage' },
    });
    expect(explained.reply.toast).toEqual({ type: 'success', content: 'Cause tagged with its note: Unknown.' });
    expect(textOf(explained.reply.card.data)).toContain('Searched the aisle and the returns cage');
    expect(await auditCount('variance.tag')).toBe(1);
    const cause = await fake.submitForm({ messageId: line.messageId, openId: SAM, values: { option: 'damage' } });
    expect(cause.reply.toast.type).toBe('success');
    // The note alone, in the card's second form (its fields named input_2, submit_2: unique on the card).
    const note = await fake.submitForm({ messageId: line.messageId, openId: SAM, values: { input_2: 'Pallet crushed by the forklift' } });
    expect(note.reply.toast.type).toBe('success');
    expect(textOf(note.reply.card.data)).toContain('Pallet crushed by the forklift');
    await settle();

    // A photo sent as a reply (引用回复) to the line's card is kept as its evidence; one sent to the group is ignored.
    const photo = await sharp({ create: { width: 1024, height: 768, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const sent = fake.messages.length;
    await fake.sendMessage({ chatId: GROUP, openId: CARL, image: { content: photo } });
    await fake.sendMessage({ chatId: GROUP, openId: CARL, image: { content: photo }, parentId: line.messageId });
    await settle();
    expect(fake.messages.slice(sent).map((m) => titleOf(m.content))).toEqual(['Photo added']);
    expect(await auditCount('photo.added')).toBe(1);

    for (const sku of ['A-100', 'A-200']) {
      await fake.tapCard({ messageId: page.messageId, openId: SAM, value: buttonValue(latest(page), new RegExp(`^${sku}`)) });
      await settle();
      const m = theCard(fake, new RegExp(`Variance · ${sku}`));
      expect(
        (await fake.tapCard({ messageId: m.messageId, openId: SAM, value: buttonValue(latest(m), /^Confirm/) })).reply.toast.type,
      ).toBe('success');
      expect((await fake.submitForm({ messageId: m.messageId, openId: SAM, values: { option: 'counting_error' } })).reply.toast.type).toBe(
        'success',
      );
    }
    await settle();

    await say(SAM, 'submit');
    const docs = await listDocuments(db);
    expect(docs).toHaveLength(2);
    const approval = theCard(fake, new RegExp(`^Approval · ${docs[0]!.number}`));
    const approved = await fake.tapCard({ messageId: approval.messageId, openId: SUE, value: buttonValue(latest(approval), /^Approve/) });
    expect(approved.reply.toast.type).toBe('success');
    expect((await getDocument(db, docs[0]!.id)).status).toBe('posted');
    await settle();
    // The card now shows the document posted, no longer in approval.
    expect(textOf(latest(approval))).toContain('posted');
    expect(textOf(latest(approval))).not.toContain('in approval');
    expect(cardsTitled(fake, new RegExp(`^Decision · ${docs[0]!.number}`))).toHaveLength(1);

    // Every send was unique by uuid, and nothing stayed in the outbox.
    const uuids = fake.messages.map((m) => m.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    const pending = await queryRows(db, sql`select 1 from outbox where status <> 'sent' and status <> 'superseded'`);
    expect(pending).toHaveLength(0);
    expect(logs.join('\n')).not.toContain(fake.appSecret);
  });

  it("answers a reply to its own message in the group, and ignores chatter and replies to other people's messages", async () => {
    const { fake, settle } = await team();
    const post = async (input: Omit<Parameters<FakeFeishu['sendMessage']>[0], 'chatId'>) => {
      const r = await fake.sendMessage({ chatId: GROUP, ...input });
      expect(r.delivered).toBe(true); // im:message.group_msg: every group message reaches the bot
      await settle();
      return r;
    };
    await post({ openId: SAM, text: 'bind WH1', mentionBot: true });
    const answered = fake.messages.length;
    const botMessage = fake.messages.at(-1)!;
    const chatter = await post({ openId: CARL, text: 'who counts R1?' });
    await post({ openId: SAM, text: 'help', parentId: chatter.messageId });
    await post({ openId: SAM, text: 'help', mentionUsers: [{ openId: CARL, name: 'Carl' }] });
    expect(fake.messages).toHaveLength(answered);
    await post({ openId: SAM, text: 'help', parentId: botMessage.messageId });
    expect(fake.messages).toHaveLength(answered + 1);
  });

  it('takes signed, encrypted HTTP callbacks and refuses a wrong signature', async () => {
    const { fake, adapter, settle } = await team({ mode: 'http', encryptKey: ENCRYPT_KEY, verificationToken: 'vt-0123456789' });
    const url = `http://127.0.0.1:${adapter.httpAddress()!.port}/feishu/events`;
    const app = { appId: fake.appId, tenantKey: fake.tenantKey, verificationToken: 'vt-0123456789' };
    const post = (body: object, tamper = false) => {
      const signed = signAndEncryptCallback(body as Record<string, unknown>, {
        encryptKey: ENCRYPT_KEY,
        verificationToken: 'vt-0123456789',
      });
      const headers = tamper
        ? { ...signed.headers, 'x-lark-signature': signed.headers['x-lark-signature'].replace(/^./, (c) => (c === '0' ? '1' : '0')) }
        : signed.headers;
      return fetch(url, { method: 'POST', headers, body: signed.body });
    };
    const help = (eventId: string) =>
      envelope(
        app,
        'im.message.receive_v1',
        eventId,
        messageReceiveEvent(app, {
          messageId: `om_${eventId}`,
          chatId: 'oc_dm_sam',
          chatType: 'p2p',
          openId: SAM,
          unionId: 'on_sam',
          text: 'help',
        }),
      );

    const challenge = await post({ type: 'url_verification', challenge: 'ch-42', token: 'vt-0123456789' });
    expect(await challenge.json()).toEqual({ challenge: 'ch-42' });

    const forged = await post(help('e-forged'), true);
    expect(forged.status).toBe(401);
    await settle();
    expect(fake.messages).toHaveLength(0);

    const ok = await post(help('e-help'));
    expect(ok.status).toBe(200);
    await settle();
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ chatId: 'oc_dm_sam', msgType: 'interactive' });
    expect(titleOf(fake.messages[0]!.content)).toBe('Stocktake assistant');

    // A tap over HTTP is answered in the response body.
    const tap = envelope(
      app,
      'card.action.trigger',
      'e-tap',
      cardActionEvent(app, {
        messageId: fake.messages[0]!.messageId,
        chatId: 'oc_dm_sam',
        openId: SAM,
        unionId: 'on_sam',
        token: 'c-1',
        value: { t: 'AAAAAAAAAA.AAAAAAAAAAA' },
      }),
    );
    const answer = await post(tap);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { toast: { type: string } }).toast.type).toBe('error');

    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url.replace('/feishu/events', '/other'), { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('Feishu deliverer', () => {
  const notice = (text: string, png?: string) =>
    card({
      header: { title: 'Notice' },
      elements: [{ type: 'markdown', text }, ...(png ? [{ type: 'image' as const, alt: 'chart', png }] : [])],
    });

  it('sends cards idempotently, patches them, prompts in text and uploads each image once', async () => {
    const fake = await startFake();
    const adapter = createFeishuAdapter(configFor(fake), { log });
    const png = Buffer.from('\x89PNG\r\n\x1a\nchart', 'binary').toString('base64');
    const key = `outbox-${'9'.repeat(60)}`;
    const a = await adapter.send('oc_x', notice('one', png), { idempotencyKey: key });
    const b = await adapter.send('oc_x', notice('one', png), { idempotencyKey: key });
    expect(b.messageId).toBe(a.messageId);
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]!.uuid).toBe(key.slice(0, 50)); // Feishu's uuid is at most 50 characters
    expect(JSON.stringify(fake.messages[0]!.content)).toContain(fake.uploadedImages[0]!.imageKey);
    await adapter.update('oc_x', a.messageId, notice('two', png));
    expect(textOf(latest(fake.messages[0]!))).toContain('two');
    expect(fake.uploadedImages).toHaveLength(1);
    const p = await adapter.prompt('oc_x', 'Why?', { idempotencyKey: 'prompt-1' });
    expect(fake.messages.find((m) => m.messageId === p.messageId)).toMatchObject({ msgType: 'text', content: { text: 'Why?' } });
  });

  it('maps refusals: throttled → retry after the reset, 5xx → retry, other refusals → permanent with the code', async () => {
    const fake = await startFake();
    const adapter = createFeishuAdapter(configFor(fake), { log });
    const fail = async (reply: Parameters<FakeFeishu['failNext']>[1]) => {
      fake.failNext({ method: 'POST', pathIncludes: '/open-apis/im/v1/messages' }, reply);
      const error = await adapter.send('oc_x', notice('x'), { idempotencyKey: `k-${Math.random()}` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      return error as DeliveryError;
    };
    expect(await fail({ status: 429, resetSeconds: 3 })).toMatchObject({ retryAfterMs: 3000, permanent: false, options: { status: 429 } });
    expect(await fail({ status: 400, code: 99991400, resetSeconds: 2 })).toMatchObject({ retryAfterMs: 2000, permanent: false });
    expect(await fail({ status: 503 })).toMatchObject({ retryAfterMs: null, permanent: false, options: { status: 503 } });
    const refused = await fail({ status: 400, code: 230002, msg: 'Bot is not in the chat' });
    expect(refused).toMatchObject({ permanent: true, options: { status: 400 } });
    expect(refused.message).toContain('230002');
    expect(refused.message).toContain('Bot is not in the chat');
    expect(refused.message).not.toContain(fake.appSecret);
  });
});

describe('Feishu adapter lifecycle', () => {
  it("acknowledges a message before the core is done with it, and handles a chat's messages in order", async () => {
    const fake = await startFake();
    const adapter = createFeishuAdapter(configFor(fake), { log });
    const seen: string[] = [];
    // The core holds the first message until the test lets it go: no race against a timer.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await adapter.start(async (event) => {
      const text = event.type === 'text' ? event.text : event.type;
      seen.push(`start ${text}`);
      await held;
      seen.push(`end ${text}`);
      return null;
    });
    open.push({ close: () => adapter.stop() });
    await fake.sendMessage({ chatId: 'oc_x', openId: SAM, text: 'one', mentionBot: true });
    await fake.sendMessage({ chatId: 'oc_x', openId: SAM, text: 'two', mentionBot: true });
    // Both acknowledged while the first is still held; the second waits its turn.
    expect(seen).not.toContain('end one');
    expect(seen).not.toContain('start two');
    release();
    await adapter.idle();
    expect(seen).toEqual(['start one', 'end one', 'start two', 'end two']);
  });

  it('stops start() with a clear error when the app secret is wrong, and logs no secret', async () => {
    const fake = await startFake();
    const adapter = createFeishuAdapter({ ...configFor(fake), appSecret: 'wrong-secret-0123456789' }, { log });
    await expect(adapter.start(async () => null)).rejects.toThrow(/FEISHU_APP_SECRET.*|app secret invalid/);
    await adapter.stop();
    expect(logs.join('\n')).not.toContain('wrong-secret-0123456789');
  });
});

describe('Feishu config', () => {
  const APP_ID = 'cli_0123456789abcdef';
  const SECRET = 'very-secret-app-secret-value';

  it('is off without FEISHU_APP_ID and fills in defaults when on', () => {
    expect(loadFeishuConfig({})).toBeNull();
    expect(loadFeishuConfig({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: SECRET })).toEqual({
      appId: APP_ID,
      appSecret: SECRET,
      domain: Domain.Feishu,
      mode: 'ws',
      httpHost: '0.0.0.0',
      httpPort: 8081,
      httpPath: '/feishu/events',
    });
    expect(loadFeishuConfig({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: SECRET, FEISHU_DOMAIN: 'lark' })!.domain).toBe(Domain.Lark);
    expect(loadFeishuConfig({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: SECRET, FEISHU_DOMAIN: 'http://127.0.0.1:9/' })!.domain).toBe(
      'http://127.0.0.1:9',
    );
    const http = loadFeishuConfig({
      FEISHU_APP_ID: APP_ID,
      FEISHU_APP_SECRET: SECRET,
      FEISHU_MODE: 'http',
      FEISHU_ENCRYPT_KEY: 'k',
      FEISHU_HTTP_PORT: '9000',
      FEISHU_HTTP_PATH: '/hook',
    });
    expect(http).toMatchObject({ mode: 'http', encryptKey: 'k', httpPort: 9000, httpPath: '/hook' });
  });

  it('names what is missing or malformed and never echoes a secret', () => {
    const problem = (env: NodeJS.ProcessEnv) => {
      try {
        loadFeishuConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a configuration error');
    };
    expect(problem({ FEISHU_APP_ID: APP_ID })).toMatch(/FEISHU_APP_SECRET/);
    const noId = problem({ FEISHU_APP_SECRET: SECRET });
    expect(noId).toMatch(/FEISHU_APP_ID/);
    expect(noId).not.toContain(SECRET);
    const badId = problem({ FEISHU_APP_ID: 'my-app', FEISHU_APP_SECRET: SECRET });
    expect(badId).toMatch(/FEISHU_APP_ID/);
    expect(badId).not.toContain(SECRET);
    expect(problem({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: SECRET, FEISHU_MODE: 'http' })).toMatch(/FEISHU_ENCRYPT_KEY/);
    expect(problem({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: SECRET, FEISHU_MODE: 'webhook' })).toMatch(/FEISHU_MODE/);
    expect(problem({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: SECRET, FEISHU_DOMAIN: SECRET })).not.toContain(SECRET);
  });
});

describeEachDatabase('Feishu image keys shared by instances', (get) => {
  it('uploads a chart once for two instances, the second waiting while the first uploads', async () => {
    const { db } = get();
    const fake = await startFake();
    const [a, b] = [createFeishuAdapter(configFor(fake), { log }), createFeishuAdapter(configFor(fake), { log })];
    // Each instance has its own view of the table, as the sender gives it.
    const [mediaA, mediaB] = [databaseMediaIds(db, 'feishu', fake.appId), databaseMediaIds(db, 'feishu', fake.appId)];
    const png = Buffer.from('\x89PNG\r\n\x1a\nshared chart', 'binary').toString('base64');
    const chart = card({ header: { title: 'Digest' }, elements: [{ type: 'image', alt: 'chart', png }] });
    const sends = await Promise.allSettled([
      a.send('oc_one', chart, { idempotencyKey: 'outbox-1', media: mediaA }),
      b.send('oc_two', chart, { idempotencyKey: 'outbox-2', media: mediaB }),
    ]);
    // Whichever lost the race to upload was told "not now" (the sender waits it out, uncounted), not refused.
    for (const s of sends.filter((x) => x.status === 'rejected')) {
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(MediaUploadingError);
    }
    await b.send('oc_two', chart, { idempotencyKey: 'outbox-2', media: mediaB });
    await a.update('oc_one', fake.messages[0]!.messageId, chart, { media: mediaA });
    expect(fake.uploadedImages).toHaveLength(1);
    for (const m of fake.messages) expect(JSON.stringify(m.content)).toContain(fake.uploadedImages[0]!.imageKey);
  });
});

describe('Feishu direct messages and old cards', () => {
  const LI = `ou_${'1'.repeat(32)}`;
  const notice = (text: string) => card({ header: { title: 'Reminder' }, elements: [{ type: 'markdown', text }] });

  it('sends to dm:<open_id> by open_id, updates it by message id, and prompts there too', async () => {
    const fake = await startFake();
    const adapter = createFeishuAdapter(configFor(fake), { log });
    const sent = await adapter.send(`dm:${LI}`, notice('Line A-100 waits for you'), { idempotencyKey: 'dm-1' });
    const msg = fake.messages.find((m) => m.messageId === sent.messageId)!;
    expect(msg).toMatchObject({ receiveIdType: 'open_id', openId: LI, chatId: fake.p2pChatOf(LI) });
    expect(fake.requests.some((q) => q.path === '/open-apis/im/v1/messages?receive_id_type=open_id')).toBe(true);
    await adapter.update(`dm:${LI}`, sent.messageId, notice('Done, thank you'));
    expect(textOf(latest(msg))).toContain('Done, thank you');
    const p = await adapter.prompt(`dm:${LI}`, 'Why?', { idempotencyKey: 'dm-prompt-1' });
    expect(fake.messages.find((m) => m.messageId === p.messageId)).toMatchObject({ receiveIdType: 'open_id', msgType: 'text' });
  });

  it('reports a person outside the availability range as unreachable (230013), so the core falls back to the group', async () => {
    const fake = await startFake();
    const adapter = createFeishuAdapter(configFor(fake), { log });
    fake.setReachable(LI, false);
    const error = await adapter.send(`dm:${LI}`, notice('x'), { idempotencyKey: 'dm-2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ permanent: true, options: { unreachable: true } });
    expect((error as DeliveryError).message).toContain('230013');
    const prompt = await adapter.prompt(`dm:${LI}`, 'Why?', { idempotencyKey: 'dm-3' }).catch((e: unknown) => e);
    expect(prompt).toMatchObject({ permanent: true, options: { unreachable: true } });
    // The same refusal in a group is a plain permanent failure: nobody to fall back to.
    fake.failNext(
      { method: 'POST', pathIncludes: '/open-apis/im/v1/messages' },
      { status: 400, code: 230013, msg: 'Bot has NO availability to this user.' },
    );
    const group = await adapter.send('oc_x', notice('x'), { idempotencyKey: 'g-1' }).catch((e: unknown) => e);
    expect(group).toMatchObject({ permanent: true });
    expect((group as DeliveryError).options.unreachable).toBeUndefined();
  });

  it('leaves a card older than 14 days as it is (230031) and says so in the log, instead of failing or posting anew', async () => {
    const fake = await startFake();
    const adapter = createFeishuAdapter(configFor(fake), { log });
    const sent = await adapter.send('oc_x', notice('v1'), { idempotencyKey: 'old-1' });
    fake.ageMessage(sent.messageId, 15 * 24 * 3600_000);
    const before = logs.length;
    await adapter.update('oc_x', sent.messageId, notice('v2'));
    const refused = fake.requests.filter((q) => q.method === 'PATCH' && q.path.includes(sent.messageId));
    expect(refused.map((q) => q.status)).toEqual([400]);
    expect(fake.messages).toHaveLength(1);
    expect(textOf(latest(fake.messages[0]!))).toContain('v1');
    expect(logs.slice(before).join('\n')).toMatch(/older than 14 days.*left as it is/);
  });
});

describe('Feishu taps within 3 s', () => {
  it("answers within the 3 s Feishu waits, and patches the late answer's card in when the core finishes", async () => {
    expect(FEISHU_TAP_DEADLINE_MS).toBeLessThanOrEqual(2_500); // at least half a second for the reply to travel
    const fake = await startFake(); // Feishu's own 3 s
    const adapter = createFeishuAdapter(configFor(fake), { log });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await adapter.start(async (event) => {
      if (event.type !== 'action') return null;
      await held; // a core slower than the deadline, for as long as the test wants
      return {
        toast: { kind: 'success', text: 'Confirmed' },
        card: card({ header: { title: 'Variance' }, elements: [{ type: 'markdown', text: 'confirmed' }] }),
      };
    });
    open.push({ close: () => adapter.stop() });
    const sent = await adapter.send('oc_x', card({ header: { title: 'Variance' }, elements: [{ type: 'markdown', text: 'open' }] }), {
      idempotencyKey: 'tap-1',
    });
    const tap = await fake.tapCard({ messageId: sent.messageId, openId: SAM, value: { t: 'AAAAAAAAAA.AAAAAAAAAAA' } });
    expect(tap.timedOut).toBe(false);
    expect(tap.reply.toast).toMatchObject({ type: 'info', content: expect.stringMatching(/Still working/) });
    release();
    await adapter.idle();
    expect(textOf(latest(fake.messages[0]!))).toContain('confirmed');
  });
});

describe('Feishu messages in', () => {
  async function listen(options: Parameters<typeof startFakeFeishu>[0] = {}) {
    const fake = await startFake(options);
    const adapter = createFeishuAdapter(configFor(fake), { log });
    const events: InboundEvent[] = [];
    await adapter.start(async (event) => {
      events.push(event);
      return null;
    });
    open.push({ close: () => adapter.stop() });
    const next = async (input: Parameters<FakeFeishu['sendMessage']>[0]) => {
      const before = events.length;
      const r = await fake.sendMessage(input);
      await adapter.idle();
      return { r, event: events.length > before ? events.at(-1)! : null };
    };
    return { fake, next };
  }

  it('is addressed only by an @-mention of this bot or in a direct chat, and reports real replies', async () => {
    const { next } = await listen();
    const other = { openId: SUE, name: 'Sue' };
    expect((await next({ chatId: GROUP, openId: SAM, text: 'status', mentionUsers: [other] })).event).toMatchObject({
      type: 'text',
      text: '@Sue status',
      addressed: false,
    });
    expect((await next({ chatId: GROUP, openId: SAM, text: 'status', mentionBot: true, mentionUsers: [other] })).event).toMatchObject({
      addressed: true,
      text: '@Sue status',
    });
    expect((await next({ chatId: 'oc_p2p', chatType: 'p2p', openId: SAM, text: 'status' })).event).toMatchObject({
      chatType: 'direct',
      addressed: true,
    });
    const reply = await next({ chatId: GROUP, openId: SAM, text: 'A-100 is fine', parentId: 'om_card1' });
    expect(reply.event).toMatchObject({ addressed: false, replyToMessageId: 'om_card1' });
    const plain = (await next({ chatId: GROUP, openId: SAM, text: 'lunch?' })).event!;
    expect(plain).toMatchObject({ addressed: false });
    expect('replyToMessageId' in plain).toBe(false);
  });

  it('passes every file posted in a group, with the scope that lets Feishu deliver it (im:message.group_msg)', async () => {
    const { next } = await listen();
    const file = { name: 'delivery-note.pdf', content: Buffer.from('%PDF-1.4') };
    const got = await next({ chatId: GROUP, openId: SAM, file });
    expect(got.event).toMatchObject({ type: 'file', chatType: 'group', fileName: 'delivery-note.pdf' });
    expect(await (got.event as Extract<InboundEvent, { type: 'file' }>).download()).toEqual(file.content);

    // With only group_at_msg (what README used to ask for) the file never reaches the bot.
    const atOnly = await listen({ scopes: ['im:message:send_as_bot', 'im:message.group_at_msg:readonly', 'im:resource'] });
    const lost = await atOnly.next({ chatId: GROUP, openId: SAM, file });
    expect(lost.r.delivered).toBe(false);
    expect(lost.event).toBeNull();
  });
});
