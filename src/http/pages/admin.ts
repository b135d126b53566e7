/**
 * What the admin pages share: only an admin (of some warehouse) gets past `adminPage`, warehouse pages
 * check the warehouse too (`requireWarehouseAdmin`), and a refusal is shown in the page's language on the
 * page itself. GET /admin lists the pages. Forms are plain HTML posts (CSRF: the app's same-origin check).
 */
import type { DomainError } from '../../domain/errors.ts';
import { NotAllowedError } from '../../domain/errors.ts';
import { adminTexts } from '../../domain/texts/admin.ts';
import { warehousesOf, type WarehouseRoles } from '../../services/dashboard.ts';
import { esc } from '../layout.ts';
import { adminWords, type AdminWords } from './adminWords.ts';
import { localizedMessage, messagePage, type PageContext, type PageResult } from './shared.ts';

export interface AdminContext extends PageContext {
  w: AdminWords;
  /** The warehouses the caller administers (at least one). */
  adminOf: WarehouseRoles[];
}

/** Wraps an admin page: 403 for anyone who is not an admin of some warehouse. */
export function adminPage(handler: (p: AdminContext) => Promise<PageResult | Response>) {
  return async (p: PageContext): Promise<PageResult | Response> => {
    const w = adminWords(p.locale);
    const adminOf = (await warehousesOf(p.deps.db, p.actor.personId)).filter((x) => x.roles.includes('admin'));
    if (adminOf.length === 0)
      return {
        title: p.t.errors.forbiddenTitle,
        active: 'admin',
        status: 403,
        body: messagePage(p, p.t.errors.forbiddenTitle, w.forbidden),
      };
    return handler({ ...p, w, adminOf });
  };
}

/** Refuses (403) unless the caller administers the warehouse; returns it. */
export function requireWarehouseAdmin(p: AdminContext, code: string): WarehouseRoles {
  const wh = p.adminOf.find((x) => x.code.toLowerCase() === code.trim().toLowerCase());
  if (!wh) throw new NotAllowedError(adminTexts.warehouseAdminsOnly(code));
  return wh;
}

/** A form's text fields (files and repeated fields left out). */
export async function formFields(p: PageContext): Promise<Record<string, string>> {
  const body = await p.c.req.parseBody();
  return Object.fromEntries(Object.entries(body).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
}

export const okNotice = (text: string): string => `<p class="notice ok" role="status">${esc(text)}</p>`;
export const badNotice = (text: string): string => `<p class="notice bad" role="alert">${esc(text)}</p>`;

/** A refusal as the notice above the form: "Not changed: <reason>". */
export function refusalNotice(p: AdminContext, error: DomainError): string {
  return badNotice(`${p.w.refused} ${localizedMessage(p, error)}`);
}

/** The status a refusal is shown with. */
export function refusalStatus(error: DomainError): 400 | 403 | 404 | 409 {
  return error.code === 'NOT_ALLOWED' ? 403 : error.code === 'NOT_FOUND' ? 404 : error.code === 'STOCKTAKE_STATE' ? 409 : 400;
}

/** `<select>` with the given options; `selected` is preselected. */
export function select(name: string, label: string, options: readonly (readonly [string, string])[], selected?: string): string {
  return `<label>${esc(label)}<select name="${esc(name)}" required>${options
    .map(([v, l]) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(l)}</option>`)
    .join('')}</select></label>`;
}

export function textInput(name: string, label: string, value = '', extra = ''): string {
  return `<label>${esc(label)}<input type="text" name="${esc(name)}" value="${esc(value)}"${extra ? ` ${extra}` : ''}></label>`;
}

export function checkbox(name: string, label: string, checked: boolean): string {
  return `<label class="check"><input type="checkbox" name="${esc(name)}" value="1"${checked ? ' checked' : ''}> ${esc(label)}</label>`;
}

/** The warehouses an admin picks from. */
export const warehouseOptions = (p: AdminContext): [string, string][] =>
  p.adminOf.map((a) => [a.code, a.name && a.name !== a.code ? `${a.code} (${a.name})` : a.code]);

const SECTIONS = [
  ['people', '/people'],
  ['imports', '/admin/imports'],
  ['causes', '/admin/causes'],
  ['settings', '/admin/settings'],
  ['schedules', '/admin/schedules'],
  ['erp', '/admin/erp'],
  ['access', '/admin/access'],
  ['webhooks', '/admin/webhooks'],
] as const;

/** GET /admin: the admin pages, each with what it is for. */
export const adminHomePage = adminPage(async (p) => {
  const items = SECTIONS.map(([key, href]) => {
    const [title, what] = p.w.sections[key];
    return `<li data-section="${key}"><a href="${href}"><strong>${esc(title)}</strong></a><br><span class="muted">${esc(what)}</span></li>`;
  });
  return {
    title: p.w.title,
    active: 'admin',
    body: `<h1>${esc(p.w.title)}</h1>\n<p class="muted">${esc(p.w.intro)}</p>\n<ul class="admin-sections">\n${items.join('\n')}\n</ul>`,
  };
});
