/**
 * Who administers whom, and taking an identity away: what the console's admin pages add to people.ts
 * (kept apart from it while its messages move to the catalogues). An admin is an admin of some warehouse;
 * managing a person's accounts, keys and links needs an admin of every warehouse where they hold a role.
 */
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { personIdentity, roleGrant } from '../../db/schema/index.ts';
import { InvalidInputError, NotAllowedError } from '../domain/errors.ts';
import { parseIdentity, type Actor } from '../domain/people.ts';
import { adminTexts } from '../domain/texts/admin.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { getPerson, type Person } from './people.ts';

/** True when the person is an admin of at least one warehouse (who may use the console's admin pages). */
export async function isAdminAnywhere(db: DbOrTx, personId: string): Promise<boolean> {
  const rows = await db
    .select({ role: roleGrant.role })
    .from(roleGrant)
    .where(and(eq(roleGrant.personId, personId), eq(roleGrant.role, 'admin')))
    .limit(1);
  return rows.length > 0;
}

/**
 * Refuses (403) unless the actor may administer `target`: an admin of some warehouse, and of every
 * warehouse the target holds a role in. Giving someone a chat account, a key or a sign-in link lets whoever
 * holds it act as them, so an admin of WH2 may not do that for an admin of WH1.
 */
export async function requireAdminOver(db: DbOrTx, actor: Actor, target: Person): Promise<void> {
  if (!(await isAdminAnywhere(db, actor.personId))) throw new NotAllowedError(adminTexts.adminsOnly(actor.handle));
  const outside = await queryRows<{ code: string }>(
    db,
    sql`select distinct w.code from role_grant g join warehouse w on w.id = g.warehouse_id
        where g.person_id = ${target.id}::uuid
          and not exists (select 1 from role_grant a where a.person_id = ${actor.personId}::uuid and a.warehouse_id = g.warehouse_id and a.role = 'admin')
        order by w.code`,
  );
  if (outside.length > 0)
    throw new NotAllowedError(adminTexts.notAdminOver(actor.handle, target.handle, outside.map((r) => r.code).join(', ')));
}

/**
 * Takes a platform identity away from a person (an account they no longer use, or linked by mistake). The
 * `cli:` identity every person has is theirs by handle and stays. `by`: who, for the audit trail.
 */
export async function removeIdentity(
  db: Db,
  personRef: string,
  identityText: string,
  by: Actor | null = null,
): Promise<Person & { identities: string[] }> {
  const p = await getPerson(db, personRef);
  const identity = parseIdentity(identityText);
  if (!identity) throw new InvalidInputError(adminTexts.badIdentity(identityText));
  const text = `${identity.platform}:${identity.externalId}`;
  if (identity.platform === 'cli') throw new InvalidInputError(adminTexts.cliIdentityStays(text, p.handle));
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(personIdentity)
      .where(
        and(
          eq(personIdentity.personId, p.id),
          eq(personIdentity.platform, identity.platform),
          eq(personIdentity.externalId, identity.externalId),
        ),
      )
      .returning();
    if (removed.length === 0) throw new InvalidInputError(adminTexts.noSuchIdentity(p.handle, text));
    const all = await tx.select().from(personIdentity).where(eq(personIdentity.personId, p.id));
    await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
      { action: 'person.identity_removed', entityType: 'person', entityId: p.id, before: { handle: p.handle, identity: text } },
    ]);
    return { ...p, identities: all.map((i) => `${i.platform}:${i.externalId}`) };
  });
}
