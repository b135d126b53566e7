/**
 * Lots (批次) and expiry, the rules every file shares: which items are lot-tracked, what a line's lot must
 * be, and how an expiry cell reads. A lot-tracked item's lines each name a lot; any other item's lot is ''.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { Phrase } from '../domain/phrase.ts';
import { fileTexts } from '../domain/texts/files.ts';
import { cellText, dateCell, type Cell } from '../files/table.ts';

/** The lot-tracked SKUs of the item master (few, usually: one small query per file). */
export async function lotTrackedSkus(db: DbOrTx): Promise<Set<string>> {
  const rows = await queryRows<{ sku: string }>(db, sql`select sku from item where lot_tracked`);
  return new Set(rows.map((r) => r.sku));
}

/** What is wrong with a line's lot: missing on a lot-tracked item, or given for one that is not. */
export function lotProblem(sku: string, lot: string, lotTracked: ReadonlySet<string>): Phrase | null {
  if (lotTracked.has(sku)) return lot === '' ? fileTexts.lotMissing(sku) : null;
  return lot === '' ? null : fileTexts.lotNotTracked(sku, lot);
}

/** An expiry cell: null when blank, the date as YYYY-MM-DD, or the problem with it. */
export function expiryCell(cell: Cell, timezone: string): { ok: true; value: string | null } | { ok: false; problem: Phrase } {
  if (cell === null || cellText(cell) === '') return { ok: true, value: null };
  const date = dateCell(cell, timezone);
  return date.ok ? date : { ok: false, problem: fileTexts.expiryInvalid(cellText(cell)) };
}
