/**
 * Drains the outbox: claims due rows of the platforms it serves (FOR UPDATE SKIP LOCKED with a lease, so
 * instances sharing a database never take the same row), renders each view as it is now, delivers it
 * within the platform's pace, and marks it sent. A 429 or a 5xx waits (the platform's retry-after when it
 * gives one, else exponential backoff) and keeps its place; a permanent refusal fails the row with its
 * reason. A send carries the row's id as its idempotency key, so a retried send is one message where the
 * platform supports it (Feishu's uuid).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { cardSchema, type Card } from '../../cards/model.ts';
import type { Locale } from '../../cards/i18n/index.ts';
import type { CardView } from '../services/outbox.ts';
import type { ActionSigner } from './actionToken.ts';
import { getCardMessage, renderCardMessage } from './cardMessages.ts';
import { DeliveryError, type Deliverer } from './delivery.ts';
import type { Logger } from './log.ts';
import { RateLimiter } from './rateLimiter.ts';

export interface SenderDeps {
  db: Db;
  signer: ActionSigner;
  deliverers: Deliverer[];
  log: Logger;
  /** How long a claimed row is ours before another instance may take it over (a crash mid-send). */
  leaseMs?: number;
  maxAttempts?: number;
  batchSize?: number;
}

interface OutboxRow {
  id: string;
  platform: string;
  chat_id: string;
  kind: 'send' | 'update' | 'prompt';
  card_message_id: string | null;
  payload: { view?: CardView; locale: Locale; replyTo?: string | null; text?: string; token?: string };
  attempts: number;
}

export interface Sender {
  /** Delivers what is due now; resolves with the number of rows finished (sent, failed or superseded). */
  drainOnce(): Promise<number>;
  /** Drains until nothing is due or `timeoutMs` passes (tests, shutdown). */
  drainUntilIdle(timeoutMs?: number): Promise<void>;
  /** Starts polling; `kick()` makes the next poll immediate. */
  start(pollMs?: number): void;
  kick(): void;
  stop(): Promise<void>;
}

const backoffMs = (attempts: number) => Math.min(60_000, 500 * 2 ** Math.max(0, attempts - 1));

