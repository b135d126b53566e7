/**
 * The HTTP server's app: which host names it answers to (hosts.ts), who the caller is (an API key, a signed session cookie, or — on a local-only
 * server — the person chosen in the console), errors as JSON with stable codes, and the parts mounted on
 * it: the REST API (/api/v1), the dashboard pages, and the web chat console (bots/web).
 */
import { parseLocale, type Locale } from '../../cards/i18n/index.ts';
import { personLocale, setPersonLocale } from '../services/personLocale.ts';
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../domain/people.ts';
import { authenticate } from '../services/credentials.ts';
import { outboxQueued } from '../services/outbox.ts';
import { getPerson } from '../services/people.ts';
import type { Logger } from '../core/log.ts';
import { errorResponse, UnauthenticatedError } from './errors.ts';
import { checkHost, LOOPBACK_HOSTS } from './hosts.ts';
import { requestLog } from './requestLog.ts';
import { SESSION_COOKIE, type SessionSigner } from './session.ts';
import { httpTexts } from '../domain/texts/http.ts';
import { render, renderAll } from '../domain/phrase.ts';

export interface HttpDeps {
  db: Db;
  log: Logger;
  sessions: SessionSigner;
  /**
   * True when the server listens on a loopback address only: the console then lets a visitor pick who they
   * are. Otherwise every page and call needs a session (sign-in link) or an API key.
   */
  localOnly: boolean;
  maxUploadBytes: number;
  /** The language of a page when neither the visitor nor their browser chose one. */
  defaultLocale: Locale;
  /** The clock of a chat bound to no warehouse (STOCKTAKE_DEFAULT_TIMEZONE); default Asia/Shanghai. */
  defaultTimezone?: string;
  /** What `audit verify` checks the chain's anchors with (STOCKTAKE_AUDIT_KEY, the published head file). */
  audit?: { key: string | null; headFile: string | null };
  /** Host names the server answers to (see hosts.ts); default the loopback names only. */
  allowedHosts?: readonly string[];
  /**
   * Called after a request that may have changed something (any method but GET and HEAD) succeeded: the
   * sender delivers the chat updates it queued now rather than at its next poll (`outbox`: this process
   * queued outbox rows while the request ran; see outboxQueued), and the approval centres pick up a
   * decision made in the console or through the API at once.
   */
  changed?: (what: { outbox: boolean }) => void;
}

export type AppEnv = {
  Variables: {
    actor: Actor | null;
    deps: HttpDeps;
    log: Logger;
    requestId: string;
    /** The signed-in person's own language (src/services/personLocale.ts), null when they chose none. */
    personLocale: Locale | null;
    /** Set when an upload went over the limit before it was read (src/http/pages/index.ts). */
    uploadTooLarge?: boolean;
  };
};
export type AppContext = Context<AppEnv>;

/** The caller, or 401: use in every route that acts for someone. */
export function requireActor(c: AppContext): Actor {
  const actor = c.get('actor');
  if (!actor) throw new UnauthenticatedError(c.get('deps').localOnly ? httpTexts.chooseWhoFirst() : httpTexts.signInFirst());
  return actor;
}

export function createHttpApp(deps: HttpDeps, mounts: ((app: Hono<AppEnv>) => void)[]): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requestLog(deps.log));
  // Before anyone is identified: a page of another site rebound to our address must not get that far.
  app.use('*', checkHost(deps.allowedHosts ?? LOOPBACK_HOSTS));
  app.use('*', async (c, next) => {
    const queued = outboxQueued();
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.res.status < 400) deps.changed?.({ outbox: outboxQueued() !== queued });
  });
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('actor', null);
    c.set('personLocale', null);
    const auth = c.req.header('authorization');
    if (auth) {
      const actor = await authenticate(deps.db, 'api_key', auth.replace(/^Bearer\s+/i, '').trim());
      if (!actor) throw new UnauthenticatedError(httpTexts.badApiKey());
      c.set('actor', actor);
    } else {
      const personId = deps.sessions.verify(getCookie(c, SESSION_COOKIE));
      if (personId) {
        const person = await getPerson(deps.db, personId).catch(() => null);
        if (person) {
          const actor = { personId: person.id, handle: person.handle, identity: `web:${person.handle}` };
          c.set('actor', actor);
          // The language switch (?lang=) is this person's choice: kept for them, so their chat answers, direct
          // messages and the console on any device speak it (and the console's cards too).
          const switched = parseLocale(c.req.query('lang') ?? '');
          if (switched && c.req.method === 'GET' && switched !== personLocale(person.locale)) {
            await setPersonLocale(deps.db, actor, person.id, switched);
            c.set('personLocale', switched);
          } else c.set('personLocale', personLocale(person.locale));
        }
      }
    }
    await next();
  });
  app.onError((error, c) => {
    // Hono's own refusals (the CSRF check's 403, a malformed body's 400) keep their status.
    if (error instanceof HTTPException && error.status < 500) {
      if (error.status === 403) {
        const refused = httpTexts.crossSite();
        const body = { code: 'CROSS_SITE', message: render(refused, 'en', 'api'), localized: renderAll(refused, 'api') };
        return c.json({ error: body }, 403);
      }
      return c.json({ error: { code: 'BAD_REQUEST', message: error.message || 'bad request' } }, error.status);
    }
    const ref = randomUUID().slice(0, 8);
    // A request of the console's own pages (its session, no API key) gets the advice that fits a page.
    const surface = c.req.header('authorization') ? 'api' : 'page';
    const { status, body } = errorResponse(error, ref, surface);
    const log = c.get('log') ?? deps.log;
    if (status === 503) {
      log('warn', 'request refused: database unavailable', { ref, error });
      return c.json(body, 503, { 'retry-after': '5' });
    }
    if (status >= 500) log('error', 'request failed', { ref, error });
    return c.json(body, status as 400);
  });
  for (const mount of mounts) mount(app);
  return app;
}
