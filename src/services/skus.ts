import type { DbOrTx } from '../../db/client.ts';
import { item } from '../../db/schema/index.ts';

/**
 * Every SKU in the item master, for checking file rows against it while streaming (a file names the
 * line of each unknown SKU, which a set lookup per row gives at no extra query).
 */
export async function knownSkus(db: DbOrTx): Promise<Set<string>> {
  const rows = await db.select({ sku: item.sku }).from(item);
  return new Set(rows.map((r) => r.sku));
}

export function unknownSkuMessage(sku: string): string {
  return `sku ${sku} is not in the item master (import it with \`stocktake items import\`)`;
}
