import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, inject, it } from 'vitest';
import { migrationsFolder, openDatabase, plainQuery, queryRows, type Db } from '../../db/client.ts';
import { person } from '../../db/schema/index.ts';
import { addPerson } from '../../src/services/people.ts';
import { createPostgresDatabase, openTemplatePglite } from '../support/db.ts';

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
    const { db, close } = await openTemplatePglite();
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
    const { db, close } = await openTemplatePglite();
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

describe('PGlite prepared statements (a statement with parameters parsed once, then only bound and run)', () => {
  const prepared = async (db: Db, text: string) =>
    Number(
      (await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from pg_prepared_statements where statement = '${text}'`)))[0]!
        .n,
    );

  it('runs a statement again from its one preparation, outside and inside transactions', async () => {
    const { db, close } = await openTemplatePglite();
    try {
      const text = 'select $1::int + 1 as n';
      for (const n of [1, 2, 3]) expect(await queryRows(db, sql`select ${n}::int + 1 as n`)).toEqual([{ n: n + 1 }]);
      expect(await db.transaction(async (tx) => queryRows(tx, sql`select ${10}::int + 1 as n`))).toEqual([{ n: 11 }]);
      expect(await prepared(db, text)).toBe(1);
    } finally {
      await close();
    }
  });

  it("passes values of every kind and reads them back as PGlite's own query does", async () => {
    const { db, close, pglite } = await openTemplatePglite();
    try {
      const at = new Date('2026-12-06T01:02:03.000Z');
      const values = ['品名', '1.50', at, true, null, JSON.stringify({ a: [1, 2] }), 7n, '2026-12-06'] as const;
      const columns = [
        '::text as name',
        '::numeric as qty',
        '::timestamptz as at',
        '::boolean as yes',
        '::text as none',
        '::jsonb as doc',
        '::bigint as big',
        '::date as day',
      ];
      const text = `select ${columns.map((c, i) => `$${i + 1}${c}`).join(', ')}`;
      const own = (await pglite!.query(text, [...values])).rows[0];
      expect(own).toMatchObject({ name: '品名', qty: '1.50', at: '2026-12-06 01:02:03+00', yes: true, none: null, doc: { a: [1, 2] } });
      const read = () =>
        queryRows(
          db,
          sql.join([
            sql.raw('select '),
            sql.join(
              values.map((v, i) => sql`${v}${sql.raw(columns[i]!)}`),
              sql.raw(', '),
            ),
          ]),
        );
      expect((await read())[0]).toEqual(own);
      expect((await read())[0]).toEqual(own);
    } finally {
      await close();
    }
  });

  it('tells a failed statement as before, rolls its transaction back and runs the next', async () => {
    const { db, close } = await openTemplatePglite();
    try {
      await db.execute(sql`create table bin (code text primary key)`);
      const put = (tx: Db | Parameters<Parameters<Db['transaction']>[0]>[0], code: string) =>
        tx.execute(sql`insert into bin values (${code})`);
      await put(db, 'A-01');
      const failure = await db
        .transaction(async (tx) => {
          await put(tx, 'A-02');
          await put(tx, 'A-01');
        })
        .catch((error: unknown) => error);
      const cause = (failure as { cause?: { code?: string; query?: string } }).cause;
      expect(cause?.code).toBe('23505');
      expect(cause?.query).toBe('insert into bin values ($1)');
      expect(await queryRows(db, sql`select code from bin order by code`)).toEqual([{ code: 'A-01' }]);
      await put(db, 'A-02');
      expect(await queryRows(db, sql`select code from bin order by code`)).toEqual([{ code: 'A-01' }, { code: 'A-02' }]);
    } finally {
      await close();
    }
  });

  it('prepares a statement again after a schema change altered its columns', async () => {
    const { db, close } = await openTemplatePglite();
    try {
      await db.execute(sql`create table shelf (a int)`);
      await db.execute(sql`insert into shelf values (1)`);
      const read = () => queryRows(db, sql`select * from shelf where a = ${1}`);
      expect(await read()).toEqual([{ a: 1 }]);
      await db.execute(sql`alter table shelf add column b text default 'x'`);
      // Postgres refuses the old preparation once (its columns changed); the next call prepares it anew.
      const first = await read().catch((error: unknown) => error);
      if (first instanceof Error) expect((first as { cause?: { code?: string } }).cause?.code).toBe('0A000');
      else expect(first).toEqual([{ a: 1, b: 'x' }]);
      expect(await read()).toEqual([{ a: 1, b: 'x' }]);
    } finally {
      await close();
    }
  });

  it('keeps only the most recently used statements prepared, and runs one it let go again', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { preparedQueries } = await import('../../db/pglitePrepared.ts');
    const pglite = await PGlite.create();
    try {
      const { query } = preparedQueries(pglite, 3);
      for (const n of [1, 2, 3, 4, 5, 6]) expect((await query(`select $1::int + ${n} as n`, [1])).rows).toEqual([{ n: n + 1 }]);
      const { rows } = await pglite.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements');
      expect(rows[0]!.n).toBeLessThanOrEqual(4); // three kept, and one let go that the next preparation closes
      expect((await query('select $1::int + 1 as n', [1])).rows).toEqual([{ n: 2 }]);
    } finally {
      await pglite.close();
    }
  });
});
