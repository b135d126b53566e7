/**
 * Telling "the database is unreachable right now" apart from every other failure. Such an error is
 * answered (HTTP 503 with Retry-After, a chat's "try again in a moment") and retried, never a crash:
 * postgres.js reconnects on the next query once the server is back.
 */

/** postgres.js's own codes for a lost or unreachable connection. */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);
/** Node's socket errors on the way to the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * SQLSTATEs of a server going away or not yet accepting: class 08 (connection exception), 57P01
 * admin_shutdown (pg_terminate_backend, a fast restart), 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up or in recovery), 53300 too_many_connections.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** True when `error` (or any error in its cause chain) says the database could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (DRIVER_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')))
      return true;
    // Several addresses tried at once (localhost → ::1 and 127.0.0.1) fail as one AggregateError.
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/** The database did not answer in time, or not at all. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(message = 'the database is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface WaitForDatabase {
  /** The first pause; each next one doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Epoch ms after which the outage is rethrown instead of waited out (default: never). */
  giveUpAt?: number;
  /** Told before each pause (to log it). */
  onWait(error: unknown, delayMs: number): void;
}

/** Runs `attempt` until it does not fail for an unreachable database; any other error is thrown at once. */
export async function retryWhileUnavailable<T>(attempt: () => Promise<T>, wait: WaitForDatabase): Promise<T> {
  for (let delay = wait.firstDelayMs; ; delay = Math.min(delay * 2, wait.maxDelayMs)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || (wait.giveUpAt !== undefined && Date.now() + delay > wait.giveUpAt)) throw error;
      wait.onWait(error, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
