import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import { warehousePolicy } from '../../db/schema/index.ts';
import { COST_SCALE, parseDecimal } from '../domain/decimal.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { Actor } from '../domain/people.ts';
import { appendAudit, OPERATOR } from './audit.ts';
import { getWarehouse } from './warehouses.ts';

export type Policy = typeof warehousePolicy.$inferSelect;

/** The warehouse's policy; a warehouse that never set one gets the defaults (stored on first use). */
export async function policyOf(db: DbOrTx, warehouseId: string): Promise<Policy> {
  await db.insert(warehousePolicy).values({ warehouseId }).onConflictDoNothing();
  const [row] = await db.select().from(warehousePolicy).where(eq(warehousePolicy.warehouseId, warehouseId));
  return row!;
}

const money = (label: string) =>
  z
    .string()
    .refine((t) => t === 'off' || parseDecimal(t, COST_SCALE).ok, `${label} must be a non-negative decimal or "off"`)
    .optional();

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
  toleranceValue: money('tolerance value'),
  tolerancePercent: money('tolerance percent'),
  financeThreshold: z
    .string()
    .refine((t) => parseDecimal(t, 2).ok, 'finance threshold must be a non-negative amount')
    .optional(),
  managerThreshold: z
    .string()
    .refine((t) => parseDecimal(t, 2).ok, 'manager threshold must be a non-negative amount')
    .optional(),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'currency must be a 3-letter ISO code such as CNY')
    .optional(),
});

/** Changes a warehouse's review and approval policy; "off" turns a tolerance off. `by`: who, for the audit (else the local operator). */
export async function setPolicy(
  db: Db,
  warehouseCode: string,
  input: z.input<typeof policyInput>,
  by: Actor | null = null,
): Promise<Policy> {
  const parsed = policyInput.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(parsed.error.issues.map((i) => i.message).join('; '));
  const wh = await getWarehouse(db, warehouseCode);
  const p = parsed.data;
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
      })
      .where(sql`${warehousePolicy.warehouseId} = ${wh.id}`)
      .returning();
    await appendAudit(tx, by ?? OPERATOR, null, new Date(), [
      { action: 'policy.changed', entityType: 'warehouse', entityId: wh.id, before, after: row },
    ]);
    return row!;
  });
}
