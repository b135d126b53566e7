import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { isThresholdName, parseThreshold, PATTERN_THRESHOLD_NAMES, type PatternThresholds } from '../../domain/patterns.ts';
import { patternTexts } from '../../domain/texts/patterns.ts';
import { appendAudit, OPERATOR } from '../audit.ts';

/**
 * Sets one pattern threshold for the installation (app_setting `patterns.<name>`), audited. Every instance
 * reads it at its next detection; the operator (CLI) or an admin sets it.
 */
export async function setPatternThreshold(
  db: Db,
  name: string,
  value: string,
  actor: { personId: string | null; identity: string } = OPERATOR,
  now = new Date(),
): Promise<{ name: keyof PatternThresholds; value: string }> {
  if (!isThresholdName(name)) throw new InvalidInputError(patternTexts.badThresholdName(name, PATTERN_THRESHOLD_NAMES.join(', ')));
  const parsed = parseThreshold(name, value);
  if (!parsed.ok) throw new InvalidInputError(patternTexts.badThreshold(name, value, parsed.reason));
  const key = `patterns.${name}`;
  await db.transaction(async (tx) => {
    const [before] = await queryRows<{ value: string }>(tx, sql`select value from app_setting where key = ${key} for update`);
    await tx.execute(
      sql`insert into app_setting (key, value) values (${key}, ${parsed.value}) on conflict (key) do update set value = excluded.value`,
    );
    await appendAudit(tx, actor, null, now, [
      {
        action: 'patterns.threshold_set',
        entityType: 'setting',
        entityId: key,
        before: before ? { value: before.value } : null,
        after: { value: parsed.value },
      },
    ]);
  });
  return { name, value: parsed.value };
}
