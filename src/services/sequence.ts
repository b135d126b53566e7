import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';

/**
 * The next number for a key (e.g. "ST-20261125"), atomically: the upsert takes a row lock, so two
 * concurrent callers get different numbers, and a rolled-back caller's number is reused.
 */
export async function nextSequence(tx: DbOrTx, key: string): Promise<number> {
  const [row] = await queryRows<{ value: number }>(
    tx,
    sql`insert into doc_sequence (key, value) values (${key}, 1)
        on conflict (key) do update set value = doc_sequence.value + 1
        returning value`,
  );
  return Number(row!.value);
}
