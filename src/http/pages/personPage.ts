/**
 * One person, for admins: GET /people/:person shows their name, platform identities and roles; the posts
 * add a person, rename them, add or remove an identity, and make a one-time code that links a chat
 * account (src/services/linkCodes.ts). Changes to a person need an admin over them (requireAdminOver);
 * each redirects back with a notice that is shown only while it is true, a refusal shows the page again
 * with the reason. The link code is shown once, in the answer to its post.
 */
import { parseLocale, type Locale } from '../../../cards/i18n/index.ts';
import { personLocale, setPersonLocale } from '../../services/personLocale.ts';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { parseIdentity } from '../../domain/people.ts';
import { wallClock } from '../../domain/time.ts';
import { createLinkCode, LINK_CODE_MINUTES } from '../../services/linkCodes.ts';
import { removeIdentity, requireAdminOver } from '../../services/administration.ts';
import { addPerson, findPerson, getPerson, listPeople } from '../../services/people.ts';
import { esc } from '../layout.ts';
import { adminPage, badNotice, formFields, okNotice, refusalNotice, refusalStatus, textInput, type AdminContext } from './admin.ts';
import { peopleBody } from './people.ts';
import { badge, localizedMessage, queryString, type PageResult } from './shared.ts';

const done = z.object({
  done: z.enum(['added', 'renamed', 'identityAdded', 'identityRemoved', 'language']),
  identity: z.string().max(200).optional(),
});

type Listed = Awaited<ReturnType<typeof listPeople>>[number];

const personPath = (handle: string) => `/people/${encodeURIComponent(handle)}`;

async function listed(p: AdminContext, handle: string): Promise<Listed> {
  const person = await getPerson(p.deps.db, handle);
  return (await listPeople(p.deps.db)).find((x) => x.handle === person.handle)!;
}

function render(
  p: AdminContext,
  person: Listed,
  flash: string,
  code?: { code: string; until: string },
  locale: Locale | null = null,
): string {
  const w = p.w.person;
  const option = (value: string, label: string) =>
    `<option value="${value}"${(locale ?? 'auto') === value ? ' selected' : ''}>${esc(label)}</option>`;
  const path = personPath(person.handle);
  const identities = person.identities
    .map((identity) => {
      const removable = !identity.startsWith('cli:');
      return `<li data-identity="${esc(identity)}"><code>${esc(identity)}</code>${
        removable
          ? ` <form method="post" action="${path}/identities" class="inline"><input type="hidden" name="identity" value="${esc(identity)}"><input type="hidden" name="op" value="remove"><button class="link revoke" title="${esc(w.removeTitle(identity))}" aria-label="${esc(w.removeTitle(identity))}">${esc(w.remove)}</button></form>`
          : ''
      }</li>`;
    })
    .join('');
  const roles = person.roles.length
    ? person.roles.map((r) => badge(r.replace(/:([a-z]+)$/, (_m, role: string) => `: ${p.t.roles[role] ?? role}`))).join(' ')
    : '<span class="muted">—</span>';
  const linkCode = code
    ? `<p class="notice ok" role="status">${esc(w.code)}: <strong class="link-code" data-code="${esc(code.code)}">${esc(code.code)}</strong><br>${esc(w.codeHowTo(code.code, code.until, LINK_CODE_MINUTES))}</p>`
    : '';
  return `<h1>${esc(w.title(person.handle))}</h1>
${flash}
<section class="panel">
<h2>${esc(w.nameTitle)}</h2>
<form class="filters" method="post" action="${path}/name">${textInput('name', w.name, person.name, 'required maxlength="100"')} <button class="btn btn--primary">${esc(p.w.save)}</button></form>
</section>
<section class="panel">
<h2>${esc(w.identitiesTitle)}</h2>
<ul class="identities">${identities}</ul>
<p class="muted">${esc(w.identitiesHint)}</p>
<form class="filters" method="post" action="${path}/identities"><input type="hidden" name="op" value="add">${textInput('identity', w.newIdentity, '', 'required placeholder="telegram:123456789"')} <button class="btn">${esc(w.addIdentity)}</button></form>
</section>
<section class="panel" id="link">
<h2>${esc(w.linkTitle)}</h2>
<p class="muted">${esc(w.linkHint)}</p>
${linkCode}
<form method="post" action="${path}/link-code"><button class="btn btn--primary">${esc(w.makeCode)}</button></form>
</section>
<section class="panel" id="language">
<h2>${esc(w.languageTitle)}</h2>
<p class="muted">${esc(w.languageHint)}</p>
<form class="filters" method="post" action="${path}/language"><label>${esc(w.languageTitle)} <select name="locale">${option('auto', w.languageAuto)}${option('zh-CN', '中文')}${option('en', 'English')}</select></label> <button class="btn btn--primary">${esc(p.w.save)}</button></form>
</section>
<section class="panel">
<h2>${esc(w.rolesTitle)}</h2>
<p>${roles}</p>
<p class="muted"><a href="/people">${esc(w.rolesHint)}</a></p>
</section>
<p><a href="/people">${esc(w.back)}</a></p>`;
}

