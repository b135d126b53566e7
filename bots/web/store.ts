/**
 * The web console's own "platform": its chat history lives in the web_message table. A message's `seq`
 * is renewed whenever it changes, so "everything with seq > N" is both the new messages and the updated
 * cards since N — which is all a browser needs to catch up, from any instance sharing the database.
 */
import type { Locale } from '../../cards/i18n/index.ts';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { Card } from '../../cards/model.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';
import type { Actor } from '../../src/domain/people.ts';
import { mayUseChat } from './access.ts';
import { botTexts } from '../../src/domain/texts/bots.ts';

export type WebMessageKind = 'user' | 'card' | 'prompt';

export interface WebMessage {
  seq: string;
  messageId: string;
  kind: WebMessageKind;
  author: string | null;
  text: string | null;
  card: Card | null;
  /** The card in each language, when it has a view to render from (each reader sees their own). */
  cards: Partial<Record<Locale, Card>> | null;
  replyTo: string | null;
  createdAt: string;
}

/**
 * Console chat names: short, chosen by people in their own script (`demo-team`, `盘点组`), letters and
 * digits of any language with "-" and "_"; URLs carry them percent-encoded. The page's input checks the
 * same rule (CHAT_NAME_PATTERN) and says it in words when a name breaks it.
 */
export const CHAT_NAME_PATTERN = String.raw`[\p{L}\p{N}][\p{L}\p{N}_\-]{0,39}`;
export const CHAT_ID = new RegExp(`^${CHAT_NAME_PATTERN}$`, 'u');
export const CHAT_NAME_RULE = {
  en: 'use 1–40 letters (Chinese too) or digits, with "-" and "_" (e.g. 盘点组, team-a)',
  'zh-CN': '请用 1–40 个中文、字母或数字，可含“-”和“_”（如 盘点组、team-a）',
} as const;

export function checkChatId(chatId: string): string {
  const id = chatId.normalize('NFKC').trim().toLowerCase();
  if (!CHAT_ID.test(id)) {
    throw new InvalidInputError(botTexts.badChatName(chatId, CHAT_NAME_RULE.en, CHAT_NAME_RULE['zh-CN']));
  }
  return id;
}

const SEQ = sql`nextval(pg_get_serial_sequence('web_message', 'seq'))`;

/** Appends a message; an id seen before is not appended again (a retried send is one message). */
export async function appendMessage(
  db: DbOrTx,
  m: {
    chatId: string;
    messageId?: string;
    kind: WebMessageKind;
    authorPersonId?: string | null;
    text?: string | null;
    card?: Card | null;
    cards?: Partial<Record<Locale, Card>> | null;
    replyTo?: string | null;
  },
): Promise<string> {
  const messageId = m.messageId ?? `u-${randomUUID()}`;
  await db.execute(sql`insert into web_message (chat_id, message_id, kind, author_person_id, text, card, cards, reply_to)
    values (${m.chatId}, ${messageId}, ${m.kind}, ${m.authorPersonId ?? null}::uuid, ${m.text ?? null}, ${m.card ? JSON.stringify(m.card) : null}::jsonb,
            ${m.cards ? JSON.stringify(m.cards) : null}::jsonb, ${m.replyTo ?? null})
    on conflict (message_id) do nothing`);
  return messageId;
}

/** A person's message by id (`u-<event id>`): what a form sent with that event id carried. */
export async function userMessage(
  db: DbOrTx,
  messageId: string,
): Promise<{ chatId: string; authorPersonId: string | null; text: string | null } | null> {
  const [row] = await queryRows<{ chat_id: string; author_person_id: string | null; text: string | null }>(
    db,
    sql`select chat_id, author_person_id, text from web_message where message_id = ${messageId} and kind = 'user'`,
  );
  return row ? { chatId: row.chat_id, authorPersonId: row.author_person_id, text: row.text } : null;
}

/** Replaces a card in place; it moves to the end of the change order so that every browser picks it up. */
export async function replaceCard(
  db: DbOrTx,
  chatId: string,
  messageId: string,
  card: Card,
  cards: Partial<Record<Locale, Card>> | null = null,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`update web_message set card = ${JSON.stringify(card)}::jsonb, cards = ${cards ? JSON.stringify(cards) : null}::jsonb, updated_at = now(), seq = ${SEQ}
    where chat_id = ${chatId} and message_id = ${messageId} and kind = 'card' returning 1 as one`,
  );
  return rows.length > 0;
}

