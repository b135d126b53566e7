/**
 * A chat message that arrives while the database is down waits for it instead of being answered with an
 * error and dropped: once the database is back it is handled, once. A tap cannot wait past the platform's
 * deadline and is told to tap again.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../db/client.ts';
import type { LogLevel } from '../../src/core/log.ts';
import { ensureDefaultCauses } from '../../src/services/causes.ts';
import { botCore, seedTeam } from '../support/bot.ts';
import { startThrowawayCluster, throwawayClustersAvailable, type ThrowawayCluster } from '../support/pgCluster.ts';
import { waitFor } from '../support/wait.ts';

describe.runIf(throwawayClustersAvailable())('chat events during a database outage', () => {
  let cluster: ThrowawayCluster;
  let database: Database;
  const logged: { level: LogLevel; message: string }[] = [];

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    database = await openDatabase({ kind: 'postgres', url: cluster.url });
    await ensureDefaultCauses(database.db);
    await seedTeam(database.db, 'web', { sam: 'u-sam' });
  });
  afterAll(async () => {
    await database?.close().catch(() => {});
    await cluster?.destroy();
  });

  it('keeps a message waiting until the database is back, then answers it once; a tap is told to try again', async () => {
    const { dispatch } = await botCore(database.db, [], (level, message) => logged.push({ level, message }));
    const event = {
      type: 'text' as const,
      platform: 'web',
      eventId: 'outage-1',
      chatId: 'team',
      chatType: 'direct' as const,
      userId: 'u-sam',
      text: 'help',
      addressed: true,
    };
    await cluster.stop();

    const handled = dispatch(event);
    let settled = false;
    void handled.finally(() => (settled = true));
    await waitFor(() => logged.some((l) => l.message === 'database unavailable; the event waits'), { what: 'the message to wait' });
    expect(settled).toBe(false);

    const tap = await dispatch({
      type: 'action',
      platform: 'web',
      eventId: 'tap-1',
      chatId: 'team',
      chatType: 'direct',
      userId: 'u-sam',
      token: 'x'.repeat(22),
    });
    expect(tap?.toast).toEqual({
      kind: 'error',
      text: 'The database is unavailable for a moment; nothing was changed. Tap again in a few seconds.',
    });

    await cluster.start();
    await handled;
    // Redelivered by the platform after all that: the event id keeps it to one answer.
    await dispatch(event);
    const replies = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox where chat_id = 'team'`);
    expect(replies[0]!.n).toBe(1);
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });
});
