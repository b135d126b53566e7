/**
 * Odoo 17+ over JSON-RPC (POST /jsonrpc): `common.login` for the user id, then `object.execute_kw` on
 * stock.quant as Odoo's own Physical Inventory does: find the quant of product × location × lot, set its
 * `inventory_quantity` to the counted quantity (in inventory mode), then `action_apply_inventory`, which
 * books the difference as stock moves named after our document (context `inventory_name`). Products are
 * found by internal reference (default_code), locations by full name (e.g. "WH/Stock/R1"), lots by name.
 * A refusal is { error: { message, data: { name, message } } }; data.message is what Odoo's user reads.
 * Setting the counted quantity (not adding the delta) makes a repeated send harmless: the second apply
 * finds nothing left to adjust.
 */
import type { DocumentLinePayload, DocumentPayload } from '../payload.ts';
import { mapLocation, mapSku, type OdooConfig } from './config.ts';
import { ErpError } from './errors.ts';
import { erpFetch, retryableStatus, snippet } from './http.ts';
import { secretFrom, type Env } from './secrets.ts';

type Domain = [string, string, unknown][];

interface Rpc {
  call<T>(model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<T>;
}

let rpcId = 0;

async function jsonRpc<T>(config: OdooConfig, service: string, method: string, args: unknown[]): Promise<T> {
  const res = await erpFetch('odoo', `${config.baseUrl}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++rpcId, params: { service, method, args } }),
  });
  if (res.status !== 200) throw new ErpError('odoo', `HTTP ${res.status} ${snippet(res.text)}`, { retryable: retryableStatus(res.status) });
  const body = res.json as { result?: T; error?: { message?: string; data?: { name?: string; message?: string } } } | null;
  if (!body) throw new ErpError('odoo', `not a JSON-RPC answer: ${snippet(res.text)}`, { retryable: false });
  if (body.error) {
    const data = body.error.data;
    const text = data?.message || body.error.message || 'error without a message';
    throw new ErpError('odoo', data?.name ? `${data.name.replace(/^odoo\.exceptions\./, '')}: ${text}` : text, { retryable: false });
  }
  return body.result as T;
}

/** Logs in; a refused login (result false) is not retryable. */
export async function connect(config: OdooConfig, env: Env): Promise<Rpc & { uid: number }> {
  const password = secretFrom('odoo', env, config.passwordEnv);
  const uid = await jsonRpc<number | false>(config, 'common', 'login', [config.database, config.username, password]);
  if (!uid) throw new ErpError('odoo', `login refused for ${config.username} on database ${config.database}`, { retryable: false });
  return {
    uid,
    call: (model, method, args, kwargs = {}) =>
      jsonRpc(config, 'object', 'execute_kw', [config.database, uid, password, model, method, args, kwargs]),
  };
}

async function findId(rpc: Rpc, model: string, domain: Domain, missing: string): Promise<number> {
  const rows = await rpc.call<{ id: number }[]>(model, 'search_read', [domain], { fields: ['id'], limit: 1 });
  if (!rows[0]) throw new ErpError('odoo', missing, { retryable: false });
  return rows[0].id;
}

/** The quant values for one of our lines: product, location and lot ids in Odoo, and the counted quantity. */
async function quantFor(rpc: Rpc, config: OdooConfig, line: DocumentLinePayload) {
  const code = mapSku(config, line.sku);
  const productId = await findId(
    rpc,
    'product.product',
    [['default_code', '=', code]],
    `no product with internal reference ${code} (our SKU ${line.sku})`,
  );
  const locationName = config.locationMap[line.location] ?? config.defaultLocation ?? mapLocation(config, line.location);
  const locationId = await findId(
    rpc,
    'stock.location',
    [
      ['complete_name', '=', locationName],
      ['usage', '=', 'internal'],
    ],
    `no internal location named ${locationName} (our location ${line.location || '-'})`,
  );
  let lotId: number | false = false;
  if (line.lot) {
    const lots = await rpc.call<{ id: number }[]>(
      'stock.lot',
      'search_read',
      [
        [
          ['name', '=', line.lot],
          ['product_id', '=', productId],
        ],
      ],
      { fields: ['id'], limit: 1 },
    );
    // A lot found only by the count (a gain) is created, as Odoo's count sheet does.
    lotId = lots[0]?.id ?? (await rpc.call<number>('stock.lot', 'create', [{ name: line.lot, product_id: productId }]));
  }
  return { productId, locationId, lotId };
}

/** Sets and applies the counted quantities; the external ref names the stock moves Odoo made. */
export async function send(doc: DocumentPayload, config: OdooConfig, env: Env): Promise<{ externalRef: string }> {
  const rpc = await connect(config, env);
  const context = { inventory_mode: true, inventory_name: doc.number };
  const quantIds: number[] = [];
  for (const line of doc.lines) {
    const { productId, locationId, lotId } = await quantFor(rpc, config, line);
    const quants = await rpc.call<{ id: number }[]>(
      'stock.quant',
      'search_read',
      [
        [
          ['product_id', '=', productId],
          ['location_id', '=', locationId],
          ['lot_id', '=', lotId],
        ],
      ],
      { fields: ['id', 'quantity'], limit: 1 },
    );
    if (quants[0]) {
      await rpc.call('stock.quant', 'write', [[quants[0].id], { inventory_quantity: line.countedQty }], { context });
      quantIds.push(quants[0].id);
    } else {
      const id = await rpc.call<number>(
        'stock.quant',
        'create',
        [{ product_id: productId, location_id: locationId, lot_id: lotId, inventory_quantity: line.countedQty }],
        { context },
      );
      quantIds.push(id);
    }
  }
  const action = await rpc.call<unknown>('stock.quant', 'action_apply_inventory', [quantIds], { context });
  // A wizard instead of nothing: Odoo wants a confirmation a program cannot give (e.g. a tracked product without a lot).
  if (action && typeof action === 'object') {
    const a = action as { name?: string; res_model?: string };
    throw new ErpError(
      'odoo',
      `action_apply_inventory asked for confirmation (${a.res_model ?? a.name ?? 'a wizard'}): check the products' tracking and lots`,
      { retryable: false },
    );
  }
  const moves = await rpc.call<{ id: number }[]>('stock.move', 'search_read', [[['reference', '=', doc.number]]], { fields: ['id'] });
  return { externalRef: moves.length ? `${doc.number} (stock.move ${moves.map((m) => m.id).join(',')})` : doc.number };
}

/** Checks the configuration by logging in. */
export async function test(config: OdooConfig, env: Env): Promise<string> {
  const rpc = await connect(config, env);
  return `logged in to ${config.database} as ${config.username} (uid ${rpc.uid})`;
}
