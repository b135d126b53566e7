/**
 * Who is at the browser. On a loopback-only server (the default) a visitor picks a person from the
 * database: that is for one machine's own use. Bound to any other address, the server only accepts a
 * sign-in link (`stocktake access login <person>`), which sets a signed session cookie; every page then
 * needs a session, and the API an API key or a session. Form posts must come from our own pages (CSRF).
 */
import type { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { authenticate } from '../services/credentials.ts';
import { getPerson } from '../services/people.ts';
import { NotAllowedError } from '../domain/errors.ts';
import type { AppContext, AppEnv } from './app.ts';
import { esc, renderPage, APP_CSS } from './layout.ts';
import { pageLocale } from './locale.ts';
import { sameOriginPath } from './platformSignIn.ts';
import { SESSION_COOKIE } from './session.ts';
import { render, renderAll } from '../domain/phrase.ts';
import { httpTexts } from '../domain/texts/http.ts';

/** Paths anyone may open without a session, even on a public server. */
const PUBLIC = [
  /^\/login$/,
  /^\/open\/(telegram|feishu|dingtalk)$/,
  /^\/session$/,
  /^\/assets\//,
  /^\/api\/v1\/openapi\.json$/,
  /^\/(healthz|livez|readyz)$/,
  // Approval centres call back with their own proof (a token, a signature): src/http/centres.ts checks it.
  /^\/centres\/(feishu|dingtalk)$/,
];

const WORDS = {
  en: {
    title: 'Sign in',
    ask: 'Open the sign-in link an admin gave you (created with <code>stocktake access login &lt;person&gt;</code>), or paste its token here.',
    token: 'Sign-in token',
    go: 'Sign in',
    bad: 'That sign-in token is unknown, revoked or expired. Ask an admin for a new link.',
  },
  'zh-CN': {
    title: '登录',
    ask: '打开管理员给你的登录链接（用 <code>stocktake access login &lt;人员&gt;</code> 生成），或在此粘贴其中的令牌。',
    token: '登录令牌',
    go: '登录',
    bad: '该登录令牌无效、已撤销或已过期，请向管理员索取新链接。',
  },
};

/** Signs `personId` in on this browser: the signed session cookie every instance accepts. */
export function startSession(c: AppContext, personId: string): void {
  setCookie(c, SESSION_COOKIE, c.get('deps').sessions.issue(personId), {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: 7 * 24 * 3600,
  });
}

export function mountAuth(app: Hono<AppEnv>): void {
  // Cookies ride along on cross-site form posts, so those must come from our own pages. A request with an
  // API key is a script's, which no other site can make a browser send: it needs no Origin.
  const sameOrigin = csrf();
  app.use('*', (c, next) => (c.req.header('authorization') ? next() : sameOrigin(c, next)));

  app.use('*', async (c, next) => {
    const { localOnly } = c.get('deps');
    if (localOnly || c.get('actor') || PUBLIC.some((p) => p.test(c.req.path)) || c.req.path.startsWith('/api/')) return next();
    // Pages and the console need a session; the API answers 401 JSON itself (requireActor).
    if (c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html'))
      return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    const phrase = httpTexts.signInLinkFirst();
    return c.json({ error: { code: 'UNAUTHENTICATED', message: render(phrase, 'en', 'api'), localized: renderAll(phrase, 'api') } }, 401);
  });

  app.get('/assets/app.css', (c) => c.body(APP_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }));

  const signIn = async (c: AppContext, token: string | undefined) => {
    const locale = pageLocale(c);
    const t = WORDS[locale];
    const { db, localOnly } = c.get('deps');
    const actor = token ? await authenticate(db, 'login', token.trim()) : null;
    if (actor) {
      startSession(c, actor.personId);
      return c.redirect(sameOriginPath(c.req.query('next')));
    }
    const body = `<h1>${esc(t.title)}</h1>
${token ? `<p class="notice bad" role="alert">${esc(t.bad)}</p>` : ''}
<p>${t.ask}</p>
<form method="post" action="/login"><label>${esc(t.token)} <input type="text" name="token" size="44" autocomplete="off" required></label> <button class="btn btn--primary">${esc(t.go)}</button></form>`;
    return c.html(renderPage({ title: t.title, locale, actor: null, localOnly, active: 'none', body }), token ? 401 : 200);
  };

  app.get('/login', (c) => signIn(c, c.req.query('token')));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    return signIn(c, typeof form.token === 'string' ? form.token : undefined);
  });

  app.post('/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect(c.get('deps').localOnly ? '/?switch=1' : '/login');
  });

  /** Local only: "I am <person>". Refused on a public server, where only a sign-in link identifies you. */
  app.post('/session', async (c) => {
    const { db, sessions, localOnly } = c.get('deps');
    if (!localOnly) throw new NotAllowedError(httpTexts.chooseOnlyLocal());
    const form = await c.req.parseBody();
    const person = await getPerson(db, String(form.person ?? ''));
    setCookie(c, SESSION_COOKIE, sessions.issue(person.id), { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 7 * 24 * 3600 });
    const next = typeof form.next === 'string' && form.next.startsWith('/') && !form.next.startsWith('//') ? form.next : '/';
    return c.redirect(next);
  });
}
