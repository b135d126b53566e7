import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { chatSlotAfter, chatWaitMs, holdChat, recordChatDelivery, reserveAppSlot } from '../../src/core/pace.ts';
import { describeEachDatabase } from '../support/db.ts';

const TELEGRAM = { perChatIntervalMs: 1000, perChatPerMinute: 20, perAppPerSecond: 30 };

describe("a chat's next slot", () => {
  it('spaces messages to a chat and caps a group at its per-minute budget, as a sliding window', () => {
    let recent: number[] = [];
    let next = 0;
    for (let i = 0; i < 20; i++) ({ recent, nextAt: next } = chatSlotAfter(recent, i * 1000, TELEGRAM));
    // 20 sent in the last 20 s: the 21st waits for the first to leave the minute.
    expect(next).toBe(60_000);
    expect(recent).toHaveLength(20);
    expect(chatSlotAfter([], 5, TELEGRAM).nextAt).toBe(1005);
  });

  it('keeps only the last delivery when there is no per-minute budget', () => {
    const limits = { perChatIntervalMs: 200, perChatPerMinute: null, perAppPerSecond: 50 };
    expect(chatSlotAfter([1, 2, 3], 10, limits)).toEqual({ recent: [10], nextAt: 210 });
  });
});

describeEachDatabase('shared pacing', (get) => {
  it("records deliveries in the database, so another instance sees the chat's next slot", async () => {
    const { db } = get();
    expect(await chatWaitMs(db, 'telegram', '-1')).toBe(0);
    const wait = await db.transaction((tx) => recordChatDelivery(tx, 'telegram', '-1', TELEGRAM));
    expect(wait).toBe(1000);
    const seen = await chatWaitMs(db, 'telegram', '-1');
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThanOrEqual(1000);
    expect(await chatWaitMs(db, 'telegram', '-2')).toBe(0);
  });

  it('holds a throttled chat for the time asked, never shortening a longer hold', async () => {
    const { db } = get();
    await holdChat(db, 'telegram', '7', 30_000);
    await holdChat(db, 'telegram', '7', 1_000);
    expect(await chatWaitMs(db, 'telegram', '7')).toBeGreaterThan(25_000);
  });

  it('gives concurrent reservations of the app budget distinct slots one interval apart', async () => {
    const { db } = get();
    const limits = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 10 };
    const [before] = await queryRows<{ t: string }>(db, sql`select clock_timestamp()::text as t`);
    await Promise.all(Array.from({ length: 10 }, () => reserveAppSlot(db, 'telegram', 'bot', limits)));
    const [row] = await queryRows<{ from_start_ms: number; ahead_ms: number }>(
      db,
      sql`select extract(epoch from next_at - ${before!.t}::timestamptz) * 1000 as from_start_ms,
                 extract(epoch from next_at - clock_timestamp()) * 1000 as ahead_ms from app_pace`,
    );
    // Ten slots of 100 ms, none shared: the next free one is at least a second after the first reservation
    // began, and at most a second ahead of now. (Measured against the clock, not a fixed "about now": on a
    // busy machine the reservations themselves may take most of that second.)
    expect(Number(row!.from_start_ms)).toBeGreaterThanOrEqual(999);
    expect(Number(row!.ahead_ms)).toBeLessThanOrEqual(1000);
  });
});
