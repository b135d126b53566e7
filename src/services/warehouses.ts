import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import { warehouse } from '../../db/schema/index.ts';
import { InvalidInputError, NotFoundError, problemOf } from '../domain/errors.ts';
import { warehouseTexts } from '../domain/texts/people.ts';
import { canonicalTimezone, isValidTimezone } from '../domain/time.ts';

export type Warehouse = typeof warehouse.$inferSelect;

const addWarehouseInput = z.object({
  code: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
  name: z.string().trim().min(1).max(200).optional(),
  timezone: z
    .string()
    .trim()
    .refine(isValidTimezone)
    // Stored in its canonical spelling (asia/shanghai → Asia/Shanghai).
    .transform(canonicalTimezone),
});

/** Creates a warehouse, or updates the name and timezone of an existing one with that code. */
export async function addWarehouse(db: Db, input: z.input<typeof addWarehouseInput>): Promise<Warehouse> {
  const parsed = addWarehouseInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const column = String(i.path[0] ?? '');
      const phrase =
        column === 'code'
          ? i.code === 'too_small'
            ? warehouseTexts.codeEmpty()
            : i.code === 'too_big'
              ? warehouseTexts.codeTooLong()
              : warehouseTexts.codeChars()
          : column === 'timezone'
            ? warehouseTexts.badTimezone()
            : warehouseTexts.nameLength();
      return problemOf(null, column, phrase);
    });
    const en = problems.map((p) => p.message).join('; ');
    const zh = problems.map((p) => p.localized?.['zh-CN'] ?? p.message).join('；');
    throw new InvalidInputError(warehouseTexts.invalid(en, zh), problems);
  }
  const { code, name, timezone } = parsed.data;
  const [row] = await db
    .insert(warehouse)
    .values({ code, name: name ?? code, timezone })
    .onConflictDoUpdate({
      target: warehouse.code,
      set: { timezone, ...(name ? { name } : {}) },
    })
    .returning();
  return row!;
}

export async function findWarehouse(db: DbOrTx, code: string): Promise<Warehouse | null> {
  const [row] = await db.select().from(warehouse).where(eq(warehouse.code, code));
  return row ?? null;
}

export async function getWarehouse(db: DbOrTx, code: string): Promise<Warehouse> {
  const row = await findWarehouse(db, code);
  if (!row) throw new NotFoundError('warehouse', code, warehouseTexts.notFound(code));
  return row;
}

export async function listWarehouses(db: DbOrTx): Promise<Warehouse[]> {
  return db.select().from(warehouse).orderBy(warehouse.code);
}

/**
 * Locks the warehouse row for the rest of the transaction. Snapshots, movement imports and book imports
 * all take it, so a movement can never commit between a snapshot's read of on-hand and its watermark.
 */
export async function lockWarehouse(tx: DbOrTx, id: string): Promise<void> {
  await tx.execute(sql`select 1 from ${warehouse} where ${warehouse.id} = ${id} for update`);
}

/**
 * The shared side of the same lock, for writers of movements that need not be ordered among themselves
 * (postings): any number hold it at once, and none while a snapshot or an import holds `lockWarehouse`.
 * Postings took the exclusive lock before, which queued every approval of a warehouse behind one commit.
 */
export async function shareWarehouse(tx: DbOrTx, id: string): Promise<void> {
  await tx.execute(sql`select 1 from warehouse where id = ${id}::uuid for share`);
}
