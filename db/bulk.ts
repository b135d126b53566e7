import { sql, type SQL } from 'drizzle-orm';

const SEPARATOR = '\u001f'; // ASCII unit separator: never part of a value we store
const NULL_MARK = '\u001e';

/**
 * One column of a bulk write as a single text parameter: the values joined by the unit separator.
 * Bulk writes pass each column this way and `unnest` the split arrays: one statement per batch, the same
 * SQL on postgres.js and PGlite, no per-row parameters. Splitting a string is several times faster in
 * Postgres than parsing an array literal, which matters most on PGlite (WASM).
 */
export function packColumn(values: readonly (string | null)[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out += SEPARATOR + NULL_MARK;
      continue;
    }
    if (v.includes(SEPARATOR) || v === NULL_MARK)
      throw new Error('a value holds a control character (U+001E/U+001F) that bulk writes reserve');
    out += SEPARATOR + v;
  }
  return out;
}

export type BulkType = 'text' | 'numeric' | 'int' | 'bigint' | 'uuid' | 'timestamptz' | 'jsonb' | 'bool' | 'date';

/** The SQL array for one packed column; the leading separator keeps a lone '' from becoming {}. */
function unpack(packed: string, type: BulkType): SQL {
  const array = sql`(string_to_array(${packed}, ${SEPARATOR}, ${NULL_MARK}))[2:]`;
  return type === 'text' ? array : sql`${array}::${sql.raw(type)}[]`;
}

/** `unnest(...)` over the given columns, for `insert ... select * from <this>`. */
export function unnestColumns(columns: readonly { values: readonly (string | null)[]; type: BulkType }[]): SQL {
  const parts = columns.map((c) => unpack(packColumn(c.values), c.type));
  return sql`unnest(${sql.join(parts, sql`, `)})`;
}

/** Rows per bulk statement: large enough to amortise round trips, small enough to keep memory flat. */
export const BULK_BATCH = 20_000;

/** A timestamptz as ISO 8601 UTC text ("2026-11-25T06:30:00.000Z"), the same from both drivers. */
export function isoText(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
