import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  escapeDingTalkMd,
  escapeLarkMd,
  isRightAligned,
  padDisplay,
  safeCutIndex,
  truncateDisplay,
  truncateText,
} from '../../../cards/render/text.ts';
import {
  escapeMarkdown,
  markdownLength,
  markdownToHtml,
  markdownToLark,
  markdownToTelegram,
  parseMarkdown,
  serializeMarkdown,
  truncateMarkdown,
} from '../../../cards/render/markdown.ts';

const isLoneSurrogate = (s: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('display width', () => {
  it('counts CJK and full-width characters as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('苹果')).toBe(4);
    expect(displayWidth('ＡＢ')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('📦')).toBe(2);
  });

  it('pads mixed Latin and CJK cells to the same width on either side', () => {
    const cells = ['A-1', '红富士苹果', 'Pear 梨'];
    const width = Math.max(...cells.map(displayWidth));
    for (const c of cells) {
      expect(displayWidth(padDisplay(c, width, 'left'))).toBe(width);
      expect(padDisplay(c, width, 'right').endsWith(c)).toBe(true);
    }
  });

  it('cuts to a display width without splitting a wide character', () => {
    const cut = truncateDisplay('有机红富士苹果', 7);
    expect(cut).toBe('有机红…');
    expect(displayWidth(cut)).toBeLessThanOrEqual(7);
  });
});

describe('truncation', () => {
  it('never splits a surrogate pair', () => {
    const text = '📦📦📦📦📦';
    for (let max = 0; max <= 6; max++) {
      const cut = truncateText(text, max);
      expect(isLoneSurrogate(cut)).toBe(false);
      expect([...cut].length).toBeLessThanOrEqual(max);
    }
  });

  it('finds a cut point outside entities and surrogate pairs in escaped text', () => {
    const escaped = 'a &amp; b &#42;📦';
    for (let i = 0; i <= escaped.length; i++) {
      const head = escaped.slice(0, safeCutIndex(escaped, i));
      expect(head).not.toMatch(/&[#a-z0-9]*$/i);
      expect(isLoneSurrogate(head)).toBe(false);
    }
  });
});

describe('escaping', () => {
  it('leaves nothing Feishu markdown would read as markup', () => {
    const out = escapeLarkMd('**bold** <at id=all></at> `x` [a](b) _i_ ~s~ |t| \\\n# head\n- item\n1. one');
    expect(out).not.toMatch(/[*<>`[\]_~|\\]/);
    expect(out).not.toMatch(/^(#|-|\d+\.)\s/m);
  });

  it('backslash-escapes DingTalk markdown but keeps underscores inside words, as in tokens', () => {
    expect(escapeDingTalkMd('**x** _y_ AB_12')).toBe('\\*\\*x\\*\\* \\_y\\_ AB_12');
    expect(escapeDingTalkMd('- not a list')).toBe('\\- not a list');
    expect(escapeDingTalkMd('-3 is a number')).toBe('-3 is a number');
  });
});

describe('markdown subset', () => {
  it('reads bold, code, list items and escapes, and leaves unclosed markers literal', () => {
    expect(parseMarkdown('**a** `b` \\*c\\* **d\n- e')).toEqual([
      {
        item: false,
        spans: [
          { kind: 'bold', text: 'a' },
          { kind: 'text', text: ' ' },
          { kind: 'code', text: 'b' },
          { kind: 'text', text: ' *c* **d' },
        ],
      },
      { item: true, spans: [{ kind: 'text', text: 'e' }] },
    ]);
  });

  it('round-trips through serialization, so truncation cannot create markup', () => {
    const md = '**a \\* b** literal ** and `c` \\- x\n- item `**`\n\\- not an item';
    expect(parseMarkdown(serializeMarkdown(parseMarkdown(md)))).toEqual(parseMarkdown(md));
  });

  it('escapeMarkdown makes user text literal', () => {
    const user = '**free** `sample` \\ *';
    expect(parseMarkdown(escapeMarkdown(user))).toEqual([{ item: false, spans: [{ kind: 'text', text: user }] }]);
  });

  it('truncates to a visible length keeping bold and code whole', () => {
    const md = '**加粗文字很长很长** then `code span` and more\n- item one\n- item two';
    for (let max = 0; max < markdownLength(md); max++) {
      const cut = truncateMarkdown(md, max);
      expect(markdownLength(cut)).toBeLessThanOrEqual(max);
      // Every `**` and backtick in the output is a complete pair.
      const lines = parseMarkdown(cut);
      expect(lines.flatMap((l) => l.spans).filter((s) => s.kind === 'text' && /\*\*|`/.test(s.text))).toEqual([]);
    }
  });

  it('writes each dialect with its own escaping', () => {
    const md = '**<b>** `a<b` 1 < 2\n- x & y';
    expect(markdownToTelegram(md)).toBe('<b>&lt;b&gt;</b> <code>a&lt;b</code> 1 &lt; 2\n• x &amp; y');
    expect(markdownToLark(md)).toBe('**&lt;b&gt;** a&lt;b 1 &lt; 2\n- x &amp; y');
    expect(markdownToLark('`SKU-1`')).toBe('`SKU-1`');
    expect(markdownToHtml(md)).toBe('<p><strong>&lt;b&gt;</strong> <code>a&lt;b</code> 1 &lt; 2</p><ul><li>x &amp; y</li></ul>');
  });
});

describe('numeric columns', () => {
  it('right-aligns a column whose cells are all numbers, or that the template marks right', () => {
    const rows = [
      { q: '1,234.50', p: '12%', n: 'apple' },
      { q: '-3', p: '', n: '4' },
    ];
    expect(isRightAligned({ key: 'q', align: 'left' }, rows)).toBe(true);
    expect(isRightAligned({ key: 'p', align: 'left' }, rows)).toBe(true);
    expect(isRightAligned({ key: 'n', align: 'left' }, rows)).toBe(false);
    expect(isRightAligned({ key: 'n', align: 'right' }, rows)).toBe(true);
  });
});
