/**
 * What counting needs of the item master beyond its SKUs: barcodes (a count sheet's barcode column, the
 * counting page's scans) and pack units (a unit column, the page's unit picker).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { parseDecimal, QTY_SCALE } from '../domain/decimal.ts';
import type { Pack } from '../domain/packs.ts';
import { textArray } from './outbox.ts';

export interface ItemScanDetails {
  /** Barcode → SKU. */
  barcodes: Map<string, string>;
  /** SKU → its pack units, smallest first. */
  packs: Map<string, Pack[]>;
}

/**
 * Every barcode and pack unit, each fetched as one joined string (as knownSkus does: many one-row results
 * cost far more to decode, above all on PGlite).
 */
export async function loadItemScanDetails(db: DbOrTx): Promise<ItemScanDetails> {
  const [row] = await queryRows<{ barcodes: string | null; packs: string | null }>(
    db,
    sql`select (select string_agg(barcode || E'\\t' || sku, E'\\n') from item_barcode) as barcodes,
               (select string_agg(sku || E'\\t' || unit || E'\\t' || factor::text, E'\\n' order by sku, factor) from item_pack) as packs`,
  );
  const barcodes = new Map<string, string>();
  for (const pair of row?.barcodes ? row.barcodes.split('\n') : []) {
    const tab = pair.lastIndexOf('\t');
    barcodes.set(pair.slice(0, tab), pair.slice(tab + 1));
  }
  const packs = new Map<string, Pack[]>();
  for (const entry of row?.packs ? row.packs.split('\n') : []) {
    const [sku, unit, factor] = entry.split('\t') as [string, string, string];
    const parsed = parseDecimal(factor, QTY_SCALE);
    if (!parsed.ok) continue;
    const list = packs.get(sku) ?? [];
    list.push({ unit, factor: parsed.value });
    packs.set(sku, list);
  }
  return { barcodes, packs };
}

/** The base unit of each of `skus` that the item master has. */
export async function baseUnits(db: DbOrTx, skus: readonly string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await queryRows<{ sku: string; unit: string }>(
    db,
    sql`select sku, unit from item where sku = any(${textArray(skus)}::text[])`,
  );
  return new Map(rows.map((r) => [r.sku, r.unit]));
}
