/**
 * "扫码盘点 / Count on phone" and "拍照 / Add photo" (cards' `page` element) as each platform gets them,
 * through the real SDKs against the fakes: Telegram a Mini App button in a private chat and a direct Mini
 * App link in a group (a `web_app` button there is refused, as by Telegram); Feishu an open_url button to
 * the web app's page; DingTalk a link through DingTalk's own scheme in the card template's markdown and in
 * a robot message. Without PUBLIC_URL there is nothing to link to, and the button is left out.
 */
import { Client, LoggerLevel } from '@larksuiteoapi/node-sdk';
import { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DingTalkApi, createDingTalkDeliverer } from '../../bots/dingtalk/outbound.ts';
import { createFeishuDeliverer } from '../../bots/feishu/outbound.ts';
import { createTelegramDeliverer } from '../../bots/telegram/outbound.ts';
import { galleryContext, variance } from '../cards/gallery.ts';
import { card, type Card } from '../../cards/model.ts';
import { recountRequestCard, varianceCard } from '../../cards/templates/variance.ts';
import { pathOfStartParam } from '../../src/http/platformSignIn.ts';
import { startFakeDingTalk, STOCKTAKE_TEMPLATE_ID, type FakeDingTalk } from '../fakes/dingtalk/index.ts';
import { startFakeFeishu } from '../fakes/feishu/index.ts';
import type { FakeFeishu } from '../fakes/feishu/types.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/index.ts';
import { feishuPageUrl } from '../../bots/pageLinks.ts';

const PUBLIC_URL = 'https://stock.example.com';
const PATH = '/count/ST-20261125-001?location=R2-03';
const FAST = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };
const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

const countCard = (): Card =>
  card({
    header: { title: 'ST-20261125-001' },
    elements: [
      { type: 'markdown', text: '3 / 4' },
      { type: 'page', label: '扫码盘点', path: PATH },
    ],
  });

describe('Telegram', () => {
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = await startFakeTelegram();
    fake.addChat({ chatId: 501, chatType: 'private', firstName: 'Carl' });
    fake.addChat({ chatId: -1001, chatType: 'supergroup', title: 'WH1 team' });
  });
  afterAll(() => fake?.close());
  const deliverer = (pages: { publicUrl?: string; miniAppUrl?: string }) =>
    createTelegramDeliverer(new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo }).api, fake.token, FAST, pages);
  const keyboardOf = (chatId: number) => fake.messagesIn(chatId).at(-1)!.replyMarkup?.inline_keyboard;

  it('opens the counting page as a Mini App in a private chat', async () => {
    await deliverer({ publicUrl: PUBLIC_URL }).send('dm:501', countCard(), { idempotencyKey: 'k1' });
    expect(keyboardOf(501)).toEqual([
      [{ text: '扫码盘点', web_app: { url: `${PUBLIC_URL}/open/telegram?next=${encodeURIComponent(PATH)}` } }],
    ]);
  });

  it('in a group links the direct Mini App link with the page in startapp, or else the page itself', async () => {
    await deliverer({ publicUrl: PUBLIC_URL, miniAppUrl: 'https://t.me/stock_bot/count' }).send('-1001', countCard(), {
      idempotencyKey: 'k2',
    });
    const [[button]] = keyboardOf(-1001);
    expect(button.url).toMatch(/^https:\/\/t\.me\/stock_bot\/count\?startapp=[A-Za-z0-9_-]+$/);
    expect(pathOfStartParam(new URL(button.url).searchParams.get('startapp')!)).toBe(PATH);
    await deliverer({ publicUrl: PUBLIC_URL }).send('-1001', countCard(), { idempotencyKey: 'k3' });
    expect(keyboardOf(-1001)).toEqual([[{ text: '扫码盘点', url: `${PUBLIC_URL}${PATH}` }]]);
  });

  it('is refused a web_app button in a group, as Telegram refuses it, and leaves the button out without PUBLIC_URL', async () => {
    const api = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo }).api;
    await expect(
      api.sendMessage(-1001, 'x', {
        reply_markup: { inline_keyboard: [[{ text: 'x', web_app: { url: `${PUBLIC_URL}/open/telegram` } }]] },
      }),
    ).rejects.toThrow(/BUTTON_TYPE_INVALID/);
    await deliverer({}).send('dm:501', countCard(), { idempotencyKey: 'k4' });
    expect(keyboardOf(501)).toBeUndefined();
    // A variance card keeps its callback buttons next to "Add photo".
    await deliverer({ publicUrl: PUBLIC_URL }).send('dm:501', varianceCard(galleryContext('zh-CN'), variance()), { idempotencyKey: 'k5' });
    const buttons = keyboardOf(501).flat();
    expect(buttons[0]).toEqual({
      text: '拍照',
      web_app: { url: `${PUBLIC_URL}/open/telegram?next=${encodeURIComponent('/count/ST-20261125-001?location=R2-03&photo=A-200')}` },
    });
    expect(buttons.slice(1).every((b: { callback_data?: string }) => typeof b.callback_data === 'string')).toBe(true);
  });
});

