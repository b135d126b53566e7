import { describe, expect, it } from 'vitest';
import { card, cardSchema } from '../../../cards/model.ts';
import { mentionsOn } from '../../../cards/render/mentions.ts';
import { MENTIONS } from './fixtures.ts';

const bare = { header: { title: 'x' }, elements: [] };

describe('card mentions', () => {
  it('are optional: a card without them is what it always was', () => {
    expect(card(bare)).toEqual({ header: { title: 'x', state: 'info' }, elements: [] });
    expect(card({ ...bare, mentions: [{ name: 'Mo' }] }).mentions).toEqual([{ name: 'Mo', identities: [] }]);
  });

  it('refuse what a renderer could not bound: too many people, long names, ids with white space', () => {
    const many = Array.from({ length: 31 }, () => ({ name: 'A' }));
    expect(cardSchema.safeParse({ ...bare, mentions: many }).success).toBe(false);
    expect(cardSchema.safeParse({ ...bare, mentions: [{ name: 'x'.repeat(65) }] }).success).toBe(false);
    expect(cardSchema.safeParse({ ...bare, mentions: [{ name: '' }] }).success).toBe(false);
    expect(cardSchema.safeParse({ ...bare, mentions: [{ name: 'A', identities: ['telegram:1 2'] }] }).success).toBe(false);
    expect(cardSchema.safeParse({ ...bare, mentions: [{ name: 'A', identities: ['3002'] }] }).success).toBe(false);
  });

  it("give each platform the first of a person's accounts there that its markup can carry", () => {
    const c = card({ ...bare, mentions: [...MENTIONS, { name: 'Two', identities: ['telegram:abc', 'telegram:7', 'telegram:8'] }] });
    expect(mentionsOn(c, 'telegram', /^[1-9]\d*$/)).toEqual([
      { name: 'Sam Chen', id: '3002' },
      { name: 'Sue <b>&</b> *Li*', id: '3003' },
      { name: 'Mo', id: null },
      { name: 'Eve', id: null },
      { name: 'Two', id: '7' },
    ]);
    expect(mentionsOn(c, 'web', /^\S+$/).map((m) => m.id)).toEqual(['sam', 'sue', null, null, null]);
    expect(mentionsOn(card(bare), 'telegram', /./)).toEqual([]);
  });
});
