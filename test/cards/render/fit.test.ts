import { describe, expect, it } from 'vitest';
import { cardTokens, type Card } from '../../../cards/model.ts';
import { fitCard } from '../../../cards/render/fit.ts';
import { markdownLength } from '../../../cards/render/markdown.ts';
import { largestCard, manyMentions } from './fixtures.ts';

/** Visible size of a card's texts, a stand-in for a platform's measure. */
function size(c: Card): number {
  let n = c.header.title.length + (c.footer?.length ?? 0);
  for (const el of c.elements) {
    if (el.type === 'markdown') n += markdownLength(el.text);
    if (el.type === 'table') n += el.rows.reduce((m, r) => m + Object.values(r).join('').length, 0);
    if (el.type === 'fields') n += el.fields.reduce((m, f) => m + f.label.length + f.value.length, 0);
  }
  return n;
}
const table = (c: Card) => c.elements.find((el) => el.type === 'table')!;
const markdown = (c: Card) => c.elements.find((el) => el.type === 'markdown')!;

describe('fitCard', () => {
  it('returns the card unchanged when it fits', () => {
    const c = largestCard();
    expect(fitCard(c, () => true)).toBe(c);
  });

  it('drops table rows from the end first, counting them in "more"', () => {
    const c = largestCard();
    const budget = size(c) - 5000;
    const fitted = fitCard(c, (x) => size(x) <= budget);
    const t = table(fitted);
    const original = table(c);
    if (t.type !== 'table' || original.type !== 'table') throw new Error('no table');
    expect(t.rows.length).toBeLessThan(500);
    expect(t.rows).toEqual(original.rows.slice(0, t.rows.length));
    expect(t.more).toBe(20 + 500 - t.rows.length);
    expect(markdown(fitted)).toEqual(markdown(c));
    expect(size(fitted)).toBeLessThanOrEqual(budget);
  });

  it('cuts markdown only once every row is gone, and never drops an action', () => {
    const c = largestCard();
    const fitted = fitCard(c, (x) => size(x) <= 1500);
    const t = table(fitted);
    expect(t.type === 'table' && t.rows.length).toBe(0);
    const md = markdown(fitted);
    expect(md.type === 'markdown' && markdownLength(md.text)).toBeLessThan(markdownLength((markdown(c) as { text: string }).text));
    expect(cardTokens(fitted)).toEqual(cardTokens(c));
    expect(size(fitted)).toBeLessThanOrEqual(1500);
  });

  it('returns the smallest card it can make when nothing fits, instead of throwing', () => {
    const c = largestCard();
    const fitted = fitCard(c, () => false);
    expect(cardTokens(fitted)).toEqual(cardTokens(c));
    expect([...fitted.header.title].length).toBeLessThanOrEqual(2);
  });

  it('never touches the mentions, however small it has to make the card', () => {
    const c = { ...largestCard(), mentions: manyMentions() };
    expect(fitCard(c, () => false).mentions).toEqual(manyMentions());
    expect(fitCard(c, (x) => size(x) <= 1500).mentions).toEqual(manyMentions());
  });
});
