import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory, dumped as a tarball; each test file starts from it. */
    pgliteTemplate: string;
    /** Admin URL of a reachable Postgres server, or null when none is reachable (outside CI). */
    postgresUrl: string | null;
    /** A migrated database on that server that test databases are copied from (null without a server). */
    postgresTemplate: string | null;
    /** How this run's test databases on that server are named: they are dropped when the run ends. */
    postgresDatabasePrefix: string;
  }
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<string | null> {
  const client = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await client`select 1`;
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * The tests that start the CLI or `npm start` as a process run dist/: building it first means they test
 * the sources as they are now, never a build left over from before an edit (about a second; unchanged
 * files are not rewritten).
 */
async function buildDist(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(import.meta.dirname, '../../scripts/build.mjs'), '--quiet']);
}

/** Creates and migrates the database each test database is copied from (CREATE DATABASE … TEMPLATE). */
async function migratedTemplate(adminUrl: string): Promise<string> {
  const name = `stocktake_template_${process.pid}`;
  await dropDatabase(adminUrl, name);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Closed at once: a database is copied only while nobody is connected to it.
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  await database.close();
  return name;
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/** Drops the databases named with a prefix, left by this run's workers (test/support/db.ts). */
async function dropDatabasesNamed(adminUrl: string, prefix: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where starts_with(datname, ${prefix})`;
    for (const { datname } of rows) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  let serverTemplate: string | null = null;
  const prefix = `stocktake_test_${process.pid}_`;
  project.provide('postgresDatabasePrefix', prefix);
  const built = buildDist();
  const dir = await mkdtemp(join(tmpdir(), 'stocktake-test-'));
  // initdb in WASM takes seconds; doing it once here and loading the dump per file takes a fraction.
  const template = await openDatabase({ kind: 'pglite', dataDir: null });
  const dump = await template.pglite!.dumpDataDir('none');
  await template.close();
  const templatePath = join(dir, 'pglite-template.tar');
  await writeFile(templatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', templatePath);
  await built;

  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const failure = await reachable(url);
  if (failure) {
    if (process.env.CI === 'true') {
      throw new Error(
        `CI=true but the Postgres test server at ${url.replace(/:[^:@/]+@/, ':***@')} is unreachable (${failure}); the Postgres suite must run in CI`,
      );
    }
    console.warn(
      `\n[notice] Postgres suite skipped: no server at ${url.replace(/:[^:@/]+@/, ':***@')} (${failure}). Set TEST_DATABASE_URL to run it.\n`,
    );
    project.provide('postgresUrl', null);
    project.provide('postgresTemplate', null);
  } else {
    project.provide('postgresUrl', url);
    project.provide('postgresTemplate', (serverTemplate = await migratedTemplate(url)));
  }
  return async () => {
    await rm(dir, { recursive: true, force: true });
    if (serverTemplate) {
      await dropDatabasesNamed(url, prefix);
      await dropDatabase(url, serverTemplate);
    }
  };
}
