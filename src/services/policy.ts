import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import { warehousePolicy } from '../../db/schema/index.ts';
import { COST_SCALE, parseDecimal } from '../domain/decimal.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { Actor } from '../domain/people.ts';
import { render, type Phrase } from '../domain/phrase.ts';
import { policyTexts } from '../domain/texts/schedules.ts';
import { structureTexts } from '../domain/texts/structure.ts';
import { structureSettingsProblem } from '../domain/structure.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { getWarehouse } from './warehouses.ts';

export type Policy = typeof warehousePolicy.$inferSelect;

/** The warehouse's policy; a warehouse that never set one gets the defaults (stored on first use). */
export async function policyOf(db: DbOrTx, warehouseId: string): Promise<Policy> {
  const read = () => db.select().from(warehousePolicy).where(eq(warehousePolicy.warehouseId, warehouseId));
  // Read first: the defaults are stored once per warehouse, and every submit and multi-step approval asks.
  const [row] = await read();
  if (row) return row;
  await db.insert(warehousePolicy).values({ warehouseId }).onConflictDoNothing();
  const [stored] = await read();
  return stored!;
}

const money = () =>
  z
    .string()
    .refine((t) => t === 'off' || parseDecimal(t, COST_SCALE).ok)
    .optional();

/** What is wrong with a policy field, by its name. */
function policyProblem(field: string, input: z.input<typeof policyInput>): Phrase {
  switch (field) {
    case 'toleranceValue':
      return policyTexts.badMoney('tolerance value');
    case 'tolerancePercent':
      return policyTexts.badMoney('tolerance percent');
    case 'financeThreshold':
      return policyTexts.badThreshold('finance');
    case 'managerThreshold':
      return policyTexts.badThreshold('manager');
    case 'currency':
      return policyTexts.badCurrency();
    case 'requireAccountMapping':
      return policyTexts.badSwitch('require account mapping');
    case 'abcAPercent':
    case 'abcBPercent':
      return structureTexts.badCutoffs(String(input.abcAPercent ?? '—'), String(input.abcBPercent ?? '—'));
    case 'slowDays':
    case 'deadDays':
      return structureTexts.badDays(String(input.slowDays ?? '—'), String(input.deadDays ?? '—'));
    default:
      return policyTexts.badHours(field);
  }
}

const policyInput = z.object({
  reviewSlaHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .optional(),
  approvalSlaHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .optional(),
  toleranceValue: money(),
  tolerancePercent: money(),
  financeThreshold: z
    .string()
    .refine((t) => parseDecimal(t, 2).ok)
    .optional(),
  managerThreshold: z
    .string()
    .refine((t) => parseDecimal(t, 2).ok)
    .optional(),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /** Submit refuses causes without an account in this warehouse (cause_account). */
  requireAccountMapping: z.boolean().optional(),
  abcAPercent: percent(),
  abcBPercent: percent(),
  slowDays: z.number().int().min(1).max(3650).optional(),
  deadDays: z.number().int().min(2).max(3650).optional(),
});

/** A share in percent with up to two decimals, 0–100. */
function percent() {
  return z
    .string()
    .refine((t) => {
      const r = parseDecimal(t, 2);
      return r.ok && r.value >= 0n && r.value <= 10000n;
    })
    .optional();
}

/** Changes a warehouse's review and approval policy; "off" turns a tolerance off. `by`: who, for the audit (else the local operator). */
export async function setPolicy(
  db: Db,
  warehouseCode: string,
  input: z.input<typeof policyInput>,
  by: Actor | null = null,
): Promise<Policy> {
  const parsed = policyInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => policyProblem(String(i.path[0] ?? ''), input));
    const en = problems.map((p) => render(p, 'en', 'cli')).join('; ');
    const zh = problems.map((p) => render(p, 'zh-CN', 'chat')).join('；');
    throw new InvalidInputError(policyTexts.invalid(en, zh));
  }
  const wh = await getWarehouse(db, warehouseCode);
  const p = parsed.data;
  const current = await policyOf(db, wh.id);
  const cutoffs = structureSettingsProblem({
    abcAPercent: p.abcAPercent ?? current.abcAPercent,
    abcBPercent: p.abcBPercent ?? current.abcBPercent,
    slowDays: p.slowDays ?? current.slowDays,
    deadDays: p.deadDays ?? current.deadDays,
  });
  if (cutoffs) throw new InvalidInputError(cutoffs);
  const off = (v: string | undefined) => (v === undefined ? undefined : v === 'off' ? null : v);
  return db.transaction(async (tx) => {
    const before = await policyOf(tx, wh.id);
    const [row] = await tx
      .update(warehousePolicy)
      .set({
        ...(p.reviewSlaHours !== undefined ? { reviewSlaHours: p.reviewSlaHours } : {}),
        ...(p.approvalSlaHours !== undefined ? { approvalSlaHours: p.approvalSlaHours } : {}),
        ...(p.toleranceValue !== undefined ? { toleranceValue: off(p.toleranceValue) } : {}),
        ...(p.tolerancePercent !== undefined ? { tolerancePercent: off(p.tolerancePercent) } : {}),
        ...(p.financeThreshold !== undefined ? { financeThreshold: p.financeThreshold } : {}),
        ...(p.managerThreshold !== undefined ? { managerThreshold: p.managerThreshold } : {}),
        ...(p.currency !== undefined ? { currency: p.currency } : {}),
        ...(p.requireAccountMapping !== undefined ? { requireAccountMapping: p.requireAccountMapping } : {}),
        ...(p.abcAPercent !== undefined ? { abcAPercent: p.abcAPercent } : {}),
        ...(p.abcBPercent !== undefined ? { abcBPercent: p.abcBPercent } : {}),
        ...(p.slowDays !== undefined ? { slowDays: p.slowDays } : {}),
        ...(p.deadDays !== undefined ? { deadDays: p.deadDays } : {}),
      })
      .where(sql`${warehousePolicy.warehouseId} = ${wh.id}`)
      .returning();
    await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
      { action: 'policy.changed', entityType: 'warehouse', entityId: wh.id, before, after: row },
    ]);
    return row!;
  });
}