describe('Feishu', () => {
  let fake: FakeFeishu;
  beforeAll(async () => {
    fake = await startFakeFeishu();
  });
  afterAll(() => fake?.close());

  it('opens the web app page with an open_url button, on a card Feishu accepts', async () => {
    const client = new Client({
      appId: fake.appId,
      appSecret: fake.appSecret,
      domain: fake.domain,
      logger: silent,
      loggerLevel: LoggerLevel.error,
    });
    await createFeishuDeliverer(client, fake.appId, undefined, feishuPageUrl(PUBLIC_URL)).send('oc_team', countCard(), {
      idempotencyKey: 'f1',
    });
    const sent = fake.messages.at(-1)!.content as { body: { elements: Record<string, unknown>[] } };
    expect(sent.body.elements).toContainEqual({
      tag: 'button',
      text: { tag: 'plain_text', content: '扫码盘点' },
      type: 'primary',
      behaviors: [{ type: 'open_url', default_url: `${PUBLIC_URL}/open/feishu?next=${encodeURIComponent(PATH)}` }],
    });
    await createFeishuDeliverer(client, fake.appId).send('oc_team', countCard(), { idempotencyKey: 'f2' });
    expect(JSON.stringify(fake.messages.at(-1)!.content)).not.toContain('open_url');
  });
});

describe('DingTalk', () => {
  let fake: FakeDingTalk;
  beforeAll(async () => {
    fake = await startFakeDingTalk();
  });
  afterAll(() => fake?.close());
  const GROUP = 'cidStocktakeTeam01==';
  const inDingTalk = (path: string) =>
    `dingtalk://dingtalkclient/page/link?url=${encodeURIComponent(`${PUBLIC_URL}/open/dingtalk?next=${encodeURIComponent(path)}`)}&pc_slide=true`;

  it('links the H5 micro-app page inside DingTalk from the card template and from a robot message', async () => {
    const base = {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      robotCode: fake.robotCode,
      apiBase: fake.apiBase,
      gatewayUrl: undefined,
    };
    const config = { ...base, corpId: fake.corpId, publicUrl: PUBLIC_URL };
    const cards = createDingTalkDeliverer(new DingTalkApi(base), { ...config, cardTemplateId: STOCKTAKE_TEMPLATE_ID });
    const recount = recountRequestCard(galleryContext('zh-CN'), variance({ reviewStatus: 'recount', recountBy: 'carl' }), 'sam');
    const { messageId } = await cards.send(GROUP, recount, { idempotencyKey: 'd1' });
    expect(fake.cards.get(messageId)!.params.markdown).toContain(`**[扫码盘点](${inDingTalk(PATH)})**`);
    const messages = createDingTalkDeliverer(new DingTalkApi(base), { ...config, cardTemplateId: null });
    await messages.send(GROUP, recount, { idempotencyKey: 'd2' });
    expect(fake.robotMessages.at(-1)!.msgParam.text).toContain(inDingTalk(PATH));
    // Without DINGTALK_CORP_ID the page cannot ask for a code: a plain link, where the sign-in link takes over.
    const plain = createDingTalkDeliverer(new DingTalkApi(base), { ...base, publicUrl: PUBLIC_URL, cardTemplateId: null });
    await plain.send(GROUP, recount, { idempotencyKey: 'd3' });
    expect(fake.robotMessages.at(-1)!.msgParam.text).toContain(`(${PUBLIC_URL}${PATH})`);
  });
});
