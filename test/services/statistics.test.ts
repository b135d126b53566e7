/**
 * Planner statistics kept where no autovacuum keeps them (src/services/statistics.ts): a table that
 * changed is analyzed, and then the planner takes a line by its primary key instead of reading every
 * open line of the stocktake (the plan `npm run bench:writes` found on a database never analyzed).
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createStatisticsKeeper } from '../../src/jobs/statistics.ts';
import { needsOwnStatistics, refreshStatistics, staleTables } from '../../src/services/statistics.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { waitFor } from '../support/wait.ts';

const reltuples = async (db: Db, table: string) =>
  Number((await queryRows<{ n: number }>(db, sql`select reltuples::float8 as n from pg_class where relname = ${table}`))[0]!.n);

/** 3,000 open variance lines more in the stocktake, written the way a bulk change leaves them. */
async function manyOpenLines(db: Db, stocktakeId: string): Promise<void> {
  await db.execute(sql`
    insert into stocktake_line (stocktake_id, sku, location, book_qty, unit_cost, in_book, count_status, counted_qty, review_status)
    select ${stocktakeId}::uuid, 'BULK-' || g, 'L' || (g % 50), 10, 1, true, 'counted', 9, 'open'
    from generate_series(1, 3000) g`);
}

const confirmPlan = async (db: Db, stocktakeId: string) =>
  (
    await queryRows<{ 'QUERY PLAN': string }>(
      db,
      sql`explain update stocktake_line set review_status = 'confirmed'
          where stocktake_id = ${stocktakeId}::uuid and sku = 'BULK-7' and location = 'L7' and lot = '' and review_status = 'open'`,
    )
  )
    .map((r) => r['QUERY PLAN'])
    .join('\n');

describeEachDatabase('planner statistics', (get) => {
  it('analyzes the tables that changed, once, and the planner then takes a line by its key', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    await manyOpenLines(db, st.id);
    expect(await staleTables(db)).toContain('stocktake_line');

    const analyzed = await refreshStatistics(db);
    expect(analyzed).toContain('stocktake_line');
    expect(await reltuples(db, 'stocktake_line')).toBeGreaterThanOrEqual(3000);
    expect(await staleTables(db)).not.toContain('stocktake_line');
    expect(await confirmPlan(db, st.id)).toContain('stocktake_line_stocktake_id_sku_location_lot_pk');
  });

  it('the keeper refreshes them in the background where the database does not, and stops cleanly', async () => {
    const { db, kind } = get();
    const keeper = createStatisticsKeeper({ db, kind, log: silentLogger, intervalMs: 10 });
    const own = await needsOwnStatistics(db, kind);
    if (kind === 'pglite') expect(own).toBe(true);
    const { st } = await countedStocktake(db);
    keeper.start();
    try {
      await manyOpenLines(db, st.id);
      if (own) await waitFor(async () => (await reltuples(db, 'stocktake_line')) >= 3000, { what: 'stocktake_line analyzed' });
      else expect(await keeper.runOnce()).toBeNull(); // autovacuum keeps them
    } finally {
      await keeper.stop();
    }
  });
});