export function createSender(deps: SenderDeps): Sender {
  const { db, signer, log } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 8;
  const batchSize = deps.batchSize ?? 20;
  const byPlatform = new Map(deps.deliverers.map((d) => [d.platform, { deliverer: d, limiter: new RateLimiter(d.limits) }]));
  const platforms = [...byPlatform.keys()];

  async function claim(): Promise<OutboxRow[]> {
    if (platforms.length === 0) return [];
    return db.transaction(async (tx) => {
      const rows = await queryRows<OutboxRow>(
        tx,
        sql`select id::text as id, platform, chat_id, kind, card_message_id, payload, attempts from outbox
            where platform in ${sql`(${sql.join(platforms.map((p) => sql`${p}`), sql`, `)})`}
              and ((status = 'pending' and next_attempt_at <= now()) or (status = 'sending' and claimed_until < now()))
            order by id limit ${batchSize} for update skip locked`,
      );
      if (rows.length > 0) {
        await tx.execute(sql`update outbox set status = 'sending', claimed_until = now() + ${`${leaseMs} milliseconds`}::interval
                             where id in ${sql`(${sql.join(rows.map((r) => sql`${r.id}::bigint`), sql`, `)})`}`);
      }
      return rows;
    });
  }

  async function release(id: string, delayMs: number): Promise<void> {
    await db.execute(sql`update outbox set status = 'pending', claimed_until = null, next_attempt_at = now() + ${`${Math.ceil(delayMs)} milliseconds`}::interval where id = ${id}::bigint`);
  }

  async function markSent(id: string): Promise<void> {
    await db.execute(sql`update outbox set status = 'sent', sent_at = now(), claimed_until = null, attempts = attempts + 1 where id = ${id}::bigint`);
  }

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

  async function deliver(row: OutboxRow, deliverer: Deliverer): Promise<void> {
    const key = `outbox-${row.id}`;
    if (row.kind === 'prompt') {
      const { messageId } = await deliverer.prompt(row.chat_id, row.payload.text!, { idempotencyKey: key, ...(row.payload.replyTo ? { replyTo: row.payload.replyTo } : {}) });
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into card_message (platform, chat_id, message_id, view, locale, prompt_token)
          values (${row.platform}, ${row.chat_id}, ${messageId}, ${JSON.stringify({ kind: 'static', card: null })}::jsonb, ${row.payload.locale}, ${row.payload.token!})`);
        await tx.execute(sql`update outbox set status = 'sent', sent_at = now(), claimed_until = null, attempts = attempts + 1 where id = ${row.id}::bigint`);
      });
      return;
    }
    if (row.kind === 'send') {
      const cardId = await cardRowFor(row);
      const cardRow = (await getCardMessage(db, cardId))!;
      const card: Card = row.payload.view?.kind === 'static' ? cardSchema.parse(row.payload.view.card) : await renderCardMessage(db, signer, cardRow);
      const { messageId } = await deliverer.send(row.chat_id, card, { idempotencyKey: key, ...(row.payload.replyTo ? { replyTo: row.payload.replyTo } : {}) });
      await db.transaction(async (tx) => {
        await tx.execute(sql`update card_message set message_id = ${messageId} where id = ${cardId}::uuid`);
        await tx.execute(sql`update outbox set status = 'sent', sent_at = now(), claimed_until = null, attempts = attempts + 1 where id = ${row.id}::bigint`);
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
    await deliverer.update(row.chat_id, cardRow.message_id, card);
    await markSent(row.id);
  }

  async function fail(row: OutboxRow, error: unknown, limiter: RateLimiter): Promise<void> {
    const attempts = row.attempts + 1;
    const permanent = error instanceof DeliveryError && error.permanent;
    const message = error instanceof Error ? error.message : String(error);
    if (permanent || attempts >= maxAttempts) {
      log('error', 'delivery failed for good', { outboxId: row.id, platform: row.platform, chatId: row.chat_id, kind: row.kind, attempts, error });
      await db.execute(sql`update outbox set status = 'failed', attempts = ${attempts}, last_error = ${message.slice(0, 1000)}, claimed_until = null where id = ${row.id}::bigint`);
      return;
    }
    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : null;
    const wait = retryAfter ?? backoffMs(attempts);
    if (retryAfter !== null) limiter.block(row.chat_id, retryAfter);
    log('warn', 'delivery will be retried', { outboxId: row.id, platform: row.platform, chatId: row.chat_id, attempts, waitMs: wait, error });
    await db.execute(sql`update outbox set status = 'pending', attempts = ${attempts}, last_error = ${message.slice(0, 1000)}, claimed_until = null,
                         next_attempt_at = now() + ${`${wait} milliseconds`}::interval where id = ${row.id}::bigint`);
  }

  async function drainOnce(): Promise<number> {
    const rows = await claim();
    let finished = 0;
    // A chat that hit a limit keeps the rest of its rows for later, in order.
    const held = new Set<string>();
    for (const row of rows) {
      const entry = byPlatform.get(row.platform)!;
      const chatKey = `${row.platform}:${row.chat_id}`;
      if (held.has(chatKey)) {
        await release(row.id, 0);
        continue;
      }
      const wait = entry.limiter.delay(row.chat_id);
      if (wait > 2_000) {
        held.add(chatKey);
        await release(row.id, wait);
        continue;
      }
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      entry.limiter.record(row.chat_id);
      try {
        await deliver(row, entry.deliverer);
        finished += 1;
      } catch (error) {
        held.add(chatKey);
        await fail(row, error, entry.limiter);
      }
    }
    return finished;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let pollEvery = 500;

  function schedule(ms: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
  }

  function tick() {
    timer = null;
    if (running) return;
    running = (async () => {
      try {
        while (!stopped && (await drainOnce()) > 0);
      } catch (error) {
        log('error', 'outbox drain failed', { error });
      } finally {
        running = null;
        schedule(pollEvery);
      }
    })();
  }

  return {
    drainOnce,
    async drainUntilIdle(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        await drainOnce();
        const [due] = await queryRows<{ n: number; next: string | null }>(
          db,
          sql`select count(*)::int as n, extract(epoch from min(next_attempt_at) - now()) * 1000 as next from outbox
              where status in ('pending', 'sending') and platform in ${sql`(${sql.join(platforms.map((p) => sql`${p}`), sql`, `)})`}`,
        );
        if (Number(due!.n) === 0) return;
        await new Promise((r) => setTimeout(r, Math.min(Math.max(20, Number(due!.next ?? 0)), 200)));
      }
    },
    start(pollMs = 500) {
      pollEvery = pollMs;
      stopped = false;
      schedule(0);
    },
    kick() {
      if (!stopped && !running) schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