/** GET /people/:person. */
export const personPage = adminPage(async (p) => {
  const person = await listed(p, p.c.req.param('person') ?? '');
  const q = done.safeParse(p.c.req.query());
  let flash = '';
  if (q.success) {
    const w = p.w.person;
    const identity = q.data.identity ?? '';
    const has = person.identities.includes(identity);
    if (q.data.done === 'added') flash = okNotice(w.added(person.handle));
    else if (q.data.done === 'renamed') flash = okNotice(w.renamed);
    else if (q.data.done === 'identityAdded' && has) flash = okNotice(w.identityAdded(identity));
    else if (q.data.done === 'identityRemoved' && identity && !has) flash = okNotice(w.identityRemoved(identity));
    else if (q.data.done === 'language') flash = okNotice(w.languageSaved);
  }
  const { locale } = await getPerson(p.deps.db, person.handle);
  return { title: p.w.person.title(person.handle), active: 'people', body: render(p, person, flash, undefined, personLocale(locale)) };
});

/** POST /people/:person/language: zh-CN, en, or auto (each chat's). */
export const languagePage = adminPage(async (p) => {
  const form = await formFields(p);
  return change(p, async (handle) => {
    const target = await getPerson(p.deps.db, handle);
    await setPersonLocale(p.deps.db, p.actor, target.id, form.locale === 'auto' ? null : parseLocale(form.locale ?? ''));
    return back(p, handle, { done: 'language' });
  });
});

/** Runs a change to a person; a refusal renders the person's page with the reason. */
async function change(p: AdminContext, body: (handle: string) => Promise<Response | PageResult>): Promise<Response | PageResult> {
  const handle = p.c.req.param('person') ?? '';
  const target = await getPerson(p.deps.db, handle);
  try {
    await requireAdminOver(p.deps.db, p.actor, target);
    return await body(target.handle);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const person = await listed(p, target.handle);
    return {
      title: p.w.person.title(person.handle),
      active: 'people',
      status: refusalStatus(error),
      body: render(p, person, refusalNotice(p, error)),
    };
  }
}

const back = (p: AdminContext, handle: string, params: Record<string, string>) =>
  p.c.redirect(`${personPath(handle)}${queryString({ ...params, lang: p.c.req.query('lang') })}`, 303);

/** POST /people/:person/name. */
export const renamePage = adminPage(async (p) => {
  const form = await formFields(p);
  return change(p, async (handle) => {
    await addPerson(p.deps.db, { handle, name: form.name ?? '' }, p.actor);
    return back(p, handle, { done: 'renamed' });
  });
});

/** POST /people/:person/identities: op add or remove. */
export const identitiesPage = adminPage(async (p) => {
  const form = await formFields(p);
  const identity = (form.identity ?? '').trim();
  return change(p, async (handle) => {
    if (form.op === 'remove') {
      await removeIdentity(p.deps.db, handle, identity, p.actor);
      return back(p, handle, { done: 'identityRemoved', identity });
    }
    const saved = await addPerson(p.deps.db, { handle, identities: [identity] }, p.actor);
    const parsed = parseIdentity(identity);
    return back(p, saved.handle, { done: 'identityAdded', identity: parsed ? `${parsed.platform}:${parsed.externalId}` : identity });
  });
});

/** POST /people/:person/link-code: the code, shown once on the page that answers. */
export const linkCodePage = adminPage(async (p) =>
  change(p, async (handle) => {
    const made = await createLinkCode(p.deps.db, p.actor, handle);
    const timezone = p.adminOf[0]?.timezone ?? 'UTC';
    const person = await listed(p, handle);
    return {
      title: p.w.person.title(handle),
      active: 'people',
      body: render(p, person, '', { code: made.code, until: `${wallClock(made.expiresAt, timezone)} (${timezone})` }),
    };
  }),
);

/** POST /people/add: a new person (an existing handle is refused: edit them instead). */
export const addPersonPage = adminPage(async (p) => {
  const form = await formFields(p);
  const handle = (form.handle ?? '').trim().toLowerCase();
  const identity = (form.identity ?? '').trim();
  const refuse = async (text: string, status: 400 | 403 = 400): Promise<PageResult> => ({
    title: p.t.people.title,
    active: 'people',
    status,
    body: await peopleBody(p, badNotice(`${p.w.refused} ${text}`)),
  });
  if (handle && (await findPerson(p.deps.db, handle))) return refuse(p.w.person.exists(handle));
  if (identity && !parseIdentity(identity)) return refuse(p.w.person.badIdentity);
  try {
    const saved = await addPerson(
      p.deps.db,
      { handle, ...(form.name?.trim() ? { name: form.name } : {}), identities: identity ? [identity] : [] },
      p.actor,
    );
    return back(p, saved.handle, { done: 'added' });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return refuse(localizedMessage(p, error), refusalStatus(error) === 403 ? 403 : 400);
  }
});
