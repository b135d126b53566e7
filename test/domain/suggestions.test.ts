import { describe, expect, it } from 'vitest';
import { causeAppliesTo, DEFAULT_CAUSES } from '../../src/domain/causes.ts';
import { formatDecimal, parseDecimal, QTY_SCALE } from '../../src/domain/decimal.ts';
import { suggestCauses, type SuggestionInput } from '../../src/domain/suggestions.ts';

const COUNTED_AT = '2026-11-25T10:00:00.000Z';
type Overrides = Partial<Omit<SuggestionInput, 'line'>> & { line?: Partial<SuggestionInput['line']> };

function qty(text: string): bigint {
  const parsed = parseDecimal(text, QTY_SCALE, { allowNegative: true, precision: null });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

/** A line counted at COUNTED_AT (97 against 100 unless told) that no rule explains; diffQty follows the counts. */
function input({ line = {}, ...rest }: Overrides = {}): SuggestionInput {
  const expectedQty = line.expectedQty ?? '100';
  const countedQty = line.countedQty ?? '97';
  const diffQty = line.diffQty ?? formatDecimal(qty(countedQty) - qty(expectedQty), QTY_SCALE);
  return {
    line: { sku: 'SKU-1', location: 'A-01', countedAt: COUNTED_AT, ...line, expectedQty, countedQty, diffQty },
    sameSku: [],
    movements: [],
    history: [],
    ...rest,
  };
}

function counts(expectedQty: string, countedQty: string): Overrides {
  return { line: { expectedQty, countedQty } };
}

const rules = (overrides: Overrides) => suggestCauses(input(overrides)).map((s) => s.rule);
const only = (overrides: Overrides) => {
  const suggestions = suggestCauses(input(overrides));
  expect(suggestions).toHaveLength(1);
  return suggestions[0]!;
};
const hoursAfterCount = (hours: number) => new Date(Date.parse(COUNTED_AT) + hours * 3_600_000).toISOString();
const movement = (kind: 'receipt' | 'issue' | 'transfer' | 'adjustment', qty: string, hours: number, ref: string | null = 'DOC-1') => ({
  kind,
  qty,
  ref,
  location: 'A-01',
  occurredAt: hoursAfterCount(hours),
});
const posted = (stocktakeCode: string, direction: 'gain' | 'loss', cause: string) => ({ stocktakeCode, direction, cause });

it('suggests nothing for a zero variance, whatever else matches', () => {
  const overrides: Overrides = {
    line: { expectedQty: '123', countedQty: '123', diffQty: '0.000' },
    sameSku: [{ location: 'B-02', diffQty: '0' }],
    history: [posted('ST-3', 'loss', 'theft'), posted('ST-2', 'loss', 'theft')],
  };
  expect(suggestCauses(input(overrides))).toEqual([]);
});

it('suggests nothing for a variance no rule explains', () => {
  expect(suggestCauses(input())).toEqual([]);
});

describe('unit of measure', () => {
  it('suggests a unit-of-measure error when 24 were counted against 240 expected', () => {
    expect(only(counts('240', '24'))).toEqual({
      rule: 'unit_of_measure',
      cause: 'unit_error',
      reason: {
        en: 'counted 24 is expected 240 ÷ 10: a pack counted as single units?',
        zh: '实盘 24 = 账面预期 240 ÷ 10，可能按箱/件单位混淆',
      },
    });
  });

  it('suggests it when 2400 were counted against 240 expected', () => {
    expect(only(counts('240', '2400')).reason.en).toBe(
      'counted 2400 is expected 240 × 10: single units counted where the book holds packs?',
    );
  });

  it('compares decimals exactly: 2.5 against 25 is a factor of 10 both ways', () => {
    expect(only(counts('25', '2.5')).reason.en).toMatch(/^counted 2\.5 is expected 25 ÷ 10:/);
    expect(only(counts('2.5', '25')).reason.en).toMatch(/^counted 25 is expected 2\.5 × 10:/);
    expect(only(counts('0.12', '0.005')).rule).toBe('unit_of_measure');
  });

  it('prints quantities without trailing zeros', () => {
    expect(only(counts('240.000', '24.0')).reason.zh).toBe('实盘 24 = 账面预期 240 ÷ 10，可能按箱/件单位混淆');
  });

  it('does not suggest it for 24 counted against 241 expected', () => {
    expect(rules(counts('241', '24'))).toEqual([]);
  });

  it('does not suggest it for a ratio that is not a pack size', () => {
    expect(rules(counts('240', '30'))).toEqual([]);
  });

  it('does not suggest it when nothing was expected or nothing was counted', () => {
    expect(rules(counts('0', '24'))).toEqual([]);
    expect(rules(counts('240', '0'))).toEqual([]);
  });

  it('does not round large quantities the way floats would', () => {
    // As doubles, 9007199254740993 × 10 and 90071992547409921 are the same number.
    expect(rules(counts('9007199254740993', '90071992547409921'))).toEqual([]);
    expect(rules(counts('9007199254740993', '90071992547409930'))).toEqual(['unit_of_measure']);
  });

  it('uses the pack sizes the warehouse configured instead of the defaults', () => {
    expect(rules({ ...counts('240', '30'), options: { packSizes: [8] } })).toEqual(['unit_of_measure']);
    expect(rules({ ...counts('240', '24'), options: { packSizes: [8] } })).toEqual([]);
  });

  it("uses the item's own pack units, named, when it has them", () => {
    const own = { options: { packs: [{ unit: '箱', size: 12 }], baseUnit: '个' } };
    expect(only({ ...counts('24', '2'), ...own }).reason).toEqual({
      en: 'counted 2 is expected 24 ÷ 12 (1 箱 = 12 个): 箱 counted as single 个?',
      zh: '实盘 2 = 账面预期 24 ÷ 12（1 箱 = 12 个），可能把箱数当成了个数',
    });
    // A generic size the item has no pack of says nothing: 240 → 24 is not ÷ 12.
    expect(rules({ ...counts('240', '24'), ...own })).toEqual([]);
  });

  it('refuses a pack size that is not a whole number of at least 2', () => {
    expect(() => suggestCauses(input({ options: { packSizes: [1] } }))).toThrow(RangeError);
    expect(() => suggestCauses(input({ options: { packSizes: [2.5] } }))).toThrow(RangeError);
  });
});

describe('misplaced', () => {
  const plusFive = counts('100', '105');

  it('suggests misplaced stock when another location of the SKU is off by the opposite amount', () => {
    expect(only({ ...plusFive, sameSku: [{ location: 'B-02', diffQty: '-5' }] })).toEqual({
      rule: 'misplaced',
      cause: 'misplaced',
      reason: {
        en: 'B-02 has the opposite variance (-5) for this SKU: stock put in the wrong location?',
        zh: '同一 SKU 在 B-02 有相反差异 -5，可能错放/串位',
      },
    });
  });

  it('compares the variances as numbers, not as text', () => {
    expect(rules({ line: { expectedQty: '10', countedQty: '10.5' }, sameSku: [{ location: 'B-02', diffQty: '-0.500' }] })).toEqual([
      'misplaced',
    ]);
  });

  it('counts the other locations when several match', () => {
    const sameSku = [
      { location: 'B-02', diffQty: '-5' },
      { location: 'C-03', diffQty: '-5.000' },
    ];
    expect(only({ ...plusFive, sameSku }).reason.en).toMatch(/^B-02 \(and 1 more\) has the opposite variance/);
  });

  it('does not suggest it for an opposite variance at the same location', () => {
    expect(rules({ ...plusFive, sameSku: [{ location: 'A-01', diffQty: '-5' }] })).toEqual([]);
  });

  it('does not suggest it for a variance of the same sign or another size', () => {
    expect(
      rules({
        ...plusFive,
        sameSku: [
          { location: 'B-02', diffQty: '5' },
          { location: 'C-03', diffQty: '-4' },
        ],
      }),
    ).toEqual([]);
  });
});

describe('digit transposition', () => {
  it('suggests a counting error when 132 were counted against 123 expected', () => {
    expect(only(counts('123', '132'))).toEqual({
      rule: 'digit_transposition',
      cause: 'counting_error',
      reason: {
        en: 'counted 132 and expected 123 have the same digits in another order: digits swapped when writing?',
        zh: '实盘 132 与账面预期 123 数字相同、顺序不同，可能记录时数字颠倒',
      },
    });
  });

  it('reads whole numbers written with decimals as whole numbers', () => {
    expect(rules(counts('21.000', '12'))).toEqual(['digit_transposition']);
  });

  it('does not suggest it for decimals with swapped digits', () => {
    expect(rules(counts('12.3', '13.2'))).toEqual([]);
  });

  it('does not suggest it for different digits', () => {
    expect(rules(counts('123', '133'))).toEqual([]);
    expect(rules(counts('1000', '100'))).not.toContain('digit_transposition');
  });
});

describe('late movement', () => {
  const plusTen = counts('100', '110');
  const minusTen = counts('100', '90');

  it('suggests an unrecorded receipt when a receipt of the variance was booked 2 h after the count', () => {
    expect(only({ ...plusTen, movements: [movement('receipt', '10', 2 + 5 / 60, 'PO-88')] })).toEqual({
      rule: 'late_movement',
      cause: 'unrecorded_receipt',
      reason: {
        en: 'receipt PO-88 (10), 2 h 5 min after the count, equals the variance: booked across the cut-off?',
        zh: '入库单 PO-88（10）发生在盘点后 2小时5分钟，与差异数量相同，可能跨越盘点时点记账',
      },
    });
  });

  it('suggests an unrecorded issue for an issue of the variance 3 h before the count', () => {
    const suggestion = only({ ...minusTen, movements: [movement('issue', '-10', -3, 'SO-7')] });
    expect(suggestion.cause).toBe('unrecorded_issue');
    expect(suggestion.reason.en).toBe('issue SO-7 (-10), 3 h before the count, equals the variance: booked across the cut-off?');
  });

  it('suggests an unrecorded transfer or a data entry error for transfers and adjustments of either sign', () => {
    expect(only({ ...plusTen, movements: [movement('transfer', '-10', 1)] }).cause).toBe('unrecorded_transfer');
    expect(only({ ...minusTen, movements: [movement('adjustment', '10', -1)] }).cause).toBe('data_entry_error');
  });

  it('names a movement without a reference as such', () => {
    expect(only({ ...plusTen, movements: [movement('receipt', '10', 0.001, null)] }).reason.en).toBe(
      'receipt without reference (10), under a minute after the count, equals the variance: booked across the cut-off?',
    );
  });

  it('suggests it for a movement exactly at the edge of the window', () => {
    expect(rules({ ...plusTen, movements: [movement('receipt', '10', 24)] })).toEqual(['late_movement']);
  });

  it('does not suggest it for a movement of the variance outside the window', () => {
    expect(rules({ ...plusTen, movements: [movement('receipt', '10', 24 + 1 / 60), movement('transfer', '-10', -25)] })).toEqual([]);
  });

  it('uses the window the warehouse configured', () => {
    expect(rules({ ...plusTen, movements: [movement('receipt', '10', 3)], options: { lateMovementWindowHours: 2 } })).toEqual([]);
  });

  it('does not suggest it for a movement of another size', () => {
    expect(rules({ ...plusTen, movements: [movement('receipt', '9.999', 1)] })).toEqual([]);
  });

  it('does not suggest a cause the catalogue forbids for the direction (a receipt against a loss)', () => {
    expect(rules({ ...minusTen, movements: [movement('receipt', '10', -1)] })).toEqual([]);
    expect(rules({ ...plusTen, movements: [movement('issue', '-10', 1)] })).toEqual([]);
  });

  it('suggests each cause once, from the movement nearest the count, nearest cause first', () => {
    const movements = [
      movement('receipt', '10', 5, 'PO-far'),
      movement('transfer', '10', -2, 'TR-1'),
      movement('receipt', '10', 1, 'PO-near'),
    ];
    const suggestions = suggestCauses(input({ ...plusTen, movements }));
    expect(suggestions.map((s) => [s.cause, s.reason.en.split(' (')[0]])).toEqual([
      ['unrecorded_receipt', 'receipt PO-near'],
      ['unrecorded_transfer', 'transfer TR-1'],
    ]);
  });
});

describe('recurring', () => {
  const loss = counts('100', '97');

  it('suggests the usual cause when the SKU lost stock in 2 of the last 3 posted stocktakes', () => {
    const history = [posted('ST-2026-0009', 'loss', 'theft'), null, posted('ST-2026-0007', 'loss', 'theft')];
    expect(only({ ...loss, history })).toEqual({
      rule: 'recurring',
      cause: 'theft',
      reason: {
        en: 'same direction (loss) in 2 of the last 3 posted stocktakes (ST-2026-0009, ST-2026-0007)',
        zh: '近 3 次已过账盘点中有 2 次同为盘亏（ST-2026-0009、ST-2026-0007）',
      },
    });
  });

  it('picks the cause used most often', () => {
    const history = [posted('ST-3', 'loss', 'damage'), posted('ST-2', 'loss', 'theft'), posted('ST-1', 'loss', 'theft')];
    expect(only({ ...loss, history }).cause).toBe('theft');
  });

  it('picks the newest cause on a tie', () => {
    const history = [posted('ST-3', 'gain', 'counting_error'), posted('ST-2', 'loss', 'damage'), posted('ST-1', 'loss', 'theft')];
    expect(only({ ...loss, history }).cause).toBe('damage');
  });

  it('looks at the direction of this variance', () => {
    const history = [posted('ST-3', 'gain', 'unrecorded_receipt'), posted('ST-2', 'gain', 'misplaced'), posted('ST-1', 'loss', 'theft')];
    expect(only({ ...counts('100', '103'), history }).reason.en).toMatch(/^same direction \(gain\) in 2 of the last 3/);
    expect(rules({ ...loss, history })).toEqual([]);
  });

  it('does not suggest it when only 1 of the last 3 went the same way', () => {
    expect(rules({ ...loss, history: [posted('ST-3', 'loss', 'theft'), posted('ST-2', 'gain', 'misplaced'), null] })).toEqual([]);
  });

  it('ignores stocktakes older than the last 3', () => {
    const history = [null, null, posted('ST-3', 'loss', 'theft'), posted('ST-2', 'loss', 'theft'), posted('ST-1', 'loss', 'theft')];
    expect(rules({ ...loss, history })).toEqual([]);
  });

  it('counts over the stocktakes there are when fewer than 3 were posted', () => {
    const history = [posted('ST-2', 'loss', 'damage'), posted('ST-1', 'loss', 'damage')];
    expect(only({ ...loss, history }).reason.en).toBe('same direction (loss) in 2 of the last 2 posted stocktakes (ST-2, ST-1)');
  });
});

describe('every suggestion together', () => {
  // 2178 × 4 = 8712: the same digits, and a pack size of 4.
  const all: Overrides = {
    line: { expectedQty: '2178', countedQty: '8712' },
    sameSku: [{ location: 'B-02', diffQty: '-6534' }],
    movements: [movement('receipt', '6534', 1, 'PO-1')],
    history: [posted('ST-3', 'gain', 'misplaced'), posted('ST-2', 'gain', 'misplaced'), null],
    options: { packSizes: [4] },
  };

  it('lists every rule that fires, strongest first', () => {
    expect(rules(all)).toEqual(['misplaced', 'unit_of_measure', 'late_movement', 'digit_transposition', 'recurring']);
  });

  it('suggests only catalogue causes that apply to the direction of the variance', () => {
    for (const { cause } of suggestCauses(input(all))) {
      const definition = DEFAULT_CAUSES.find((c) => c.code === cause);
      expect(definition && causeAppliesTo(definition, 'gain')).toBe(true);
    }
  });

  it('keeps every reason on one line under 140 characters, even for long names', () => {
    const long = `Aisle 12\nRack 7 ${'x'.repeat(200)}`;
    // The largest quantities numeric(18, 3) holds, a hundredth of them counted.
    const [expectedQty, countedQty] = ['123456789012345.6', '1234567890123.456'];
    const diff = qty(countedQty) - qty(expectedQty);
    const suggestions = suggestCauses(
      input({
        line: { expectedQty, countedQty, location: long },
        sameSku: [{ location: long.replace('12', '13'), diffQty: formatDecimal(-diff, QTY_SCALE) }],
        movements: [movement('adjustment', formatDecimal(diff, QTY_SCALE), -23.99, long)],
        history: [posted(long, 'loss', 'unknown'), posted(long, 'loss', 'unknown'), posted(long, 'loss', 'unknown')],
      }),
    );
    expect(suggestions.map((s) => s.rule)).toEqual(['misplaced', 'unit_of_measure', 'late_movement', 'recurring']);
    for (const { reason } of suggestions) {
      for (const text of [reason.en, reason.zh]) {
        expect(text).not.toMatch(/\n/);
        expect(text.length).toBeLessThan(140);
      }
    }
  });
});

it('refuses a line whose quantities or count time cannot be read', () => {
  expect(() => suggestCauses(input({ line: { diffQty: 'five' } }))).toThrow(RangeError);
  expect(() => suggestCauses(input({ line: { countedAt: 'yesterday' } }))).toThrow(RangeError);
});
