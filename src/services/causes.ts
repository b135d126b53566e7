import { causeTexts } from '../domain/texts/causes.ts';
import { and, asc, eq, sql } from 'drizzle-orm';
import { unnestColumns } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { cause, roleGrant } from '../../db/schema/index.ts';
import { CAUSE_CODE_PATTERN, DEFAULT_CAUSES, type CauseDirection } from '../domain/causes.ts';
import { InvalidInputError, NotAllowedError, NotFoundError } from '../domain/errors.ts';
import type { CommandContext } from '../domain/people.ts';
import { runCommand } from './commands.ts';

export type Cause = typeof cause.$inferSelect;

/** Puts the default catalogue in place; codes an admin already has (and edited) are left alone. */
export async function ensureDefaultCauses(db: DbOrTx): Promise<void> {
  await db.execute(sql`
    insert into cause (code, label_zh, label_en, applies_to, note_required)
    select u.code, u.zh, u.en, u.applies::cause_direction, u.note_text::boolean
    from ${unnestColumns([
      { values: DEFAULT_CAUSES.map((c) => c.code), type: 'text' },
      { values: DEFAULT_CAUSES.map((c) => c.labelZh), type: 'text' },
      { values: DEFAULT_CAUSES.map((c) => c.labelEn), type: 'text' },
      { values: DEFAULT_CAUSES.map((c) => c.appliesTo), type: 'text' },
      { values: DEFAULT_CAUSES.map((c) => String(c.noteRequired)), type: 'text' },
    ])} as u(code, zh, en, applies, note_text)
    on conflict (code) do nothing`);
}

export async function listCauses(db: DbOrTx): Promise<Cause[]> {
  await ensureDefaultCauses(db);
  return db.select().from(cause).orderBy(asc(cause.code));
}

export async function getCause(db: DbOrTx, code: string): Promise<Cause> {
  const key = code.trim().toLowerCase();
  // A plain template (every tag asks): see rolesOf.
  const find = async () =>
    (
      await queryRows<Cause>(
        db,
        sql`select code, label_zh as "labelZh", label_en as "labelEn", applies_to as "appliesTo", note_required as "noteRequired", active
            from cause where code = ${key}`,
      )
    )[0];
  // The defaults are put in place only when the code is not found (a database the server never started
  // on): every tag asking for them first was an insert per tag.
  let row = await find();
  if (!row) {
    await ensureDefaultCauses(db);
    row = await find();
  }
  if (!row || !row.active) throw new NotFoundError('cause', code, causeTexts.notFound(code));
  return row;
}

/** Adds or edits a cause (admins). Deactivating keeps history readable while hiding it from new tags. */
export async function saveCause(
  db: Db,
  ctx: CommandContext,
  input: { code: string; labelZh: string; labelEn: string; appliesTo: CauseDirection; noteRequired?: boolean; active?: boolean },
): Promise<Cause> {
  const code = input.code.trim().toLowerCase();
  if (!CAUSE_CODE_PATTERN.test(code)) throw new InvalidInputError(causeTexts.badCode(input.code));
  if (!['gain', 'loss', 'both'].includes(input.appliesTo)) throw new InvalidInputError(causeTexts.badDirection());
  if (!input.labelZh.trim() || !input.labelEn.trim()) throw new InvalidInputError(causeTexts.labelsNeeded());
  const values = {
    code,
    labelZh: input.labelZh.trim(),
    labelEn: input.labelEn.trim(),
    appliesTo: input.appliesTo,
    noteRequired: input.noteRequired ?? false,
    active: input.active ?? true,
  };
  return runCommand(db, ctx, 'cause.save', values, async ({ tx, audit }) => {
    const [admin] = await tx
      .select()
      .from(roleGrant)
      .where(and(eq(roleGrant.personId, ctx.actor.personId), eq(roleGrant.role, 'admin')));
    if (!admin) throw new NotAllowedError(causeTexts.adminsOnly(ctx.actor.handle));
    await ensureDefaultCauses(tx);
    const [before] = await tx.select().from(cause).where(eq(cause.code, code));
    const [row] = await tx.insert(cause).values(values).onConflictDoUpdate({ target: cause.code, set: values }).returning();
    audit.add({ action: 'cause.saved', entityType: 'cause', entityId: code, before: before ?? null, after: row });
    return row!;
  });
}
