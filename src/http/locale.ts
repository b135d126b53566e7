/**
 * The language of a page: `?lang=` (remembered in a cookie and as the signed-in person's own), else the
 * person's own language, else the cookie, else the browser's
 * Accept-Language, else the installation's default. Chats keep their own locale; this is for pages.
 */
import { getCookie, setCookie } from 'hono/cookie';
import { parseLocale, type Locale } from '../../cards/i18n/index.ts';
import type { AppContext } from './app.ts';

export const LANG_COOKIE = 'stocktake_lang';

export function pageLocale(c: AppContext): Locale {
  const asked = c.req.query('lang');
  const fromQuery = asked ? parseLocale(asked) : null;
  if (fromQuery) {
    setCookie(c, LANG_COOKIE, fromQuery, { path: '/', sameSite: 'Lax', httpOnly: true, maxAge: 365 * 24 * 3600 });
    return fromQuery;
  }
  // The signed-in person's own choice (set by this switch on any device, or `lang me` in a chat).
  const own = c.get('personLocale');
  if (own) return own;
  const fromCookie = parseLocale(getCookie(c, LANG_COOKIE) ?? '');
  if (fromCookie) return fromCookie;
  const accept = (c.req.header('accept-language') ?? '').toLowerCase();
  if (accept) {
    const zh = accept.indexOf('zh');
    const en = accept.indexOf('en');
    if (zh >= 0 && (en < 0 || zh < en)) return 'zh-CN';
    if (en >= 0) return 'en';
  }
  return c.get('deps').defaultLocale;
}
