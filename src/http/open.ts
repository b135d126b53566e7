/**
 * `/open/<platform>?next=/count/ST-…`: the page a chat card's "Count on phone" / "Add photo" button opens
 * inside Telegram, Feishu or DingTalk. Its script asks the platform who is looking (platformSignIn.ts) and
 * posts the proof back here; the server checks it with the platform, finds the person with that platform
 * identity and starts their session, then goes on to `next`. An unknown platform user gets a page saying
 * who they are and what to ask an admin for, a forged or stale proof a 403; neither gets a cookie.
 */
import type { Hono } from 'hono';
import { findPerson } from '../services/people.ts';
import type { AppContext, AppEnv } from './app.ts';
import { startSession } from './auth.ts';
import { esc, renderPage } from './layout.ts';
import { pageLocale } from './locale.ts';
import { openTexts } from './openTexts.ts';
import { IdentityRefusedError, type PlatformSignIn, sameOriginPath, SIGN_IN_PLATFORMS, type SignInPlatform } from './platformSignIn.ts';

/** A value placed in an inline script: JSON with `<` escaped, so no `</script>` can end the script early. */
export const scriptValue = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The page's own half: fills the form and posts it, or shows what to do outside the platform. */
const PAGE_SCRIPT = `(function(){
var form=document.getElementById('open');
function show(id){document.getElementById('wait').hidden=true;document.getElementById(id).hidden=false;}
window.stocktakeSend=function(proof){if(!proof){show('failed');return;}form.elements.proof.value=proof;form.submit();};
window.stocktakeNoPlatform=function(){show('outside');};
window.stocktakeFailed=function(){show('failed');};
window.stocktakeLoad=function(src,done){var s=document.createElement('script');s.src=src;s.onload=done;s.onerror=window.stocktakeNoPlatform;document.head.appendChild(s);};
})();`;

/** Mounts the bootstrap page and the proof exchange for each configured platform. */
export function mountOpen(signIns: readonly PlatformSignIn[]): (app: Hono<AppEnv>) => void {
  const byPlatform = new Map(signIns.map((s) => [s.platform, s]));
  const configured = (c: AppContext): PlatformSignIn | null => {
    const platform = c.req.param('platform') as SignInPlatform;
    return (SIGN_IN_PLATFORMS as readonly string[]).includes(platform) ? (byPlatform.get(platform) ?? null) : null;
  };

  return (app) => {
    app.get('/open/:platform', (c) => {
      const signIn = configured(c);
      const next = sameOriginPath(c.req.query('next'));
      // A platform that is not configured here cannot vouch for anyone: the ordinary sign-in takes over.
      if (!signIn) return c.redirect(`/login?next=${encodeURIComponent(next)}`);
      const locale = pageLocale(c);
      const t = openTexts(locale, signIn.platform);
      const login = `/login?next=${encodeURIComponent(next)}`;
      const body = `<h1>${esc(t.opening)}</h1>
<p id="wait" role="status">${esc(t.wait)}</p>
<p id="outside" hidden>${esc(t.outside)} <a class="btn" href="${esc(login)}">${esc(t.signInLink)}</a></p>
<p id="failed" hidden role="alert" class="notice bad">${esc(t.failed)} <a href="${esc(login)}">${esc(t.signInLink)}</a></p>
<noscript><p>${esc(t.outside)} <a href="${esc(login)}">${esc(t.signInLink)}</a></p></noscript>
<form id="open" method="post" action="/open/${signIn.platform}"><input type="hidden" name="proof"><input type="hidden" name="next" value="${esc(c.req.query('next') ? next : '')}"></form>
<script>${PAGE_SCRIPT}</script>
<script>${signIn.script}</script>`;
      const { localOnly } = c.get('deps');
      c.header('cache-control', 'no-store');
      return c.html(renderPage({ title: t.opening, locale, actor: null, localOnly, active: 'none', body }));
    });

    app.post('/open/:platform', async (c) => {
      const signIn = configured(c);
      if (!signIn) return c.redirect('/login');
      const locale = pageLocale(c);
      const t = openTexts(locale, signIn.platform);
      const { db, localOnly, log } = c.get('deps');
      const page = (title: string, body: string, status: 403 | 502) => {
        c.header('cache-control', 'no-store');
        return c.html(
          renderPage({ title, locale, actor: null, localOnly, active: 'none', body: `<h1>${esc(title)}</h1>\n${body}` }),
          status,
        );
      };
      const form = await c.req.parseBody();
      const proof = typeof form.proof === 'string' ? form.proof.trim() : '';
      let user: Awaited<ReturnType<PlatformSignIn['verify']>>;
      try {
        if (!proof) throw new IdentityRefusedError('no proof was sent', 'missing');
        user = await signIn.verify(proof);
      } catch (error) {
        if (error instanceof IdentityRefusedError) {
          log('warn', 'platform sign-in refused', { platform: signIn.platform, reason: error.reason, detail: error.message });
          return page(t.refusedTitle, `<p class="notice bad" role="alert">${esc(t.refused[error.reason])}</p>`, 403);
        }
        log('error', 'platform sign-in: the platform could not be asked', { platform: signIn.platform, error });
        return page(t.unreachableTitle, `<p class="notice bad" role="alert">${esc(t.unreachable)}</p>`, 502);
      }
      const identity = `${signIn.platform}:${user.externalId}`;
      const person = await findPerson(db, identity);
      if (!person) {
        log('info', 'platform sign-in: nobody has this identity', { identity });
        const command = `npx stocktake people add <your-handle> --identity ${identity}`;
        return page(
          t.unknownTitle,
          `<p>${esc(t.unknownWho(user.name, identity))}</p>
<p>${esc(t.unknownAsk)}</p>
<pre class="command"><code>${esc(command)}</code></pre>
<p>${esc(t.unknownThen)}</p>`,
          403,
        );
      }
      startSession(c, person.id);
      log('info', 'platform sign-in', { identity, person: person.handle });
      const asked = typeof form.next === 'string' && form.next ? form.next : user.next;
      return c.redirect(sameOriginPath(asked));
    });
  };
}
