import { describe, expect, it } from 'vitest';
import { parseAsOf, parsePeriodDays } from '../../src/domain/structure.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import { setPolicy } from '../../src/services/policy.ts';
import { stockStructure, structureItems } from '../../src/services/structure.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedStructure, STRUCTURE_AS_OF, STRUCTURE_DAYS } from '../support/structure.ts';

const request = { warehouse: 'ST', asOf: STRUCTURE_AS_OF, periodDays: STRUCTURE_DAYS };

describeEachDatabase('stock structure', (get) => {
  it('classes items A/B/C by consumption value and computes turnover and days of stock per item exactly', async () => {
    const { db } = get();
    await seedStructure(db);
    const { total, items } = await structureItems(db, request);
    expect(total).toBe(7);
    const figures = items.map((i) => [
      i.sku,
      i.abcClass,
      i.issueQty,
      i.issueValue,
      i.cumulativePercent,
      i.stockQty,
      i.stockValue,
      i.averageQty,
      i.averageValue,
      i.turnover,
      i.daysOfStock,
      i.daysIdle,
      i.status,
    ]);
    expect(figures).toEqual([
      ['P1', 'A', '70.000', '700.00', '71.43', '30.000', '300.00', '73.000', '730.00', '0.96', '42.9', 10, 'moving'],
      ['P2', 'A', '30.000', '150.00', '86.73', '10.000', '50.00', '20.000', '100.00', '1.50', '33.3', 40, 'slow'],
      ['P3', 'B', '50.000', '100.00', '96.94', '140.000', '280.00', '184.000', '368.00', '0.27', '280.0', 20, 'moving'],
      ['P4', 'C', '30.000', '30.00', '100.00', '0.000', '0.00', '25.500', '25.50', '1.18', '0.0', 5, 'empty'],
      ['P6', 'C', '0.000', '0.00', null, '15.000', '45.00', '15.000', '45.00', '0.00', null, 180, 'dead'],
      ['P5', 'C', '0.000', '0.00', null, '10.000', '40.00', '10.000', '40.00', '0.00', null, null, 'dead'],
      ['P7', 'C', '0.000', '0.00', null, '10.000', '10.00', '3.000', '3.00', '0.00', null, 30, 'slow'],
    ]);
    expect(items.find((i) => i.sku === 'P1')!.lastIssueAt).toBe('2025-06-21T00:00:00.000Z');
    expect(items.find((i) => i.sku === 'P5')!.lastIssueAt).toBeNull();
    expect(items.find((i) => i.sku === 'P5')!.category).toBeNull();
  });

  it('sums the warehouse, the classes, the categories and the slow and dead stock', async () => {
    const { db } = get();
    await seedStructure(db);
    const s = await stockStructure(db, request);
    expect(s.from).toBe('2025-03-23T00:00:00.000Z');
    expect(s.settings).toEqual({ abcAPercent: '80', abcBPercent: '15', slowDays: 30, deadDays: 60 });
    expect(s.totals).toEqual({
      items: 7,
      issueValue: '980.00',
      stockValue: '725.00',
      averageValue: '1311.50',
      turnover: '0.75',
      daysOfStock: '74.0',
    });
    expect(s.classes).toEqual([
      { abcClass: 'A', items: 2, issueValue: '850.00', issuePercent: '86.73', stockValue: '350.00', stockPercent: '48.28' },
      { abcClass: 'B', items: 1, issueValue: '100.00', issuePercent: '10.20', stockValue: '280.00', stockPercent: '38.62' },
      { abcClass: 'C', items: 4, issueValue: '30.00', issuePercent: '3.06', stockValue: '95.00', stockPercent: '13.10' },
    ]);
    expect(s.categories).toEqual([
      {
        category: 'alpha',
        items: 2,
        issueValue: '850.00',
        stockValue: '350.00',
        averageValue: '830.00',
        turnover: '1.02',
        daysOfStock: '41.2',
      },
      {
        category: 'beta',
        items: 4,
        issueValue: '130.00',
        stockValue: '335.00',
        averageValue: '441.50',
        turnover: '0.29',
        daysOfStock: '257.7',
      },
      { category: null, items: 1, issueValue: '0.00', stockValue: '40.00', averageValue: '40.00', turnover: '0.00', daysOfStock: null },
    ]);
    expect(s.slow).toEqual({ items: 2, stockValue: '60.00', stockPercent: '8.28' });
    expect(s.dead).toEqual({ items: 2, stockValue: '85.00', stockPercent: '11.72' });
    expect(s.topConsumers.map((i) => i.sku)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(s.topSlow.map((i) => [i.sku, i.stockValue, i.daysIdle])).toEqual([
      ['P2', '50.00', 40],
      ['P7', '10.00', 30],
    ]);
    expect(s.topDead.map((i) => [i.sku, i.stockValue, i.lastIssueAt])).toEqual([
      ['P6', '45.00', '2025-01-02T00:00:00.000Z'],
      ['P5', '40.00', null],
    ]);
  });

  it('follows the warehouse cut-offs: A at 70% leaves the second item in B', async () => {
    const { db } = get();
    await seedStructure(db);
    await setPolicy(db, 'ST', { abcAPercent: '70', abcBPercent: '25' });
    const { items } = await structureItems(db, { ...request, abcClass: 'B' });
    expect(items.map((i) => i.sku)).toEqual(['P2', 'P3']);
    const slow = await structureItems(db, { ...request, status: 'dead' });
    expect(slow.items.map((i) => i.sku)).toEqual(['P6', 'P5']);
  });

  it('refuses cut-offs that do not add up and dead days below slow days', async () => {
    const { db } = get();
    await seedStructure(db);
    await expect(setPolicy(db, 'ST', { abcAPercent: '90', abcBPercent: '15' })).rejects.toThrow(/A \+ B at most 100/);
    await expect(setPolicy(db, 'ST', { deadDays: 20 })).rejects.toThrow(/dead above slow/);
  });

  it('reads an earlier as-of back through the movements after it', async () => {
    const { db } = get();
    await seedStructure(db);
    // As of day 55: P1 has had its 50 issued at day 50 only; 30 days' period from day 25.
    const asOf = new Date(STRUCTURE_AS_OF.getTime() - 45 * 86_400_000);
    const { items } = await structureItems(db, { warehouse: 'ST', asOf, periodDays: 30 });
    const p1 = items.find((i) => i.sku === 'P1')!;
    // Stock 100 until day 50, 50 after: (25 × 100 + 5 × 50) ÷ 30 = 91.667.
    expect([p1.issueQty, p1.stockQty, p1.averageQty, p1.abcClass, p1.daysOfStock]).toEqual(['50.000', '50.000', '91.667', 'A', '30.0']);
  });

  it('shows an empty warehouse with zero totals and no classes filled', async () => {
    const { db } = get();
    await addWarehouse(db, { code: 'E1', name: 'Empty', timezone: 'UTC' });
    const s = await stockStructure(db, { warehouse: 'E1', asOf: STRUCTURE_AS_OF });
    expect(s.totals).toEqual({ items: 0, issueValue: '0.00', stockValue: '0.00', averageValue: '0.00', turnover: null, daysOfStock: null });
    expect(s.classes.map((c) => c.items)).toEqual([0, 0, 0]);
    expect(s.periodDays).toBe(365);
  });
});

describe('structure request parsing', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  it('reads a date as the end of that day in the warehouse timezone', () => {
    expect(parseAsOf('2026-06-30', 'Asia/Shanghai', now).toISOString()).toBe('2026-06-30T16:00:00.000Z');
    expect(parseAsOf('2026-12-05', 'UTC', now)).toEqual(now);
    expect(parseAsOf(undefined, 'UTC', now)).toEqual(now);
  });
  it('refuses a bad or future as-of and a period out of range', () => {
    expect(() => parseAsOf('2026-02-30', 'UTC', now)).toThrow(InvalidInputError);
    expect(() => parseAsOf('2027-01-01', 'UTC', now)).toThrow(/in the future/);
    expect(parsePeriodDays(undefined)).toBe(365);
    expect(parsePeriodDays('90')).toBe(90);
    expect(() => parsePeriodDays('3')).toThrow(/7 to 3650/);
    expect(() => parsePeriodDays('1.5')).toThrow(InvalidInputError);
  });
});
