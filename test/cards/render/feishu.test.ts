import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { card, cardTokens, CARD_STATES, type Card, type CardElement } from '../../../cards/model.ts';
import {
  FEISHU_CARD_BUDGET,
  FEISHU_MAX_ELEMENTS,
  feishuCardBytes,
  feishuElementCount,
  renderFeishu,
  type FeishuElement,
} from '../../../cards/render/feishu.ts';
import { cardRefusal, checkCard, markdownTables } from '../../fakes/feishu/index.ts';
import { HOSTILE, MENTIONS, PNG, SAM_OPEN_ID, largestCard, manyMentions, optionValue, representativeCard, token } from './fixtures.ts';

/** Every component in the card, nested ones included (column_set columns, form elements). */
function components(elements: FeishuElement[]): FeishuElement[] {
  return elements.flatMap((el) => {
    const inner = [
      ...((el.columns as { tag?: string; elements?: FeishuElement[] }[] | undefined) ?? []).flatMap((c) =>
        c.tag === 'column' ? [c as FeishuElement, ...components(c.elements ?? [])] : [],
      ),
      ...components((el.elements as FeishuElement[] | undefined) ?? []),
    ];
    return [el, ...inner];
  });
}
const tokensOf = (els: FeishuElement[]) =>
  components(els).flatMap((el) => ((el.behaviors as { value: { t: string } }[] | undefined) ?? []).map((b) => b.value.t));

