/**
 * The accounting account (and optional cost centre) each cause books to, per warehouse (cause_account):
 * damage → 营业外支出, counting error → 管理费用-存货盘亏. Submit copies it onto each document line
 * (documents.ts), from where exports, webhooks and ERP connectors read it.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, NotFoundError } from '../domain/errors.ts';
import type { CommandContext } from '../domain/people.ts';
import { causeAccountTexts } from '../domain/texts/integration.ts';
import { getCause } from './causes.ts';
import { runCommand } from './commands.ts';
import { getWarehouse } from './warehouses.ts';

export interface CauseAccountView {
  warehouse: string;
  causeCode: string;
  labelEn: string;
  labelZh: string;
  account: string;
  costCentre: string | null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const CODE_TEXT = /^[^\u0000-\u001f\u007f]{1,60}$/;

async function requireWarehouseAdmin(db: DbOrTx, ctx: CommandContext, warehouseId: string, warehouse: string): Promise<void> {
  const [row] = await queryRows<{ ok: boolean }>(
    db,
    sql`select exists (select 1 from role_grant where person_id = ${ctx.actor.personId}::uuid and role = 'admin' and warehouse_id = ${warehouseId}::uuid) as ok`,
  );
  if (!row?.ok) throw new NotAllowedError(causeAccountTexts.adminsOnly(ctx.actor.handle, warehouse));
}

/** The mappings of one warehouse (or of all), by warehouse and cause. */
export async function listCauseAccounts(db: DbOrTx, warehouse?: string): Promise<CauseAccountView[]> {
  const wh = warehouse ? await getWarehouse(db, warehouse) : null;
  const rows = await queryRows<{
    warehouse: string;
    cause_code: string;
    label_en: string | null;
    label_zh: string | null;
    account: string;
    cost_centre: string | null;
  }>(
    db,
    sql`select w.code as warehouse, ca.cause_code, c.label_en, c.label_zh, ca.account, ca.cost_centre
        from cause_account ca join warehouse w on w.id = ca.warehouse_id left join cause c on c.code = ca.cause_code
        ${wh ? sql`where ca.warehouse_id = ${wh.id}::uuid` : sql``}
        order by w.code, ca.cause_code`,
  );
  return rows.map((r) => ({
    warehouse: r.warehouse,
    causeCode: r.cause_code,
    labelEn: r.label_en ?? r.cause_code,
    labelZh: r.label_zh ?? r.cause_code,
    account: r.account,
    costCentre: r.cost_centre,
  }));
}

/**
 * Maps a cause to an account (and cost centre) in a warehouse, replacing an earlier mapping. Admins of
 * the warehouse. Documents already submitted keep the account they were submitted with.
 *
 * @example await setCauseAccount(db, ctx, { warehouse: 'WH1', cause: 'damage', account: '6711 营业外支出', costCentre: 'CC-WH1' });
 */
export async function setCauseAccount(
  db: Db,
  ctx: CommandContext,
  input: { warehouse: string; cause: string; account: string; costCentre?: string | null },
): Promise<CauseAccountView> {
  const account = input.account.trim();
  const costCentre = input.costCentre?.trim() || null;
  if (!CODE_TEXT.test(account)) throw new InvalidInputError(causeAccountTexts.badAccount());
  if (costCentre !== null && !CODE_TEXT.test(costCentre)) throw new InvalidInputError(causeAccountTexts.badCostCentre());
  const wh = await getWarehouse(db, input.warehouse);
  const cause = await getCause(db, input.cause);
  return runCommand(db, ctx, 'cause.account.set', { warehouse: wh.code, cause: cause.code, account, costCentre }, async ({ tx, audit }) => {
    await requireWarehouseAdmin(tx, ctx, wh.id, wh.code);
    const [before] = await queryRows<{ account: string; cost_centre: string | null }>(
      tx,
      sql`select account, cost_centre from cause_account where warehouse_id = ${wh.id}::uuid and cause_code = ${cause.code} for update`,
    );
    await tx.execute(
      sql`insert into cause_account (warehouse_id, cause_code, account, cost_centre) values (${wh.id}::uuid, ${cause.code}, ${account}, ${costCentre})
          on conflict (warehouse_id, cause_code) do update set account = excluded.account, cost_centre = excluded.cost_centre`,
    );
    audit.add({
      action: 'cause.account_set',
      entityType: 'cause_account',
      entityId: `${wh.code}/${cause.code}`,
      before: before ? { account: before.account, costCentre: before.cost_centre } : null,
      after: { account, costCentre },
    });
    return { warehouse: wh.code, causeCode: cause.code, labelEn: cause.labelEn, labelZh: cause.labelZh, account, costCentre };
  });
}

/** Removes a cause's mapping in a warehouse; refused when it has none. */
export async function removeCauseAccount(
  db: Db,
  ctx: CommandContext,
  input: { warehouse: string; cause: string },
): Promise<{ warehouse: string; causeCode: string }> {
  const wh = await getWarehouse(db, input.warehouse);
  const code = input.cause.trim().toLowerCase();
  return runCommand(db, ctx, 'cause.account.remove', { warehouse: wh.code, cause: code }, async ({ tx, audit }) => {
    await requireWarehouseAdmin(tx, ctx, wh.id, wh.code);
    const removed = await queryRows<{ account: string; cost_centre: string | null }>(
      tx,
      sql`delete from cause_account where warehouse_id = ${wh.id}::uuid and cause_code = ${code} returning account, cost_centre`,
    );
    if (removed.length === 0) throw new NotFoundError('cause account', `${wh.code}/${code}`, causeAccountTexts.notMapped(wh.code, code));
    audit.add({
      action: 'cause.account_removed',
      entityType: 'cause_account',
      entityId: `${wh.code}/${code}`,
      before: { account: removed[0]!.account, costCentre: removed[0]!.cost_centre },
      after: null,
    });
    return { warehouse: wh.code, causeCode: code };
  });
}
