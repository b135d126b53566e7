import { describe, expect, it } from 'vitest';
import { card } from '../../../cards/model.ts';
import { renderHtml } from '../../../cards/render/html.ts';
import { iconize, iconizeHtml } from '../../../cards/render/icons.ts';
import { HOSTILE, MENTIONS, PNG, largestCard, representativeCard, token } from './fixtures.ts';

const VOID = new Set(['br', 'hr', 'img', 'input']);

/** Throws unless every non-void element is closed in order. */
function assertBalanced(html: string): void {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*>/g)) {
    if (VOID.has(m[2]!) || m[0].endsWith('/>')) continue; // void, or a self-closed SVG shape
    if (!m[1]) open.push(m[2]!);
    else if (open.pop() !== m[2]) throw new Error(`</${m[2]}> closes the wrong element at ${m.index}`);
  }
  if (open.length) throw new Error(`unclosed <${open.join('>, <')}>`);
}

describe('renderHtml', () => {
  it('renders a representative card', () => {
    expect(renderHtml(representativeCard())).toMatchSnapshot();
  });

  it('escapes <script> and quotes in every place user text can reach', () => {
    const html = renderHtml(
      card({
        header: { title: HOSTILE, subtitle: HOSTILE, state: 'danger' },
        elements: [
          { type: 'markdown', text: HOSTILE },
          { type: 'fields', fields: [{ label: HOSTILE, value: HOSTILE }] },
          { type: 'table', columns: [{ key: 'a', label: HOSTILE }], rows: [{ a: HOSTILE }] },
          { type: 'image', alt: `" onerror="alert(1)`, url: 'javascript:alert(1)' },
          { type: 'buttons', buttons: [{ label: HOSTILE, action: { token: token(3) }, confirm: { title: HOSTILE, text: HOSTILE } }] },
          { type: 'select', placeholder: HOSTILE, action: { token: token(1) }, options: [{ value: 'x', label: HOSTILE }] },
          { type: 'input', label: HOSTILE, placeholder: HOSTILE, submitLabel: HOSTILE, action: { token: token(2) } },
        ],
        footer: HOSTILE,
      }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('javascript:');
    expect(html).not.toMatch(/="[^"]*"[^ >]/); // no attribute value broken out of its quotes
    expect(html).toContain('&lt;script&gt;');
    assertBalanced(html);
  });

  it('posts actions to /actions: buttons by name, selects and inputs with a hidden token', () => {
    const html = renderHtml(representativeCard());
    expect(html).toContain(
      `<form method="post" action="/actions" class="actions"><button type="submit" name="token" value="${token(1)}" class="btn btn--primary">Approve</button>`,
    );
    expect(html).toContain(`class="btn btn--danger" data-confirm-title="Reject?" data-confirm="The counter is told.">Reject</button>`);
    expect(html).toMatch(
      new RegExp(
        `<form method="post" action="/actions" class="select"><input type="hidden" name="token" value="${token(3)}"><select name="option"`,
      ),
    );
    expect(html).toContain('<option value="damage" selected>损坏</option>');
    expect(html).toContain(
      `<input type="hidden" name="token" value="${token(4)}"><label>Note <input type="text" name="input" maxlength="200" placeholder="Why?"></label>`,
    );
    const largest = renderHtml(largestCard());
    expect(largest).toMatch(/<input type="text" name="input" maxlength="500" required/);
  });

  it('sends a select with a note as one form: the choice, a textarea required while the chosen option needs it, one submit', () => {
    const select = (selected?: string) =>
      card({
        header: { title: 'Variance' },
        elements: [
          {
            type: 'select',
            placeholder: 'Tag a cause',
            action: { token: token(1) },
            options: [
              { value: 'damage', label: 'Damage' },
              { value: 'unknown', label: 'Unknown *', needsNote: true },
            ],
            ...(selected ? { selected } : {}),
            note: {
              label: 'Note for the cause',
              placeholder: 'What was checked',
              hint: 'Causes marked * need a note.',
              submitLabel: 'Tag cause',
            },
          },
        ],
      });
    const html = renderHtml(select());
    assertBalanced(html);
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(html).toContain('<form method="post" action="/actions" class="select select--note">');
    expect(html).toContain('<option value="damage">Damage</option><option value="unknown" data-needs-note>Unknown *</option>');
    expect(html).toContain(
      '<label>Note for the cause <textarea name="input" rows="2" maxlength="200" placeholder="What was checked"></textarea></label>',
    );
    expect(html).toContain(
      '<small class="hint">Causes marked * need a note.</small><button type="submit" class="btn btn--primary">Tag cause</button>',
    );
    // A cause shown as tagged has its note already: the box is required only once a person picks (the script).
    expect(renderHtml(select('unknown'))).toContain('<option value="unknown" data-needs-note selected>Unknown *</option>');
    expect(renderHtml(select('unknown'))).not.toMatch(/<textarea[^>]* required/);
  });

  it('renders the whole table, numeric columns right-aligned, and the rows left off', () => {
    const html = renderHtml(largestCard());
    expect(html.match(/<tr>/g)).toHaveLength(501);
    expect(html).toContain('<th class="num" style="text-align:right">差异</th>');
    expect(html).toContain(
      '<td><span class="nw">SKU-00000</span></td><td>有机红富士苹果（特级）0号</td><td class="num" style="text-align:right">0.000</td>',
    );
    expect(html).toContain('<p class="more">… and 20 more</p>');
    assertBalanced(html);
  });

  it('inlines PNG images as data URLs and shows the alt text when there is no image', () => {
    const html = renderHtml(
      card({
        header: { title: 't' },
        elements: [
          { type: 'image', alt: 'Trend', png: PNG },
          { type: 'image', alt: 'Missing' },
        ],
      }),
    );
    expect(html).toContain(`<img class="image" src="data:image/png;base64,${PNG}" alt="Trend">`);
    expect(html).toContain('<p class="image image--missing">Missing</p>');
  });

  it('wraps the card in an article classed by state', () => {
    expect(renderHtml(card({ header: { title: 't', state: 'success' }, elements: [] }))).toMatch(
      /^<article class="card card--success">[\s\S]*<\/article>$/,
    );
  });

  it('highlights the people with a console account at the top of the body and names the others', () => {
    const html = renderHtml(
      card({ header: { title: 'Overdue' }, elements: [{ type: 'markdown', text: 'Past due.' }], mentions: MENTIONS }),
    );
    assertBalanced(html);
    expect(html).toContain(
      '<div class="card__body">\n<p class="mentions"><mark class="mention">@Sam Chen</mark>, <mark class="mention">@Sue &lt;b&gt;&amp;&lt;/b&gt; *Li*</mark>, Mo, Eve</p>\n<div class="md">',
    );
    expect(renderHtml(card({ header: { title: 'x' }, elements: [] }))).not.toContain('mentions');
  });
});

describe('icons instead of emoji', () => {
  it('draws the state and the emoji a template writes as SVG, and keeps markup-free places plain text', () => {
    const html = renderHtml(
      card({
        header: { title: 'Due ⏰', state: 'success' },
        elements: [
          { type: 'table', columns: [{ key: 's', label: 'Status' }], rows: [{ s: 'to review ⏰' }, { s: '⚠ late' }], more: 0 },
          {
            type: 'select',
            placeholder: 'Pick ✅',
            options: [{ value: 'a', label: 'Done ✅' }],
            action: { token: token(1) },
          },
        ],
      }),
    );
    expect(html).not.toMatch(/\p{Emoji_Presentation}|\uFE0F/u);
    expect(html).toContain('<span class="card__state"><svg class="icon icon--success"');
    expect(html).toContain('to review <svg class="icon icon--clock"');
    expect(html).toContain('<svg class="icon icon--warning"');
    // An <option> and an attribute hold text only: the emoji becomes a character DejaVu has.
    expect(html).toContain('>Done ✓</option>');
    expect(html).toContain('aria-label="Pick ✓"');
    // Wide tables scroll inside their own box on a phone.
    expect(html).toMatch(/<div class="table-scroll"><table class="table">/);
    assertBalanced(html);
  });

  it('keeps codes with hyphens whole in table cells, so a phone wraps them at spaces only', () => {
    const html = renderHtml(
      card({
        header: { title: 't' },
        elements: [
          { type: 'table', columns: [{ key: 'l', label: 'Line' }], rows: [{ l: 'POT-ZS @ C-01-01 -13.75 Unit-of-measure' }], more: 0 },
        ],
      }),
    );
    expect(html).toContain(
      '<span class="nw">POT-ZS</span> @ <span class="nw">C-01-01</span> <span class="nw">-13.75</span> Unit-of-measure',
    );
  });

  it('leaves text without emoji alone and drops a stray variation selector', () => {
    expect(iconize('a &lt;b&gt; → c ✓')).toBe('a &lt;b&gt; → c ✓');
    expect(iconize('x\uFE0F')).toBe('x');
    expect(iconizeHtml('<p title="📦">📦</p>')).toMatch(/^<p title="">.*icon--box.*<\/p>$/);
  });
});
