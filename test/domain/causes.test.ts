import { describe, expect, it } from 'vitest';
import { CAUSE_CODE_PATTERN, causeAppliesTo, DEFAULT_CAUSES } from '../../src/domain/causes.ts';

describe('DEFAULT_CAUSES', () => {
  it('offers the thirteen default causes in catalogue order', () => {
    expect(DEFAULT_CAUSES.map((c) => c.code)).toEqual([
      'damage',
      'expired',
      'unrecorded_receipt',
      'unrecorded_issue',
      'unrecorded_transfer',
      'misplaced',
      'counting_error',
      'unit_error',
      'data_entry_error',
      'supplier_short',
      'theft',
      'within_tolerance',
      'unknown',
    ]);
  });

  it('labels each cause in Chinese and English', () => {
    const labels = Object.fromEntries(DEFAULT_CAUSES.map((c) => [c.code, [c.labelZh, c.labelEn]]));
    expect(labels).toEqual({
      damage: ['报损', 'Damage / scrap'],
      expired: ['过期', 'Expired'],
      unrecorded_receipt: ['收货漏记', 'Unrecorded receipt'],
      unrecorded_issue: ['发货漏记', 'Unrecorded issue'],
      unrecorded_transfer: ['调拨未登记', 'Unrecorded transfer'],
      misplaced: ['错放/串位', 'Misplaced / swapped location'],
      counting_error: ['盘点错误', 'Counting error'],
      unit_error: ['单位错误', 'Unit-of-measure error'],
      data_entry_error: ['录入/系统错误', 'Data entry or system error'],
      supplier_short: ['供应商短发', 'Supplier short shipment'],
      theft: ['失窃/越权取用', 'Theft or unauthorized withdrawal'],
      within_tolerance: ['容差内', 'Within tolerance'],
      unknown: ['原因不明', 'Unknown'],
    });
  });

  it('says which direction each cause explains', () => {
    const byDirection = (d: string) => DEFAULT_CAUSES.filter((c) => c.appliesTo === d).map((c) => c.code);
    expect(byDirection('gain')).toEqual(['unrecorded_receipt']);
    expect(byDirection('loss')).toEqual(['damage', 'expired', 'unrecorded_issue', 'supplier_short', 'theft']);
    expect(byDirection('both')).toHaveLength(7);
  });

  it('requires a note only for an unknown cause', () => {
    expect(DEFAULT_CAUSES.filter((c) => c.noteRequired).map((c) => c.code)).toEqual(['unknown']);
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_CAUSES)).toBe(true);
    expect(DEFAULT_CAUSES.every((c) => Object.isFrozen(c))).toBe(true);
  });

  it('uses codes an admin could also have typed', () => {
    for (const c of DEFAULT_CAUSES) expect(c.code).toMatch(CAUSE_CODE_PATTERN);
  });
});

describe('causeAppliesTo', () => {
  it('lets a loss-only cause explain a loss but not a gain', () => {
    expect(causeAppliesTo({ appliesTo: 'loss' }, 'loss')).toBe(true);
    expect(causeAppliesTo({ appliesTo: 'loss' }, 'gain')).toBe(false);
  });

  it('lets a gain-only cause explain a gain but not a loss', () => {
    expect(causeAppliesTo({ appliesTo: 'gain' }, 'gain')).toBe(true);
    expect(causeAppliesTo({ appliesTo: 'gain' }, 'loss')).toBe(false);
  });

  it('lets a two-way cause explain either direction', () => {
    expect(causeAppliesTo({ appliesTo: 'both' }, 'gain')).toBe(true);
    expect(causeAppliesTo({ appliesTo: 'both' }, 'loss')).toBe(true);
  });
});

describe('CAUSE_CODE_PATTERN', () => {
  it('accepts lower-case codes with digits and underscores', () => {
    for (const code of ['water_damage', 'rfid_misread2', 'ab', `a${'b'.repeat(39)}`]) expect(code).toMatch(CAUSE_CODE_PATTERN);
  });

  it('refuses codes that are too short, too long, capitalised, spaced or not starting with a letter', () => {
    for (const code of ['a', `a${'b'.repeat(40)}`, 'Water_damage', 'water damage', '2nd_count', '_x', 'water-damage', '报损', '']) {
      expect(code).not.toMatch(CAUSE_CODE_PATTERN);
    }
  });
});
