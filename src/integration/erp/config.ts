/**
 * Connector configuration, per warehouse and ERP (erp_connector.config). Nothing secret is stored: a
 * password, API key or secret is named by the environment variable that holds it (`passwordEnv`, …) and
 * read from the environment when sending. Our SKU, location and warehouse codes are sent as they are unless
 * a map names the ERP's number for them (`skuMap`, `locationMap`, `unitMap`).
 */
import { z } from 'zod';

export const ERP_KINDS = ['kingdee', 'u8', 'erpnext', 'odoo'] as const;
export type ErpKind = (typeof ERP_KINDS)[number];

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable (A-Z, 0-9, _), not the secret itself');
const code = z.string().trim().min(1);
const codeMap = z.record(z.string(), code);
const baseUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

/** What every connector may map. */
const mapping = {
  /** Our SKU → the ERP's material / item / product code (default: the SKU itself). */
  skuMap: codeMap.default({}),
  /** Our location → the ERP's location (Kingdee stock location number, U8 cPosition, Odoo location name). */
  locationMap: codeMap.default({}),
  /** Our base unit → the ERP's unit number (default: our unit). */
  unitMap: codeMap.default({}),
};

export const kingdeeConfig = z
  .object({
    baseUrl,
    /** The account set (数据中心 ID, acctID). */
    acctId: code,
    username: code,
    passwordEnv: envName,
    lcid: z.number().int().default(2052),
    /** FStockOrgId: the stock organisation's number. */
    stockOrg: code,
    /** FOwnerIdHead / FOwnerId: the owner organisation (default: the stock organisation). */
    owner: code.optional(),
    /** FStockId: the ERP's warehouse (仓库) number (default: our warehouse code). */
    stock: code.optional(),
    /** The flex field of FStockLocId, e.g. FSTOCKLOCID__FF100001; without it no location is sent. */
    locationField: z
      .string()
      .regex(/^FSTOCKLOCID__\w+$/i)
      .optional(),
    /** Put before our document number in FBillNo, when several warehouses (each numbering its own) post to one account set. */
    billNoPrefix: z.string().trim().max(20).default(''),
    /** IsAutoSubmitAndAudit: submit and audit the saved bill at once (default true). */
    autoAudit: z.boolean().default(true),
    ...mapping,
  })
  .strict();

export const u8Config = z
  .object({
    /** Where the import files are written (the U8 import tool or a middleware picks them up there). */
    directory: code,
    format: z.enum(['xlsx', 'csv']).default('xlsx'),
    /** Put before our document number in cCVCode, when several warehouses (each numbering its own) import into one account. */
    voucherPrefix: z.string().trim().max(10).default(''),
    /** cWhCode: U8's warehouse code (default: our warehouse code). */
    warehouse: code.optional(),
    ...mapping,
  })
  .strict();

export const erpnextConfig = z
  .object({
    baseUrl,
    apiKeyEnv: envName,
    apiSecretEnv: envName,
    company: code,
    /** The ERPNext warehouse, e.g. "Stores - WP" (default: our warehouse code). */
    warehouse: code.optional(),
    /** The Stock Reconciliation's expense_account (Stock Adjustment); default: the lines' cause account when they share one. */
    expenseAccount: code.optional(),
    costCenter: code.optional(),
    /** Submit the reconciliation after creating it (docstatus 1); default true. */
    submit: z.boolean().default(true),
    ...mapping,
  })
  .strict();

export const odooConfig = z
  .object({
    baseUrl,
    database: code,
    username: code,
    /** The password or API key of the user (Odoo 14+ accepts an API key in place of the password). */
    passwordEnv: envName,
    /** Odoo's internal location for a location not in locationMap, e.g. "WH/Stock" (default: our location). */
    defaultLocation: code.optional(),
    ...mapping,
  })
  .strict();

export type KingdeeConfig = z.output<typeof kingdeeConfig>;
export type U8Config = z.output<typeof u8Config>;
export type ErpnextConfig = z.output<typeof erpnextConfig>;
export type OdooConfig = z.output<typeof odooConfig>;

export const CONFIG_SCHEMAS = { kingdee: kingdeeConfig, u8: u8Config, erpnext: erpnextConfig, odoo: odooConfig } as const;

export type ConfigOf<K extends ErpKind> = z.output<(typeof CONFIG_SCHEMAS)[K]>;

/** The environment variables a configuration names (checked at `erp test`, listed by `erp list`). */
export function secretEnvNames(config: Record<string, unknown>): string[] {
  return Object.entries(config)
    .filter(([k, v]) => k.endsWith('Env') && typeof v === 'string')
    .map(([, v]) => v as string);
}

type Mapping = { skuMap: Record<string, string>; locationMap: Record<string, string>; unitMap: Record<string, string> };

/** The ERP's code for our SKU, location or unit: the configured map's entry, else ours. */
export const mapSku = (config: Mapping, sku: string) => config.skuMap[sku] ?? sku;
export const mapLocation = (config: Mapping, location: string) => config.locationMap[location] ?? location;
export const mapUnit = (config: Mapping, unit: string) => config.unitMap[unit] ?? unit;
