/**
 * The scheduler inside the running product: startService starts it (and, in the background, sends what
 * was missed while nothing ran), stop() removes its node-cron tasks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import cron from 'node-cron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type DatabaseTarget } from '../../db/client.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { localMinute } from '../../src/domain/time.ts';
import { DIGESTS_TASK, REMINDERS_TASK, RETENTION_TASK } from '../../src/jobs/scheduler.ts';
import { startService } from '../../src/main.ts';
import { importCounts } from '../../src/services/counts.ts';
import { setSchedule } from '../../src/services/schedules.ts';
import { startStocktake } from '../../src/services/stocktakes.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';
import { csv } from '../support/fixtures.ts';
import { waitFor } from '../support/wait.ts';
import { seedChats } from './support.ts';

for (const kind of databaseKinds()) {
  describe(`the scheduler in startService [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-service-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      const target: DatabaseTarget = env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! };
      const { db, close } = await openDatabase(target);
      const people = await seedChats(db);
      const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3 * 3600_000));
      await importCounts(
        db,
        st.code,
        csv('count.csv', [
          ['sku', 'location', 'qty'],
          ['A-100', 'R1', '90'],
        ]),
        { counter: 'carl' },
      );
      // The chat's daily digest fell due an hour ago, while nothing was running.
      const due = localMinute(new Date(Date.now() - 3600_000), 'Asia/Shanghai');
      const [hh, mm] = due.slice(11).split(':').map(Number);
      await setSchedule(
        db,
        people.sam.actor,
        { platform: 'web', chatId: 'digest', job: 'daily', cron: `${mm} ${hh} * * *`, enabled: true },
        new Date(Date.now() - 2 * 3600_000),
      );
      await close();
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts the node-cron tasks, catches up the missed digest once, and stops them', async () => {
      const service = await startService(loadConfig(env), () => [], silentLogger);
      try {
        const names = () => [...cron.getTasks().values()].map((t) => t.name);
        expect(names()).toEqual(expect.arrayContaining([DIGESTS_TASK, REMINDERS_TASK, RETENTION_TASK]));
        const db = service.database.db;
        const rows = await waitFor(
          async () => {
            const found = await queryRows<{ chat_id: string }>(db, sql`select chat_id from outbox where platform = 'web'`);
            return found.length > 0 && found;
          },
          { intervalMs: 100, what: 'the missed digest in the outbox' },
        );
        expect(rows).toEqual([{ chat_id: 'digest' }]);
      } finally {
        await service.stop();
      }
      expect([...cron.getTasks().values()].map((t) => t.name)).not.toContain(DIGESTS_TASK);
      // A second start (another instance, a restart) finds the slot sent.
      const again = await startService(loadConfig(env), () => [], silentLogger);
      await again.scheduler.catchUp(new Date());
      const sent = await queryRows(again.database.db, sql`select 1 from outbox where platform = 'web'`);
      await again.stop();
      expect(sent).toHaveLength(1);
    });
  });
}
