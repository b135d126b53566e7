import { sql, type SQL } from 'drizzle-orm';

/**
 * A Postgres array literal ('{"a","b",NULL}') for one column of a bulk write. Bulk writes pass each column
 * as one text parameter cast to an array and `unnest` them: one statement per batch, the same SQL on
 * postgres.js and PGlite, and no per-row parameters.
 */
export function arrayLiteral(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return `${out}}`;
}

/** `unnest($1::text::<type>[], ...)` over the given columns, for `insert ... select * from <this>`. */
export function unnestColumns(columns: readonly { values: readonly (string | null)[]; type: string }[]): SQL {
  const parts = columns.map((c) => sql`${arrayLiteral(c.values)}::text::${sql.raw(c.type)}[]`);
  return sql`unnest(${sql.join(parts, sql`, `)})`;
}

/** Rows per bulk statement: large enough to amortise round trips, small enough to keep memory flat. */
export const BULK_BATCH = 20_000;

/** A timestamptz as ISO 8601 UTC text ("2026-11-25T06:30:00.000Z"), the same from both drivers. */
export function isoText(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