describe('renderFeishu', () => {
  it('renders a representative card', () => {
    expect(renderFeishu(representativeCard())).toMatchSnapshot();
  });

  it('colours the header by state', () => {
    const colours = CARD_STATES.map((state) => renderFeishu(card({ header: { title: 't', state }, elements: [] })).header.template);
    expect(colours).toEqual(['blue', 'green', 'orange', 'red', 'grey']);
  });

  it('keeps the largest card under 30 KB by dropping rows from the end and counting them', () => {
    const rendered = renderFeishu(largestCard(), { imageKey: () => 'img_v3_key' });
    expect(Buffer.byteLength(JSON.stringify(rendered))).toBeLessThanOrEqual(30 * 1024);
    expect(feishuCardBytes(rendered)).toBeLessThanOrEqual(FEISHU_CARD_BUDGET);
    const table = rendered.body.elements.find((el) => el.tag === 'table')!;
    const rows = table.rows as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(500);
    expect(rows[0]).toEqual({ c0: 'SKU-00000', c1: '有机红富士苹果（特级）0号', c2: '0.000', c3: '0.000', c4: '0.000' });
    expect(rows.at(-1)!.c0).toBe(`SKU-${String(rows.length - 1).padStart(5, '0')}`);
    const note = rendered.body.elements[rendered.body.elements.indexOf(table) + 1]!;
    expect(note.content).toContain(`… and ${500 - rows.length + 20} more`);
  });

  it('never drops an action, however much it trims', () => {
    const c = largestCard();
    const rendered = renderFeishu(c);
    expect(tokensOf(rendered.body.elements)).toEqual(cardTokens(c));
    const select = rendered.body.elements.find((el) => el.tag === 'select_static')!;
    expect(select.options).toHaveLength(30);
    expect(select.initial_option).toBe(optionValue(4));
    expect(components(rendered.body.elements).length).toBeLessThanOrEqual(200);
  });

  it('cuts markdown when rows alone are not enough, and the card still fits', () => {
    const long = '很长的说明文字，'.repeat(4000);
    const rendered = renderFeishu(
      card({
        header: { title: 't' },
        elements: [
          { type: 'markdown', text: long },
          { type: 'buttons', buttons: [{ label: 'OK', action: { token: token(1) } }] },
        ],
      }),
    );
    expect(feishuCardBytes(rendered)).toBeLessThanOrEqual(FEISHU_CARD_BUDGET);
    const md = rendered.body.elements[0]!.content as string;
    expect(md.endsWith('…')).toBe(true);
    expect(tokensOf(rendered.body.elements)).toEqual([token(1)]);
  });

  it('lays several buttons out in a flowing column_set, with callback tokens and confirms', () => {
    const rendered = renderFeishu(representativeCard());
    const row = rendered.body.elements.find((el) => el.tag === 'column_set' && el.flex_mode === 'flow')!;
    const [approve, reject] = (row.columns as { elements: FeishuElement[] }[]).map((c) => c.elements[0]!);
    expect(approve).toMatchObject({ tag: 'button', type: 'primary', behaviors: [{ type: 'callback', value: { t: token(1) } }] });
    expect(reject).toMatchObject({
      type: 'danger',
      confirm: { title: { tag: 'plain_text', content: 'Reject?' }, text: { tag: 'plain_text', content: 'The counter is told.' } },
    });
  });

  it('puts an input in a form with a submit button carrying the token', () => {
    const form = renderFeishu(largestCard()).body.elements.find((el) => el.tag === 'form')!;
    expect(form.name).toBe('f');
    expect(form.elements).toMatchObject([
      { tag: 'input', name: 'input', max_length: 500, required: true },
      { tag: 'button', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { t: token(30) } }] },
    ]);
  });

  it('shows an uploaded image by key, and only its alt text when there is no key', () => {
    const c = card({ header: { title: 't' }, elements: [{ type: 'image', alt: 'Trend', png: PNG }] });
    expect(renderFeishu(c, { imageKey: (png) => (png === PNG ? 'img_v3_1' : undefined) }).body.elements[0]).toEqual({
      tag: 'img',
      img_key: 'img_v3_1',
      alt: { tag: 'plain_text', content: 'Trend' },
    });
    const withoutKey = renderFeishu(c).body.elements;
    expect(withoutKey).toHaveLength(1);
    expect(withoutKey[0]).toMatchObject({ tag: 'markdown', text_size: 'notation' });
    expect(withoutKey[0]!.content).toContain('Trend');
  });

  it('escapes user text so Feishu markdown shows it literally', () => {
    const rendered = renderFeishu(
      card({
        header: { title: 't' },
        elements: [{ type: 'fields', fields: [{ label: 'Note', value: HOSTILE, short: false }] }],
        footer: HOSTILE,
      }),
    );
    for (const el of rendered.body.elements) {
      const content = el.content as string;
      expect(content).not.toContain('<script');
      expect(content).not.toContain('<at');
      expect(content).not.toMatch(/\*\*not bold/);
    }
  });

  it('writes tables past the fifth as lists, never as markdown tables, which count toward the same five (11310)', () => {
    const table = {
      type: 'table' as const,
      columns: [
        { key: 'a', label: 'A' },
        { key: 'b', label: 'B|x' },
      ],
      rows: [{ a: '1', b: '|2|' }],
    };
    const rendered = renderFeishu(card({ header: { title: 't' }, elements: Array.from({ length: 8 }, () => table) }));
    expect(rendered.body.elements.filter((el) => el.tag === 'table')).toHaveLength(5);
    expect(rendered.body.elements.at(-1)).toEqual({ tag: 'markdown', content: '**A · B&#124;x**\n- 1 · &#124;2&#124;' });
    expect(checkCard(rendered).tables).toBe(5);
    expect(cardRefusal(rendered)).toBeNull();
  });

  it('writes fields as plain lines when two-column rows would pass 200 elements', () => {
    const fields = Array.from({ length: 120 }, (_, i) => ({ label: `F${i}`, value: `${i}`, short: true }));
    const rendered = renderFeishu(card({ header: { title: 't' }, elements: [{ type: 'fields', fields }] }));
    expect(feishuElementCount(rendered)).toBeLessThanOrEqual(FEISHU_MAX_ELEMENTS);
    expect(rendered.body.elements).toHaveLength(1);
    expect(String(rendered.body.elements[0]!.content).split('\n')).toHaveLength(120);
    expect(cardRefusal(rendered)).toBeNull();
    // A card well under the limit keeps the two-column layout.
    const few = renderFeishu(card({ header: { title: 't' }, elements: [{ type: 'fields', fields: fields.slice(0, 4) }] }));
    expect(few.body.elements.map((el) => el.tag)).toEqual(['column_set', 'column_set']);
  });

  it('keeps any card a template could build within every Feishu card limit (tables, elements, 30 KB, known properties)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '苹', ' ', '|', '-', '*', '\n', '<', '#', '1'), maxLength: 4000 });
    const short = fc.string({ unit: fc.constantFrom('a', '苹', '|', '*', '1'), minLength: 1, maxLength: 40 });
    let n = 0;
    const tok = fc.constant(null).map(() => ({ token: `t${++n}` }));
    const markdown = text.map((t): CardElement => ({ type: 'markdown', text: t }));
    const fields = fc
      .array(fc.record({ label: short, value: text.map((t) => t.slice(0, 200)), short: fc.boolean() }), { maxLength: 60 })
      .map((f): CardElement => ({ type: 'fields', fields: f }));
    const table = fc.integer({ min: 1, max: 6 }).chain((cols) =>
      fc.array(fc.array(short, { minLength: cols, maxLength: cols }), { maxLength: 300 }).map(
        (rows): CardElement => ({
          type: 'table',
          columns: Array.from({ length: cols }, (_, i) => ({ key: `k${i}`, label: `Col ${i}`, align: i ? 'right' : 'left' })),
          rows: rows.map((r) => Object.fromEntries(r.map((v, i) => [`k${i}`, v]))),
          more: 0,
        }),
      ),
    );
    const button = fc.record({
      label: short,
      style: fc.constantFrom('primary', 'danger', 'default'),
      action: tok,
      confirm: fc.option(fc.record({ title: short, text: short }), { nil: undefined }),
    });
    const buttons = fc.array(button, { minLength: 1, maxLength: 6 }).map((b): CardElement => ({ type: 'buttons', buttons: b }));
    const select = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.boolean()).chain(([k, withNote]) =>
      tok.map(
        (action): CardElement => ({
          type: 'select',
          placeholder: 'Cause',
          action,
          options: Array.from({ length: k }, (_, i) => ({ value: `c${i}`, label: `Cause ${i}`, needsNote: i === 0 })),
          // A select sent with a note is a form of its own: names stay unique beside the inputs' forms.
          ...(withNote
            ? {
                note: {
                  label: 'Note',
                  placeholder: 'What was checked',
                  hint: 'Causes marked * need a note',
                  submitLabel: 'Tag',
                  maxLength: 500,
                },
              }
            : {}),
        }),
      ),
    );
    const input = tok.map(
      (action): CardElement => ({
        type: 'input',
        label: 'Note',
        placeholder: 'Why?',
        submitLabel: 'Send',
        action,
        required: false,
        maxLength: 200,
      }),
    );
    const cards = fc
      .record({
        markdown: fc.array(markdown, { maxLength: 5 }),
        fields: fc.array(fields, { maxLength: 4 }),
        tables: fc.array(table, { maxLength: 9 }),
        buttons: fc.array(buttons, { maxLength: 3 }),
        selects: fc.array(select, { maxLength: 1 }),
        inputs: fc.array(input, { maxLength: 2 }),
        divider: fc.boolean(),
        seed: fc.integer(),
      })
      .map((p): Card => {
        const all = [
          ...p.markdown,
          ...p.fields,
          ...p.tables,
          ...p.buttons,
          ...p.selects,
          ...p.inputs,
          ...(p.divider ? [{ type: 'divider' as const }] : []),
        ];
        // A deterministic shuffle, so tables and controls come in any order.
        const order = all.map((el, i) => ({ el, k: (i * 7919 + p.seed) % 104729 })).sort((a, b) => a.k - b.k);
        return card({ header: { title: 'Property', state: 'info' }, elements: order.map((o) => o.el), footer: 'footer' });
      });
    fc.assert(
      fc.property(cards, (c) => {
        const rendered = renderFeishu(c);
        expect(cardRefusal(rendered)).toBeNull();
        expect(feishuCardBytes(rendered)).toBeLessThanOrEqual(FEISHU_CARD_BUDGET);
        const { tables, elements } = checkCard(rendered);
        expect(tables).toBeLessThanOrEqual(5);
        expect(elements).toBeLessThanOrEqual(FEISHU_MAX_ELEMENTS);
        expect(tokensOf(rendered.body.elements).sort()).toEqual(cardTokens(c).sort());
      }),
      { numRuns: 60 },
    );
    expect(markdownTables('| a |\n| --- |')).toBe(1); // the checker itself sees a markdown table
  });

  it('mentions people by <at id=OPEN_ID></at> in a markdown line first in the body, and names the others', () => {
    const rendered = renderFeishu(
      card({ header: { title: 'Overdue' }, elements: [{ type: 'markdown', text: 'Past due.' }], mentions: MENTIONS }),
    );
    expect(rendered.body.elements[0]).toEqual({
      tag: 'markdown',
      content: `<at id=${SAM_OPEN_ID}></at>, Sue &lt;b&gt;&amp;&lt;/b&gt; &#42;Li&#42;, Mo, Eve`,
    });
    expect(rendered.body.elements[1]).toEqual({ tag: 'markdown', content: 'Past due.' });
    // Eve's id would break out of the tag: she is named, and nobody else is mentioned.
    expect(JSON.stringify(rendered).match(/<at /g)).toHaveLength(1);
  });

  it('keeps every mention when it trims the largest card under 30 KB', () => {
    const rendered = renderFeishu({ ...largestCard(), mentions: manyMentions() });
    expect(feishuCardBytes(rendered)).toBeLessThanOrEqual(FEISHU_CARD_BUDGET);
    expect(String(rendered.body.elements[0]!.content).match(/<at id=ou_\d{32}><\/at>/g)).toHaveLength(30);
  });
});
