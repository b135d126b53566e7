/**
 * ERP connectors: each exports `send(doc, config, env)` (the posted document in its ERP's shape; the
 * answer's document number as external ref) and `test(config, env)` (a login). `deliverToErp` is the
 * delivery target 'erp': it loads the connector named by the delivery and dispatches by kind.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { erpConnector } from '../../../db/schema/integration.ts';
import type { DocumentPayload, IntegrationEnvelope, DocumentData } from '../payload.ts';
import { CONFIG_SCHEMAS, type ErpKind } from './config.ts';
import { ErpError } from './errors.ts';
import * as erpnext from './erpnext.ts';
import * as kingdee from './kingdee.ts';
import * as odoo from './odoo.ts';
import type { Env } from './secrets.ts';
import * as u8 from './u8.ts';

export { ErpError } from './errors.ts';

interface Connector {
  send(doc: DocumentPayload, config: never, env: Env): Promise<{ externalRef: string }>;
  test(config: never, env: Env): Promise<string>;
}

export const CONNECTORS: Record<ErpKind, Connector> = { kingdee, u8, erpnext, odoo };

/** What the delivery worker hands a target (the contract of src/integration/delivery.ts). */
export interface ErpDeliveryContext {
  db: DbOrTx;
  event: { seq: bigint | string | number; id: string; type: string; subject: string; warehouseId: string; payload: unknown };
  targetId: string;
}

export type ErpDeliveryHandler = (ctx: ErpDeliveryContext) => Promise<{ externalRef?: string }>;

/** The stored configuration read for sending; one that no longer parses is a (non-retryable) failure to fix. */
function storedConfig(kind: ErpKind, raw: unknown): never {
  const parsed = CONFIG_SCHEMAS[kind].safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'} ${i.message}`).join('; ');
    throw new ErpError(kind, `the connector's configuration is invalid: ${problems}`, { retryable: false });
  }
  return parsed.data as never;
}

/** Sends a document with one connector's configuration. */
export function sendWith(
  kind: ErpKind,
  rawConfig: unknown,
  doc: DocumentPayload,
  env: Env = process.env,
): Promise<{ externalRef: string }> {
  return CONNECTORS[kind].send(doc, storedConfig(kind, rawConfig), env);
}

/** Logs in (or for U8 checks the directory) with one connector's configuration. */
export function testWith(kind: ErpKind, rawConfig: unknown, env: Env = process.env): Promise<string> {
  return CONNECTORS[kind].test(storedConfig(kind, rawConfig), env);
}

/**
 * The 'erp' delivery target: a document.posted event goes to the connector `targetId` in that ERP's
 * shape; other events have nothing for an ERP. A refusal is thrown as ErpError (message from the ERP,
 * retryable or not).
 */
export async function deliverToErp(ctx: ErpDeliveryContext, env: Env = process.env): Promise<{ externalRef?: string }> {
  if (ctx.event.type !== 'document.posted') return {};
  const [connector] = await ctx.db.select().from(erpConnector).where(eq(erpConnector.id, ctx.targetId));
  if (!connector) throw new ErpError('kingdee', `ERP connector ${ctx.targetId} no longer exists`, { retryable: false });
  if (!connector.active)
    throw new ErpError(connector.kind, `the ${connector.kind} connector of this warehouse is removed`, { retryable: false });
  const doc = (ctx.event.payload as IntegrationEnvelope<DocumentData>).data.document;
  return sendWith(connector.kind, connector.config, doc, env);
}

/**
 * Registers the 'erp' delivery target with the delivery worker. `register` is the worker's
 * registerDeliveryTarget; `toDeliveryError` turns an ErpError into the worker's DeliveryError so its
 * message lands in last_error and `retryable` decides between backoff and failed.
 */
export function registerErpTarget(
  register: (target: 'erp', handler: ErpDeliveryHandler) => void,
  toDeliveryError: (error: ErpError) => Error = (e) => e,
): void {
  register('erp', async (ctx) => {
    try {
      return await deliverToErp(ctx);
    } catch (error) {
      throw error instanceof ErpError ? toDeliveryError(error) : error;
    }
  });
}
