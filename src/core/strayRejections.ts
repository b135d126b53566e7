/**
 * The last line of defence for a long-running process (`npm start`) against the database driver.
 *
 * postgres.js 3.4.9 still has paths that reject a promise nobody holds when the server goes away at the
 * wrong moment (porsager/postgres#1192, the types query on a fresh connection — patched in
 * patches/postgres+3.4.9.patch — and #1208 on reserved connections). Node ends the process on such a
 * rejection. CI saw it once in ten outages (test/resilience/outage.test.ts, a killed postmaster under 20
 * concurrent writers): the request that was waiting had already been answered 503 and its transaction
 * rolled back, so the only harm was the crash itself.
 *
 * So a stray rejection that says "the database is unreachable" is logged and the process keeps serving:
 * nothing is waiting for it, the pool reconnects on the next query. Any other stray rejection is a bug of
 * ours: it is logged and the process ends with code 1, as Node would end it, so a supervisor restarts it.
 */
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import type { Logger } from './log.ts';

export interface StrayRejectionOptions {
  /** How the process ends on a rejection that is not a database outage (tests pass a spy). */
  exit?: (code: number) => void;
  /** Where the handler is installed (tests pass an EventEmitter). */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Installs the handler; the returned function removes it. */
export function guardStrayRejections(log: Logger, options: StrayRejectionOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  const handler = (reason: unknown) => {
    const query = (reason as { query?: unknown } | null)?.query;
    const fields = { error: reason, ...(typeof query === 'string' ? { query: query.slice(0, 500) } : {}) };
    if (isDatabaseUnavailable(reason)) {
      log('warn', 'database connection lost outside any request (a driver promise nobody waited for); still serving', fields);
      return;
    }
    log('error', 'unhandled rejection; stopping', fields);
    exit(1);
  };
  target.on('unhandledRejection', handler);
  return () => target.off('unhandledRejection', handler);
}
