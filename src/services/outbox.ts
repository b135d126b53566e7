/**
 * The outbox: messages and card updates written in the transaction of the change that causes them, so a
 * change is never committed without its messages nor a message sent for a change that rolled back. Rows
 * name a view (rendered from current data when sent) or carry a fixed card; the sender in src/core
 * delivers them.
 */
import { sql } from 'drizzle-orm';
import { unnestColumns } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { together } from '../../db/copy.ts';
import type { AuditEntry } from './audit.ts';
import { approvalRequests } from './directMessages.ts';

/** What a card shows: re-rendered from current data at every send and update. */
export type CardView =
  | { kind: 'variance'; stocktakeId: string; sku: string; location: string; lot?: string }
  | { kind: 'variances'; stocktakeId: string; page: number; lines?: { sku: string; location: string; lot?: string }[] }
  | { kind: 'recount'; stocktakeId: string; sku: string; location: string; lot?: string; requestedBy: string }
  | { kind: 'document'; documentId: string }
  | { kind: 'decision'; documentId: string }
  | { kind: 'status'; stocktakeId: string }
  /** A workbook with data on several sheets: one button per sheet; the upload is kept (base64) to import the one tapped. */
  | { kind: 'sheetChoice'; stocktakeId: string; fileName: string; sheets: string[]; upload: string }
  /** A card fixed when it was written (a help card, an import summary, an error): never updated. */
  | { kind: 'static'; card: unknown };

export interface OutboxMessage {
  platform: string;
  chatId: string;
  view: CardView;
  locale: string;
  /** Sent as a reply to this platform message where the platform threads replies. */
  replyTo?: string;
  /** Not sent before this (a direct message held back by its person's quiet hours). */
  notBefore?: Date;
  /**
   * For a direct message (chatId `dm:…`): where it goes instead when the platform says the person cannot
   * be reached there (never started the bot, outside the app's range), and what it shows there.
   */
  fallback?: { platform: string; chatId: string; locale: string; view: CardView };
}

let queuedTimes = 0;

/**
 * How many times this process has queued outbox rows (or put failed ones back in line). A request that
 * sees it change between its start and its end queued some, or another request did meanwhile: either way
 * the sender has something to look for at once (HttpDeps.changed), where a request that queued nothing
 * leaves it to its poll. Under load, a pass (two statements) after every request that changed anything was
 * up to one pass an action with three instances, for review actions in a warehouse without chats.
 */
export function outboxQueued(): number {
  return queuedTimes;
}

/** Counts `rows` outbox rows queued (none: nothing to tell). */
export function noteQueued(rows: number): void {
  if (rows > 0) queuedTimes += 1;
}

/** Queues new messages. */
export async function enqueueMessages(tx: DbOrTx, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await tx.execute(sql`
    insert into outbox (platform, chat_id, kind, payload, next_attempt_at)
    select u.platform, u.chat_id, 'send', u.payload, coalesce(u.not_before, now()) from ${unnestColumns([
      { values: messages.map((m) => m.platform), type: 'text' },
      { values: messages.map((m) => m.chatId), type: 'text' },
      {
        values: messages.map((m) =>
          JSON.stringify({
            view: m.view,
            locale: m.locale,
            ...(m.replyTo ? { replyTo: m.replyTo } : {}),
            ...(m.fallback ? { fallback: m.fallback } : {}),
          }),
        ),
        type: 'jsonb',
      },
      { values: messages.map((m) => m.notBefore?.toISOString() ?? null), type: 'timestamptz' },
    ])} as u(platform, chat_id, payload, not_before)`);
  noteQueued(messages.length);
}

/** Queues a ForceReply-style prompt whose answer completes the action of `token`. */
export async function enqueuePrompt(
  tx: DbOrTx,
  p: { platform: string; chatId: string; text: string; token: string; locale: string; replyTo?: string },
): Promise<void> {
  await tx.execute(sql`insert into outbox (platform, chat_id, kind, payload)
    values (${p.platform}, ${p.chatId}, 'prompt', ${JSON.stringify({ text: p.text, token: p.token, locale: p.locale, replyTo: p.replyTo ?? null })}::jsonb)`);
  noteQueued(1);
}

