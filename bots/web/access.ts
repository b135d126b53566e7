/**
 * Who may open a console chat, follow it, write in it and tap its cards — one rule, authorized like the
 * dashboard and the API: a chat bound to a warehouse belongs to the people holding a role there; a chat
 * bound to nothing belongs to its members (whoever has written in it) and to admins. A chat nobody has
 * written in yet is open to anyone: the first to write in it becomes a member (that is how a chat is
 * started, before it is bound). The rule holds on local servers too, for the person picked.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../src/domain/people.ts';

/** The rule as a condition on a chat id and its bound warehouse id (null: unbound). */
export function mayUseChat(personId: string, chatId: SQL, warehouseId: SQL): SQL {
  return sql`case when ${warehouseId} is not null
    then exists (select 1 from role_grant g where g.person_id = ${personId}::uuid and g.warehouse_id = ${warehouseId})
    else exists (select 1 from web_message m where m.chat_id = ${chatId} and m.kind = 'user' and m.author_person_id = ${personId}::uuid)
      or exists (select 1 from role_grant g where g.person_id = ${personId}::uuid and g.role = 'admin')
      or not exists (select 1 from web_message m where m.chat_id = ${chatId})
    end`;
}

/** Whether the person may use the chat, and whether it is bound (which says why not). */
export async function chatAccess(db: DbOrTx, actor: Actor, chatId: string): Promise<{ allowed: boolean; bound: boolean }> {
  const [row] = await queryRows<{ allowed: boolean; bound: boolean }>(
    db,
    sql`select ${mayUseChat(actor.personId, sql`ids.chat_id`, sql`c.warehouse_id`)} as allowed, c.warehouse_id is not null as bound
        from (select ${chatId}::text as chat_id) ids left join chat c on c.platform = 'web' and c.chat_id = ids.chat_id`,
  );
  return { allowed: row?.allowed === true, bound: row?.bound === true };
}
