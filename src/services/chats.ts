/** Chats the bot is in: their language and the warehouse they are bound to, and for what. */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { importTexts } from '../domain/texts/imports.ts';
import { SUPERVISING_ROLES, type CommandContext } from '../domain/people.ts';
import { runCommand } from './commands.ts';
import { requireRole } from './people.ts';
import { getWarehouse } from './warehouses.ts';

export const CHAT_PURPOSES = ['team', 'approvals', 'digest'] as const;
export type ChatPurpose = (typeof CHAT_PURPOSES)[number];
export const CHAT_LOCALES = ['zh-CN', 'en'] as const;
export type ChatLocale = (typeof CHAT_LOCALES)[number];

export interface Chat {
  platform: string;
  chatId: string;
  locale: ChatLocale;
  /** The chat's own language when `locale` is the person's answered in it (src/core/dispatcher.ts). */
  ownLocale?: ChatLocale;
  warehouseId: string | null;
  warehouseCode: string | null;
  timezone: string;
  purposes: ChatPurpose[];
}

/** A chat as the bot knows it; a chat seen for the first time is unbound and speaks `defaultLocale`. */
export async function getChat(db: DbOrTx, platform: string, chatId: string, defaultLocale: ChatLocale = 'zh-CN'): Promise<Chat> {
  const [row] = await queryRows<{
    locale: ChatLocale;
    warehouse_id: string | null;
    code: string | null;
    timezone: string | null;
    purposes: ChatPurpose[];
  }>(
    db,
    sql`select c.locale, c.warehouse_id, w.code, w.timezone, c.purposes from chat c left join warehouse w on w.id = c.warehouse_id
        where c.platform = ${platform} and c.chat_id = ${chatId}`,
  );
  return {
    platform,
    chatId,
    locale: row?.locale ?? defaultLocale,
    warehouseId: row?.warehouse_id ?? null,
    warehouseCode: row?.code ?? null,
    timezone: row?.timezone ?? 'UTC',
    purposes: row?.purposes ?? [],
  };
}

/**
 * Binds a chat to a warehouse for a purpose (admins, supervisors and managers of that warehouse). Binding
 * to another warehouse replaces the earlier binding; another purpose for the same warehouse is added.
 */
export async function bindChat(
  db: Db,
  ctx: CommandContext,
  input: { platform: string; chatId: string; warehouse: string; purpose: ChatPurpose; locale: ChatLocale },
): Promise<Chat> {
  if (!CHAT_PURPOSES.includes(input.purpose))
    throw new InvalidInputError(importTexts.unknownChatPurpose(input.purpose, CHAT_PURPOSES.join(', ')));
  return runCommand(
    db,
    ctx,
    'chat.bind',
    { platform: input.platform, chatId: input.chatId, warehouse: input.warehouse, purpose: input.purpose },
    async ({ tx, audit }) => {
      const wh = await getWarehouse(tx, input.warehouse);
      await requireRole(tx, ctx.actor, wh.id, wh.code, SUPERVISING_ROLES, 'bind a chat');
      const before = await getChat(tx, input.platform, input.chatId, input.locale);
      await tx.execute(sql`
      insert into chat (platform, chat_id, locale, warehouse_id, purposes, bound_by, bound_at)
      values (${input.platform}, ${input.chatId}, ${before.locale}, ${wh.id}::uuid, array[${input.purpose}]::text[], ${ctx.actor.personId}::uuid, now())
      on conflict (platform, chat_id) do update set
        warehouse_id = excluded.warehouse_id, bound_by = excluded.bound_by, bound_at = excluded.bound_at,
        purposes = case when chat.warehouse_id = excluded.warehouse_id and not (${input.purpose} = any(chat.purposes))
                        then chat.purposes || excluded.purposes
                        when chat.warehouse_id = excluded.warehouse_id then chat.purposes
                        else excluded.purposes end`);
      const after = await getChat(tx, input.platform, input.chatId);
      audit.add({
        action: 'chat.bound',
        entityType: 'chat',
        entityId: `${input.platform}:${input.chatId}`,
        before: { warehouse: before.warehouseCode, purposes: before.purposes },
        after: { warehouse: after.warehouseCode, purposes: after.purposes },
      });
      return after;
    },
  );
}

/** Sets the chat's language (anyone in the chat may). */
export async function setChatLocale(db: DbOrTx, platform: string, chatId: string, locale: ChatLocale): Promise<void> {
  await db.execute(sql`insert into chat (platform, chat_id, locale) values (${platform}, ${chatId}, ${locale})
                       on conflict (platform, chat_id) do update set locale = excluded.locale`);
}

/** Makes sure a chat seen for the first time is remembered with the language its first message chose. */
export async function rememberChat(db: DbOrTx, platform: string, chatId: string, locale: ChatLocale): Promise<void> {
  await db.execute(sql`insert into chat (platform, chat_id, locale) values (${platform}, ${chatId}, ${locale}) on conflict do nothing`);
}

/** The stocktake in progress (not posted or cancelled) of the chat's warehouse, newest first; null if none. */
export async function currentStocktake(db: DbOrTx, warehouseId: string): Promise<{ id: string; code: string; status: string } | null> {
  const [row] = await queryRows<{ id: string; code: string; status: string }>(
    db,
    sql`select id, code, status from stocktake where warehouse_id = ${warehouseId}::uuid and status not in ('posted', 'cancelled') order by snapshot_at desc limit 1`,
  );
  return row ?? null;
}

/**
 * What `status` and `report` show: the stocktake in progress, else the last one posted (a team asks for
 * the report right after the final approval posted it).
 */
export async function reportedStocktake(db: DbOrTx, warehouseId: string): Promise<{ id: string; code: string; status: string } | null> {
  const current = await currentStocktake(db, warehouseId);
  if (current) return current;
  const [posted] = await queryRows<{ id: string; code: string; status: string }>(
    db,
    sql`select id, code, status from stocktake where warehouse_id = ${warehouseId}::uuid and status = 'posted' order by snapshot_at desc limit 1`,
  );
  return posted ?? null;
}

/** Every chat the bot knows, with its binding and language. */
export async function listChats(
  db: DbOrTx,
): Promise<{ platform: string; chatId: string; warehouse: string | null; purposes: string[]; locale: string; boundAt: string | null }[]> {
  const rows = await queryRows<{
    platform: string;
    chat_id: string;
    code: string | null;
    purposes: string[];
    locale: string;
    bound_at: string | null;
  }>(
    db,
    sql`select c.platform, c.chat_id, w.code, c.purposes, c.locale, to_char(c.bound_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as bound_at
        from chat c left join warehouse w on w.id = c.warehouse_id order by c.platform, c.chat_id`,
  );
  return rows.map((r) => ({
    platform: r.platform,
    chatId: r.chat_id,
    warehouse: r.code,
    purposes: r.purposes,
    locale: r.locale,
    boundAt: r.bound_at,
  }));
}
