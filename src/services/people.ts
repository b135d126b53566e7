import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { person, personIdentity, roleGrant } from '../../db/schema/index.ts';
import { InvalidInputError, NotAllowedError, NotFoundError } from '../domain/errors.ts';
import { DIRECT_PLATFORMS, parseQuietHours, quietHoursText } from '../domain/notify.ts';
import { isUuid } from '../domain/stocktake.ts';
import { parseIdentity, ROLES, type Actor, type Role } from '../domain/people.ts';
import { peopleTexts, rolesWords, whatWords } from '../domain/texts/people.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { getWarehouse } from './warehouses.ts';

export type Person = typeof person.$inferSelect;

const personInput = z.object({
  handle: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/),
  name: z.string().trim().min(1).max(100).optional(),
  identities: z.array(z.string()).default([]),
});

/**
 * Adds a person (or updates the name of an existing handle) with platform identities; `by` is who did it,
 * for the audit trail (the local operator when absent).
 */
export async function addPerson(
  db: Db,
  input: z.input<typeof personInput>,
  by: Actor | null = null,
): Promise<Person & { identities: string[] }> {
  const parsed = personInput.safeParse(input);
  if (!parsed.success) {
    // One problem is enough to say: the handle's, else the name's.
    const handleWrong = parsed.error.issues.some((i) => i.path[0] === 'handle');
    throw new InvalidInputError(handleWrong ? peopleTexts.badHandle() : peopleTexts.badName());
  }
  const { handle, name, identities } = parsed.data;
  const parsedIdentities = identities.map((text) => {
    const identity = parseIdentity(text);
    if (!identity) throw new InvalidInputError(peopleTexts.badIdentity(text));
    return identity;
  });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(person)
      .values({ handle, name: name ?? handle })
      .onConflictDoUpdate({ target: person.handle, set: name ? { name } : { handle } })
      .returning();
    for (const identity of [{ platform: 'cli', externalId: handle }, ...parsedIdentities]) {
      const [owner] = await tx
        .select({ personId: personIdentity.personId })
        .from(personIdentity)
        .where(and(eq(personIdentity.platform, identity.platform), eq(personIdentity.externalId, identity.externalId)));
      if (owner && owner.personId !== row!.id) {
        throw new InvalidInputError(peopleTexts.identityTaken(`${identity.platform}:${identity.externalId}`));
      }
      await tx
        .insert(personIdentity)
        .values({ ...identity, personId: row!.id })
        .onConflictDoNothing();
    }
    const all = await tx.select().from(personIdentity).where(eq(personIdentity.personId, row!.id));
    await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
      {
        action: 'person.saved',
        entityType: 'person',
        entityId: row!.id,
        after: { handle: row!.handle, name: row!.name, identities: all.map((i) => `${i.platform}:${i.externalId}`) },
      },
    ]);
    return { ...row!, identities: all.map((i) => `${i.platform}:${i.externalId}`) };
  });
}

/** Finds a person by handle, id, or platform identity ("telegram:12345"). */
export async function findPerson(db: DbOrTx, ref: string): Promise<Person | null> {
  const text = ref.trim();
  const identity = parseIdentity(text);
  if (identity) {
    const [row] = await db
      .select({ person })
      .from(personIdentity)
      .innerJoin(person, eq(person.id, personIdentity.personId))
      .where(and(eq(personIdentity.platform, identity.platform), eq(personIdentity.externalId, identity.externalId)));
    return row?.person ?? null;
  }
  const [row] = await db
    .select()
    .from(person)
    .where(isUuid(text) ? eq(person.id, text) : eq(person.handle, text.toLowerCase()));
  return row ?? null;
}

export async function getPerson(db: DbOrTx, ref: string): Promise<Person> {
  const row = await findPerson(db, ref);
  if (!row) throw new NotFoundError('person', ref, peopleTexts.notFound(ref));
  return row;
}

/** The actor for a CLI command run `--as <person>`. */
export async function cliActor(db: DbOrTx, ref: string): Promise<Actor> {
  const p = await getPerson(db, ref);
  return { personId: p.id, handle: p.handle, identity: `cli:${p.handle}` };
}

