/**
 * Drains the outbox, shared by every instance on the database:
 * - A claim takes the head (oldest unfinished row) of each chat whose pace allows a message now (FOR
 *   UPDATE SKIP LOCKED, then a lease in claimed_until). A chat's next row is not its head until the head
 *   is finished, so each chat's rows go out in order whichever instances send them (a card update never
 *   overtakes its card's creation), and a backlog in one chat never holds up another chat's message.
 * - Pacing lives in Postgres (pace.ts): the chat's next allowed time is written in the transaction that
 *   marks its row sent, and every send first reserves a slot of the app-wide budget, so N instances
 *   together keep within the platform's limits.
 * - A throttled refusal (429, Feishu 99991400, DingTalk flow control) holds the chat (or the app) for the
 *   time the platform asks and puts the row back without counting an attempt. A permanent refusal fails
 *   the row with its reason (`stocktake outbox`). Other platform failures (5xx, network) are retried with
 *   backoff for as long as they last; only failures of our own (a card that cannot be rendered) give up
 *   after `maxAttempts`.
 * A send carries the row's id as its idempotency key, so a retried send is one message where the platform
 * supports it (Feishu's uuid, DingTalk's outTrackId), and a multi-message send records its progress.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { cardSchema, type Card } from '../../cards/model.ts';
import type { Locale } from '../../cards/i18n/index.ts';
import { enqueueMessages, type CardView, type OutboxMessage } from '../services/outbox.ts';
import type { ActionSigner } from './actionToken.ts';
import { getCardMessage, renderCardMessage, renderCardMessageTranslations } from './cardMessages.ts';
import { DeliveryError, type Deliverer, type MediaIds } from './delivery.ts';
import type { Logger } from './log.ts';
import { databaseMediaIds } from './media.ts';
import { appIntervalMs, chatWaitMs, holdApp, holdChat, recordChatDelivery, reserveAppSlot } from './pace.ts';

export interface SenderDeps {
  db: Db;
  signer: ActionSigner;
  deliverers: Deliverer[];
  log: Logger;
  /** How long a claimed row is ours before another instance may take it over (a crash mid-send). */
  leaseMs?: number;
  /** Failures of our own (not the platform's) after which a row is failed for good. */
  maxAttempts?: number;
  /** Rows (of different chats) this instance delivers at once. */
  batchSize?: number;
}

interface OutboxRow {
  id: string;
  platform: string;
  chat_id: string;
  kind: 'send' | 'update' | 'prompt';
  card_message_id: string | null;
  payload: {
    view?: CardView;
    locale: Locale;
    replyTo?: string | null;
    text?: string;
    token?: string;
    fallback?: OutboxMessage['fallback'];
  };
  attempts: number;
  parts_sent: number;
}

export interface Sender {
  /** Delivers what is due now; resolves with the number of rows finished (sent, failed or superseded). */
  drainOnce(): Promise<number>;
  /** Drains until nothing is left to send or `timeoutMs` passes (tests, shutdown). */
  drainUntilIdle(timeoutMs?: number): Promise<void>;
  /** Starts delivering in the background; `kick()` makes it look for new rows at once. */
  start(pollMs?: number): void;
  kick(): void;
  stop(): Promise<void>;
}

/** Backoff of a failed attempt: 0.5 s doubling, at most 5 minutes (a platform outage is waited out). */
const backoffMs = (attempts: number) => Math.min(300_000, 500 * 2 ** Math.max(0, attempts - 1));
/** How long a kick waits for more to come before the sender looks for new rows. */
const KICK_MS = 10;
/** A throttled refusal without a retry-after waits at least this long. */
const THROTTLE_FLOOR_MS = 1000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const interval = (ms: number) => `${Math.max(0, Math.ceil(ms))} milliseconds`;

