/**
 * Reminders for overdue work: variances under review past their due time (their owner is reminded in the
 * warehouse's team chat), corrective actions of cases past their due day (their owner, the same way) and
 * approval steps past theirs (the holders of the step's role, in its approvals
 * chat). At most one reminder per item and local day of the warehouse; an item overdue by as long again as
 * its SLA (past twice the due time, counted from when it was handed over) is escalated to the warehouse's
 * supervisor, or the next role up (supervisor → manager → admin), also once a day.
 *
 * Reminders go to the bound chat, where the card @-mentions the people through their chat accounts
 * (person_identity): each platform's renderer uses the accounts on its own platform and names whoever has
 * none there. People who chose direct messages (services/directMessages.ts) get their items one to one
 * instead, after their quiet hours; the group card still names them but does not mention them.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { parseLocale, type Locale } from '../../cards/i18n/index.ts';
import { reminderCard, type ReminderEntry, type ReminderPerson } from '../../cards/templates/reminder.ts';
import { localDay } from '../domain/time.ts';
import { ROLE_RANK, SUPERVISING_ROLES, type Role } from '../domain/people.ts';
import { directMessage, directTargets } from './directMessages.ts';
import { enqueueMessages, textArray, type OutboxMessage } from './outbox.ts';
import { approvalConflicts } from './segregation.ts';

const HOUR = 3600_000;
/** A corrective action (of a case) overdue by a week is escalated to the role above its owner. */
const ACTION_ESCALATION_HOURS = 7 * 24;
/** Escalation climbs this ladder, from the role above the reminded one. */
const ESCALATION: readonly Role[] = SUPERVISING_ROLES;
/** Items listed on one card; the rest are counted. */
const CARD_ITEMS = 20;

export interface Named {
  handle: string;
  name: string;
  /** Their chat accounts, "platform:id" (every platform but the CLI), for the card's mentions. */
  identities: string[];
}

/** A person's chat accounts as a json array of "platform:id", for the row of `person` aliased `who`. */
const IDENTITIES = sql.raw(`(select coalesce(json_agg(i.platform || ':' || i.external_id order by i.platform, i.external_id), '[]'::json)
  from person_identity i where i.person_id = who.id and i.platform <> 'cli')`);

export interface OverdueItem {
  /** The reminder_log key: line:<stocktake>:<sku>:<location>, step:<document>:<step no> or action:<case id>. */
  item: string;
  type: 'variance' | 'step' | 'action';
  warehouseId: string;
  warehouse: string;
  timezone: string;
  /** ST-… for a variance, PK-…/PY-… for a step. */
  ref: string;
  /** SKU@location of a variance; the step number of a step; the case's title for an action. */
  what: string;
  stocktakeId: string;
  dueAt: Date;
  /** How long the item had (the SLA): past dueAt + slaMs it is escalated. */
  slaMs: number;
  /** Who is reminded: the owner of a variance, the holders of a step's role. */
  reminded: Named[];
  /** The role the reminded people act in (a variance owner's highest, the step's role). */
  role: Role | null;
}

interface ItemRow {
  item: string;
  type: 'variance' | 'step' | 'action';
  warehouse_id: string;
  code: string;
  timezone: string;
  ref: string;
  what: string;
  stocktake_id: string;
  due_at: string;
  sla_hours: number;
  role: Role | null;
  reminded: Named[] | null;
}

