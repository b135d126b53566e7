/**
 * A fake Odoo 17 JSON-RPC endpoint (POST /jsonrpc) for the stock.quant inventory flow, as the external API
 * docs describe it: `common.login(db, login, password)` answers the uid or false; `object.execute_kw(db,
 * uid, password, model, method, args, kwargs)` checks the credentials (else AccessDenied) and runs
 * search_read / create / write on product.product, stock.location, stock.lot, stock.quant, stock.move, and
 * stock.quant.action_apply_inventory. Writing inventory_quantity needs context inventory_mode, as Odoo's
 * quant editing restriction; applying books the difference as a stock.move referenced by context
 * inventory_name and answers null, or a confirmation wizard for a lot-tracked product without a lot.
 * Refusals are { error: { code: 200, message: "Odoo Server Error", data: { name, message, debug } } }.
 */
import { startFakeServer, type FakeServer } from './erp/http.ts';

type Row = Record<string, any> & { id: number };

export interface FakeOdoo extends FakeServer {
  tables: Record<'product.product' | 'stock.location' | 'stock.lot' | 'stock.quant' | 'stock.move', Row[]>;
  addProduct(code: string, tracking?: 'none' | 'lot'): number;
}

class OdooError extends Error {
  constructor(
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeOdoo(options: {
  database: string;
  login: string;
  password: string;
  products?: string[];
  locations?: string[];
}): Promise<FakeOdoo> {
  const UID = 2;
  let nextId = 1;
  const tables: FakeOdoo['tables'] = { 'product.product': [], 'stock.location': [], 'stock.lot': [], 'stock.quant': [], 'stock.move': [] };
  const insert = (model: keyof FakeOdoo['tables'], values: Record<string, any>) => {
    const row = { id: nextId++, ...values };
    tables[model].push(row);
    return row.id;
  };
  const addProduct = (code: string, tracking: 'none' | 'lot' = 'none') => insert('product.product', { default_code: code, tracking });
  for (const p of options.products ?? []) addProduct(p);
  for (const l of options.locations ?? []) insert('stock.location', { complete_name: l, usage: 'internal' });

  const matches = (row: Row, domain: [string, string, unknown][]) =>
    domain.every(([field, op, value]) => {
      const actual = row[field] ?? false;
      if (op === '=') return actual === value;
      if (op === '!=') return actual !== value;
      throw new OdooError('ValueError', `Invalid domain operator ${op}`);
    });

  function execute(model: string, method: string, args: any[], kwargs: Record<string, any>): unknown {
    const table = tables[model as keyof FakeOdoo['tables']];
    if (!table) throw new OdooError('KeyError', `Object ${model} doesn't exist`);
    const context = kwargs.context ?? {};
    switch (method) {
      case 'search_read': {
        const [domain = []] = args;
        const rows = table.filter((r) => matches(r, domain));
        const limited = kwargs.limit ? rows.slice(0, kwargs.limit) : rows;
        return limited.map((r) =>
          kwargs.fields ? Object.fromEntries(['id', ...kwargs.fields].map((f: string) => [f, r[f] ?? false])) : r,
        );
      }
      case 'create': {
        const [values] = args;
        if (model === 'stock.quant') {
          if (!context.inventory_mode) throw new OdooError('UserError', "Quant's creation is restricted, you can't do this operation.");
          if (!tables['product.product'].some((p) => p.id === values.product_id))
            throw new OdooError('ValidationError', 'The product does not exist');
          return insert('stock.quant', { quantity: 0, lot_id: false, ...values, inventory_quantity_set: 'inventory_quantity' in values });
        }
        if (model === 'stock.lot' && (!values.name || !values.product_id))
          throw new OdooError('ValidationError', 'A lot needs a name and a product');
        return insert(model as keyof FakeOdoo['tables'], values);
      }
      case 'write': {
        const [ids, values] = args;
        if (model === 'stock.quant' && 'inventory_quantity' in values && !context.inventory_mode)
          throw new OdooError('UserError', "Quant's editing is restricted, you can't do this operation.");
        for (const row of table.filter((r) => ids.includes(r.id)))
          Object.assign(row, values, model === 'stock.quant' ? { inventory_quantity_set: true } : {});
        return true;
      }
      case 'action_apply_inventory': {
        if (model !== 'stock.quant') throw new OdooError('AttributeError', `'${model}' object has no attribute 'action_apply_inventory'`);
        const quants = tables['stock.quant'].filter((q) => args[0].includes(q.id));
        const untracked = quants.filter(
          (q) => tables['product.product'].find((p) => p.id === q.product_id)?.tracking === 'lot' && !q.lot_id,
        );
        if (untracked.length)
          return {
            type: 'ir.actions.act_window',
            name: 'Tracked Products in Inventory Adjustment',
            res_model: 'stock.track.confirmation',
            target: 'new',
          };
        for (const q of quants) {
          if (!q.inventory_quantity_set) continue;
          const counted = Number(q.inventory_quantity);
          const diff = counted - q.quantity;
          if (diff !== 0)
            insert('stock.move', {
              reference: context.inventory_name ?? 'Product Quantity Updated',
              product_id: q.product_id,
              lot_id: q.lot_id,
              location_id: q.location_id,
              quantity: diff,
              is_inventory: true,
              state: 'done',
            });
          q.quantity = counted;
          q.inventory_quantity_set = false;
        }
        return null;
      }
      default:
        throw new OdooError('AttributeError', `The method '${method}' does not exist on the model '${model}'`);
    }
  }

  const server = await startFakeServer((req) => {
    const body = req.body as { jsonrpc?: string; id?: unknown; params?: { service?: string; method?: string; args?: any[] } } | null;
    if (req.path !== '/jsonrpc' || req.method !== 'POST') return { status: 404, body: 'Not Found' };
    const id = body?.id ?? null;
    const fail = (exception: string, message: string) => ({
      body: {
        jsonrpc: '2.0',
        id,
        error: {
          code: 200,
          message: 'Odoo Server Error',
          data: { name: `odoo.exceptions.${exception}`, message, debug: `Traceback…\n${message}`, arguments: [message], context: {} },
        },
      },
    });
    if (body?.jsonrpc !== '2.0' || !body.params) return fail('ValidationError', 'Invalid JSON-RPC request');
    const { service, method, args = [] } = body.params;
    try {
      if (service === 'common' && method === 'login') {
        const [db, login, password] = args;
        return {
          body: {
            jsonrpc: '2.0',
            id,
            result: db === options.database && login === options.login && password === options.password ? UID : false,
          },
        };
      }
      if (service === 'object' && method === 'execute_kw') {
        const [db, uid, password, model, m, margs = [], kwargs = {}] = args;
        if (db !== options.database || uid !== UID || password !== options.password) return fail('AccessDenied', 'Access Denied');
        return { body: { jsonrpc: '2.0', id, result: execute(model, m, margs, kwargs) } };
      }
      return fail('ValidationError', `unknown service/method ${service}.${method}`);
    } catch (error) {
      if (error instanceof OdooError) return fail(error.exception, error.message);
      throw error;
    }
  });
  return { ...server, tables, addProduct };
}
