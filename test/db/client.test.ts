import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { migrationsFolder, openDatabase, queryRows, type Db } from '../../db/client.ts';
import { createPostgresDatabase } from '../support/db.ts';

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { when: number }[] };

const applied = async (db: Db) =>
  (await queryRows<{ at: string }>(db, sql`select created_at::text as at from drizzle.__drizzle_migrations order by created_at`)).map((r) =>
    Number(r.at),
  );

describe('openDatabase migrations', () => {
  it('migrates a new embedded database, and reopening it applies nothing again', async () => {
    const first = await openDatabase({ kind: 'pglite', dataDir: null });
    try {
      expect(await applied(first.db)).toEqual(journal.entries.map((e) => e.when));
      const dump = await first.pglite!.dumpDataDir('none');
      const again = await openDatabase({ kind: 'pglite', dataDir: null, loadDataDir: dump });
      try {
        expect(await applied(again.db)).toEqual(journal.entries.map((e) => e.when));
      } finally {
        await again.close();
      }
    } finally {
      await first.close();
    }
  });

  it.skipIf(inject('postgresUrl') === null)('migrates a new server database once when several instances open it at once', async () => {
    const created = await createPostgresDatabase(inject('postgresUrl')!, { empty: true });
    try {
      const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: created.url })));
      try {
        for (const database of opened) expect(await applied(database.db)).toEqual(journal.entries.map((e) => e.when));
      } finally {
        await Promise.all(opened.map((d) => d.close()));
      }
    } finally {
      await created.drop();
    }
  });
});

describe.skipIf(inject('postgresUrl') === null)('statements on Postgres', () => {
  it('prepares a statement with parameters once per connection and runs it again from there', async () => {
    const created = await createPostgresDatabase(inject('postgresUrl')!);
    const database = await openDatabase({ kind: 'postgres', url: created.url });
    try {
      const { db } = database;
      const text = 'select count(*)::int as n from stocktake where code = $1';
      const prepared = async () =>
        (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_prepared_statements where statement = ${text}`))[0]!.n;
      const inTransaction = await db.transaction(async (tx) => {
        for (const code of ['A', 'B', 'C']) await tx.execute(sql`select count(*)::int as n from stocktake where code = ${code}`);
        // The same connection: prepared once, run three times.
        return (
          await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from pg_prepared_statements where statement = ${text}`)
        )[0]!.n;
      });
      expect(inTransaction).toBe(1);
      // Outside a transaction too (a pool of one here would be the same connection each time).
      await db.execute(sql`select count(*)::int as n from stocktake where code = ${'D'}`);
      expect(await prepared()).toBeGreaterThanOrEqual(1);
    } finally {
      await database.close();
      await created.drop();
    }
  });

  it('prepares nothing with ?prepare=false in the URL (a pooler in transaction mode)', async () => {
    const created = await createPostgresDatabase(inject('postgresUrl')!);
    const url = new URL(created.url);
    url.searchParams.set('prepare', 'false');
    const database = await openDatabase({ kind: 'postgres', url: url.toString() });
    try {
      const named = await database.db.transaction(async (tx) => {
        for (const code of ['A', 'B']) await tx.execute(sql`select count(*)::int as n from stocktake where code = ${code}`);
        return (await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from pg_prepared_statements`))[0]!.n;
      });
      expect(named).toBe(0);
    } finally {
      await database.close();
      await created.drop();
    }
  });
});
