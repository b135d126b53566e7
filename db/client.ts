import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from './schema/index.ts';
import { lockDataDir, staleLockMessage, type StaleLock } from './lock.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A function taking DbOrTx works inside a caller's transaction or on its own. */
export type DbOrTx = Db | Tx;

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
}

// Postgres.js and PGlite both speak to a server whose TimeZone decides how timestamptz prints as text;
// pinning UTC makes raw query output identical on both.
const SESSION_TIMEZONE = 'UTC';

export interface OpenOptions {
  migrate?: boolean;
  /** Told when a PGlite lock left by a dead process was taken over (default: a warning on stderr). */
  onStaleLock?: (stale: StaleLock, message: string) => void;
}

/**
 * Opens the database and applies pending migrations. PGlite (the embedded default) is locked to this
 * process for as long as it is open; Postgres is shared, so migrations run under an advisory lock.
 */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  const shouldMigrate = options.migrate ?? true;
  if (target.kind === 'postgres') {
    if (shouldMigrate) await migrateServer(target.url);
    const client = postgres(target.url, {
      max: 10,
      onnotice: () => {},
      connection: { TimeZone: SESSION_TIMEZONE, application_name: 'stocktake' },
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  }

  const lock = target.dataDir ? lockDataDir(target.dataDir) : null;
  if (lock?.tookOver) {
    const message = staleLockMessage(lock.tookOver);
    (options.onStaleLock ?? ((_, m) => process.stderr.write(`warning: ${m}\n`)))(lock.tookOver, message);
  }
  try {
    const pglite = await PGlite.create({
      ...(target.dataDir ? { dataDir: target.dataDir } : {}),
      ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
    });
    await pglite.exec(`SET TIME ZONE '${SESSION_TIMEZONE}'`);
    const db = drizzlePglite(pglite, { schema }) as unknown as Db;
    if (shouldMigrate) await migratePglite(db as never, { migrationsFolder });
    return {
      db,
      kind: 'pglite',
      pglite,
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

/** Several instances may start at once against one server: the advisory lock lets one migrate at a time. */
async function migrateServer(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(hashtext('stocktake:migrate'))`;
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Runs raw SQL and returns its rows, hiding the drivers' different result shapes. */
export async function queryRows<T extends object>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
