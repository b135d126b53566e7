import { describe, expect, it } from 'vitest';
import { LOCALES, messages } from '../../cards/i18n/index.ts';
import type { Card } from '../../cards/model.ts';
import { renderDingTalkCard } from '../../cards/render/dingtalk.ts';
import { FEISHU_CARD_BUDGET, feishuCardBytes, renderFeishu } from '../../cards/render/feishu.ts';
import { renderTelegram } from '../../cards/render/telegram.ts';
import { APPROVAL_NOTE_MAX, approvalCard } from '../../cards/templates/approval.ts';
import { cardText } from '../../cards/templates/digest.ts';
import type { DocumentView } from '../../cards/templates/views.ts';
import { documentView, galleryContext } from './gallery.ts';

const line = (lineNo: number, over: Partial<DocumentView['lines'][number]> = {}): DocumentView['lines'][number] => ({
  lineNo,
  sku: `C-${400 + lineNo}`,
  location: `R${lineNo}`,
  qty: `-${lineNo}`,
  value: `-${lineNo}00.00`,
  causeEn: 'Damage / scrap',
  causeZh: '报损',
  ...over,
});

const markdowns = (c: Card) => c.elements.flatMap((el) => (el.type === 'markdown' ? [el.text] : []));

describe('the approval card', () => {
  it('shows each line with its note and photo count right under it, in line-number order', () => {
    for (const locale of LOCALES) {
      const t = messages(locale).approval;
      const c = approvalCard(
        galleryContext(locale),
        documentView({
          lineCount: 3,
          lines: [line(1, { photos: 3 }), line(2), line(7, { note: 'Searched the returns cage', photos: 1 })],
          photos: [
            { lineNo: 1, sku: 'C-401', location: 'R1', photos: 3 },
            { lineNo: 7, sku: 'C-407', location: 'R7', photos: 1 },
          ],
        }),
      );
      const lines = markdowns(c).filter((m) => m.startsWith('**#'));
      expect(lines.map((m) => /^\*\*#(\d+)\*\*/.exec(m)![1])).toEqual(['1', '2', '7']);
      expect(lines[0]).toBe(
        `${t.lineItem(1, 'C-401 @ R1', '-1', '-100.00', locale === 'en' ? 'Damage / scrap' : '报损')}\n${t.linePhotos(3)}`,
      );
      expect(lines[1]).not.toContain('\n');
      expect(lines[2]!.split('\n')[1]).toBe(`${t.lineNote('Searched the returns cage')} · ${t.linePhotos(1)}`);
      // The photos page, once, for the lines with photos; no "more lines" when every line is shown.
      expect(c.elements.filter((el) => el.type === 'page')).toHaveLength(1);
      expect(cardText(c)).not.toContain(t.moreLines(1).slice(0, 6));
    }
  });

  it('cuts a long note with an ellipsis, never between the halves of a surrogate pair, and says how many lines are not shown', () => {
    const note = `${'😀'.repeat(APPROVAL_NOTE_MAX - 1)}😀😀 tail`;
    const c = approvalCard(galleryContext('en'), documentView({ lineCount: 30, lines: [line(1, { note })], photos: [] }));
    const shown = markdowns(c)
      .find((m) => m.startsWith('**#1**'))!
      .split('\n')[1]!;
    const text = shown.slice('Note: '.length);
    expect([...text]).toHaveLength(APPROVAL_NOTE_MAX);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(markdowns(c)).toContain(messages('en').approval.moreLines(29));
    expect(c.elements.some((el) => el.type === 'page')).toBe(false);
  });

  it('fits twenty lines with long notes on every platform, shortening the notes before dropping a line', () => {
    const long = '托盘在主管在场时复核了两遍，短少数量与破损箱数一致；退货区和相邻库位都已查找，没有发现。'.repeat(2);
    const lines = Array.from({ length: 20 }, (_, i) => line(i + 1, { note: long, photos: i % 3 }));
    const c = approvalCard(galleryContext('zh-CN'), documentView({ lineCount: 20, lines }));
    const telegram = renderTelegram(c).text;
    const feishu = renderFeishu(c);
    const dingtalk = renderDingTalkCard(c).cardParamMap.markdown!;
    expect(feishuCardBytes(feishu)).toBeLessThanOrEqual(FEISHU_CARD_BUDGET);
    for (const shown of [telegram, JSON.stringify(feishu), dingtalk]) for (let n = 1; n <= 20; n++) expect(shown).toContain(`#${n}`);
    // DingTalk's 3000 characters of markdown: the notes are cut to fit, every line stays.
    expect(dingtalk).toContain('…');
    expect(dingtalk).toContain('托盘在主管在场时复核了两遍');
  });
});
