/** The case library's pure rules: search terms and the similar-case score. */
import { describe, expect, it } from 'vitest';
import { bestCase, matchCase, normaliseSearchText, searchTerms, type CasePattern } from '../../src/domain/cases.ts';
import { suggestCauses } from '../../src/domain/suggestions.ts';

const pattern = (over: Partial<CasePattern> = {}): CasePattern => ({
  code: 'C-12',
  title: '托盘叉伤',
  causeCode: 'damage',
  causeLabel: { en: 'Damage / scrap', zh: '报损' },
  direction: 'loss',
  sku: 'A-100',
  location: 'R1',
  diffQty: '-10',
  createdAt: '2026-11-01T00:00:00.000Z',
  ...over,
});

describe('search terms', () => {
  it('cuts Chinese runs into bigrams and keeps Latin words whole, lower case and full-width folded', () => {
    expect(searchTerms('包装破损 ＰＡＬＬＥＴ A-100')).toEqual([
      { text: '包装破损', grams: ['包装', '装破', '破损'], needed: 2 },
      { text: 'pallet', grams: ['pallet'], needed: 1 },
      { text: 'a-100', grams: ['a-100'], needed: 1 },
    ]);
    expect(searchTerms('损')).toEqual([{ text: '损', grams: ['损'], needed: 1 }]);
    expect(searchTerms(' ，。 ')).toEqual([]);
    expect(normaliseSearchText('  Ｆｏｒｋ\n LIFT ')).toBe('fork lift');
  });
});

describe('the similar-case score', () => {
  it('scores same SKU 3, same location 2, similar size 1, and offers from 3 on in the same direction only', () => {
    expect(matchCase({ sku: 'A-100', location: 'R1', diffQty: '-12' }, pattern())).toMatchObject({ score: 6 });
    expect(matchCase({ sku: 'A-100', location: 'R9', diffQty: '-50' }, pattern())).toMatchObject({ score: 3, similarSize: false });
    expect(matchCase({ sku: 'B-9', location: 'R1', diffQty: '-20' }, pattern())).toMatchObject({ score: 3, sameLocation: true });
    // Same location but a far different size: 2, not offered; a gain is never like a loss.
    expect(matchCase({ sku: 'B-9', location: 'R1', diffQty: '-21' }, pattern())).toBeNull();
    expect(matchCase({ sku: 'A-100', location: 'R1', diffQty: '10' }, pattern())).toBeNull();
    // An empty location is no shared location.
    expect(matchCase({ sku: 'B-9', location: '', diffQty: '-10' }, pattern({ location: '' }))).toBeNull();
  });

  it('picks the best case, the newest on a tie, and the suggestion names it with its reason', () => {
    const older = pattern({ code: 'C-3', createdAt: '2026-10-01T00:00:00.000Z' });
    expect(bestCase({ sku: 'A-100', location: 'R1', diffQty: '-9' }, [older, pattern()])?.pattern.code).toBe('C-12');
    const [top] = suggestCauses({
      line: { sku: 'B-9', location: 'R1', expectedQty: '40', countedQty: '32', diffQty: '-8', countedAt: '2026-12-01T08:00:00Z' },
      sameSku: [],
      movements: [],
      history: [],
      cases: [pattern()],
    });
    expect(top).toEqual({
      rule: 'similar_case',
      cause: 'damage',
      caseCode: 'C-12',
      reason: {
        en: 'similar case C-12: same location R1, also a loss, similar size (-10); cause then Damage / scrap: 托盘叉伤',
        zh: '类似案例 C-12：同一库位 R1、同为盘亏、数量相近（-10），当时原因 报损：托盘叉伤',
      },
    });
  });
});
