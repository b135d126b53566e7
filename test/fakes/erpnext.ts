/**
 * A fake ERPNext (Frappe REST API) for Stock Reconciliation, as strict as the Frappe/ERPNext docs:
 * - token auth `Authorization: token <key>:<secret>`, else 401 { exc_type: "AuthenticationError" };
 * - POST /api/resource/Stock Reconciliation validates company, posting_date, purpose (Opening Stock |
 *   Stock Reconciliation), expense_account, and each item's item_code, warehouse, batch_no (links that must
 *   exist), qty and valuation_rate (not negative); a refusal is HTTP 417 with { exc_type, exception,
 *   _server_messages } (a JSON list of JSON objects with `message`), as Frappe answers a ValidationError;
 *   success is { data: { name: "MAT-RECO-YYYY-NNNNN", docstatus: 0, … } };
 * - PUT /api/resource/Stock Reconciliation/<name> { docstatus: 1 } submits (404 DoesNotExistError for an
 *   unknown name); GET with `filters` lists; GET /api/method/frappe.auth.get_logged_user names the user.
 */
import { num, startFakeServer, type FakeServer } from './erp/http.ts';

export interface Reconciliation {
  name: string;
  docstatus: number;
  doc: Record<string, any>;
}

export interface FakeErpnext extends FakeServer {
  reconciliations: Reconciliation[];
  items: Set<string>;
  warehouses: Set<string>;
  accounts: Set<string>;
  batches: Set<string>;
}

function frappeError(status: number, excType: string, message: string) {
  return {
    status,
    body: {
      exc_type: excType,
      exception: `frappe.exceptions.${excType}: ${message}`,
      exc: JSON.stringify([`Traceback (most recent call last):\nfrappe.exceptions.${excType}: ${message}`]),
      _server_messages: JSON.stringify([JSON.stringify({ message, title: 'Message', indicator: 'red', raise_exception: 1 })]),
    },
  };
}

export async function startFakeErpnext(options: {
  apiKey: string;
  apiSecret: string;
  company: string;
  items?: string[];
  warehouses?: string[];
  accounts?: string[];
  batches?: string[];
}): Promise<FakeErpnext> {
  const items = new Set(options.items ?? []);
  const warehouses = new Set(options.warehouses ?? []);
  const accounts = new Set(options.accounts ?? ['Stock Adjustment - WP']);
  const batches = new Set(options.batches ?? []);
  const reconciliations: Reconciliation[] = [];
  const DOCTYPE = '/api/resource/Stock Reconciliation';

  const server = await startFakeServer((req) => {
    if (req.headers.authorization !== `token ${options.apiKey}:${options.apiSecret}`) {
      return {
        status: 401,
        body: {
          exc_type: 'AuthenticationError',
          exception: 'frappe.exceptions.AuthenticationError',
          _error_message: 'Invalid Credentials',
        },
      };
    }
    if (req.path === '/api/method/frappe.auth.get_logged_user' && req.method === 'GET')
      return { body: { message: 'integration@example.com' } };
    if (req.path === DOCTYPE && req.method === 'GET') {
      const filters = JSON.parse(req.query.get('filters') ?? '[]') as [string, string, unknown][];
      const rows = reconciliations.filter((r) =>
        filters.every(([field, op, value]) => {
          const actual = field === 'docstatus' ? r.docstatus : r.doc[field];
          return op === '=' ? actual === value : op === '!=' ? actual !== value : false;
        }),
      );
      return { body: { data: rows.map((r) => ({ name: r.name, docstatus: r.docstatus })) } };
    }
    if (req.path === DOCTYPE && req.method === 'POST') {
      const doc = req.body as Record<string, any> | undefined;
      if (!doc || typeof doc !== 'object') return frappeError(417, 'ValidationError', 'Invalid request body');
      if (doc.company !== options.company) return frappeError(417, 'LinkValidationError', `Could not find Company: ${doc.company}`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(doc.posting_date ?? '')))
        return frappeError(417, 'MandatoryError', 'Posting Date is mandatory');
      if (!['Opening Stock', 'Stock Reconciliation'].includes(doc.purpose))
        return frappeError(417, 'ValidationError', `Purpose cannot be "${doc.purpose}"`);
      if (!accounts.has(doc.expense_account))
        return frappeError(417, 'LinkValidationError', `Could not find Difference Account: ${doc.expense_account}`);
      const rows = Array.isArray(doc.items) ? doc.items : [];
      if (rows.length === 0) return frappeError(417, 'ValidationError', 'None of the items have any change in quantity or value.');
      for (const [i, item] of rows.entries()) {
        const row = `Row #${i + 1}`;
        if (!items.has(item.item_code))
          return frappeError(417, 'LinkValidationError', `Could not find ${row}: Item Code: ${item.item_code}`);
        if (!warehouses.has(item.warehouse))
          return frappeError(417, 'LinkValidationError', `Could not find ${row}: Warehouse: ${item.warehouse}`);
        if (item.batch_no && !batches.has(item.batch_no))
          return frappeError(417, 'LinkValidationError', `Could not find ${row}: Batch No: ${item.batch_no}`);
        if (item.batch_no && !item.use_serial_batch_fields)
          return frappeError(417, 'ValidationError', `${row}: Serial and Batch Bundle is mandatory for item ${item.item_code}`);
        if (!(num(item.qty) >= 0)) return frappeError(417, 'ValidationError', `${row}: Negative Quantity is not allowed`);
        if (!(num(item.valuation_rate) >= 0)) return frappeError(417, 'ValidationError', `${row}: Negative Valuation Rate is not allowed`);
      }
      const name = `MAT-RECO-${doc.posting_date.slice(0, 4)}-${String(reconciliations.length + 1).padStart(5, '0')}`;
      reconciliations.push({ name, docstatus: 0, doc });
      return { body: { data: { ...doc, name, docstatus: 0, doctype: 'Stock Reconciliation' } } };
    }
    if (req.path.startsWith(`${DOCTYPE}/`) && req.method === 'PUT') {
      const name = req.path.slice(DOCTYPE.length + 1);
      const found = reconciliations.find((r) => r.name === name);
      if (!found) return frappeError(404, 'DoesNotExistError', `Stock Reconciliation ${name} not found`);
      const change = req.body as { docstatus?: number };
      if (change?.docstatus === 1) {
        if (found.docstatus !== 0) return frappeError(417, 'DocstatusTransitionError', 'Cannot change docstatus from 1 to 1');
        found.docstatus = 1;
      }
      return { body: { data: { ...found.doc, name, docstatus: found.docstatus } } };
    }
    return frappeError(404, 'DoesNotExistError', `${req.method} ${req.path} not found`);
  });
  return { ...server, reconciliations, items, warehouses, accounts, batches };
}
