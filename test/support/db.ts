import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, inject } from 'vitest';
import { openDatabase, queryRows, type Database, type DatabaseTarget, type Db } from '../../db/client.ts';

export type DbKind = 'pglite' | 'postgres';

export interface TestDatabase {
  db: Db;
  kind: DbKind;
  /** How to reach this database from a new connection (the CLI opens its own). */
  target: DatabaseTarget;
}

/** A fresh PGlite instance, in memory, loaded from the migrated template. */
export async function openTemplatePglite(): Promise<Database> {
  const bytes = await readFile(inject('pgliteTemplate'));
  return openDatabase({ kind: 'pglite', dataDir: null, loadDataDir: new Blob([bytes]) }, { migrate: false });
}

/**
 * A new database on the Postgres server, dropped by the returned function. It is copied from the run's
 * migrated template (globalSetup), so it is migrated already: copying took 0.4 s where migrating a new
 * database took 2.1 s, for each of the ~120 files on Postgres. `{ empty: true }`: a database with nothing
 * in it, for tests of migrating itself.
 */
export async function createPostgresDatabase(
  adminUrl: string,
  options: { empty?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${inject('postgresDatabasePrefix')}${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = options.empty ? null : inject('postgresTemplate');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  // A test database need not survive a crash of the shared server: its commits do not wait for the WAL to
  // reach the disk (the throwaway clusters of the outage tests keep the default).
  await admin.unsafe(`alter database ${name} set synchronous_commit = off`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

async function truncateAll(db: Db): Promise<void> {
  const tables = await queryRows<{ name: string }>(db, sql`select tablename as name from pg_tables where schemaname = 'public'`);
  if (tables.length === 0) return;
  await db.execute(sql.raw(`truncate ${tables.map((t) => `"${t.name}"`).join(', ')} restart identity cascade`));
}

/**
 * Runs a suite once per database: PGlite always, and the real Postgres server when one is reachable.
 * Each test starts from empty tables. Under CI=true an unreachable server fails the run (globalSetup).
 */
export function describeEachDatabase(name: string, suite: (get: () => TestDatabase) => void): void {
  const kinds: DbKind[] = ['pglite', 'postgres'];
  for (const kind of kinds) {
    const postgresUrl = inject('postgresUrl');
    const run = kind === 'pglite' || postgresUrl !== null ? describe : describe.skip;
    run(`${name} [${kind}]`, () => {
      let current: TestDatabase | null = null;
      beforeAll(async () => {
        current = await workerDatabase(kind);
      });
      beforeEach(async () => {
        await truncateAll(current!.db);
      });
      suite(() => current!);
    });
  }
}

/**
 * One database of each kind per test worker, shared by the files it runs one after another (the suite
 * runs without isolation between files, vitest.config.ts): each test starts from empty tables all the
 * same. Opening PGlite from the template took about 1 s per file and a Postgres copy 0.5 s, for the
 * ~120 files that use them. The Postgres databases are dropped when the run ends (globalSetup).
 */
function workerDatabase(kind: DbKind): Promise<TestDatabase> {
  const shared = globalThis as { stocktakeTestDatabases?: Map<DbKind, Promise<TestDatabase>> };
  const cache = (shared.stocktakeTestDatabases ??= new Map());
  let database = cache.get(kind);
  if (!database) {
    database = openWorkerDatabase(kind);
    cache.set(kind, database);
    database.catch(() => cache.delete(kind));
  }
  return database;
}

async function openWorkerDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openTemplatePglite();
    return { db: database.db, kind, target: { kind: 'pglite', dataDir: null } };
  }
  const created = await createPostgresDatabase(inject('postgresUrl')!);
  const database = await openDatabase({ kind: 'postgres', url: created.url });
  return { db: database.db, kind, target: { kind: 'postgres', url: created.url } };
}

/**
 * A database for code that opens its own connection (the CLI): a PGlite data directory loaded from the
 * template, or a new database on the server. Returns the environment that points at it.
 */
export async function createStandaloneDatabase(
  kind: DbKind,
  dataDir: string,
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const bytes = await readFile(inject('pgliteTemplate'));
    const database = await openDatabase({ kind: 'pglite', dataDir, loadDataDir: new Blob([bytes]) }, { migrate: false });
    await database.close();
    return { env: { STOCKTAKE_DATA_DIR: dataDir }, drop: async () => {} };
  }
  const created = await createPostgresDatabase(inject('postgresUrl')!);
  return { env: { DATABASE_URL: created.url }, drop: created.drop };
}

/** The database kinds this run covers: PGlite always, Postgres when a server is reachable. */
export function databaseKinds(): DbKind[] {
  return inject('postgresUrl') === null ? ['pglite'] : ['pglite', 'postgres'];
}
