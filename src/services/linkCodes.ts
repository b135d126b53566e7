/**
 * Linking a chat account without the CLI: an admin makes a one-time code for a person in the console, the
 * person sends it to the bot from the account to link (any platform, group or direct message), and the
 * dispatcher, seeing an identity it does not know, redeems it. Codes are short enough to type (six
 * characters of an alphabet without look-alikes, 31⁶ ≈ 900 million), live 15 minutes, work once, and only
 * their SHA-256 is stored.
 */
import { createHash, randomInt } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { linkAttempt, linkCode, personIdentity } from '../../db/schema/index.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { parseIdentity, type Actor } from '../domain/people.ts';
import { adminTexts } from '../domain/texts/admin.ts';
import { appendAudit } from './audit.ts';
import { requireAdminOver } from './administration.ts';
import { getPerson, type Person } from './people.ts';

/** No 0/O, 1/I/L: a code read off a screen and typed on a phone. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const LINK_CODE_LENGTH = 6;
export const LINK_CODE_MINUTES = 15;
/**
 * The guessing limit: wrong codes per account, and from all accounts together, in the last
 * LINK_CODE_MINUTES. With 31⁶ codes, 100 wrong guesses a quarter hour leave a live code about a one in nine
 * million chance; without a limit a script sending a thousand a second would find one of them one time in
 * a thousand. Past it, linking waits (codes still made by admins keep their 15 minutes).
 */
export const LINK_ATTEMPTS_PER_ACCOUNT = 5;
export const LINK_ATTEMPTS_OVERALL = 100;

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/** A typed code as stored: upper case, without spaces or dashes, full-width letters as ASCII. */
export function normalizeLinkCode(text: string): string | null {
  const code = text.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  return code.length === LINK_CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

/**
 * Makes a code that links the next identity to send it to `personRef`. Only an admin over that person
 * (requireAdminOver) may: whoever sends the code acts as the person from then on. Audited without the code.
 */
export async function createLinkCode(
  db: Db,
  by: Actor,
  personRef: string,
  now: Date = new Date(),
): Promise<{ code: string; person: string; expiresAt: Date }> {
  const target = await getPerson(db, personRef);
  await requireAdminOver(db, by, target);
  const expiresAt = new Date(now.getTime() + LINK_CODE_MINUTES * 60_000);
  return db.transaction(async (tx) => {
    // A code equal to an old one (used or expired) is drawn again: the hash is unique.
    for (;;) {
      const code = Array.from({ length: LINK_CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      // With a digit, the code alone is told apart from a word (see the dispatcher's linkCodeIn).
      if (!/\d/.test(code)) continue;
      const [row] = await tx
        .insert(linkCode)
        .values({ personId: target.id, codeHash: hash(code), createdBy: by.personId, createdAt: now, expiresAt })
        .onConflictDoNothing()
        .returning({ id: linkCode.id });
      if (!row) continue;
      await appendAudit(tx, by, null, now, [
        {
          action: 'link_code.created',
          entityType: 'person',
          entityId: target.id,
          after: { person: target.handle, code: row.id, expiresAt },
        },
      ]);
      return { code, person: target.handle, expiresAt };
    }
  });
}

const badCode = () => new InvalidInputError(adminTexts.linkCodeUnusable(LINK_CODE_MINUTES));

/**
 * Links `identityText` ("telegram:12345") to the person the code was made for and uses the code up, in
 * one transaction: the conditional update on `used_at` lets only one of two identities racing with the
 * same code win. Audited with the new identity as the actor.
 */
export async function redeemLinkCode(db: Db, codeText: string, identityText: string, now: Date = new Date()): Promise<Person> {
  const code = normalizeLinkCode(codeText);
  const identity = parseIdentity(identityText);
  if (!identity) throw new InvalidInputError(adminTexts.badIdentity(identityText));
  const since = new Date(now.getTime() - LINK_CODE_MINUTES * 60_000);
  const [tries] = await queryRows<{ mine: number; everyone: number }>(
    db,
    sql`select count(*) filter (where identity = ${identityText})::int as mine, count(*)::int as everyone
        from link_attempt where not ok and at > ${since.toISOString()}::timestamptz`,
  );
  if (tries!.mine >= LINK_ATTEMPTS_PER_ACCOUNT) throw new InvalidInputError(adminTexts.linkTooManyTries(LINK_CODE_MINUTES));
  if (tries!.everyone >= LINK_ATTEMPTS_OVERALL) throw new InvalidInputError(adminTexts.linkPaused(LINK_CODE_MINUTES));
  try {
    if (!code) throw badCode();
    return await link(db, code, identityText, identity, now);
  } catch (error) {
    if (error instanceof InvalidInputError && error.phrase?.key === 'admin.linkCodeUnusable') {
      await db.execute(sql`delete from link_attempt where at < ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz`);
      await db.insert(linkAttempt).values({ identity: identityText, at: now, ok: false });
    }
    throw error;
  }
}

function link(
  db: Db,
  code: string,
  identityText: string,
  identity: NonNullable<ReturnType<typeof parseIdentity>>,
  now: Date,
): Promise<Person> {
  return db.transaction(async (tx) => {
    const [used] = await tx
      .update(linkCode)
      .set({ usedAt: now, usedBy: identityText })
      .where(and(eq(linkCode.codeHash, hash(code)), isNull(linkCode.usedAt), gt(linkCode.expiresAt, now)))
      .returning({ id: linkCode.id, personId: linkCode.personId });
    if (!used) throw badCode();
    const added = await tx
      .insert(personIdentity)
      .values({ ...identity, personId: used.personId })
      .onConflictDoNothing()
      .returning();
    if (added.length === 0) throw new InvalidInputError(adminTexts.alreadyLinked(identityText));
    const target = await getPerson(tx, used.personId);
    await appendAudit(tx, { personId: target.id, identity: identityText }, null, now, [
      {
        action: 'person.identity_linked',
        entityType: 'person',
        entityId: target.id,
        after: { handle: target.handle, identity: identityText, code: used.id },
      },
    ]);
    return target;
  });
}