export function createSender(deps: SenderDeps): Sender {
  const { db, signer, log } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 8;
  const batchSize = deps.batchSize ?? 16;
  const byPlatform = new Map(
    deps.deliverers.map((d) => {
      const app = d.app ?? d.platform;
      return [d.platform, { deliverer: d, app, media: databaseMediaIds(db, d.platform, app) }] as const;
    }),
  );
  type Entry = NonNullable<ReturnType<typeof byPlatform.get>>;
  const platforms = [...byPlatform.keys()];
  const platformList = sql`(${sql.join(
    platforms.map((p) => sql`${p}`),
    sql`, `,
  )})`;

  /** Each chat's head: its oldest row not yet finished. Rows behind it wait for it, whoever holds it. */
  const heads = sql`heads as (
    select distinct on (platform, chat_id) id from outbox
    where status in ('pending', 'sending') and platform in ${platformList}
    order by platform, chat_id, id)`;

  async function claim(limit: number): Promise<OutboxRow[]> {
    if (platforms.length === 0 || limit <= 0) return [];
    // One statement locks the due heads (skipping rows another instance holds) and marks them sending: the
    // status test is on o, so a row another instance claimed or finished meanwhile is re-checked once
    // locked and dropped. (A transaction of a select and an update took three round trips a pass; the
    // sender makes a pass after every change an HTTP request commits.)
    const rows = await queryRows<OutboxRow>(
      db,
      sql`with ${heads},
          due as (
            select o.id from heads h join outbox o on o.id = h.id
            left join chat_pace p on p.platform = o.platform and p.chat_id = o.chat_id
            where ((o.status = 'pending' and o.next_attempt_at <= now()) or (o.status = 'sending' and o.claimed_until < now()))
              and (p.next_at is null or p.next_at <= now())
            order by o.id limit ${limit}
            for update of o skip locked)
          update outbox o set status = 'sending', claimed_until = now() + ${interval(leaseMs)}::interval
          from due where o.id = due.id
          returning o.id::text as id, o.platform, o.chat_id, o.kind, o.card_message_id, o.payload, o.attempts, o.parts_sent`,
    );
    return rows
      .map((r) => ({ ...r, attempts: Number(r.attempts), parts_sent: Number(r.parts_sent) }))
      .sort((x, y) => (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
  }

  /** Milliseconds until some chat's head may be claimed (null: nothing left to send). */
  async function nextDueMs(): Promise<number | null> {
    if (platforms.length === 0) return null;
    const [row] = await queryRows<{ n: number; ms: string | null }>(
      db,
      sql`with ${heads}
          select count(*)::int as n, (extract(epoch from min(greatest(
                   case when o.status = 'sending' then o.claimed_until else o.next_attempt_at end,
                   coalesce(p.next_at, '-infinity'::timestamptz))) - now()) * 1000)::float8::text as ms
          from heads h join outbox o on o.id = h.id
          left join chat_pace p on p.platform = o.platform and p.chat_id = o.chat_id`,
    );
    if (Number(row!.n) === 0) return null;
    return Math.max(0, Math.ceil(Number(row!.ms ?? 0)));
  }

  /** Marks a row delivered and records the delivery in its chat's pace, in one transaction. */
  async function markSent(tx: DbOrTx, row: OutboxRow, entry: Entry): Promise<void> {
    await recordChatDelivery(tx, row.platform, row.chat_id, entry.deliverer.limits);
    await tx.execute(
      sql`update outbox set status = 'sent', sent_at = now(), claimed_until = null, attempts = attempts + 1 where id = ${row.id}::bigint`,
    );
  }

  /**
   * Waits for the app's next send slot (shared by every instance sending through the same app). A wake-up
   * later than the slot by more than one interval (a busy event loop wakes many sleepers at once) takes a
   * fresh slot instead of going out in a bunch that would exceed the per-second budget.
   */
  async function appSlot(entry: Entry): Promise<void> {
    const step = appIntervalMs(entry.deliverer.limits);
    for (let tries = 0; tries < 5; tries++) {
      const wait = await reserveAppSlot(db, entry.deliverer.platform, entry.app, entry.deliverer.limits);
      const asleep = Date.now();
      if (wait > 0) await sleep(wait);
      if (Date.now() - asleep - wait <= step) return;
    }
  }

  /** Between the messages of one send: progress saved, the chat's pace recorded, then wait for the next slot. */
  const partSentFor = (row: OutboxRow, entry: Entry) => async (n: number) => {
    await db.transaction(async (tx) => {
      await recordChatDelivery(tx, row.platform, row.chat_id, entry.deliverer.limits);
      // The lease is renewed too: waiting for a group's per-minute budget between parts may take most of it.
      await tx.execute(
        sql`update outbox set parts_sent = ${n}, claimed_until = now() + ${interval(leaseMs)}::interval where id = ${row.id}::bigint`,
      );
    });
    const wait = await chatWaitMs(db, row.platform, row.chat_id);
    if (wait > 0) await sleep(wait);
    await appSlot(entry);
  };

  /** Ensures a send has its card_message row (created on the first attempt, reused by retries). */
  async function cardRowFor(row: OutboxRow): Promise<string> {
    if (row.card_message_id) return row.card_message_id;
    return db.transaction(async (tx) => {
      const [created] = await queryRows<{ id: string }>(
        tx,
        sql`insert into card_message (platform, chat_id, view, locale) values (${row.platform}, ${row.chat_id}, ${JSON.stringify(row.payload.view)}::jsonb, ${row.payload.locale}) returning id`,
      );
      await tx.execute(sql`update outbox set card_message_id = ${created!.id}::uuid where id = ${row.id}::bigint`);
      return created!.id;
    });
  }

  async function deliver(row: OutboxRow, entry: Entry): Promise<void> {
    const { deliverer } = entry;
    const key = `outbox-${row.id}`;
    const replyTo = row.payload.replyTo ? { replyTo: row.payload.replyTo } : {};
    // The app slot is taken right before the platform call, after the rendering, so departures keep the
    // slots' spacing however long a card took to render.
    if (row.kind === 'prompt') {
      await appSlot(entry);
      const { messageId } = await deliverer.prompt(row.chat_id, row.payload.text!, {
        idempotencyKey: key,
        ...replyTo,
        ...(row.payload.token ? { token: row.payload.token } : {}),
      });
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into card_message (platform, chat_id, message_id, view, locale, prompt_token)
          values (${row.platform}, ${row.chat_id}, ${messageId}, ${JSON.stringify({ kind: 'static', card: null })}::jsonb, ${row.payload.locale}, ${row.payload.token!})`);
        await markSent(tx, row, entry);
      });
      return;
    }
    if (row.kind === 'send') {
      const cardId = await cardRowFor(row);
      const cardRow = (await getCardMessage(db, cardId))!;
      const card: Card =
        row.payload.view?.kind === 'static' ? cardSchema.parse(row.payload.view.card) : await renderCardMessage(db, signer, cardRow);
      const translations =
        deliverer.everyLocale && row.payload.view?.kind !== 'static'
          ? { translations: await renderCardMessageTranslations(db, signer, cardRow, card) }
          : {};
      await appSlot(entry);
      const { messageId } = await deliverer.send(row.chat_id, card, {
        ...translations,
        idempotencyKey: key,
        ...replyTo,
        partsSent: row.parts_sent,
        partSent: partSentFor(row, entry),
        media: entry.media,
      });
      await db.transaction(async (tx) => {
        await tx.execute(sql`update card_message set message_id = ${messageId} where id = ${cardId}::uuid`);
        await markSent(tx, row, entry);
      });
      return;
    }
    const cardRow = row.card_message_id ? await getCardMessage(db, row.card_message_id) : null;
    if (!cardRow?.message_id || cardRow.view.kind === 'static') {
      await db.execute(sql`update outbox set status = 'superseded', claimed_until = null where id = ${row.id}::bigint`);
      return;
    }
    // Claimed rows are no longer 'pending', so a change from here on queues a fresh update: none is lost.
    const card = await renderCardMessage(db, signer, cardRow);
    const translations = deliverer.everyLocale ? { translations: await renderCardMessageTranslations(db, signer, cardRow, card) } : {};
    await appSlot(entry);
    await deliverer.update(row.chat_id, cardRow.message_id, card, { media: entry.media, ...translations });
    await db.transaction((tx) => markSent(tx, row, entry));
  }

  /** After a failed delivery: wait out a throttle, fail a refusal, back off from anything else. */
  async function settle(row: OutboxRow, error: unknown, entry: Entry): Promise<'failed' | 'retry'> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const fields = { outboxId: row.id, platform: row.platform, chatId: row.chat_id, kind: row.kind };
    if (error instanceof DeliveryError && error.throttled) {
      // "Not now" is not a failure: the attempt is not counted, however often the platform says it.
      const wait = Math.max(error.retryAfterMs ?? THROTTLE_FLOOR_MS, entry.deliverer.limits.perChatIntervalMs);
      if (error.scope === 'app') await holdApp(db, row.platform, entry.app, wait);
      else await holdChat(db, row.platform, row.chat_id, wait);
      log('warn', 'delivery throttled by the platform; waiting as asked', { ...fields, scope: error.scope, waitMs: wait });
      await db.execute(sql`update outbox set status = 'pending', claimed_until = null, last_error = ${message},
                           next_attempt_at = now() + ${interval(wait)}::interval where id = ${row.id}::bigint`);
      return 'retry';
    }
    const attempts = row.attempts + 1;
    const fallback = row.payload.fallback;
    if (error instanceof DeliveryError && error.options.unreachable && fallback) {
      // A direct message its person cannot get there: the group gets it instead, in the same transaction.
      log('warn', 'direct message could not be delivered; sent to the group instead', {
        ...fields,
        fallbackPlatform: fallback.platform,
        fallbackChatId: fallback.chatId,
        error,
      });
      await db.transaction(async (tx) => {
        await tx.execute(
          sql`update outbox set status = 'failed', attempts = ${attempts}, last_error = ${message}, claimed_until = null where id = ${row.id}::bigint`,
        );
        await enqueueMessages(tx, [{ platform: fallback.platform, chatId: fallback.chatId, locale: fallback.locale, view: fallback.view }]);
      });
      return 'failed';
    }
    const refused = error instanceof DeliveryError && error.permanent;
    const ours = !(error instanceof DeliveryError);
    if (refused || (ours && attempts >= maxAttempts)) {
      log('error', 'delivery failed for good', { ...fields, attempts, error });
      await db.execute(
        sql`update outbox set status = 'failed', attempts = ${attempts}, last_error = ${message}, claimed_until = null where id = ${row.id}::bigint`,
      );
      return 'failed';
    }
    const wait = backoffMs(attempts);
    log(attempts >= maxAttempts ? 'error' : 'warn', 'delivery will be retried', { ...fields, attempts, waitMs: wait, error });
    await db.execute(sql`update outbox set status = 'pending', attempts = ${attempts}, last_error = ${message}, claimed_until = null,
                         next_attempt_at = now() + ${interval(wait)}::interval where id = ${row.id}::bigint`);
    return 'retry';
  }

  /** Delivers one claimed row; true when it is finished (sent, superseded or failed for good). */
  async function process(row: OutboxRow): Promise<boolean> {
    const entry = byPlatform.get(row.platform)!;
    try {
      await deliver(row, entry);
      return true;
    } catch (error) {
      try {
        return (await settle(row, error, entry)) === 'failed';
      } catch (settleError) {
        // The database is away: the row stays claimed and is taken over when its lease ends.
        log('error', 'could not record a delivery failure', { outboxId: row.id, error: settleError });
        return false;
      }
    }
  }

  async function drainOnce(): Promise<number> {
    const rows = await claim(batchSize);
    const done = await Promise.all(rows.map(process));
    return done.filter(Boolean).length;
  }

  // The background loop: keeps up to batchSize rows in flight, claims more as they finish, and sleeps
  // until the next head is due (or pollMs, for rows other instances queue) when nothing can go now.
  let stopped = true;
  let pollEvery = 500;
  let inFlight = 0;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let kickTimer: NodeJS.Timeout | null = null;
  const rest = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  const tracked = new Set<Promise<unknown>>();

  async function pump(): Promise<void> {
    while (!stopped) {
      try {
        const free = batchSize - inFlight;
        const rows = await claim(free);
        for (const row of rows) {
          inFlight += 1;
          const p: Promise<unknown> = process(row).finally(() => {
            inFlight -= 1;
            tracked.delete(p);
            wake?.();
          });
          tracked.add(p);
        }
        if (free > 0 && rows.length === free) continue;
        const due = free > 0 ? await nextDueMs() : null;
        if (!stopped) await rest(Math.max(due === null ? pollEvery : Math.min(due, pollEvery), 5));
      } catch (error) {
        log('error', 'outbox drain failed', { error });
        if (!stopped) await rest(pollEvery);
      }
    }
    await Promise.allSettled([...tracked]);
  }

  return {
    drainOnce,
    async drainUntilIdle(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if ((await drainOnce()) > 0) continue;
        const due = await nextDueMs();
        if (due === null) return;
        await sleep(Math.min(Math.max(10, due), 200, Math.max(0, until - Date.now())));
      }
    },
    start(pollMs = 500) {
      if (loop) return;
      pollEvery = pollMs;
      stopped = false;
      loop = pump();
    },
    kick() {
      // Kicks within KICK_MS make one pass (two statements) instead of a pass each: every REST request that
      // changed something kicks, and at one client its passes were 2 of every 12 statements the server ran
      // (`log_min_duration_statement = 0` during `npm run bench:writes`), with the claim's begin and commit 4.
      if (kickTimer) return;
      // A kick that finds a pass running is dropped, as before: the pass's look for the next due row comes
      // after its claim and finds what was queued meanwhile.
      kickTimer = setTimeout(() => {
        kickTimer = null;
        wake?.();
      }, KICK_MS);
    },
    async stop() {
      stopped = true;
      if (kickTimer) clearTimeout(kickTimer);
      kickTimer = null;
      wake?.();
      await loop;
      loop = null;
    },
  };
}
