import { describe, expect, it } from 'vitest';
import { card, cardTokens } from '../../../cards/model.ts';
import {
  TELEGRAM_INPUT_SUFFIX,
  TELEGRAM_OPTION_SEPARATOR,
  TELEGRAM_TEXT_LIMIT,
  parseTelegramCallback,
  renderTelegram,
  visibleLength,
} from '../../../cards/render/telegram.ts';
import { displayWidth } from '../../../cards/render/text.ts';
import { parseTelegramHtml } from '../../fakes/telegram/html.ts';
import { HOSTILE, MENTIONS, assertTelegramHtml, largestCard, manyMentions, optionValue, representativeCard, token } from './fixtures.ts';

describe('renderTelegram', () => {
  it('renders a representative card', () => {
    expect(renderTelegram(representativeCard())).toMatchSnapshot();
  });

  it('keeps the largest card within 4096 visible characters, as valid HTML, without losing a button', () => {
    const c = largestCard();
    const msg = renderTelegram(c);
    expect(visibleLength(msg.text)).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    assertTelegramHtml(msg.text);
    // The fake Bot API's parser follows tdlib's rules: it must accept the text and agree on its length.
    expect(parseTelegramHtml(msg.text).text.length).toBe(visibleLength(msg.text));
    const rows = /<pre>([\s\S]*?)<\/pre>/.exec(msg.text)![1]!.split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(0);
    expect(msg.text).toContain(`… and ${500 - rows.length + 20} more`);
    const data = msg.reply_markup!.inline_keyboard.flat().map((b) => b.callback_data ?? '');
    expect([...new Set(data.map((d) => parseTelegramCallback(d).token))]).toEqual(cardTokens(c));
  });

  it('keeps every callback_data within 1–64 bytes and the keyboard within 100 buttons', () => {
    const buttons = renderTelegram(largestCard()).reply_markup!.inline_keyboard.flat();
    expect(buttons.length).toBe(6 + 30 + 1);
    for (const b of buttons) {
      expect(Buffer.byteLength(b.callback_data ?? '')).toBeGreaterThanOrEqual(1);
      expect(Buffer.byteLength(b.callback_data ?? '')).toBeLessThanOrEqual(64);
    }
  });

  it('turns a select into a grid of two or three per row, marking the selected option', () => {
    const keyboard = renderTelegram(largestCard()).reply_markup!.inline_keyboard;
    const options = keyboard.filter((row) => row.some((b) => b.callback_data?.includes(TELEGRAM_OPTION_SEPARATOR)));
    expect(options.flat()).toHaveLength(30);
    for (const row of options) expect(row.length).toBeLessThanOrEqual(3);
    const selected = options.flat().find((b) => b.text.startsWith('✓ '))!;
    expect(parseTelegramCallback(selected.callback_data!)).toEqual({ token: token(20), option: optionValue(4), wantsInput: false });
  });

  it('offers an input as one button whose data asks the adapter for a ForceReply', () => {
    const keyboard = renderTelegram(representativeCard()).reply_markup!.inline_keyboard;
    const input = keyboard.at(-1)!;
    expect(input).toEqual([{ text: '✍️ Send', callback_data: `${token(4)}${TELEGRAM_INPUT_SUFFIX}` }]);
    expect(parseTelegramCallback(input[0]!.callback_data!)).toEqual({ token: token(4), wantsInput: true });
    expect(parseTelegramCallback(token(1))).toEqual({ token: token(1), wantsInput: false });
  });

  it('cannot be given a token and an option that would not fit in callback_data: the model refuses them', () => {
    expect(() =>
      card({
        header: { title: 't' },
        elements: [
          { type: 'select', placeholder: 'p', action: { token: 'x'.repeat(30) }, options: [{ value: 'v'.repeat(40), label: 'V' }] },
        ],
      }),
    ).toThrow(/at most 22 characters/);
    // The longest a card allows still fits: 22 + ':' + 40 = 63 bytes.
    const longest = card({
      header: { title: 't' },
      elements: [{ type: 'select', placeholder: 'p', action: { token: 'x'.repeat(22) }, options: [{ value: 'v'.repeat(40), label: 'V' }] }],
    });
    const data = renderTelegram(longest)
      .reply_markup!.inline_keyboard.flat()
      .map((b) => b.callback_data ?? '');
    expect(Math.max(...data.map((d) => Buffer.byteLength(d)))).toBe(63);
  });

  it('lines up table columns by display width, CJK counting two, numbers on the right', () => {
    const msg = renderTelegram(representativeCard());
    const lines = /<pre>([\s\S]*?)<\/pre>/.exec(msg.text)![1]!.split('\n');
    const widths = lines.map(displayWidth);
    expect(new Set(widths).size).toBe(1);
    expect(lines[2]!.endsWith('  -3')).toBe(true);
    expect(lines[3]!.endsWith('12.5')).toBe(true);
    const nameColumn = lines.map((l) => displayWidth(l.slice(0, l.indexOf(l.trim().split(/\s{2,}/)[1]!))));
    expect(new Set(nameColumn).size).toBe(1);
  });

  it('escapes user text everywhere and emits only Telegram tags', () => {
    const msg = renderTelegram(
      card({
        header: { title: HOSTILE, subtitle: HOSTILE },
        elements: [
          { type: 'fields', fields: [{ label: HOSTILE, value: HOSTILE }] },
          { type: 'table', columns: [{ key: 'a', label: HOSTILE }], rows: [{ a: HOSTILE }] },
        ],
        footer: HOSTILE,
      }),
    );
    assertTelegramHtml(msg.text);
    expect(msg.text).not.toContain('<script');
    expect(msg.text).toContain('&lt;script&gt;');
  });

  it('uses the state emoji and keeps link previews off unless a hint says otherwise', () => {
    const on = renderTelegram(
      card({ header: { title: 'Done', state: 'success' }, elements: [], hints: { 'telegram.disablePreview': false } }),
    );
    expect(on.text).toBe('✅ <b>Done</b>');
    expect(on.disable_web_page_preview).toBe(false);
    expect(on.reply_markup).toBeUndefined();
    expect(renderTelegram(card({ header: { title: 'x' }, elements: [] })).disable_web_page_preview).toBe(true);
  });

  it('mentions people by text mention links to tg://user?id=, names the others, under the header', () => {
    const rendered = renderTelegram(
      card({ header: { title: 'Overdue' }, elements: [{ type: 'markdown', text: 'Past due.' }], mentions: MENTIONS }),
    );
    assertTelegramHtml(rendered.text);
    const line = rendered.text.split('\n\n')[1];
    expect(line).toBe(
      '<a href="tg://user?id=3002">Sam Chen</a>, <a href="tg://user?id=3003">Sue &lt;b&gt;&amp;&lt;/b&gt; *Li*</a>, Mo, Eve',
    );
    const parsed = parseTelegramHtml(rendered.text);
    const mentions = parsed.entities.filter((e) => e.type === 'text_mention');
    expect(mentions.map((e) => [e.user!.id, parsed.text.slice(e.offset, e.offset + e.length)])).toEqual([
      [3002, 'Sam Chen'],
      [3003, 'Sue <b>&</b> *Li*'],
    ]);
    // Without an account the name has no "@": Telegram would read "@Eve…" as a stranger's username.
    expect(parsed.entities.some((e) => e.type === 'mention')).toBe(false);
  });

  it('keeps every mention when it trims the largest card to 4096 characters', () => {
    const big = { ...largestCard(), mentions: manyMentions() };
    const rendered = renderTelegram(big);
    expect(visibleLength(rendered.text)).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    const ids = parseTelegramHtml(rendered.text)
      .entities.filter((e) => e.type === 'text_mention')
      .map((e) => e.user!.id);
    expect(ids).toEqual(manyMentions().map((_, i) => 4000 + i));
  });
});
