/** Every template on every renderer, in both locales: a snapshot each, and each platform's limits. */
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../cards/i18n/index.ts';
import { renderDingTalkCard, renderDingTalkMessage } from '../../cards/render/dingtalk.ts';
import { feishuCardBytes, renderFeishu } from '../../cards/render/feishu.ts';
import { renderHtml } from '../../cards/render/html.ts';
import { renderTelegram, visibleLength } from '../../cards/render/telegram.ts';
import { cardRefusal } from '../fakes/feishu/index.ts';
import { englishIn, stringsIn } from '../support/texts.ts';
import { gallery } from './gallery.ts';

describe.each(LOCALES)('templates in %s', (locale) => {
  describe.each(gallery(locale))('%s', (_name, card) => {
    it('renders for Feishu within 30 KB', () => {
      const rendered = renderFeishu(card);
      expect(feishuCardBytes(rendered)).toBeLessThanOrEqual(30 * 1024);
      // Card JSON 2.0 as Feishu checks it: known tags and properties, five tables, 200 elements (test/fakes/feishu).
      expect(cardRefusal(rendered)).toBeNull();
      expect(rendered).toMatchSnapshot();
    });
    it('renders for Telegram within 4096 characters and 64-byte callbacks', () => {
      const rendered = renderTelegram(card);
      expect(visibleLength(rendered.text)).toBeLessThanOrEqual(4096);
      for (const row of rendered.reply_markup?.inline_keyboard ?? [])
        for (const b of row) expect(Buffer.byteLength(b.callback_data ?? '')).toBeLessThanOrEqual(64);
      expect(rendered).toMatchSnapshot();
    });
    it('renders for DingTalk with string-only card parameters', () => {
      const { cardParamMap } = renderDingTalkCard(card);
      for (const value of Object.values(cardParamMap)) expect(typeof value).toBe('string');
      expect(cardParamMap).toMatchSnapshot();
      expect(renderDingTalkMessage(card)).toMatchSnapshot();
    });
    it('renders as HTML with every text escaped', () => {
      const html = renderHtml(card);
      expect(html).not.toMatch(/<script/i);
      // Icons are SVG: a browser without an emoji font would draw empty boxes (cards/render/icons.ts).
      expect(html).not.toMatch(/\p{Emoji_Presentation}|\uFE0F/u);
      expect(html).toMatchSnapshot();
    });
  });
});

describe('the template texts', () => {
  it('has every key in both languages', () => {
    const en = gallery('en').map(([, c]) => JSON.stringify(c));
    const zh = gallery('zh-CN').map(([, c]) => JSON.stringify(c));
    // Same structure (elements and tokens), different words.
    expect(zh.map((c) => JSON.parse(c).elements.length)).toEqual(en.map((c) => JSON.parse(c).elements.length));
    expect(zh.filter((c, i) => c === en[i])).toEqual([]);
  });
  it('says nothing in English on a Chinese card', () => {
    const english = gallery('zh-CN').flatMap(([name, card]) =>
      stringsIn(card)
        .map((text) => [name, text, englishIn(text)] as const)
        .filter(([, , found]) => found !== null)
        .map(([n, text]) => `${n}: ${text}`),
    );
    expect(english).toEqual([]);
  });
});