/**
 * Queues an update of every card showing one of `entities`. A card that already has an update waiting
 * gets no second one: updates render the current state when sent, so one is enough (and keeps a burst of
 * taps within the platform's per-message limits).
 */
export async function enqueueCardUpdates(tx: DbOrTx, entities: readonly string[], except: string | null = null): Promise<number> {
  if (entities.length === 0) return 0;
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into outbox (platform, chat_id, kind, card_message_id, payload)
        select cm.platform, cm.chat_id, 'update', cm.id, jsonb_build_object('locale', cm.locale)
        from card_message cm
        where cm.entities && ${textArray(entities)}::text[]
          and cm.message_id is not null and cm.prompt_token is null
          ${except ? sql`and cm.id <> ${except}::uuid` : sql``}
          and not exists (select 1 from outbox o where o.card_message_id = cm.id and o.kind = 'update' and o.status = 'pending')
        returning id::text as id`,
  );
  noteQueued(rows.length);
  return rows.length;
}

/** A Postgres array literal for a text[] parameter: every element quoted, so commas and braces in a SKU are data. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export const entityKeys = {
  stocktake: (id: string) => `stocktake:${id}`,
  document: (id: string) => `document:${id}`,
  line: (stocktakeId: string, sku: string, location: string, lot = '') => `line:${stocktakeId}:${sku}:${location}${lot ? `#${lot}` : ''}`,
};

type BoundChat = { platform: string; chat_id: string; locale: string; purposes: string[] };

/**
 * Chats bound to the stocktake's warehouse for a purpose (approval cards fall back to the team chats),
 * read once per stocktake for all of a command's entries (`read`).
 */
async function chatsOfStocktake(
  read: (stocktakeId: string) => Promise<BoundChat[]>,
  stocktakeId: string,
  purpose: 'team' | 'approvals',
): Promise<{ platform: string; chat_id: string; locale: string }[]> {
  const rows = await read(stocktakeId);
  const wanted = rows.filter((r) => r.purposes.includes(purpose));
  return wanted.length > 0 || purpose === 'team' ? wanted : rows.filter((r) => r.purposes.includes('team'));
}

/** The audit actions that close a document: announced as decisions, and leaving no step to ask approvers for. */
const CLOSED = new Set(['document.posted', 'document.rejected', 'document.withdrawn']);

/**
 * Turns a command's audit entries into outbox rows, in the command's transaction: cards showing a changed
 * variance, document or stocktake are updated; a submitted document gets its approval card in the
 * approvals chats; a decision, a recount request and opened review are announced in the team chats.
 */
export async function projectChanges(
  tx: DbOrTx,
  entries: readonly AuditEntry[],
  actorHandle: string | null,
  /** A card rendered in the tap's answer: not updated again through the outbox. */
  answeredCard: string | null = null,
): Promise<void> {
  const keys = new Set<string>();
  const messages: OutboxMessage[] = [];
  /** Documents whose pending step just changed hands: its approvers who chose direct messages get the card. */
  const awaiting = new Set<string>();
  const bound = new Map<string, Promise<BoundChat[]>>();
  const read = (stocktakeId: string) => {
    let rows = bound.get(stocktakeId);
    if (!rows) {
      rows = queryRows<BoundChat>(
        tx,
        sql`select c.platform, c.chat_id, c.locale, c.purposes from chat c join stocktake s on s.warehouse_id = c.warehouse_id where s.id = ${stocktakeId}::uuid`,
      );
      bound.set(stocktakeId, rows);
    }
    return rows;
  };
  const announce = async (stocktakeId: string, purpose: 'team' | 'approvals', view: CardView) => {
    for (const c of await chatsOfStocktake(read, stocktakeId, purpose))
      messages.push({ platform: c.platform, chatId: c.chat_id, locale: c.locale, view });
  };
  for (const e of entries) {
    if (e.stocktakeId) keys.add(entityKeys.stocktake(e.stocktakeId));
    if (e.documentId) keys.add(entityKeys.document(e.documentId));
    if (e.line && e.stocktakeId) keys.add(entityKeys.line(e.stocktakeId, e.line.sku, e.line.location, e.line.lot));
    if (e.stocktakeId && (e.action === 'document.submitted' || e.action === 'document.approved') && e.documentId)
      awaiting.add(e.documentId);
  }
  // A document the same command also posted, rejected or withdrew has no pending step left to ask for
  // (looking for its approvers was the costliest statement of a final approval on PGlite).
  for (const e of entries) {
    if (CLOSED.has(e.action) && e.documentId) awaiting.delete(e.documentId);
  }
  // The card updates do not wait for the chats the announcements read: one round trip on Postgres.
  await together(
    tx,
    () => enqueueCardUpdates(tx, [...keys], answeredCard),
    async () => {
      for (const e of entries) {
        if (!e.stocktakeId) continue;
        if (e.action === 'document.submitted' && e.documentId)
          await announce(e.stocktakeId, 'approvals', { kind: 'document', documentId: e.documentId });
        else if (CLOSED.has(e.action) && e.documentId)
          await announce(e.stocktakeId, 'team', { kind: 'decision', documentId: e.documentId });
        else if (e.action === 'review.opened')
          await announce(e.stocktakeId, 'team', { kind: 'variances', stocktakeId: e.stocktakeId, page: 1 });
        else if (e.action === 'variance.recount' && e.line) {
          await announce(e.stocktakeId, 'team', {
            kind: 'recount',
            stocktakeId: e.stocktakeId,
            sku: e.line.sku,
            location: e.line.location,
            ...(e.line.lot ? { lot: e.line.lot } : {}),
            requestedBy: actorHandle ?? 'cli',
          });
        }
      }
    },
  );
  const direct = await approvalRequests(
    tx,
    [...awaiting],
    async (stocktakeId) => (await chatsOfStocktake(read, stocktakeId, 'approvals'))[0] ?? null,
  );
  await enqueueMessages(tx, [...messages, ...direct]);
}

export interface DeliveryRow {
  id: string;
  platform: string;
  chatId: string;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
}

/** Deliveries not yet sent (or failed for good), oldest first: what an operator looks at when a card is missing. */
export async function listDeliveries(db: DbOrTx, filter: { status?: 'pending' | 'failed' } = {}): Promise<DeliveryRow[]> {
  const statuses =
    filter.status === 'failed'
      ? sql`('failed')`
      : filter.status === 'pending'
        ? sql`('pending', 'sending')`
        : sql`('pending', 'sending', 'failed')`;
  const rows = await queryRows<{
    id: string;
    platform: string;
    chat_id: string;
    kind: string;
    status: string;
    attempts: number;
    last_error: string | null;
    created_at: string;
    next_attempt_at: string;
  }>(
    db,
    sql`select id::text as id, platform, chat_id, kind, status, attempts, last_error,
          to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at,
          to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as next_attempt_at
        from outbox where status in ${statuses} order by id limit 500`,
  );
  return rows.map((r) => ({
    id: r.id,
    platform: r.platform,
    chatId: r.chat_id,
    kind: r.kind,
    status: r.status,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
  }));
}

/** Puts failed deliveries back in line (after the cause was fixed, e.g. the bot re-added to a chat). */
export async function retryDeliveries(db: DbOrTx, ids: readonly string[] | 'all'): Promise<number> {
  const rows = await queryRows(
    db,
    sql`update outbox set status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = null
        where status = 'failed' ${ids === 'all' ? sql`` : sql`and id::text = any(${textArray(ids)}::text[])`} returning id`,
  );
  noteQueued(rows.length);
  return rows.length;
}