/** The chat's messages changed after `afterSeq` (all of them from 0), oldest change first; at most `limit`. */
export async function messagesSince(db: DbOrTx, chatId: string, afterSeq: string, limit = 500): Promise<WebMessage[]> {
  const rows = await queryRows<{
    seq: string;
    message_id: string;
    kind: WebMessageKind;
    handle: string | null;
    text: string | null;
    card: Card | null;
    cards: Partial<Record<Locale, Card>> | null;
    reply_to: string | null;
    created_at: string;
  }>(
    db,
    sql`select m.seq::text as seq, m.message_id, m.kind, p.handle, m.text, m.card, m.cards, m.reply_to,
               to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at
        from web_message m left join person p on p.id = m.author_person_id
        where m.chat_id = ${chatId} and m.seq > ${afterSeq}::bigint order by m.seq limit ${limit}`,
  );
  return rows.map((r) => ({
    seq: r.seq,
    messageId: r.message_id,
    kind: r.kind,
    author: r.handle,
    text: r.text,
    card: r.card,
    cards: r.cards,
    replyTo: r.reply_to,
    createdAt: r.created_at,
  }));
}

/** The chat's latest `limit` messages in change order: what a page shows when it opens. */
export async function recentMessages(db: DbOrTx, chatId: string, limit = 200): Promise<WebMessage[]> {
  const [row] = await queryRows<{ seq: string | null }>(
    db,
    sql`select min(seq)::text as seq from (select seq from web_message where chat_id = ${chatId} order by seq desc limit ${limit}) newest`,
  );
  return row?.seq ? messagesSince(db, chatId, (BigInt(row.seq) - 1n).toString(), limit) : [];
}

/** The newest change in a chat (0 when empty): where a page's live stream starts. */
export async function lastSeq(db: DbOrTx, chatId: string): Promise<string> {
  const [row] = await queryRows<{ seq: string | null }>(db, sql`select max(seq)::text as seq from web_message where chat_id = ${chatId}`);
  return row?.seq ?? '0';
}

export interface ConsoleChat {
  chatId: string;
  warehouse: string | null;
  purposes: string[];
  locale: string;
  /** The warehouse's timezone (message times on its clock); null for a chat bound to none. */
  timezone: string | null;
  messages: number;
}

/**
 * The console's chats: every web chat the bot knows or that has messages; with `visibleTo`, only those
 * that person may use (access.ts).
 */
export async function listConsoleChats(db: DbOrTx, visibleTo?: Actor): Promise<ConsoleChat[]> {
  const rows = await queryRows<{
    chat_id: string;
    code: string | null;
    purposes: string[] | null;
    locale: string | null;
    timezone: string | null;
    messages: number;
  }>(
    db,
    sql`select ids.chat_id, w.code, c.purposes, c.locale, w.timezone, (select count(*)::int from web_message m where m.chat_id = ids.chat_id) as messages
        from (select chat_id from chat where platform = 'web' union select distinct chat_id from web_message) ids
        left join chat c on c.platform = 'web' and c.chat_id = ids.chat_id
        left join warehouse w on w.id = c.warehouse_id
        ${visibleTo ? sql`where ${mayUseChat(visibleTo.personId, sql`ids.chat_id`, sql`c.warehouse_id`)}` : sql``}
        order by ids.chat_id`,
  );
  return rows.map((r) => ({
    chatId: r.chat_id,
    warehouse: r.code,
    purposes: r.purposes ?? [],
    locale: r.locale ?? 'zh-CN',
    timezone: r.timezone,
    messages: r.messages,
  }));
}

/**
 * Signing in to the console proves who you are, so the console identity `web:<handle>` is linked to the
 * person on first use (the core knows people by platform identity). An identity already given to someone
 * else is refused rather than shared.
 */
export async function ensureWebIdentity(db: DbOrTx, actor: Actor): Promise<void> {
  await db.execute(
    sql`insert into person_identity (platform, external_id, person_id) values ('web', ${actor.handle}, ${actor.personId}::uuid) on conflict do nothing`,
  );
  const [owner] = await queryRows<{ person_id: string }>(
    db,
    sql`select person_id from person_identity where platform = 'web' and external_id = ${actor.handle}`,
  );
  if (owner && owner.person_id !== actor.personId) {
    throw new InvalidInputError(botTexts.identityTaken(actor.handle));
  }
}

/**
 * The platform, chat and message a card action token was minted on (the console's forms carry only the
 * token); null for a token on no card, or on a card not delivered yet.
 */
export async function cardOfToken(db: DbOrTx, token: string): Promise<{ platform: string; chatId: string; messageId: string } | null> {
  const id = token.split('.')[0] ?? '';
  const [row] = await queryRows<{ platform: string; chat_id: string; message_id: string | null }>(
    db,
    sql`select cm.platform, cm.chat_id, cm.message_id from card_action a join card_message cm on cm.id = a.card_message_id where a.id = ${id}`,
  );
  return row?.message_id ? { platform: row.platform, chatId: row.chat_id, messageId: row.message_id } : null;
}
