/**
 * Every renderer is total: any valid card (with tokens and option values as the core mints them) renders
 * without throwing and within each platform's limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { card, cardTokens, CARD_STATES, type CardInput } from '../../../cards/model.ts';
import {
  DINGTALK_BODY_BUDGET,
  DINGTALK_MARKDOWN_LIMIT,
  renderDingTalkCard,
  renderDingTalkMessage,
} from '../../../cards/render/dingtalk.ts';
import { feishuCardBytes, FEISHU_CARD_BUDGET, renderFeishu } from '../../../cards/render/feishu.ts';
import { renderHtml } from '../../../cards/render/html.ts';
import { TELEGRAM_TEXT_LIMIT, parseTelegramCallback, renderTelegram, visibleLength } from '../../../cards/render/telegram.ts';
import { parseTelegramHtml } from '../../fakes/telegram/html.ts';
import { HOSTILE, assertTelegramHtml } from './fixtures.ts';

// `size: 'max'` lets lengths reach their maxima, so cards big enough to hit the limits turn up.
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength, size: 'max' }),
    fc.constant(HOSTILE),
    fc.string({ unit: 'binary', maxLength, size: 'max' }),
  );
const label = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
const action = fc.record({ token: fc.stringMatching(/^[A-Za-z0-9._-]{1,22}$/) });
const keys = ['sku', 'name', 'qty', 'delta'];

const element = fc.oneof(
  fc.record({ type: fc.constant('markdown' as const), text: text(4000) }),
  fc.record({
    type: fc.constant('fields' as const),
    fields: fc.array(fc.record({ label: text(40), value: text(200), short: fc.boolean() }), { maxLength: 12 }),
  }),
  fc.record({
    type: fc.constant('table' as const),
    columns: fc.uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: 4 }).map((ks) => ks.map((key) => ({ key, label: key }))),
    rows: fc.array(fc.dictionary(fc.constantFrom(...keys), fc.oneof(text(24), fc.integer().map(String))), { maxLength: 600, size: 'max' }),
    more: fc.nat(10_000),
  }),
  fc.record({ type: fc.constant('image' as const), alt: text(60) }),
  fc.record({
    type: fc.constant('buttons' as const),
    buttons: fc.array(fc.record({ label, style: fc.constantFrom('primary' as const, 'danger' as const, 'default' as const), action }), {
      minLength: 1,
      maxLength: 6,
    }),
  }),
  fc.record({
    type: fc.constant('select' as const),
    placeholder: text(40),
    action,
    options: fc.array(fc.record({ value: fc.stringMatching(/^[a-z0-9_]{1,40}$/), label }), { minLength: 1, maxLength: 30 }),
  }),
  fc.record({ type: fc.constant('input' as const), label: text(40), placeholder: text(40), submitLabel: label, action }),
  fc.constant({ type: 'divider' as const }),
);

// Names up to the 64 UTF-16 units a mention holds, ids valid and not for their platform's markup alike.
const mention = fc.record({
  name: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 32, size: 'max' }),
    fc.constant('*<&>_'.repeat(12)),
    fc.constant(HOSTILE.slice(0, 64)),
  ),
  identities: fc.array(
    fc.oneof(
      fc.nat().map((n) => `telegram:${n + 1}`),
      fc.stringMatching(/^feishu:[\S]{1,40}$/),
      fc.stringMatching(/^dingtalk:[\S]{1,64}$/),
      fc.stringMatching(/^web:[\S]{1,40}$/),
    ),
    { maxLength: 4 },
  ),
});

const cards = fc
  .record({
    header: fc.record({
      title: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
      subtitle: fc.option(text(200), { nil: undefined }),
      state: fc.constantFrom(...CARD_STATES),
    }),
    elements: fc.array(element, { maxLength: 8, size: 'max' }),
    footer: fc.option(text(300), { nil: undefined }),
    mentions: fc.option(fc.array(mention, { maxLength: 30, size: 'max' }), { nil: undefined }),
  })
  .map((c) => card(c as CardInput));

describe('renderers are total', () => {
  it('render any valid card within every platform limit', () => {
    fc.assert(
      fc.property(cards, (c) => {
        // The keyboard is trimmed to 100 buttons, so a card with more actions than that cannot keep them all.
        const actions = c.elements.reduce(
          (n, el) =>
            n + (el.type === 'buttons' ? el.buttons.length : el.type === 'select' ? el.options.length : el.type === 'input' ? 1 : 0),
          0,
        );

        const feishu = renderFeishu(c);
        expect(feishuCardBytes(feishu)).toBeLessThanOrEqual(FEISHU_CARD_BUDGET);

        const telegram = renderTelegram(c);
        expect(visibleLength(telegram.text)).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
        assertTelegramHtml(telegram.text);
        expect(parseTelegramHtml(telegram.text).text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
        const buttons = telegram.reply_markup?.inline_keyboard.flat() ?? [];
        expect(buttons.length).toBe(Math.min(actions, 100));
        for (const b of buttons) expect(Buffer.byteLength(b.callback_data ?? '')).toBeLessThanOrEqual(64);
        if (actions <= 100)
          expect([...new Set(buttons.map((b) => parseTelegramCallback(b.callback_data!).token))]).toEqual([...new Set(cardTokens(c))]);

        const dingtalk = renderDingTalkCard(c);
        for (const v of Object.values(dingtalk.cardParamMap)) expect(typeof v).toBe('string');
        expect([...dingtalk.cardParamMap.markdown!].length).toBeLessThanOrEqual(DINGTALK_MARKDOWN_LIMIT);
        expect(Buffer.byteLength(JSON.stringify(dingtalk))).toBeLessThanOrEqual(DINGTALK_BODY_BUDGET);

        for (const message of [
          renderDingTalkMessage(c),
          renderDingTalkMessage(c, { at: true }),
          renderDingTalkMessage(c, { typed: true, at: true }),
        ]) {
          expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(DINGTALK_BODY_BUDGET);
          expect([...(message.msgtype === 'markdown' ? message.markdown.text : message.actionCard.text)].length).toBeLessThanOrEqual(
            DINGTALK_MARKDOWN_LIMIT,
          );
        }

        expect(renderHtml(c)).not.toContain('<script');
      }),
      { numRuns: 60 },
    );
  });
});
