import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import type { PreparedQueries } from './pglitePrepared.ts';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { sql, SQL, StringChunk, type ExtractTablesWithRelations } from 'drizzle-orm';
import type { Sql } from 'postgres';
import * as schema from './schema/index.ts';
import { askKeeperToRelease } from './keeperSocket.ts';
import { DataDirInUseError, lockDataDir, staleLockMessage, type DataDirLock, type StaleLock } from './lock.ts';

export type Schema = typeof schema;
// drizzle is given no schema: nothing uses its relational queries (db.query.…), and with a schema every
// transaction built a query builder per table (about 0.1 s of an instance's 8 s under 16 REST clients,
// CPU profile). The type keeps the schema for the tables' column types.
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A function taking DbOrTx works inside a caller's transaction or on its own. */
export type DbOrTx = Db | Tx;

// From the sources this is db/migrations; bundled, every module sits in dist/ and the build copies them there.
export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  /** dataDir null: in memory. loadDataDir: start from a dump (tests use a migrated template). */
  | { kind: 'pglite'; dataDir: string | null; loadDataDir?: Blob };

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The embedded instance, when kind is pglite (tests dump it as a template). */
  pglite?: PGlite;
  close(): Promise<void>;
  /**
   * PGlite: lets go of the directory without closing the engine (closing writes a checkpoint into the
   * directory): for a directory that is no longer this process's to write (the CLI's keeper, when another
   * process opened it or it was removed). Its lock is released only if it still holds this process's lock.
   */
  abandon?(): void;
}

// Postgres.js and PGlite both speak to a server whose TimeZone decides how timestamptz prints as text;
// pinning UTC makes raw query output identical on both.
const SESSION_TIMEZONE = 'UTC';

export interface OpenOptions {
  migrate?: boolean;
  /** Told when a PGlite lock left by a dead process was taken over (default: a warning on stderr). */
  onStaleLock?: (stale: StaleLock, message: string) => void;
  /**
   * 'command' (one CLI call): PGlite starts with 16 MB of shared buffers instead of Postgres's 128 MB.
   * Starting the embedded Postgres clears its buffer pool, and a smaller pool cut a CLI call's PGlite start
   * from about 1.5 s to about 1.0 s on the 2-core machine (a call reads far less than 16 MB). The
   * long-running service keeps the default.
   */
  workload?: 'command' | 'service';
  /**
   * When the directory is held by the CLI's keeper (src/cli/keeper.ts), ask it to let go and take the
   * directory (default). The keeper itself opens with false: it never asks another keeper.
   */
  askKeeper?: boolean;
}

