/**
 * A person's own language (issue 14 §1): answers to them in any chat, their direct messages and the console
 * they sign in to. Null follows each chat's language. Chosen in a chat (`lang me zh`), in the console's
 * language switch, or by an admin; audited like every change to a person.
 */
import { eq } from 'drizzle-orm';
import type { Actor } from '../domain/people.ts';
import type { Db } from '../../db/client.ts';
import { person } from '../../db/schema/index.ts';
import { parseLocale, type Locale } from '../../cards/i18n/index.ts';
import { appendAudit, OPERATOR } from './audit.ts';

/** Sets (or with null clears) a person's language; nothing is written when it is already so. */
export async function setPersonLocale(db: Db, by: Actor | null, personId: string, locale: Locale | null): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ locale: person.locale, handle: person.handle })
      .from(person)
      .where(eq(person.id, personId))
      .for('update');
    if (!before || before.locale === locale) return;
    await tx.update(person).set({ locale }).where(eq(person.id, personId));
    await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
      {
        action: 'person.language',
        entityType: 'person',
        entityId: personId,
        before: { person: before.handle, locale: before.locale },
        after: { person: before.handle, locale },
      },
    ]);
  });
}

/** A stored language as a locale, or null when the person chose none (or something no longer known). */
export function personLocale(stored: string | null | undefined): Locale | null {
  return stored ? parseLocale(stored) : null;
}
