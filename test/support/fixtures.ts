import type { Db } from '../../db/client.ts';
import { bufferSource, type FileSource } from '../../src/files/source.ts';
import { importBook } from '../../src/services/book.ts';
import { importItems } from '../../src/services/items.ts';
import { importMovements } from '../../src/services/movements.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';

/** A CSV file from rows; cells with commas or quotes are quoted as a spreadsheet would. */
export function csv(name: string, rows: (string | number)[][]): FileSource {
  const quote = (cell: string | number) => {
    const text = String(cell);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return bufferSource(name, rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n');
}

export const ITEMS: (string | number)[][] = [
  ['sku', 'name', 'unit', 'unit_cost', 'category'],
  ['A-100', 'Widget', 'pcs', '2.50', 'parts'],
  ['A-200', '螺丝 M4', 'box', '12.00', 'parts'],
  ['B-300', 'Copper wire', 'kg', '0.3333', 'cables'],
  ['C-400', 'Pallet', 'pcs', '150', 'equipment'],
];

/**
 * Warehouse WH1 (Asia/Shanghai) with four items and a book:
 * A-100@R1 100 · A-200@R2 20 · B-300@R3 50.5 kg · C-400@R4 3.
 */
export async function seedWarehouse(db: Db): Promise<void> {
  await addWarehouse(db, { code: 'WH1', name: 'Main', timezone: 'Asia/Shanghai' });
  await importItems(db, csv('items.csv', ITEMS));
  await importBook(
    db,
    'WH1',
    csv('book.csv', [
      ['sku', 'location', 'qty'],
      ['A-100', 'R1', '100'],
      ['A-200', 'R2', '20'],
      ['B-300', 'R3', '50.5'],
      ['C-400', 'R4', '3'],
    ]),
  );
}

export async function moveStock(db: Db, rows: (string | number)[][]): Promise<void> {
  await importMovements(db, 'WH1', csv('movements.csv', [['sku', 'location', 'qty', 'kind', 'ref', 'occurred_at'], ...rows]));
}

/** Wall-clock text in Asia/Shanghai for an instant, as counters write it ("2026-11-25 14:30:05"). */
export function shanghai(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
