/**
 * ERPNext (Frappe REST): a Stock Reconciliation created with POST /api/resource/Stock Reconciliation and
 * submitted with PUT /api/resource/Stock Reconciliation/<name> {"docstatus": 1}, authenticated by
 * `Authorization: token <api key>:<api secret>`. Each line sets the counted quantity of item × warehouse ×
 * batch at the posting date, with the line's unit cost as valuation_rate. Frappe refuses with an HTTP error
 * and { exc_type, exception, _server_messages } (or _error_message) where _server_messages is a JSON list of JSON objects
 * whose `message` is what a user reads. The document's number is in `remarks`, so a repeated send finds
 * the reconciliation an earlier attempt made instead of making a second.
 */
import type { DocumentPayload } from '../payload.ts';
import { mapSku, type ErpnextConfig } from './config.ts';
import { ErpError } from './errors.ts';
import { erpFetch, retryableStatus, snippet, type ErpResponse } from './http.ts';
import { secretFrom, type Env } from './secrets.ts';

const DOCTYPE = '/api/resource/Stock%20Reconciliation';

function headers(config: ErpnextConfig, env: Env): Record<string, string> {
  const key = secretFrom('erpnext', env, config.apiKeyEnv);
  const secret = secretFrom('erpnext', env, config.apiSecretEnv);
  return { authorization: `token ${key}:${secret}`, accept: 'application/json', 'content-type': 'application/json' };
}

/** What a user reads in a Frappe error: the _server_messages' messages, else the exception line. */
export function frappeMessage(res: ErpResponse): string {
  const body = (res.json ?? {}) as { _server_messages?: string; _error_message?: string; exception?: string; exc_type?: string };
  const messages: string[] = [];
  if (typeof body._server_messages === 'string') {
    try {
      for (const item of JSON.parse(body._server_messages) as string[]) {
        const parsed = JSON.parse(item) as { message?: string } | string;
        const text = typeof parsed === 'string' ? parsed : parsed.message;
        if (text) messages.push(text.replace(/<[^>]+>/g, ''));
      }
    } catch {
      messages.push(body._server_messages);
    }
  }
  if (messages.length) return `${body.exc_type ? `${body.exc_type}: ` : ''}${messages.join('; ')}`;
  if (body._error_message) return `${body.exc_type ? `${body.exc_type}: ` : ''}${body._error_message}`;
  if (body.exception) return body.exception;
  if (body.exc_type) return body.exc_type;
  return `HTTP ${res.status} ${snippet(res.text)}`;
}

function check(res: ErpResponse, what: string): void {
  if (res.status >= 200 && res.status < 300) return;
  throw new ErpError('erpnext', `${what}: ${frappeMessage(res)}`, { retryable: retryableStatus(res.status) });
}

/** The remarks that mark a reconciliation as ours (and let a retry find it). */
export const erpnextRemarks = (doc: DocumentPayload) => `${doc.warehouse}/${doc.number} (stocktake ${doc.stocktake})`;

/** The Stock Reconciliation body for a document. */
export function erpnextReconciliation(doc: DocumentPayload, config: ErpnextConfig): Record<string, unknown> {
  const accounts = [...new Set(doc.lines.map((l) => l.account).filter((a): a is string => Boolean(a)))];
  const expenseAccount = config.expenseAccount ?? (accounts.length === 1 ? accounts[0] : undefined);
  if (!expenseAccount) {
    throw new ErpError(
      'erpnext',
      accounts.length > 1
        ? `the lines book to ${accounts.length} accounts (${accounts.join(', ')}) and a Stock Reconciliation takes one: set expenseAccount in the connector`
        : 'no expense account: set expenseAccount in the connector (or map the causes to an account)',
      { retryable: false },
    );
  }
  const warehouse = config.warehouse ?? doc.warehouse;
  return {
    company: config.company,
    purpose: 'Stock Reconciliation',
    posting_date: doc.postingDate,
    set_posting_time: 1,
    expense_account: expenseAccount,
    ...(config.costCenter ? { cost_center: config.costCenter } : {}),
    remarks: erpnextRemarks(doc),
    items: doc.lines.map((l) => ({
      item_code: mapSku(config, l.sku),
      warehouse,
      qty: l.countedQty,
      valuation_rate: l.unitCost,
      ...(l.lot ? { batch_no: l.lot, use_serial_batch_fields: 1 } : {}),
    })),
  };
}

/** Creates and submits the reconciliation; the external ref is its name (MAT-RECO-…). */
export async function send(doc: DocumentPayload, config: ErpnextConfig, env: Env): Promise<{ externalRef: string }> {
  const h = headers(config, env);
  const body = erpnextReconciliation(doc, config);
  const filters = JSON.stringify([
    ['remarks', '=', erpnextRemarks(doc)],
    ['docstatus', '!=', 2],
  ]);
  const found = await erpFetch(
    'erpnext',
    `${config.baseUrl}${DOCTYPE}?filters=${encodeURIComponent(filters)}&fields=${encodeURIComponent('["name","docstatus"]')}`,
    {
      method: 'GET',
      headers: h,
    },
  );
  check(found, 'looking for an earlier reconciliation');
  const earlier = ((found.json as { data?: { name: string; docstatus: number }[] } | null)?.data ?? [])[0];
  let name: string;
  let docstatus: number;
  if (earlier) {
    ({ name, docstatus } = earlier);
  } else {
    const created = await erpFetch('erpnext', `${config.baseUrl}${DOCTYPE}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
    check(created, 'creating the Stock Reconciliation');
    const data = (created.json as { data?: { name?: string; docstatus?: number } } | null)?.data;
    if (!data?.name)
      throw new ErpError('erpnext', `creating the Stock Reconciliation: no name in ${snippet(created.text)}`, { retryable: false });
    name = data.name;
    docstatus = data.docstatus ?? 0;
  }
  if (docstatus === 0 && config.submit) {
    const submitted = await erpFetch('erpnext', `${config.baseUrl}${DOCTYPE}/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: h,
      body: JSON.stringify({ docstatus: 1 }),
    });
    check(submitted, `submitting ${name}`);
  }
  return { externalRef: name };
}

/** Checks the key and secret: who ERPNext says we are. */
export async function test(config: ErpnextConfig, env: Env): Promise<string> {
  const res = await erpFetch('erpnext', `${config.baseUrl}/api/method/frappe.auth.get_logged_user`, {
    method: 'GET',
    headers: headers(config, env),
  });
  check(res, 'login');
  return `authenticated as ${(res.json as { message?: string } | null)?.message ?? '?'}`;
}
