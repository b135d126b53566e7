/**
 * GET /people and POST /people/roles: admins see everyone with their handles, names, identities and roles
 * per warehouse, and grant or revoke roles in the warehouses they administer. Plain HTML forms; a change
 * redirects back with a notice (post/redirect/get), a refusal shows the page again with the reason.
 */
import { z } from 'zod';
import { DomainError, InvalidInputError, NotAllowedError } from '../../domain/errors.ts';
import { ROLES, type Role } from '../../domain/people.ts';
import { warehousesOf, type WarehouseRoles } from '../../services/dashboard.ts';
import { grantRole, listPeople, revokeRole, rolesOf } from '../../services/people.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { esc } from '../layout.ts';
import { adminWords } from './adminWords.ts';
import { badge, errorPage, messagePage, queryString, type PageContext, type PageResult } from './shared.ts';
import { httpTexts } from '../../domain/texts/http.ts';

const roleChange = z.object({
  person: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  warehouse: z.string().trim().min(1).max(64),
  op: z.enum(['grant', 'revoke']),
});

const notice = z.object({
  done: z.enum(['granted', 'revoked']),
  person: z.string().max(100),
  role: z.enum(ROLES),
  warehouse: z.string().max(64),
});

async function adminWarehouses(p: PageContext): Promise<WarehouseRoles[]> {
  return (await warehousesOf(p.deps.db, p.actor.personId)).filter((w) => w.roles.includes('admin'));
}

function forbidden(p: PageContext): PageResult {
  return {
    title: p.t.errors.forbiddenTitle,
    active: 'people',
    status: 403,
    body: messagePage(p, p.t.errors.forbiddenTitle, p.t.errors.peopleForbidden),
  };
}

type People = Awaited<ReturnType<typeof listPeople>>;

function render(p: PageContext, admin: WarehouseRoles[], people: People, flash: string): string {
  const w = p.t.people;
  const a = adminWords(p.locale);
  const mine = new Set(admin.map((a) => a.code));
  const roleName = (r: string) => p.t.roles[r] ?? r;
  const revokeButton = (handle: string, warehouse: string, role: string) =>
    `<form method="post" action="/people/roles" class="inline"><input type="hidden" name="person" value="${esc(handle)}"><input type="hidden" name="role" value="${esc(role)}"><input type="hidden" name="warehouse" value="${esc(warehouse)}"><input type="hidden" name="op" value="revoke"><button class="link revoke" title="${esc(w.revokeTitle(roleName(role), warehouse))}" aria-label="${esc(w.revokeTitle(roleName(role), warehouse))}">×</button></form>`;
  const rows = people.map((person) => {
    const byWarehouse = new Map<string, string[]>();
    for (const grant of person.roles) {
      const at = grant.lastIndexOf(':');
      const [warehouse, role] = [grant.slice(0, at), grant.slice(at + 1)];
      byWarehouse.set(warehouse, [...(byWarehouse.get(warehouse) ?? []), role]);
    }
    const roles = [...byWarehouse]
      .map(
        ([warehouse, held]) =>
          `<div data-warehouse="${esc(warehouse)}"><strong>${esc(warehouse)}</strong>: ${held.map((r) => `<span class="badge" data-role="${esc(r)}">${esc(roleName(r))}${mine.has(warehouse) ? ` ${revokeButton(person.handle, warehouse, r)}` : ''}</span>`).join(' ')}</div>`,
      )
      .join('');
    return `<tr data-person="${esc(person.handle)}"><td><a href="/people/${encodeURIComponent(person.handle)}" title="${esc(a.person.edit)}"><strong>${esc(person.handle)}</strong></a></td><td>${esc(person.name)}</td><td>${person.identities.map((i) => badge(i)).join(' ')}</td><td>${roles || '<span class="muted">—</span>'}</td></tr>`;
  });
  const select = (name: string, label: string, options: [string, string][]) =>
    `<label>${esc(label)}<select name="${name}" required>${options.map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join('')}</select></label>`;
  const form = `<h2>${esc(w.grantTitle)}</h2>
<p class="muted">${esc(w.adminOf(admin.map((a) => a.code).join(', ')))}</p>
<form class="filters" method="post" action="/people/roles">
${select(
  'person',
  w.person,
  people.map((x) => [x.handle, x.name && x.name !== x.handle ? `${x.handle} (${x.name})` : x.handle]),
)}
${select(
  'role',
  w.role,
  ROLES.map((r) => [r, roleName(r)]),
)}
${select(
  'warehouse',
  w.warehouse,
  admin.map((a) => [a.code, a.name && a.name !== a.code ? `${a.code} (${a.name})` : a.code]),
)}
<button class="btn btn--primary" name="op" value="grant">${esc(w.grant)}</button> <button class="btn btn--danger" name="op" value="revoke">${esc(w.revoke)}</button>
</form>`;
  const table = people.length
    ? `<div class="table-scroll"><table class="data people"><thead><tr><th>${esc(w.handle)}</th><th>${esc(w.name)}</th><th>${esc(w.identities)}</th><th>${esc(w.roles)}</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`
    : `<p class="muted">${esc(w.none)}</p>`;
  const add = `<h2>${esc(a.person.addTitle)}</h2>
<form class="filters" method="post" action="/people/add">
<label>${esc(a.person.handle)}<input type="text" name="handle" required maxlength="32" autocomplete="off"></label>
<label>${esc(a.person.name)}<input type="text" name="name" maxlength="100"></label>
<label>${esc(a.person.identity)}<input type="text" name="identity" placeholder="telegram:123456789"></label>
<button class="btn btn--primary">${esc(a.person.add)}</button>
</form>`;
  return `<h1>${esc(w.title)}</h1>\n${flash}\n${table}\n${add}\n${form}`;
}