/** Every variance and approval step past its due time at `now`, with who is to be reminded. */
export async function overdueItems(db: DbOrTx, now: Date): Promise<OverdueItem[]> {
  const at = now.toISOString();
  const rows = await queryRows<ItemRow>(
    db,
    sql`select 'line:' || l.stocktake_id || ':' || l.sku || ':' || l.location || case when l.lot <> '' then '#' || l.lot else '' end as item,
               'variance' as type,
               w.id::text as warehouse_id, w.code, w.timezone, s.code as ref,
               l.sku || case when l.location <> '' then '@' || l.location else '' end || case when l.lot <> '' then '#' || l.lot else '' end as what,
               s.id::text as stocktake_id,
               to_char(l.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as due_at,
               coalesce(p.review_sla_hours, 24) as sla_hours,
               (select r.role from role_grant r where r.person_id = l.owner_id and r.warehouse_id = w.id
                  order by array_position(${textArray(ROLE_RANK)}::text[], r.role::text) desc limit 1)::text as role,
               case when who.id is null then null else json_build_array(json_build_object('handle', who.handle, 'name', who.name, 'identities', ${IDENTITIES})) end as reminded
        from stocktake_line l
        join stocktake s on s.id = l.stocktake_id and s.status in ('reviewing', 'approving')
        join warehouse w on w.id = s.warehouse_id
        left join warehouse_policy p on p.warehouse_id = w.id
        left join person who on who.id = l.owner_id
        where l.review_status in ('open', 'recount') and l.due_at < ${at}::timestamptz
        union all
        select 'step:' || d.id || ':' || a.step_no as item, 'step' as type,
               w.id::text, w.code, w.timezone, d.number as ref, a.step_no::text as what,
               d.stocktake_id::text,
               to_char(a.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               coalesce(p.approval_sla_hours, 24), a.role::text,
               (select json_agg(json_build_object('handle', who.handle, 'name', who.name, 'identities', ${IDENTITIES}) order by g.granted_at, who.handle)
                  from role_grant g join person who on who.id = g.person_id
                  where g.warehouse_id = w.id and g.role = a.role
                    -- only those who may decide it: segregation of duties, as approvals.ts enforces it
                    and not exists (${approvalConflicts(sql`d.id`, sql`d.stocktake_id`, sql`g.person_id`)}))
        from approval_step a
        join adjustment_document d on d.id = a.document_id and d.status = 'approving'
        join warehouse w on w.id = d.warehouse_id
        left join warehouse_policy p on p.warehouse_id = w.id
        where a.status = 'pending' and a.due_at < ${at}::timestamptz
        union all
        select 'action:' || c.id as item, 'action' as type,
               w.id::text, w.code, w.timezone, c.code as ref, c.title as what,
               c.stocktake_id::text,
               to_char(c.action_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               ${ACTION_ESCALATION_HOURS},
               (select r.role from role_grant r where r.person_id = c.action_owner_id and r.warehouse_id = w.id
                  order by array_position(${textArray(ROLE_RANK)}::text[], r.role::text) desc limit 1)::text,
               json_build_array(json_build_object('handle', who.handle, 'name', who.name, 'identities', ${IDENTITIES}))
        from incident_case c
        join warehouse w on w.id = c.warehouse_id
        join person who on who.id = c.action_owner_id
        where c.status = 'open' and c.action_due_at < ${at}::timestamptz
        order by 3, 2, 9, 1`,
  );
  return rows.map((r) => ({
    item: r.item,
    type: r.type,
    warehouseId: r.warehouse_id,
    warehouse: r.code,
    timezone: r.timezone,
    ref: r.ref,
    what: r.what,
    stocktakeId: r.stocktake_id,
    dueAt: new Date(r.due_at),
    slaMs: Number(r.sla_hours) * HOUR,
    reminded: r.reminded ?? [],
    role: r.role,
  }));
}

/** The people an overdue item escalates to: holders of the first role above the reminded one that has someone else. */
async function escalationTargets(db: DbOrTx, warehouseId: string, item: OverdueItem): Promise<Named[]> {
  const from = item.role ? ESCALATION.indexOf(item.role) + 1 : 0;
  const reminded = new Set(item.reminded.map((p) => p.handle));
  for (const role of ESCALATION.slice(from)) {
    const holders = await queryRows<Named>(
      db,
      sql`select who.handle, who.name, ${IDENTITIES} as identities from role_grant g join person who on who.id = g.person_id
          where g.warehouse_id = ${warehouseId}::uuid and g.role = ${role} order by g.granted_at, who.handle`,
    );
    const others = holders.filter((h) => !reminded.has(h.handle));
    if (others.length > 0) return others;
  }
  return [];
}

interface ChatRow {
  platform: string;
  chat_id: string;
  locale: string;
  purposes: string[];
}

/** The chats of a warehouse that get reminders of a type: team chats for variances and actions, approvals chats (else team) for steps. */
function chatsFor(chats: ChatRow[], type: OverdueItem['type']): ChatRow[] {
  if (type !== 'step') return chats.filter((c) => c.purposes.includes('team'));
  const approvals = chats.filter((c) => c.purposes.includes('approvals'));
  return approvals.length > 0 ? approvals : chats.filter((c) => c.purposes.includes('team'));
}

export interface ReminderRun {
  reminded: number;
  escalated: number;
  /** Reminder cards queued (one per chat with something new). */
  cards: number;
}

/**
 * Reminds and escalates what is overdue at `now`. Per warehouse, one transaction logs each item's reminder
 * (and escalation) for the warehouse's local day — `on conflict do nothing`, so an item already reminded
 * today is skipped, however many runs or instances get here — and queues one card per chat listing what
 * was logged. An item with no chat to go to is not logged, so binding a chat later still reminds today.
 */
export async function sendReminders(db: Db, now: Date): Promise<ReminderRun> {
  const items = await overdueItems(db, now);
  const byWarehouse = new Map<string, OverdueItem[]>();
  for (const i of items) byWarehouse.set(i.warehouseId, [...(byWarehouse.get(i.warehouseId) ?? []), i]);
  const total: ReminderRun = { reminded: 0, escalated: 0, cards: 0 };
  for (const [warehouseId, list] of byWarehouse) {
    const run = await remindWarehouse(db, warehouseId, list, now);
    total.reminded += run.reminded;
    total.escalated += run.escalated;
    total.cards += run.cards;
  }
  return total;
}

