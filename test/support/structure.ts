/**
 * A small warehouse whose stock structure can be computed by hand (README "Stock structure", worked example).
 *
 * Warehouse ST (UTC), as-of 2025-07-01T00:00Z, period 100 days (from 2025-03-23T00:00Z = day 0), slow after
 * 30 days, dead after 60; items and movements by day of the period (negative: before it):
 *
 *   P1 10.00 alpha  receipt 100 @-10; transfer 5 L1→L2 @30; issue 50 @50; issue 20 @90 (5 from L2, 15 from L1); receipt 50 @105 (after as-of)
 *   P2  5.00 alpha  receipt 40 @20; issue 30 @60
 *   P3  2.00 beta   receipt 200 @-5; adjustment -10 @40; issue 50 @80
 *   P4  1.00 beta   receipt 30 @10; issue 30 @95
 *   P5  4.00 —      book 10, never moved
 *   P6  3.00 beta   receipt 20 @-100; issue 5 @-80
 *   P7  1.00 beta   receipt 10 @70
 */
import type { Db } from '../../db/client.ts';
import { importBook } from '../../src/services/book.ts';
import { importItems } from '../../src/services/items.ts';
import { importMovements } from '../../src/services/movements.ts';
import { setPolicy } from '../../src/services/policy.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { csv } from './fixtures.ts';

export const STRUCTURE_AS_OF = new Date('2025-07-01T00:00:00Z');
export const STRUCTURE_DAYS = 100;
const DAY0 = STRUCTURE_AS_OF.getTime() - STRUCTURE_DAYS * 86_400_000;

/** "2025-03-23 00:00:00" for day `d` of the period (UTC wall clock). */
export function periodDay(d: number): string {
  return new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
}

export async function seedStructure(db: Db, code = 'ST'): Promise<void> {
  await addWarehouse(db, { code, name: 'Structure', timezone: 'UTC' });
  await importItems(
    db,
    csv('items.csv', [
      ['sku', 'name', 'unit', 'unit_cost', 'category'],
      ['P1', 'Bearing', 'pcs', '10', 'alpha'],
      ['P2', 'Gasket', 'pcs', '5', 'alpha'],
      ['P3', 'Bolt', 'pcs', '2', 'beta'],
      ['P4', 'Washer', 'pcs', '1', 'beta'],
      ['P5', 'Old pump', 'pcs', '4', ''],
      ['P6', 'Spare belt', 'pcs', '3', 'beta'],
      ['P7', 'New clip', 'pcs', '1', 'beta'],
    ]),
  );
  await importBook(
    db,
    code,
    csv('book.csv', [
      ['sku', 'location', 'qty'],
      ['P5', 'L9', '10'],
    ]),
  );
  const m = (sku: string, location: string, qty: number, kind: string, day: number) => [
    sku,
    location,
    String(qty),
    kind,
    `${kind}-${sku}-${day}`,
    periodDay(day),
  ];
  await importMovements(
    db,
    code,
    csv('movements.csv', [
      ['sku', 'location', 'qty', 'kind', 'ref', 'occurred_at'],
      m('P6', 'L1', 20, 'receipt', -100),
      m('P6', 'L1', -5, 'issue', -80),
      m('P1', 'L1', 100, 'receipt', -10),
      m('P3', 'L3', 200, 'receipt', -5),
      m('P4', 'L4', 30, 'receipt', 10),
      m('P2', 'L2', 40, 'receipt', 20),
      m('P1', 'L1', -5, 'transfer', 30),
      m('P1', 'L2', 5, 'transfer', 30),
      m('P3', 'L3', -10, 'adjustment', 40),
      m('P1', 'L1', -50, 'issue', 50),
      m('P2', 'L2', -30, 'issue', 60),
      m('P7', 'L7', 10, 'receipt', 70),
      m('P3', 'L3', -50, 'issue', 80),
      m('P1', 'L2', -5, 'issue', 90),
      m('P1', 'L1', -15, 'issue', 90),
      m('P4', 'L4', -30, 'issue', 95),
      m('P1', 'L1', 50, 'receipt', 105),
    ]),
  );
  await setPolicy(db, code, { slowDays: 30, deadDays: 60 });
}
