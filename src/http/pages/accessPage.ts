/**
 * GET /admin/access and its posts: API keys and sign-in links (credentials.ts). Creating one shows the
 * secret once, on the page that answers the post (a sign-in link as the whole link); the list shows
 * prefixes only. Creating or revoking needs an admin over the person (requireAdminOver), since whoever
 * holds the secret acts as them; both are audited under the admin's name.
 */
import { DomainError, NotFoundError } from '../../domain/errors.ts';
import { adminTexts } from '../../domain/texts/admin.ts';
import { createCredential, listCredentials, revokeCredential, type CredentialKind } from '../../services/credentials.ts';
import { requireAdminOver } from '../../services/administration.ts';
import { getPerson, listPeople } from '../../services/people.ts';
import { esc } from '../layout.ts';
import { adminPage, badNotice, formFields, okNotice, refusalNotice, refusalStatus, select, textInput, type AdminContext } from './admin.ts';
import { localTime, queryString, type PageResult } from './shared.ts';

const KINDS: CredentialKind[] = ['api_key', 'login'];

async function render(p: AdminContext, top: string, status?: PageResult['status']): Promise<PageResult> {
  const w = p.w.access;
  const tz = p.adminOf[0]?.timezone ?? 'UTC';
  const credentials = await listCredentials(p.deps.db);
  const people = await listPeople(p.deps.db);
  const rows = credentials.map(
    (c) =>
      `<tr data-credential="${esc(c.prefix)}"><td>${esc(w.kinds[c.kind])}</td><td>${esc(c.person)}</td><td>${esc(c.label)}</td><td><code>${esc(c.prefix)}…</code></td><td>${esc(localTime(c.createdAt, tz))}</td><td>${esc(localTime(c.expiresAt, tz))}</td><td>${esc(localTime(c.lastUsedAt, tz))}</td><td>${
        c.revoked
          ? `<span class="badge muted">${esc(w.revoked)}</span>`
          : `<form method="post" action="/admin/access/revoke" class="inline"><input type="hidden" name="id" value="${esc(c.id)}"><button class="btn btn--danger">${esc(w.revoke)}</button></form>`
      }</td></tr>`,
  );
  const table = rows.length
    ? `<div class="table-scroll"><table class="data credentials"><thead><tr><th>${esc(w.kind)}</th><th>${esc(w.person)}</th><th>${esc(w.label)}</th><th>${esc(w.prefix)}</th><th>${esc(w.createdAt)}</th><th>${esc(w.expiresAt)}</th><th>${esc(w.lastUsed)}</th><th>${esc(w.state)}</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`
    : `<p class="muted">${esc(w.none)}</p>`;
  const form = `<h2>${esc(w.createTitle)}</h2>
<form class="filters" method="post" action="/admin/access">
${select(
  'kind',
  w.kind,
  KINDS.map((k) => [k, w.kinds[k]]),
)}
${select(
  'person',
  w.person,
  people.map((x) => [x.handle, x.name && x.name !== x.handle ? `${x.handle} (${x.name})` : x.handle]),
)}
${textInput('label', w.label, '', 'maxlength="100"')}
${textInput('expiresInDays', w.expires, '', 'inputmode="numeric" maxlength="4"')}
<button class="btn btn--primary">${esc(w.create)}</button>
</form>`;
  return {
    title: w.title,
    active: 'admin',
    ...(status ? { status } : {}),
    body: `<h1>${esc(w.title)}</h1>\n${top}\n<p class="muted">${esc(w.hint)}</p>\n${table}\n${form}`,
  };
}

export const accessPage = adminPage(async (p) => {
  const prefix = p.c.req.query('revoked');
  const revoked = prefix ? (await listCredentials(p.deps.db)).find((c) => c.prefix === prefix && c.revoked) : undefined;
  return render(p, revoked ? okNotice(p.w.access.revokedNotice(revoked.prefix)) : '');
});

/** POST /admin/access: the new key or link, shown once. */
export const createAccessPage = adminPage(async (p) => {
  const form = await formFields(p);
  const w = p.w.access;
  const days = (form.expiresInDays ?? '').trim();
  if (days && (!/^\d{1,4}$/.test(days) || Number(days) < 1 || Number(days) > 3650))
    return render(p, badNotice(`${p.w.refused} ${w.badDays(days)}`), 400);
  try {
    const kind: CredentialKind = form.kind === 'login' ? 'login' : 'api_key';
    const person = await getPerson(p.deps.db, form.person ?? '');
    await requireAdminOver(p.deps.db, p.actor, person);
    const made = await createCredential(
      p.deps.db,
      {
        kind,
        person: person.handle,
        ...(form.label?.trim() ? { label: form.label.trim() } : {}),
        ...(days ? { expiresInDays: Number(days) } : {}),
      },
      p.actor,
    );
    const link = `${new URL(p.c.req.url).origin}/login?token=${encodeURIComponent(made.secret)}`;
    const shown = kind === 'login' ? link : made.secret;
    const top = `${okNotice(w.created(w.kinds[kind], person.handle))}
<p><label>${esc(kind === 'login' ? w.link : w.secret)}<br><input type="text" class="secret" readonly value="${esc(shown)}" size="60" data-secret></label></p>`;
    return render(p, top);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return render(p, refusalNotice(p, error), refusalStatus(error));
  }
});

/** POST /admin/access/revoke. */
export const revokeAccessPage = adminPage(async (p) => {
  const form = await formFields(p);
  try {
    const id = (form.id ?? '').trim();
    const [credential] = /^[0-9a-f-]{36}$/i.test(id) ? await listCredentials(p.deps.db, { id }) : [];
    if (!credential) throw new NotFoundError('credential', id, adminTexts.credentialNotFound(id));
    await requireAdminOver(p.deps.db, p.actor, await getPerson(p.deps.db, credential.person));
    const revoked = await revokeCredential(p.deps.db, credential.id, p.actor);
    return p.c.redirect(`/admin/access${queryString({ revoked: revoked.prefix, lang: p.c.req.query('lang') })}`, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return render(p, refusalNotice(p, error), refusalStatus(error));
  }
});