export async function listPeople(db: DbOrTx) {
  const rows = await queryRows<{
    handle: string;
    name: string;
    identities: string | null;
    roles: string | null;
    direct_platform: string | null;
    quiet_hours: string | null;
  }>(
    db,
    sql`select p.handle, p.name, p.direct_platform, p.quiet_hours,
          (select string_agg(i.platform || ':' || i.external_id, ' ' order by i.platform) from person_identity i where i.person_id = p.id) as identities,
          (select string_agg(w.code || ':' || g.role, ' ' order by w.code, g.role) from role_grant g join warehouse w on w.id = g.warehouse_id where g.person_id = p.id) as roles
        from person p order by p.handle`,
  );
  return rows.map((r) => ({
    handle: r.handle,
    name: r.name,
    identities: r.identities?.split(' ') ?? [],
    roles: r.roles?.split(' ') ?? [],
    /** Where reminders and approval requests reach them: 'group', or the platform of their direct messages. */
    notify: r.direct_platform ?? 'group',
    quietHours: r.quiet_hours,
  }));
}

export interface NotifySettings {
  handle: string;
  /** 'group' or the platform whose direct messages they get. */
  notify: string;
  quietHours: string | null;
}

/**
 * Chooses how reminders and approval requests reach a person: `notify` 'group' (the warehouse's chats, the
 * default) or a platform on which they have an identity, for direct messages; `quietHours` 'HH:MM-HH:MM'
 * in the warehouse's timezone holds direct messages back until it ends ('off' or null clears it,
 * undefined keeps it).
 */
export async function setNotify(
  db: Db,
  personRef: string,
  input: { notify?: string; quietHours?: string | null },
  by: Actor | null = null,
): Promise<NotifySettings> {
  const p = await getPerson(db, personRef);
  let direct: string | null | undefined;
  if (input.notify !== undefined) {
    const choice = input.notify.trim().toLowerCase();
    if (choice === 'group') direct = null;
    else if ((DIRECT_PLATFORMS as readonly string[]).includes(choice)) {
      const [identity] = await db
        .select()
        .from(personIdentity)
        .where(and(eq(personIdentity.personId, p.id), eq(personIdentity.platform, choice)));
      if (!identity) {
        throw new InvalidInputError(peopleTexts.noDirectIdentity(p.handle, choice));
      }
      direct = choice;
    } else {
      throw new InvalidInputError(peopleTexts.badNotify(input.notify, DIRECT_PLATFORMS.join(', ')));
    }
  }
  const quiet =
    input.quietHours === undefined
      ? undefined
      : input.quietHours === null || input.quietHours.trim().toLowerCase() === 'off'
        ? null
        : quietHoursText(parseQuietHours(input.quietHours));
  const set = { ...(direct !== undefined ? { directPlatform: direct } : {}), ...(quiet !== undefined ? { quietHours: quiet } : {}) };
  return db.transaction(async (tx) => {
    const [row] = Object.keys(set).length > 0 ? await tx.update(person).set(set).where(eq(person.id, p.id)).returning() : [p];
    const after = { notify: row!.directPlatform ?? 'group', quietHours: row!.quietHours };
    await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
      {
        action: 'person.notify',
        entityType: 'person',
        entityId: p.id,
        before: { notify: p.directPlatform ?? 'group', quietHours: p.quietHours },
        after,
      },
    ]);
    return { handle: p.handle, ...after };
  });
}

function parseRole(text: string): Role {
  const role = text.trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(role)) throw new InvalidInputError(peopleTexts.badRole(text, ROLES.join(', ')));
  return role as Role;
}

/** Grants a role; `by` is who did it, for the audit trail (the local operator when absent). */
export async function grantRole(db: Db, personRef: string, roleText: string, warehouseCode: string, by: Actor | null = null) {
  const role = parseRole(roleText);
  const p = await getPerson(db, personRef);
  const wh = await getWarehouse(db, warehouseCode);
  await db.transaction(async (tx) => {
    const added = await tx.insert(roleGrant).values({ personId: p.id, warehouseId: wh.id, role }).onConflictDoNothing().returning();
    if (added.length > 0) {
      await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
        { action: 'role.granted', entityType: 'person', entityId: p.id, after: { person: p.handle, warehouse: wh.code, role } },
      ]);
    }
  });
  return { person: p.handle, warehouse: wh.code, role, granted: true };
}

