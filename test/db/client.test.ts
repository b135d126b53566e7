import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, inject, it } from 'vitest';
import { migrationsFolder, openDatabase, plainQuery, queryRows, type Db } from '../../db/client.ts';
import { person } from '../../db/schema/index.ts';
import { addPerson } from '../../src/services/people.ts';
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

describe('plainQuery (the SQL text of plain templates, built beside drizzle)', () => {
  const dialect = new PgDialect();
  const drizzle = (q: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    return { sql: text, params };
  };

  it('builds what drizzle builds for text, nested templates and plain values of every kind', () => {
    const at = new Date('2026-12-06T01:02:03Z');
    const nested = sql`and l.sku = ${'A-100'} ${sql``} ${undefined} and l.qty > ${1.5}`;
    const queries = [
      sql`select 1`,
      sql`select ${'x'}::text, ${42}, ${true}, ${null}, ${12n}, ${at}::timestamptz`,
      sql`select * from stocktake_line l where l.stocktake_id = ${'st'} ${nested} order by ${sql.raw('l.sku')}`,
      sql`${sql`${sql`${'deep'}`}`} then ${'after'}`,
      sql.join([sql`a = ${1}`, sql`b = ${2}`], sql` and `),
    ];
    for (const q of queries) expect(plainQuery(q)).toEqual(drizzle(q));
  });

  it('leaves to drizzle what is not plain: tables and columns, arrays, inlined parameters, parameter objects', () => {
    expect(plainQuery(sql`select ${person.handle} from ${person}`)).toBeNull();
    expect(plainQuery(sql`where x in ${[1, 2]}`)).toBeNull();
    expect(plainQuery(sql`select ${'a'}`.inlineParams())).toBeNull();
    expect(plainQuery(sql`select ${sql`${'a'}`.inlineParams()}`)).toBeNull();
    expect(plainQuery(sql`select ${sql.param(1)}`)).toBeNull();
    expect(plainQuery(sql`select ${sql.placeholder('p')}`)).toBeNull();
  });

  it('is what the databases run: a plain template and a builder query on PGlite', async () => {
    const { db, close } = await openDatabase({ kind: 'pglite', dataDir: null });
    try {
      const [row] = await queryRows<{ a: string; n: number }>(db, sql`select ${'x'}::text || ${'y'} as a, ${2}::int + 3 as n`);
      expect(row).toEqual({ a: 'xy', n: 5 });
      expect(await db.select({ handle: person.handle }).from(person).where(eq(person.handle, 'nobody'))).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('PGlite result types (set once on the instance, not sent with each query)', () => {
  it('hands dates, times, intervals and numeric arrays over as text, outside and inside a transaction', async () => {
    const { db, close } = await openDatabase({ kind: 'pglite', dataDir: null });
    try {
      const read = sql`select '2026-12-06 01:02:03+00'::timestamptz as at, '2026-12-06'::date as day, '1 day'::interval as span,
                         '{1.50,2}'::numeric[] as figures, '2026-12-06 01:02:03'::timestamp as local, 42::int as n`;
      const expected = {
        at: '2026-12-06 01:02:03+00',
        day: '2026-12-06',
        span: '1 day',
        figures: '{1.50,2}',
        local: '2026-12-06 01:02:03',
        n: 42,
      };
      expect((await queryRows(db, read))[0]).toEqual(expected);
      expect(await db.transaction(async (tx) => (await queryRows(tx, read))[0])).toEqual(expected);
      // And drizzle's own columns still map them (a timestamp column to a Date).
      await addPerson(db, { handle: 'ann', name: 'Ann' });
      const [row] = await db.select({ createdAt: person.createdAt }).from(person).where(eq(person.handle, 'ann'));
      expect(row!.createdAt).toBeInstanceOf(Date);
      expect(Number.isNaN(row!.createdAt.getTime())).toBe(false);
    } finally {
      await close();
    }
  });
});
