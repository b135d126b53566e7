import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transaction as PgliteTransaction } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { DbOrTx } from './client.ts';

/**
 * The driver under a drizzle database or transaction. drizzle exposes no COPY, so a bulk load reaches
 * past it: postgres.js streams `COPY … FROM STDIN`, PGlite reads `COPY … FROM '/dev/blob'` from a Blob
 * passed with the query (https://pglite.dev/docs/api#query-options). Inside a transaction the client is
 * the transaction's own, so the COPY commits or rolls back with everything else.
 */
export function copyDriver(db: DbOrTx): { postgres: Sql } | { pglite: PgliteTransaction } {
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  if (typeof (client as Sql).unsafe === 'function') return { postgres: client as Sql };
  return { pglite: client as PgliteTransaction };
}

/**
 * Runs statements of one transaction together: on Postgres they are pipelined (postgres.js sends queries
 * issued in the same tick in one write and reads their answers in order), saving a round trip each — a
 * write syscall, a wake-up of the server and of this process, which on a busy machine cost more than the
 * statements (measured by `npm run bench:writes` with BENCH_PROFILE: the socket writes were the largest
 * item of an instance's CPU). PGlite runs one statement at a time in this process, so there they run in
 * order. The statements must not depend on each other's results.
 */
export async function together(db: DbOrTx, ...statements: (() => Promise<unknown>)[]): Promise<void> {
  if ('postgres' in copyDriver(db)) {
    await Promise.all(statements.map((s) => s()));
    return;
  }
  for (const s of statements) await s();
}

/**
 * Two reads of one transaction at once, like together(): pipelined on Postgres, in order on PGlite. Both
 * run to the end; when both fail, the first's error is the one thrown, so a caller keeps the order its
 * checks are reported in (who may, before what is there).
 */
export async function both<A, B>(db: DbOrTx, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (!('postgres' in copyDriver(db))) return [await a(), await b()];
  const [ra, rb] = await Promise.allSettled([a(), b()]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/** A value as COPY's text format writes it: \N for null; backslash, tab and line breaks escaped. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Rows per chunk handed to the driver: a few hundred KiB, so memory stays flat however many rows. */
const ROWS_PER_CHUNK = 5000;

/**
 * Loads rows into `table` (its `columns`, in order) with COPY in text format: the fastest way into
 * Postgres on both drivers, several times faster than multi-row inserts for a 200,000-line sheet.
 * Each row comes as its values already in copyText form, joined by tabs.
 */
export async function copyRows(db: DbOrTx, table: string, columns: readonly string[], rows: Iterable<string>): Promise<void> {
  function* chunks(): Generator<string> {
    let chunk = '';
    let count = 0;
    for (const row of rows) {
      chunk += `${row}\n`;
      if (++count === ROWS_PER_CHUNK) {
        yield chunk;
        chunk = '';
        count = 0;
      }
    }
    if (chunk) yield chunk;
  }
  await copyChunks(db, table, columns, chunks());
}

/**
 * Loads COPY text already cut into chunks — strings, or bytes a caller wrote itself — into `table` (its
 * `columns`, in order). Each chunk ends at a row's end.
 */
export async function copyChunks(db: DbOrTx, table: string, columns: readonly string[], chunks: Iterable<string | Buffer>): Promise<void> {
  const target = `${table} (${columns.join(', ')})`;
  const driver = copyDriver(db);
  if ('postgres' in driver) {
    await pipeline(Readable.from(chunks), await driver.postgres.unsafe(`copy ${target} from stdin`).writable());
    return;
  }
  // PGlite runs in this process: the rows are handed over as one Blob (its parts are not copied again).
  await driver.pglite.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([...chunks]) });
}
