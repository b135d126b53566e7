import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';

/**
 * Every SKU in the item master, for checking file rows against it while streaming (a file names the
 * line of each unknown SKU, which a set lookup per row gives at no extra query). Fetched as one joined
 * string: 200,000 one-column rows cost several times more to decode, above all on PGlite.
 */
export async function knownSkus(db: DbOrTx): Promise<Set<string>> {
  const [row] = await queryRows<{ skus: string | null }>(db, sql`select string_agg(sku, E'\\n') as skus from item`);
  return new Set(row?.skus ? row.skus.split('\n') : []);
}
