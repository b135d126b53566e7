/**
 * API keys and console sign-in tokens. The secret is shown once, when created; only its SHA-256 is kept,
 * so a leaked database does not leak working keys. Each acts as one person: roles and segregation of
 * duties apply to what it does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx, type Tx } from '../../db/client.ts';
import { InvalidInputError, NotFoundError } from '../domain/errors.ts';
import type { Actor } from '../domain/people.ts';
import { credentialTexts } from '../domain/texts/people.ts';
import { getPerson } from './people.ts';
import { appendAudit } from './audit.ts';

export type CredentialKind = 'api_key' | 'login';

const PREFIX: Record<CredentialKind, string> = { api_key: 'stk_', login: 'stl_' };
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface CredentialInfo {
  id: string;
  kind: CredentialKind;
  person: string;
  label: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revoked: boolean;
}

/** Creates a key or sign-in token for a person; returns the secret (shown once) and its record. */
export async function createCredential(
  db: Db,
  input: { kind: CredentialKind; person: string; label?: string; expiresInDays?: number },
  by?: Actor,
): Promise<{ secret: string; credential: CredentialInfo }> {
  const person = await getPerson(db, input.person);
  if (input.expiresInDays !== undefined && !(input.expiresInDays > 0)) throw new InvalidInputError(credentialTexts.badExpiry());
  const secret = `${PREFIX[input.kind]}${randomBytes(24).toString('base64url')}`;
  const prefix = secret.slice(0, 10);
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`insert into credential (kind, person_id, label, prefix, secret_hash, expires_at)
          values (${input.kind}, ${person.id}::uuid, ${input.label ?? (input.kind === 'api_key' ? 'API key' : 'sign-in')}, ${prefix}, ${hash(secret)},
                  ${input.expiresInDays ? sql`now() + ${`${input.expiresInDays} days`}::interval` : sql`null`})
          returning id`,
    );
    const [info] = await listCredentials(tx, { id: row!.id });
    // Made by a named person (the console's admin pages): audited as theirs, without the secret.
    if (by) await audited(tx, by, 'credential.created', info!);
    return { secret, credential: info! };
  });
}

/** The credentials of everyone (or one), newest first. */
export async function listCredentials(db: DbOrTx, filter: { id?: string; person?: string } = {}): Promise<CredentialInfo[]> {
  const rows = await queryRows<{
    id: string;
    kind: CredentialKind;
    handle: string;
    label: string;
    prefix: string;
    created_at: string;
    expires_at: string | null;
    last_used_at: string | null;
    revoked: boolean;
  }>(
    db,
    sql`select c.id, c.kind, p.handle, c.label, c.prefix, c.created_at::text, c.expires_at::text, c.last_used_at::text, c.revoked_at is not null as revoked
        from credential c join person p on p.id = c.person_id
        where true ${filter.id ? sql`and c.id = ${filter.id}::uuid` : sql``} ${filter.person ? sql`and p.handle = ${filter.person.toLowerCase()}` : sql``}
        order by c.created_at desc`,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    person: r.handle,
    label: r.label,
    prefix: r.prefix,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revoked: r.revoked,
  }));
}

/** Revokes by id or prefix; a revoked credential stops working at once. A prefix two share is refused. */
export async function revokeCredential(db: Db, ref: string, by?: Actor): Promise<CredentialInfo> {
  const matches = await queryRows<{ id: string }>(
    db,
    sql`select id from credential where ${/^[0-9a-f-]{36}$/i.test(ref) ? sql`id = ${ref}::uuid` : sql`prefix = ${ref}`}`,
  );
  if (matches.length === 0) throw new NotFoundError('credential', ref, credentialTexts.notFound(ref));
  if (matches.length > 1) throw new InvalidInputError(credentialTexts.ambiguousPrefix(ref, matches.length));
  return db.transaction(async (tx) => {
    await tx.execute(sql`update credential set revoked_at = coalesce(revoked_at, now()) where id = ${matches[0]!.id}::uuid`);
    const info = (await listCredentials(tx, { id: matches[0]!.id }))[0]!;
    if (by) await audited(tx, by, 'credential.revoked', info);
    return info;
  });
}

async function audited(tx: Tx, by: Actor, action: string, info: CredentialInfo): Promise<void> {
  await appendAudit(tx, by, null, new Date(), [
    {
      action,
      entityType: 'credential',
      entityId: info.id,
      after: { kind: info.kind, person: info.person, label: info.label, prefix: info.prefix },
    },
  ]);
}

/** The person a secret acts as, or null when it is unknown, revoked or expired. */
/** How precisely a key's or link's last use is kept. */
const LAST_USED_GRAIN = '1 minute';

export async function authenticate(db: DbOrTx, kind: CredentialKind, secret: string): Promise<Actor | null> {
  if (!secret.startsWith(PREFIX[kind])) return null;
  const [row] = await queryRows<{ id: string; person_id: string; handle: string; stale: boolean }>(
    db,
    sql`select c.id::text as id, c.person_id, p.handle, (c.last_used_at is null or c.last_used_at < now() - ${LAST_USED_GRAIN}::interval) as stale
        from credential c join person p on p.id = c.person_id
        where c.secret_hash = ${hash(secret)} and c.kind = ${kind} and c.revoked_at is null and (c.expires_at is null or c.expires_at > now())`,
  );
  if (!row) return null;
  // Written at most once a minute per key: every request writing it queued all requests of one key (a
  // script's 16 workers) behind one row lock and one commit each.
  if (row.stale) {
    await db.execute(sql`update credential set last_used_at = now()
                         where id = ${row.id}::uuid and (last_used_at is null or last_used_at < now() - ${LAST_USED_GRAIN}::interval)`);
  }
  return { personId: row.person_id, handle: row.handle, identity: `${kind === 'api_key' ? 'api' : 'web'}:${row.handle}` };
}
