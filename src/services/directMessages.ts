/**
 * Direct messages: people who chose them (people notify <handle> --direct <platform>) get their reminders
 * and approval requests from the bot one to one, held back during their quiet hours in the warehouse's
 * timezone; the group chats no longer @-mention them. A direct message the platform cannot deliver (the
 * person never started the bot, is outside the app's availability range) goes to the group instead, and
 * the sender logs that it did (src/core/sender.ts).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { parseLocale, type Locale } from '../../cards/i18n/index.ts';
import { approvalRequestNotice } from '../../cards/templates/notice.ts';
import { directChatId, parseQuietHours, quietEnd } from '../domain/notify.ts';
import { textArray, type CardView, type OutboxMessage } from './outbox.ts';
import { approvalConflicts } from './segregation.ts';

/** Where one person's direct messages go, and from when. */
export interface DirectTarget {
  handle: string;
  name: string;
  /** Their chat accounts, "platform:id", for a mention when the message goes to the group instead. */
  identities: string[];
  platform: string;
  chatId: string;
  /** The end of their quiet hours when a message is due inside them, else null (send now). */
  notBefore: Date | null;
  /** The language they chose (src/services/personLocale.ts), else null: the warehouse chat's. */
  locale: Locale | null;
}

/** Of the people named by handle, those who get direct messages, each with where and from when. */
export async function directTargets(
  db: DbOrTx,
  handles: readonly string[],
  timezone: string,
  now: Date,
): Promise<Map<string, DirectTarget>> {
  const targets = new Map<string, DirectTarget>();
  if (handles.length === 0) return targets;
  const rows = await queryRows<{
    handle: string;
    name: string;
    platform: string;
    external_id: string;
    quiet_hours: string | null;
    identities: string[];
    locale: string | null;
  }>(
    db,
    sql`select p.handle, p.name, p.direct_platform as platform, p.quiet_hours, p.locale,
               (select coalesce(json_agg(i.platform || ':' || i.external_id order by i.platform, i.external_id), '[]'::json)
                  from person_identity i where i.person_id = p.id and i.platform <> 'cli') as identities,
               (select min(i.external_id) from person_identity i where i.person_id = p.id and i.platform = p.direct_platform) as external_id
        from person p
        where p.direct_platform is not null and p.handle = any(${textArray(handles)}::text[])`,
  );
  for (const r of rows) {
    if (!r.external_id) continue; // the identity was removed since: the group it is
    targets.set(r.handle, {
      handle: r.handle,
      name: r.name,
      identities: r.identities,
      platform: r.platform,
      chatId: directChatId(r.external_id),
      notBefore: r.quiet_hours ? quietEnd(now, parseQuietHours(r.quiet_hours), timezone) : null,
      locale: r.locale ? parseLocale(r.locale) : null,
    });
  }
  return targets;
}

/** A direct message to `target` showing `view`, going to `group` (with `fallbackView`) if it cannot reach them. */
export function directMessage(
  target: DirectTarget,
  view: CardView,
  locale: Locale,
  group: { platform: string; chatId: string; locale: string } | null,
  fallbackView: CardView = view,
): OutboxMessage {
  return {
    platform: target.platform,
    chatId: target.chatId,
    // In their own language when they chose one; the group fallback keeps the group's.
    locale: target.locale ?? locale,
    view,
    ...(target.notBefore ? { notBefore: target.notBefore } : {}),
    ...(group ? { fallback: { ...group, view: fallbackView } } : {}),
  };
}

/**
 * The approval cards for the pending step of each document, as direct messages to the holders of the
 * step's role who chose them and may decide it (segregation of duties, as approvals.ts enforces it). The
 * approvals chat keeps its shared card; a direct message that cannot be delivered becomes a notice there
 * naming the person, so the request is not missed.
 */
export async function approvalRequests(
  tx: DbOrTx,
  documentIds: readonly string[],
  group: (stocktakeId: string) => Promise<{ platform: string; chat_id: string; locale: string } | null>,
): Promise<OutboxMessage[]> {
  const out: OutboxMessage[] = [];
  const now = new Date();
  for (const documentId of documentIds) {
    const holders = await queryRows<{ handle: string; number: string; stocktake_id: string; timezone: string; locale: string | null }>(
      tx,
      sql`select who.handle, d.number, d.stocktake_id::text, w.timezone,
                 (select c.locale from chat c where c.warehouse_id = w.id order by 'approvals' = any(c.purposes) desc, c.platform, c.chat_id limit 1) as locale
          from adjustment_document d
          join warehouse w on w.id = d.warehouse_id
          join approval_step a on a.document_id = d.id and a.status = 'pending'
          join role_grant g on g.warehouse_id = d.warehouse_id and g.role = a.role
          join person who on who.id = g.person_id and who.direct_platform is not null
          where d.id = ${documentId}::uuid and d.status = 'approving'
            and not exists (${approvalConflicts(sql`d.id`, sql`d.stocktake_id`, sql`g.person_id`)})
          order by who.handle`,
    );
    if (holders.length === 0) continue;
    const first = holders[0]!;
    const locale: Locale = parseLocale(first.locale ?? '') ?? 'zh-CN';
    const targets = await directTargets(
      tx,
      holders.map((h) => h.handle),
      first.timezone,
      now,
    );
    const chat = await group(first.stocktake_id);
    for (const target of targets.values()) {
      const fallbackLocale: Locale = parseLocale(chat?.locale ?? '') ?? locale;
      out.push(
        directMessage(
          target,
          { kind: 'document', documentId },
          locale,
          chat ? { platform: chat.platform, chatId: chat.chat_id, locale: chat.locale } : null,
          { kind: 'static', card: approvalRequestNotice({ locale: fallbackLocale }, first.number, target) },
        ),
      );
    }
  }
  return out;
}
