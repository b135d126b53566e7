/**
 * Pacing shared by every instance on the database: a platform's limits hold for the bot, not for one
 * process. Three facts live in Postgres:
 * - per chat (table chat_pace): when the chat may next receive a message, from its recent deliveries
 *   (the spacing, and a group's per-minute budget as a sliding window) or from the platform's retry-after;
 * - per app (table app_pace): the next free slot of the app-wide budget, reserved by one upsert that moves
 *   it on by one interval (a GCRA without burst, so N instances together never exceed the rate);
 * - the claim (sender.ts) takes only rows of chats whose time has come.
 * Nothing here holds a lock beyond one statement or the caller's short transaction, and a chat's row is
 * only ever locked by the instance delivering that chat's head row, so chats never wait for each other.
 * Times are the database's clock (now()), so instances with skewed clocks still agree.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { PlatformLimits } from './delivery.ts';

const MINUTE_MS = 60_000;

/**
 * When a chat may next receive a message, given its deliveries of the last minute (ms, oldest first) and
 * one more now: spaced by `perChatIntervalMs`, and when that makes `perChatPerMinute` in the last 60 s,
 * not before the oldest of them leaves the window. Returns the deliveries to keep (the last minute's).
 */
export function chatSlotAfter(recent: readonly number[], now: number, limits: PlatformLimits): { recent: number[]; nextAt: number } {
  const kept = [...recent.filter((t) => t > now - MINUTE_MS && t <= now), now].sort((a, b) => a - b);
  let nextAt = now + limits.perChatIntervalMs;
  const perMinute = limits.perChatPerMinute;
  if (perMinute !== null && kept.length >= perMinute) nextAt = Math.max(nextAt, kept[kept.length - perMinute]! + MINUTE_MS);
  return { recent: perMinute === null ? kept.slice(-1) : kept.slice(-perMinute), nextAt };
}

/**
 * Records a delivery to a chat that just went out, in the transaction that marks its outbox row done, and
 * returns how long until the chat may receive the next one. The row lock is the chat's only: the caller
 * holds the chat's head row, so nobody else waits for it.
 */
export async function recordChatDelivery(tx: DbOrTx, platform: string, chatId: string, limits: PlatformLimits): Promise<number> {
  const [clock] = await queryRows<{ now_ms: string }>(tx, sql`select (extract(epoch from now()) * 1000)::float8::text as now_ms`);
  const [row] = await queryRows<{ recent_ms: string[] }>(
    tx,
    sql`select array(select (extract(epoch from t) * 1000)::float8::text from unnest(recent) t) as recent_ms
        from chat_pace where platform = ${platform} and chat_id = ${chatId} for update`,
  );
  const now = Number(clock!.now_ms);
  const next = chatSlotAfter((row?.recent_ms ?? []).map(Number), now, limits);
  const stamps = `{${next.recent.map((t) => `"${new Date(t).toISOString()}"`).join(',')}}`;
  await tx.execute(sql`insert into chat_pace (platform, chat_id, next_at, recent)
    values (${platform}, ${chatId}, ${new Date(next.nextAt).toISOString()}::timestamptz, ${stamps}::timestamptz[])
    on conflict (platform, chat_id) do update set next_at = excluded.next_at, recent = excluded.recent`);
  return Math.max(0, next.nextAt - now);
}

/** The platform said "too many" for a chat: nobody sends to it before `ms` from now. */
export async function holdChat(db: DbOrTx, platform: string, chatId: string, ms: number): Promise<void> {
  await db.execute(sql`insert into chat_pace (platform, chat_id, next_at) values (${platform}, ${chatId}, now() + ${`${Math.ceil(ms)} milliseconds`}::interval)
    on conflict (platform, chat_id) do update set next_at = greatest(chat_pace.next_at, excluded.next_at)`);
}

/** Milliseconds until the chat may receive a message (0 when it may now). */
export async function chatWaitMs(db: DbOrTx, platform: string, chatId: string): Promise<number> {
  const [row] = await queryRows<{ ms: string | null }>(
    db,
    sql`select (extract(epoch from (next_at - now())) * 1000)::float8::text as ms from chat_pace where platform = ${platform} and chat_id = ${chatId}`,
  );
  return Math.max(0, Math.ceil(Number(row?.ms ?? 0)));
}

/** The spacing of app-wide sends: the per-second budget spread evenly, so no second ever holds more. */
export const appIntervalMs = (limits: PlatformLimits) => 1000 / limits.perAppPerSecond;

/**
 * Reserves the app's next send slot and returns how long to wait for it. One upsert: the slot is
 * greatest(next_at, now()) and next_at moves on by one interval, so concurrent reservations (any instance)
 * get distinct slots in order, and the row is locked only while the statement runs.
 */
export async function reserveAppSlot(db: DbOrTx, platform: string, app: string, limits: PlatformLimits): Promise<number> {
  const step = `${appIntervalMs(limits).toFixed(3)} milliseconds`;
  const [row] = await queryRows<{ wait_ms: string }>(
    db,
    sql`insert into app_pace (platform, app, next_at) values (${platform}, ${app}, now() + ${step}::interval)
        on conflict (platform, app) do update set next_at = greatest(app_pace.next_at, now()) + ${step}::interval
        returning (extract(epoch from (next_at - ${step}::interval - now())) * 1000)::float8::text as wait_ms`,
  );
  return Math.max(0, Math.ceil(Number(row!.wait_ms)));
}

/** The platform throttled the whole app: no instance sends through it before `ms` from now. */
export async function holdApp(db: DbOrTx, platform: string, app: string, ms: number): Promise<void> {
  await db.execute(sql`insert into app_pace (platform, app, next_at) values (${platform}, ${app}, now() + ${`${Math.ceil(ms)} milliseconds`}::interval)
    on conflict (platform, app) do update set next_at = greatest(app_pace.next_at, excluded.next_at)`);
}
