import { describe, expect, it } from 'vitest';
import { approvalRoute, documentNumber } from '../../src/domain/routing.ts';

const policy = { financeThreshold: '1000', managerThreshold: '10000' };

describe('approvalRoute', () => {
  it('asks finance only above its threshold: 1,000.00 exactly is the supervisor alone, 1,000.01 is not', () => {
    expect(approvalRoute('1000.00', policy)).toEqual(['supervisor']);
    expect(approvalRoute('1000.01', policy)).toEqual(['supervisor', 'finance']);
  });

  it('asks the manager only above theirs: 10,000.00 exactly stops at finance', () => {
    expect(approvalRoute('10000.00', policy)).toEqual(['supervisor', 'finance']);
    expect(approvalRoute('10000.01', policy)).toEqual(['supervisor', 'finance', 'manager']);
  });

  it('routes a loss by its absolute value, like a gain', () => {
    expect(approvalRoute('-1000.00', policy)).toEqual(['supervisor']);
    expect(approvalRoute('-12000.00', policy)).toEqual(['supervisor', 'finance', 'manager']);
  });

  it('sends everything above zero to finance when its threshold is 0', () => {
    expect(approvalRoute('0.00', { ...policy, financeThreshold: '0' })).toEqual(['supervisor']);
    expect(approvalRoute('0.01', { ...policy, financeThreshold: '0' })).toEqual(['supervisor', 'finance']);
  });
});

describe('documentNumber', () => {
  it('numbers gains PY and losses PK, per year, four digits', () => {
    expect(documentNumber('gain', '2026', 7)).toBe('PY-2026-0007');
    expect(documentNumber('loss', '2027', 12345)).toBe('PK-2027-12345');
  });
});