/**
 * Opens the database and applies pending migrations. PGlite (the embedded default) is locked to this
 * process for as long as it is open; Postgres is shared, so migrations run under an advisory lock.
 *
 * Each driver (and drizzle's migrator) is imported only when used: a CLI call on PGlite never loads
 * postgres.js, one on Postgres never loads PGlite's WebAssembly, and an up-to-date database (every call
 * but the first after an upgrade) never loads the migrator.
 */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  const shouldMigrate = options.migrate ?? true;
  if (target.kind === 'postgres') {
    const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([
      import('postgres'),
      import('drizzle-orm/postgres-js'),
    ]);
    const client = postgres(target.url, {
      max: 10,
      onnotice: () => {},
      connection: { TimeZone: SESSION_TIMEZONE, application_name: 'stocktake' },
    });
    const db = drizzlePostgres(preparing(client)) as unknown as Db;
    plainSqlText(db);
    try {
      if (shouldMigrate && !(await upToDate(db))) await migrateServer(target.url);
    } catch (error) {
      await client.end({ timeout: 5 });
      throw error;
    }
    return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  }

  const lock = target.dataDir ? await lockOrAskKeeper(target.dataDir, options.askKeeper ?? true) : null;
  if (lock?.tookOver) {
    const message = staleLockMessage(lock.tookOver);
    (options.onStaleLock ?? ((_, m) => process.stderr.write(`warning: ${m}\n`)))(lock.tookOver, message);
  }
  try {
    const [{ PGlite }, { drizzle: drizzlePglite }, { preparedQueries }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('drizzle-orm/pglite'),
      import('./pglitePrepared.ts'),
    ]);
    const defaults = (PGlite as unknown as { defaultStartParams?: string[] }).defaultStartParams;
    const pglite = await PGlite.create({
      ...(options.workload === 'command' && defaults ? { startParams: [...defaults, '-c', 'shared_buffers=16MB'] } : {}),
      ...(target.dataDir ? { dataDir: target.dataDir } : {}),
      ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
    });
    await pglite.exec(`SET TIME ZONE '${SESSION_TIMEZONE}'`);
    Object.assign(pglite.parsers, TEXT_PARSERS);
    const db = drizzlePglite(pgliteClient(pglite, preparedQueries(pglite))) as unknown as Db;
    plainSqlText(db);
    if (shouldMigrate && !(await upToDate(db))) {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(db as never, { migrationsFolder });
    }
    return {
      db,
      kind: 'pglite',
      pglite,
      abandon: () => lock?.release(),
      async close() {
        try {
          await pglite.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * The types drizzle asks PGlite to hand over as text (dates, times, intervals and their arrays, numeric
 * arrays), as drizzle-orm/pglite's session names them: set once on the instance instead.
 */
const TEXT_PARSERS: Record<number, (value: string) => string> = Object.fromEntries(
  [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182].map((oid) => [oid, (value: string) => value]),
);

/**
 * The PGlite client drizzle is given: statements with parameters run prepared (see pglitePrepared.ts), and
 * no query carries its own parsers. drizzle passes those parsers with every query, and PGlite then merges
 * them into a copy of its whole parser table (several hundred types, arrays included) for each one: 0.25 ms
 * a trivial statement against 0.11 ms without (3,000 `select … for share` in a transaction, PGlite 0.5),
 * several milliseconds of each approval. The instance has them already (TEXT_PARSERS), so they are dropped
 * from each query, here and in transactions.
 */
function pgliteClient(pglite: PGlite, prepared: PreparedQueries): PGlite {
  const strip = (options?: QueryOptions) => options && { ...options, parsers: undefined };
  const transactionQuery = (tx: Transaction) => {
    const query = prepared.inTransaction(tx);
    return new Proxy(tx, {
      get(target, property, receiver) {
        if (property === 'query') return (text: string, params?: unknown[], options?: QueryOptions) => query(text, params, strip(options));
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return new Proxy(pglite, {
    get(target, property, receiver) {
      if (property === 'query')
        return (text: string, params?: unknown[], options?: QueryOptions) => prepared.query(text, params, strip(options));
      if (property === 'transaction')
        return <T>(fn: (tx: Transaction) => Promise<T>) => target.transaction((tx) => fn(transactionQuery(tx)));
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Locks a PGlite directory; held by the CLI's keeper, asks the keeper to let go (it finishes the call it
 * is running) and locks it then. Held by anything else, DataDirInUseError as before.
 */
async function lockOrAskKeeper(dataDir: string, askKeeper: boolean): Promise<DataDirLock> {
  try {
    return lockDataDir(dataDir);
  } catch (error) {
    if (!askKeeper || !(error instanceof DataDirInUseError) || !(await askKeeperToRelease(dataDir))) throw error;
    return lockDataDir(dataDir);
  }
}

/** Several instances may start at once against one server: the advisory lock lets one migrate at a time. */
async function migrateServer(url: string): Promise<void> {
  const [{ default: postgres }, { drizzle: drizzlePostgres }, { migrate }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
  ]);
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(hashtext('stocktake:migrate'))`;
    // drizzle's migrator re-reads the applied migrations under the lock, so a loser of the race applies none.
    await migrate(drizzlePostgres(client), { migrationsFolder });
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * True when the newest migration in the journal is applied: the same test drizzle's migrator makes (it
 * applies each migration newer than the newest applied one), without reading and hashing every SQL file or
 * taking the migration lock. A database without the migrations table is behind.
 */
async function upToDate(db: Db): Promise<boolean> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: { when: number }[] };
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    const [row] = await queryRows<{ latest: string | null }>(
      db,
      sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`,
    );
    return row?.latest != null && Number(row.latest) >= newest;
  } catch (error) {
    // 42P01 undefined_table, 3F000 invalid_schema_name: never migrated. Anything else (the server is
    // unreachable) is the caller's to see, not a reason to try migrating.
    const code = (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
    if (code === '42P01' || code === '3F000') return false;
    throw error;
  }
}

/**
 * The client drizzle runs its queries through, with every statement that takes parameters prepared: named
 * on its connection the first time, then only bound and run. drizzle asks postgres.js for unnamed
 * statements (prepare: false), which Postgres parses and plans anew on every call; for the product's
 * short statements that was most of the server's work: of the server time of 50 variance confirmations,
 * parsing and planning took 148 ms and running them 45 ms (`log_min_duration_statement = 0`, Postgres 15).
 * A statement without parameters (a COPY, a DDL) goes by the simple protocol as before, unprepared. A
 * connection's prepared statements last as long as it (postgres.js ends each after 30–60 minutes), and
 * one whose plan a schema change invalidated is prepared again by postgres.js.
 */
function preparing<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe')
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      // A transaction's and a savepoint's own client prepare the same way.
      if (property === 'begin' || property === 'savepoint')
        return (...args: unknown[]) => {
          const scope = args.pop() as (sql: Sql) => unknown;
          const open = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[property]!;
          return open.call(target, ...args, (sql: Sql) => scope(preparing(sql)));
        };
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The text and parameters of a `sql` template whose pieces are only text, nested `sql` templates and plain
 * values (strings, numbers, booleans, bigints, dates, null; undefined adds nothing), as drizzle would build
 * them (`$1`, `$2`, … in order); null when anything else is in it (a table or column object, an array, an
 * inlined-parameters template), which drizzle then builds itself.
 *
 * Kept beside drizzle's builder for speed: drizzle asks of every piece which of thirteen kinds it is and
 * merges a result object per piece. Review actions run in-process 16 at a time against Postgres (the
 * benchmark's confirm, tag, note) took 1.19–1.23 ms of Node CPU an action with drizzle's builder and
 * 1.10–1.12 ms with this one, two runs each; every raw statement of the product is of the plain kind.
 */
export function plainQuery(query: SQL): { sql: string; params: unknown[] } | null {
  // drizzle keeps the inlining flag private; it is set by `.inlineParams()`, which the product never calls.
  const inlined = (q: SQL) => (q as unknown as { shouldInlineParams: boolean }).shouldInlineParams;
  const params: unknown[] = [];
  let text = '';
  const walk = (chunks: readonly unknown[]): boolean => {
    for (const chunk of chunks) {
      if (chunk instanceof StringChunk) text += chunk.value.length === 1 ? chunk.value[0] : chunk.value.join('');
      else if (chunk instanceof SQL) {
        if (inlined(chunk) || !walk(chunk.queryChunks)) return false;
      } else if (
        chunk === null ||
        typeof chunk === 'string' ||
        typeof chunk === 'number' ||
        typeof chunk === 'boolean' ||
        typeof chunk === 'bigint' ||
        chunk instanceof Date
      ) {
        params.push(chunk);
        text += `$${params.length}`;
      } else if (chunk !== undefined) return false;
    }
    return true;
  };
  return !inlined(query) && walk(query.queryChunks) ? { sql: text, params } : null;
}

/** Makes `db`'s dialect (shared by its transactions) build plain templates with plainQuery. */
function plainSqlText(db: Db): void {
  const dialect = (db as unknown as { dialect: { sqlToQuery(query: SQL, invokeSource?: unknown): unknown } }).dialect;
  const drizzleBuild = dialect.sqlToQuery.bind(dialect);
  dialect.sqlToQuery = (query, invokeSource) => (invokeSource === undefined && plainQuery(query)) || drizzleBuild(query, invokeSource);
}

/** Runs a raw SQL write and returns how many rows it changed, hiding the drivers' different result shapes. */
export async function rowsChanged(db: DbOrTx, query: SQL): Promise<number> {
  const result = (await db.execute(query)) as unknown as { count?: number; affectedRows?: number };
  return Number((Array.isArray(result) ? result.count : result.affectedRows) ?? 0);
}

/** Runs raw SQL and returns its rows, hiding the drivers' different result shapes. */
export async function queryRows<T extends object>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