/** The people page's body with a notice on top (for pages that answer a refused post with it). */
export async function peopleBody(p: PageContext, flash: string): Promise<string> {
  return render(p, await adminWarehouses(p), await listPeople(p.deps.db), flash);
}

export async function peoplePage(p: PageContext): Promise<PageResult> {
  const admin = await adminWarehouses(p);
  if (admin.length === 0) return forbidden(p);
  const people = await listPeople(p.deps.db);
  const done = notice.safeParse(p.c.req.query());
  const w = p.t.people;
  // The notice comes from the redirect's query string: shown only while it is true, so a crafted link
  // cannot make the page claim a grant that did not happen.
  const holds =
    done.success && people.some((x) => x.handle === done.data.person && x.roles.includes(`${done.data.warehouse}:${done.data.role}`));
  const flash =
    done.success && holds === (done.data.done === 'granted')
      ? `<p class="notice ok" role="status">${esc((done.data.done === 'granted' ? w.granted : w.revoked)(done.data.person, p.t.roles[done.data.role] ?? done.data.role, done.data.warehouse))}</p>`
      : '';
  return { title: w.title, active: 'people', body: render(p, admin, people, flash) };
}

/** Grants or revokes; only an admin of that warehouse may. A refusal renders the page with the reason. */
export async function changeRolePage(p: PageContext): Promise<PageResult | Response> {
  const admin = await adminWarehouses(p);
  if (admin.length === 0) return forbidden(p);
  const form = await p.c.req.parseBody();
  try {
    const parsed = roleChange.safeParse(Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : ''])));
    if (!parsed.success) {
      // The first field that is wrong says what to do.
      const field = String(parsed.error.issues[0]?.path[0] ?? '');
      throw new InvalidInputError(
        field === 'person'
          ? httpTexts.choosePerson()
          : field === 'warehouse'
            ? httpTexts.chooseWarehouse()
            : field === 'role'
              ? httpTexts.chooseRole(ROLES.join(', '))
              : httpTexts.badOp(),
      );
    }
    const { person, role, op } = parsed.data;
    const wh = await getWarehouse(p.deps.db, parsed.data.warehouse);
    if (!(await rolesOf(p.deps.db, p.actor.personId, wh.id)).has('admin')) {
      throw new NotAllowedError(httpTexts.mayNotChangeRoles(p.actor.handle, wh.code));
    }
    const result =
      op === 'grant'
        ? await grantRole(p.deps.db, person, role, wh.code, p.actor)
        : await revokeRole(p.deps.db, person, role, wh.code, p.actor);
    const lang = p.c.req.query('lang');
    return p.c.redirect(
      `/people${queryString({ done: op === 'grant' ? 'granted' : 'revoked', person: result.person, role: result.role as Role, warehouse: result.warehouse, lang })}`,
      303,
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const failed = errorPage(p, error, 'people');
    const flash = `<p class="notice bad" role="alert">${esc(p.t.people.refused)} ${esc(error.textFor(p.locale, 'page'))}</p>`;
    return { title: p.t.people.title, active: 'people', status: failed.status, body: render(p, admin, await listPeople(p.deps.db), flash) };
  }
}
