/**
 * ERP connectors: each exports `send(doc, config, env)` (the posted document in its ERP's shape; the
 * answer's document number as external ref) and `test(config, env)` (a login). `deliverToErp` is the
 * delivery target 'erp': it loads the connector named by the delivery and dispatches by kind.
 */
import { eq } from 'drizzle-orm';
import { erpConnector } from '../../../db/schema/integration.ts';
import { DeliveryError, registerDeliveryTarget, type DeliveryContext } from '../delivery.ts';
import type { DocumentData, DocumentPayload, IntegrationEnvelope } from '../payload.ts';
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
export async function deliverToErp(ctx: DeliveryContext, env: Env = process.env): Promise<{ externalRef?: string }> {
  if (ctx.event.type !== 'document.posted') return {};
  const [connector] = await ctx.db.select().from(erpConnector).where(eq(erpConnector.id, ctx.targetId));
  if (!connector) throw new DeliveryError(`ERP connector ${ctx.targetId} no longer exists`, { retryable: false });
  if (!connector.active)
    throw new ErpError(connector.kind, `the ${connector.kind} connector of this warehouse is removed`, { retryable: false });
  const doc = (ctx.event.payload as IntegrationEnvelope<DocumentData>).data.document;
  return sendWith(connector.kind, connector.config, doc, env);
}

/**
 * Registers the 'erp' target with the delivery worker (src/integration/targets.ts calls it): an ErpError
 * becomes the worker's DeliveryError with the ERP's message as last_error, failed at once when retrying
 * cannot help (a validation refusal, a refused login) and retried with backoff when it can.
 */
export function registerErpTarget(): void {
  registerDeliveryTarget('erp', async (ctx) => {
    try {
      return await deliverToErp(ctx);
    } catch (error) {
      if (error instanceof ErpError) throw new DeliveryError(error.message, { retryable: error.retryable, cause: error });
      throw error;
    }
  });
}
