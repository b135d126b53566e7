import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseTarget } from '../../db/client.ts';
import { noticeCard } from '../../cards/templates/notice.ts';
import { bindChat } from '../../src/services/chats.ts';
import { enqueueMessages } from '../../src/services/outbox.ts';
import { runCli, openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';
import { seedPeople } from '../support/flow.ts';
import { seedWarehouse } from '../support/fixtures.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake chats and outbox [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-chats-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      const target: DatabaseTarget = env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! };
      const { db, close } = await openOwnDatabase(target);
      await seedWarehouse(db);
      const people = await seedPeople(db);
      await bindChat(db, people.sam, { platform: 'telegram', chatId: '-100123', warehouse: 'WH1', purpose: 'team', locale: 'en' });
      await bindChat(db, people.sam, { platform: 'telegram', chatId: '-100123', warehouse: 'WH1', purpose: 'approvals', locale: 'en' });
      await db.transaction((tx) =>
        enqueueMessages(tx, [
          { platform: 'telegram', chatId: '-100123', locale: 'en', view: { kind: 'static', card: noticeCard('t', 'x') } },
        ]),
      );
      await db.execute(
        sql`update outbox set status = 'failed', attempts = 8, last_error = 'Forbidden: bot was kicked from the group chat'`,
      );
      await close();
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists the chats with their bindings', async () => {
      const out = await runCli(env, 'chats', '--json');
      expect(out.code).toBe(0);
      expect(out.json()).toEqual([
        expect.objectContaining({
          platform: 'telegram',
          chatId: '-100123',
          warehouse: 'WH1',
          purposes: ['team', 'approvals'],
          locale: 'en',
        }),
      ]);
    });

    it('shows failed deliveries with their reason and puts them back in line', async () => {
      const failed = await runCli(env, 'outbox', '--failed');
      expect(failed.stdout).toContain('bot was kicked');
      const retried = await runCli(env, 'outbox', 'retry', '--json');
      expect(retried.json()).toEqual({ retried: 1 });
      expect((await runCli(env, 'outbox', '--pending', '--json')).json()).toEqual([
        expect.objectContaining({ status: 'pending', attempts: 0 }),
      ]);
    });
  });
}
