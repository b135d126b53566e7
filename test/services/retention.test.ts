/**
 * The retention rules on both databases, with an explicit clock: what is older than its window goes, what
 * is younger stays, unfinished outbox rows and the console's history are never touched, the floor holds
 * whatever the policy says, and a backlog goes in bounded batches.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { DEFAULT_RETENTION } from '../../src/domain/retention.ts';
import { pruneExpired } from '../../src/services/retention.ts';
import { describeEachDatabase } from '../support/db.ts';

const NOW = new Date('2027-03-01T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

async function inboundEvent(db: Db, id: string, age: number) {
  await db.execute(sql`insert into inbound_event (platform, event_id, received_at) values ('web', ${id}, ${daysAgo(age)}::timestamptz)`);
}
async function outboxRow(db: Db, status: string, age: number): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`insert into outbox (platform, chat_id, kind, payload, status, created_at)
    values ('web', 'team', 'send', '{}'::jsonb, ${status}::outbox_status, ${daysAgo(age)}::timestamptz) returning id::text as id`,
  );
  return row!.id;
}
const ids = async (db: Db, query: ReturnType<typeof sql>) => (await queryRows<{ id: string }>(db, query)).map((r) => r.id).sort();

describeEachDatabase('retention', (get) => {
  it('prunes rows older than their window and keeps younger ones, pending deliveries and the console history', async () => {
    const { db } = get();
    await inboundEvent(db, 'old', 31);
    await inboundEvent(db, 'recent', 29);
    await db.execute(sql`insert into command_log (key, command, result, created_at) values
      ('old', 'variance.confirm', 'null'::jsonb, ${daysAgo(31)}::timestamptz), ('recent', 'variance.confirm', 'null'::jsonb, ${daysAgo(29)}::timestamptz)`);
    await db.execute(sql`insert into card_action (id, intent, created_at) values
      ('oldbutton1', '{}'::jsonb, ${daysAgo(91)}::timestamptz), ('newbutton1', '{}'::jsonb, ${daysAgo(89)}::timestamptz)`);
    const kept = [
      await outboxRow(db, 'sent', 29),
      await outboxRow(db, 'failed', 31),
      await outboxRow(db, 'failed', 89),
      await outboxRow(db, 'pending', 400),
      await outboxRow(db, 'sending', 400),
    ];
    await outboxRow(db, 'sent', 31);
    await outboxRow(db, 'superseded', 31);
    await outboxRow(db, 'failed', 91);
    await db.execute(
      sql`insert into web_message (chat_id, message_id, kind, text, created_at) values ('team', 'u-1', 'user', 'hello', ${daysAgo(400)}::timestamptz)`,
    );
    await db.execute(sql`insert into platform_media (platform, app, content_hash, media_id, uploading_until, created_at) values
      ('telegram', 'bot1', 'old-chart', 'file-1', null, ${daysAgo(31)}::timestamptz),
      ('telegram', 'bot1', 'new-chart', 'file-2', null, ${daysAgo(29)}::timestamptz),
      ('telegram', 'bot1', 'old-claim-live', null, ${new Date(NOW.getTime() + 60_000).toISOString()}::timestamptz, ${daysAgo(31)}::timestamptz)`);

    const result = await pruneExpired(db, DEFAULT_RETENTION, NOW);

    expect(result).toEqual({
      inboundEvents: 1,
      commandLog: 1,
      cardActions: 1,
      outboxDelivered: 2,
      outboxFailed: 1,
      platformMedia: 1,
      complete: true,
    });
    expect(await ids(db, sql`select content_hash as id from platform_media`)).toEqual(['new-chart', 'old-claim-live']);
    expect(await ids(db, sql`select event_id as id from inbound_event`)).toEqual(['recent']);
    expect(await ids(db, sql`select key as id from command_log`)).toEqual(['recent']);
    expect(await ids(db, sql`select id from card_action`)).toEqual(['newbutton1']);
    expect(await ids(db, sql`select id::text as id from outbox`)).toEqual(kept.sort());
    expect(await ids(db, sql`select message_id as id from web_message`)).toEqual(['u-1']);
    // A second run finds nothing more to do.
    expect(await pruneExpired(db, DEFAULT_RETENTION, NOW)).toMatchObject({
      inboundEvents: 0,
      commandLog: 0,
      cardActions: 0,
      outboxDelivered: 0,
      outboxFailed: 0,
      platformMedia: 0,
    });
  });

  it('never prunes inside the floor of 7 days, whatever the policy says', async () => {
    const { db } = get();
    await inboundEvent(db, 'three-days', 3);
    await inboundEvent(db, 'eight-days', 8);
    const result = await pruneExpired(db, { days: 1, failedDays: 1, buttonDays: 1 }, NOW);
    expect(result.inboundEvents).toBe(1);
    expect(await ids(db, sql`select event_id as id from inbound_event`)).toEqual(['three-days']);
  });

  it("deletes a backlog in bounded batches and leaves what is over the run's budget for the next run", async () => {
    const { db } = get();
    for (let i = 0; i < 12; i++) await inboundEvent(db, `e${i}`, 60);
    await inboundEvent(db, 'recent', 1);
    expect(await pruneExpired(db, DEFAULT_RETENTION, NOW, { batchSize: 5, maxBatches: 2 })).toMatchObject({
      inboundEvents: 10,
      complete: false,
    });
    expect(await pruneExpired(db, DEFAULT_RETENTION, NOW, { batchSize: 5, maxBatches: 2 })).toMatchObject({
      inboundEvents: 2,
      complete: true,
    });
    expect(await ids(db, sql`select event_id as id from inbound_event`)).toEqual(['recent']);
  });
});