async function remindWarehouse(db: Db, warehouseId: string, items: OverdueItem[], now: Date): Promise<ReminderRun> {
  const chats = await queryRows<ChatRow>(
    db,
    sql`select platform, chat_id, locale, purposes from chat where warehouse_id = ${warehouseId}::uuid order by platform, chat_id`,
  );
  const deliverable = items.filter((i) => chatsFor(chats, i.type).length > 0);
  if (deliverable.length === 0) return { reminded: 0, escalated: 0, cards: 0 };
  const day = localDay(now, deliverable[0]!.timezone);
  const planned = await Promise.all(
    deliverable.map(async (i) => {
      const escalate = now.getTime() >= i.dueAt.getTime() + i.slaMs;
      return { item: i, escalateTo: escalate ? await escalationTargets(db, warehouseId, i) : [] };
    }),
  );
  return db.transaction(async (tx) => {
    const log = async (kind: 'reminder' | 'escalation', rows: { item: OverdueItem; people: Named[] }[]) => {
      if (rows.length === 0) return new Set<string>();
      const logged = await queryRows<{ item: string }>(
        tx,
        sql`insert into reminder_log (item, kind, local_day, warehouse_id, recipients, sent_at)
            select u.item, ${kind}, ${day}::date, ${warehouseId}::uuid, string_to_array(u.recipients, ' '), ${now.toISOString()}::timestamptz
            from unnest(${textArray(rows.map((r) => r.item.item))}::text[], ${textArray(rows.map((r) => r.people.map((p) => p.handle).join(' ')))}::text[]) as u(item, recipients)
            on conflict (item, kind, local_day) do nothing
            returning item`,
      );
      return new Set(logged.map((l) => l.item));
    };
    const reminded = await log(
      'reminder',
      planned.map((p) => ({ item: p.item, people: p.item.reminded })),
    );
    const escalated = await log(
      'escalation',
      planned.filter((p) => p.escalateTo.length > 0).map((p) => ({ item: p.item, people: p.escalateTo })),
    );
    const fresh = planned.filter((p) => reminded.has(p.item.item) || escalated.has(p.item.item));
    const entryOf = (p: (typeof planned)[number]): ReminderEntry => ({
      type: p.item.type,
      ref: p.item.ref,
      what: p.item.what,
      role: p.item.role,
      people: p.item.reminded,
      lateMs: now.getTime() - p.item.dueAt.getTime(),
      escalatedTo: escalated.has(p.item.item) ? p.escalateTo : [],
    });
    const everyone = [...new Set(fresh.flatMap((p) => [...p.item.reminded, ...p.escalateTo].map((who) => who.handle)))];
    const direct = await directTargets(tx, everyone, deliverable[0]!.timezone, now);
    const warehouse = deliverable[0]!.warehouse;
    const messages: OutboxMessage[] = [];
    // The group cards name everyone but mention (notify) only those who did not choose direct messages,
    // and leave out items all of whose people get them directly.
    const inGroup = (who: { handle: string }) => !direct.has(who.handle);
    const quiet = (people: ReminderPerson[]) => people.map((who) => (inGroup(who) ? who : { ...who, identities: [] }));
    for (const chat of chats) {
      const mine = fresh.filter(
        (p) =>
          chatsFor(chats, p.item.type).includes(chat) &&
          [...p.item.reminded, ...(escalated.has(p.item.item) ? p.escalateTo : [])].some(inGroup),
      );
      if (mine.length === 0) continue;
      const locale: Locale = parseLocale(chat.locale) ?? 'zh-CN';
      const entries = mine.map((p) => {
        const e = entryOf(p);
        return { ...e, people: quiet(e.people), escalatedTo: quiet(e.escalatedTo) };
      });
      const card = reminderCard({ locale }, { warehouse, entries: sortEntries(entries), limit: CARD_ITEMS });
      messages.push({ platform: chat.platform, chatId: chat.chat_id, locale, view: { kind: 'static', card } });
    }
    for (const target of direct.values()) {
      const mine = fresh.filter((p) =>
        [...p.item.reminded, ...(escalated.has(p.item.item) ? p.escalateTo : [])].some((who) => who.handle === target.handle),
      );
      if (mine.length === 0) continue;
      const group = chatsFor(chats, mine[0]!.item.type)[0]!;
      const locale: Locale = target.locale ?? parseLocale(group.locale) ?? 'zh-CN';
      const card = reminderCard({ locale }, { warehouse, entries: sortEntries(mine.map(entryOf)), limit: CARD_ITEMS });
      messages.push(
        directMessage(target, { kind: 'static', card }, locale, { platform: group.platform, chatId: group.chat_id, locale: group.locale }),
      );
    }
    await enqueueMessages(tx, messages);
    return { reminded: reminded.size, escalated: escalated.size, cards: messages.length };
  });
}

/** Escalations first, then the latest. */
function sortEntries(entries: ReminderEntry[]): ReminderEntry[] {
  return [...entries].sort((a, b) => Number(b.escalatedTo.length > 0) - Number(a.escalatedTo.length > 0) || b.lateMs - a.lateMs);
}
