/**
 * The planner's statistics and the vacuuming of dead rows where nothing else keeps them. Postgres's
 * autovacuum analyzes a table once enough of it changed; PGlite runs no autovacuum at all, and a Postgres may run with it off (this
 * project's CI server does). Without statistics every table of a migrated database looks empty to the
 * planner (creating an index on an empty table records "0 rows"), each estimate is 1 row, and the planner
 * picks plans that read thousands of rows for one: measured with `npm run bench:writes` on such a
 * database, confirming a variance scanned all 29,000 open lines of its stocktake through the partial
 * index of active lines instead of taking its line by the primary key (5.3 ms instead of 0.1 ms), and an
 * approval's check of who counted its lines read every count entry of the stocktake (5.6 ms).
 *
 * A table is analyzed when its statistics no longer describe it: never analyzed while it holds data, its
 * size changed by more than a tenth since, or (where the server counts changes) more rows changed since
 * than autovacuum's own default threshold, 50 + 10 % of the rows.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';

/** The tables of ours whose statistics are missing or stale. */
export async function staleTables(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        left join pg_stat_user_tables s on s.relid = c.oid
        cross join lateral (select pg_relation_size(c.oid) / current_setting('block_size')::int as pages) now
        where n.nspname = 'public' and c.relkind = 'r'
          and ((now.pages >= 2 and (c.reltuples <= 0 or abs(now.pages - c.relpages) > c.relpages / 10.0))
               or coalesce(s.n_mod_since_analyze, 0) > 50 + coalesce(s.n_live_tup, 0) / 10)
        order by c.relname`,
  );
  return rows.map((r) => r.name);
}

/**
 * Analyzes the stale tables in one transaction, under a try-lock that only this job takes: instances
 * sharing a database do not analyze the same tables at once, one does and the others skip the pass.
 * Returns the tables analyzed (none when another instance holds the lock).
 */
export async function refreshStatistics(db: Db): Promise<string[]> {
  return db.transaction(async (tx) => {
    const [got] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext('stocktake:statistics')) as ok`);
    if (!got?.ok) return [];
    const stale = await staleTables(tx);
    for (const table of stale) await tx.execute(sql.raw(`analyze "${table.replaceAll('"', '""')}"`));
    return stale;
  });
}

/**
 * The tables of ours with more dead rows than autovacuum leaves (its default threshold: 50 + 20 % of the
 * live rows), as the server counts them (PGlite counts them too, a second after the change).
 */
export async function deadTables(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select s.relname as name from pg_stat_user_tables s
        where s.schemaname = 'public' and s.n_dead_tup > 50 + s.n_live_tup / 5
        order by s.relname`,
  );
  return rows.map((r) => r.name);
}

/**
 * Vacuums the tables with dead rows (deadTables), one statement each and outside any transaction (VACUUM
 * cannot run in one); a table another instance is vacuuming is skipped (`skip_locked`). Returns the tables
 * vacuumed.
 *
 * Where nothing else vacuums, dead rows stay: in the table, and in every index their old versions were
 * entered in. Measured with `npm run bench:writes` on Postgres with autovacuum off: after the review
 * phases had confirmed a few thousand lines, the old entries of those lines in the index of active lines
 * (stocktake_line_active_idx) were still there, and settling the stocktake's status, twice an approval, read
 * 49 index pages past them to the first live line: 1.5–1.7 ms each; after VACUUM (155 ms), 3 pages and 0.16
 * ms. PGlite never vacuumed at all.
 */
export async function vacuumDeadTables(db: Db): Promise<string[]> {
  const dead = await deadTables(db);
  for (const table of dead) await db.execute(sql.raw(`vacuum (skip_locked) "${table.replaceAll('"', '""')}"`));
  return dead;
}

/**
 * One maintenance pass as autovacuum would make it: the tables with many dead rows vacuumed, then the ones
 * whose statistics went stale analyzed. Run by `npm start`'s keeper (jobs/statistics.ts) and the CLI's.
 */
export async function maintainTables(db: Db): Promise<{ vacuumed: string[]; analyzed: string[] }> {
  const vacuumed = await vacuumDeadTables(db);
  return { vacuumed, analyzed: await refreshStatistics(db) };
}

/**
 * Whether this database needs us to keep its statistics: PGlite always (it has no autovacuum process),
 * Postgres when autovacuum or the change counts it reads are off.
 */
export async function needsOwnStatistics(db: Db, kind: 'postgres' | 'pglite'): Promise<boolean> {
  if (kind === 'pglite') return true;
  const [row] = await queryRows<{ on: boolean }>(
    db,
    sql`select current_setting('autovacuum') = 'on' and current_setting('track_counts') = 'on' as on`,
  );
  return row?.on !== true;
}