export async function revokeRole(db: Db, personRef: string, roleText: string, warehouseCode: string, by: Actor | null = null) {
  const role = parseRole(roleText);
  const p = await getPerson(db, personRef);
  const wh = await getWarehouse(db, warehouseCode);
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(roleGrant)
      .where(and(eq(roleGrant.personId, p.id), eq(roleGrant.warehouseId, wh.id), eq(roleGrant.role, role)))
      .returning();
    if (removed.length === 0) throw new InvalidInputError(peopleTexts.doesNotHold(p.handle, role, wh.code));
    await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
      { action: 'role.revoked', entityType: 'person', entityId: p.id, before: { person: p.handle, warehouse: wh.code, role } },
    ]);
  });
  return { person: p.handle, warehouse: wh.code, role, granted: false };
}

/**
 * The roles a person holds in a warehouse, as an SQL expression: a JSON array of role names (empty for none).
 * rolesOf reads it alone; an action that reads something else first (a review action's line, a decision's
 * steps) reads it in the same statement.
 */
export function heldRoles(personId: string, warehouseId: string): SQL {
  return sql`coalesce((select json_agg(g.role) from role_grant g where g.person_id = ${personId}::uuid and g.warehouse_id = ${warehouseId}::uuid), '[]'::json)`;
}

export async function rolesOf(db: DbOrTx, personId: string, warehouseId: string): Promise<Set<Role>> {
  // A plain template, not drizzle's select builder: every action asks this, and building the builder's SQL
  // cost more Node CPU than running it (`npm run bench:writes`; see plainQuery in db/client.ts).
  const [row] = await queryRows<{ roles: Role[] }>(db, sql`select ${heldRoles(personId, warehouseId)} as roles`);
  return new Set(row!.roles);
}

/**
 * The refusal for someone holding no role at all in the warehouse of `what` ("stocktake ST-…",
 * "document PK-…"). It does not name the warehouse: a warehouse where you hold no role is none of your
 * business, not even its code.
 */
export function noRoleError(actor: Actor, what: string): NotAllowedError {
  return new NotAllowedError(peopleTexts.noRole(actor.handle, what, whatWords(what).zh));
}

/**
 * Refuses (403) unless the actor holds some role in the warehouse. Commands call it before looking at any
 * state, so a stranger to the warehouse learns nothing about it (not "is posted", not "is stale").
 */
export async function requireAnyRole(db: DbOrTx, actor: Actor, warehouseId: string, what: string): Promise<Set<Role>> {
  const held = await rolesOf(db, actor.personId, warehouseId);
  if (held.size === 0) throw noRoleError(actor, what);
  return held;
}

/**
 * Refuses unless the actor holds one of `roles` in the warehouse; the message names what is missing (and
 * the warehouse only to someone who holds a role there).
 */
export async function requireRole(
  db: DbOrTx,
  actor: Actor,
  warehouseId: string,
  warehouseCode: string,
  roles: readonly Role[],
  action: string,
): Promise<Set<Role>> {
  const held = await rolesOf(db, actor.personId, warehouseId);
  const needed = rolesWords(roles);
  if (held.size === 0) throw new NotAllowedError(peopleTexts.noRoleThere(actor.handle, action, needed.en, needed.zh));
  if (!roles.some((r) => held.has(r))) {
    throw new NotAllowedError(peopleTexts.needsRole(actor.handle, action, warehouseCode, needed.en, needed.zh));
  }
  return held;
}

/** The warehouse's supervisors, earliest granted first (the first is the default owner of variances). */
export async function supervisorsOf(db: DbOrTx, warehouseId: string): Promise<string[]> {
  const rows = await db
    .select({ personId: roleGrant.personId })
    .from(roleGrant)
    .where(and(eq(roleGrant.warehouseId, warehouseId), eq(roleGrant.role, 'supervisor')))
    .orderBy(asc(roleGrant.grantedAt), asc(roleGrant.personId));
  return rows.map((r) => r.personId);
}
