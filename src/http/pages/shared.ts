/**
 * What every dashboard page shares: who is asking (or the redirect to choose), the locale and its words,
 * domain errors rendered as HTML pages instead of JSON, and formatting that never turns money into a float.
 */
import { groupDigits } from '../../domain/display.ts';
import type { Context } from 'hono';
import type { Locale } from '../../../cards/i18n/index.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Actor } from '../../domain/people.ts';
import { wallClock } from '../../domain/time.ts';
import type { AppContext, AppEnv, HttpDeps } from '../app.ts';
import { isAdminAnywhere } from '../../services/administration.ts';
import { errorResponse } from '../errors.ts';
import { esc, renderPage, type NavKey } from '../layout.ts';
import { pageLocale } from '../locale.ts';
import { words, type PageWords } from './i18n.ts';
import { DASHBOARD_CSS_PATH } from './styles.ts';

export interface PageContext {
  c: AppContext;
  actor: Actor;
  deps: HttpDeps;
  locale: Locale;
  t: PageWords;
  /** The caller is an admin of some warehouse: the navigation links the admin pages. */
  admin: boolean;
}

/** A page's answer: its title, the active navigation entry, the body (escaped HTML) and its status. */
export interface PageResult {
  title: string;
  active: NavKey;
  body: string;
  status?: 200 | 400 | 403 | 404 | 409 | 413;
  /** Extra escaped HTML for <head>: the page's own stylesheet or script. */
  head?: string;
}

const HEAD = `<link rel="stylesheet" href="${DASHBOARD_CSS_PATH}">`;

export function htmlPage(p: PageContext, result: PageResult): Response {
  const html = renderPage({
    title: result.title,
    locale: p.locale,
    actor: p.actor,
    localOnly: p.deps.localOnly,
    active: result.active,
    admin: p.admin,
    body: result.body,
    head: result.head ? `${HEAD}\n${result.head}` : HEAD,
  });
  return p.c.html(html, result.status ?? 200);
}

/**
 * Wraps a page handler: without a caller (a local server where nobody was chosen yet) the visitor is sent
 * to the console to choose who they are, then back here; a domain error becomes an HTML page with the
 * error's status and message (anything else goes on to the app's error handler, which logs it).
 */
export function page(active: NavKey, handler: (p: PageContext) => Promise<PageResult | Response>) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const actor = c.get('actor');
    const deps = c.get('deps');
    if (!actor) {
      const url = new URL(c.req.url);
      // A form post cannot be replayed after choosing: come back to the page the form was on.
      const next =
        c.req.method === 'GET'
          ? url.pathname + url.search
          : active === 'people'
            ? '/people'
            : active === 'admin'
              ? '/admin'
              : '/stocktakes';
      return c.redirect(`/?next=${encodeURIComponent(next)}`);
    }
    const locale = pageLocale(c);
    const p: PageContext = { c, actor, deps, locale, t: words(locale), admin: await isAdminAnywhere(deps.db, actor.personId) };
    try {
      const result = await handler(p);
      return result instanceof Response ? result : htmlPage(p, result);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return htmlPage(p, errorPage(p, error, active));
    }
  };
}

/** A domain error as a page: 403 "not allowed", 404 "not found", else "cannot show", with its message. */
export function errorPage(p: PageContext, error: DomainError, active: NavKey): PageResult {
  const { status } = errorResponse(error, '');
  const title = status === 403 ? p.t.errors.forbiddenTitle : status === 404 ? p.t.errors.notFoundTitle : p.t.errors.badRequestTitle;
  return {
    title,
    active,
    status: status === 403 || status === 404 || status === 409 ? status : 400,
    body: messagePage(p, title, error.textFor(p.locale, 'page')),
  };
}

/** A domain error's message in the page's language, when it has one. */
export function localizedMessage(p: Pick<PageContext, 'locale'>, error: DomainError): string {
  return error.textFor(p.locale, 'page');
}

export function messagePage(p: PageContext, title: string, message: string): string {
  return `<h1>${esc(title)}</h1>
<p class="notice bad" role="alert">${esc(message)}</p>
<p><a href="/stocktakes">${esc(p.t.errors.back)}</a></p>`;
}

/**
 * Thousands separators on an exact decimal string, leaving its digits alone:
 * `groupDigits('-2592.00')` → '-2,592.00'. Never goes through a JS number.
 */
export { groupDigits };

/** A decimal for a table cell: grouped, '—' when absent. */
export const num = (value: string | null | undefined): string => (value === null || value === undefined ? '—' : esc(groupDigits(value)));

/** A signed money cell: loss red, gain green. */
export function moneyCell(value: string | null): string {
  if (value === null) return '<td class="num muted">—</td>';
  const tone = value.startsWith('-') ? 'bad' : /[1-9]/.test(value) ? 'ok' : '';
  return `<td class="num${tone ? ` ${tone}` : ''}">${num(value)}</td>`;
}

/** An instant as the warehouse reads it: "2026-11-25 14:30"; "—" for none. */
export function localTime(iso: string | Date | null, timezone: string): string {
  return iso === null ? '—' : wallClock(typeof iso === 'string' ? new Date(iso) : iso, timezone);
}

export function badge(text: string, tone?: 'ok' | 'warn' | 'bad' | 'muted'): string {
  return `<span class="badge${tone ? ` ${tone}` : ''}">${esc(text)}</span>`;
}

/** Query string from the given parameters, leaving out empty ones. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}
