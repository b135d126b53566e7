/**
 * The whole product in one process: the bot service (dispatcher, outbox sender, every configured chat
 * platform, the web console and the scheduled jobs) and the HTTP server (console, dashboard, REST API).
 * `npm start` runs it; the browser tests start it the same way.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { auditHeadFile, type Config } from '../src/config.ts';
import { childLogger, type Logger } from '../src/core/log.ts';
import { createHttpApp } from '../src/http/app.ts';
import { allowedHostsOf } from '../src/http/hosts.ts';
import { mountAuth } from '../src/http/auth.ts';
import { mountApi } from '../src/http/api/index.ts';
import { mountHealth } from '../src/http/health.ts';
import { mountOpen } from '../src/http/open.ts';
import { mountPages } from '../src/http/pages/index.ts';
import { SessionSigner } from '../src/http/session.ts';
import { startService, type Service } from '../src/main.ts';
import { mountCentres } from '../src/http/centres.ts';
import { enabledAdapters, enabledCentres, enabledSignIns } from './index.ts';
import { createWebAdapter } from './web/index.ts';

export interface RunningServer {
  url: string;
  /** True when bound to a loopback address (the console lets visitors pick who they are). */
  localOnly: boolean;
  service: Service;
  stop(): Promise<void>;
}

/** Loopback addresses: only the machine itself can reach the server, so the console may let you pick who you are. */
export const isLoopback = (host: string) => host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');

export async function startServer(config: Config, env: NodeJS.ProcessEnv, log: Logger): Promise<RunningServer> {
  let web: ReturnType<typeof createWebAdapter> | null = null;
  const centres = await enabledCentres(env, log);
  const service = await startService(
    config,
    async (db, l) => {
      web = createWebAdapter({ db, log: childLogger(l, { component: 'web' }) });
      return [web, ...(await enabledAdapters(env, l, db))];
    },
    log,
    centres,
  );
  const localOnly = isLoopback(config.HOST);
  const signIns = await enabledSignIns(env, log);
  const app = createHttpApp(
    {
      db: service.database.db,
      log: childLogger(log, { component: 'http' }),
      sessions: new SessionSigner(service.secret),
      localOnly,
      maxUploadBytes: config.STOCKTAKE_MAX_UPLOAD_MB * 1024 * 1024,
      defaultLocale: config.STOCKTAKE_DEFAULT_LOCALE,
      defaultTimezone: config.STOCKTAKE_DEFAULT_TIMEZONE,
      allowedHosts: allowedHostsOf(config),
      audit: { key: config.STOCKTAKE_AUDIT_KEY ?? null, headFile: auditHeadFile(config) },
      changed: ({ outbox }) => {
        if (outbox) service.sender.kick();
        service.centreSync.nudge();
      },
    },
    [
      (a) => mountHealth(a, { db: service.database.db, platforms: () => service.platformHealth() }),
      mountAuth,
      mountOpen(signIns),
      mountCentres(centres, () => service.centreSync.nudge()),
      mountApi,
      mountPages,
      (a) => web!.mount(a),
    ],
  );
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s));
  });
  // An idle keep-alive connection is closed after 65 s, not Node's 5 s. On PGlite a long statement runs on
  // this process's own thread and holds up its timers: one finishing after 5 s closed connections whose
  // clients had meanwhile sent a request on them, which failed ("socket hang up" in 4 of 5 runs of
  // `npm run bench:writes -- --db pglite`, the code before this change too; none in 2 runs since). 65 s is also above
  // the 60 s idle timeout of common load balancers, so they close first, as they expect to.
  (server as { keepAliveTimeout: number; headersTimeout: number }).keepAliveTimeout = 65_000;
  (server as { keepAliveTimeout: number; headersTimeout: number }).headersTimeout = 66_000;
  const { port } = server.address() as AddressInfo;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return {
    url: `http://${host}:${port}`,
    localOnly,
    service,
    async stop() {
      // Open consoles hold event streams: end them, or close() would wait for every browser to leave.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await service.stop();
    },
  };
}
