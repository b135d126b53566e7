/**
 * Structured logs through pino: one JSON object a line on stderr —
 * `{"level":"error","time":"…","pid":…,"hostname":"…","component":"sender","msg":"…","error":{type,message,stack,cause}}`.
 *
 * Secrets are kept out twice over: pino's redaction censors fields named like secrets (authorization
 * headers, tokens, passwords, DATABASE_URL) wherever a call puts them, and every finished line passes
 * through src/redact.ts, which hides the environment's secret values and URL passwords even inside a
 * message, a URL or an error's text — places no field path reaches.
 *
 * Call sites keep one small shape, `log(level, message, fields)`, so the core stays free of pino's API;
 * `childLogger(log, { component: 'sender' })` gives a logger whose lines carry those bindings.
 */
import { pino, type DestinationStream } from 'pino';
import { redactor } from '../redact.ts';
import { serializeError } from './errorLog.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const satisfies readonly LogLevel[];

/**
 * What call sites use. A plain function is a Logger (tests pass `() => {}`); the production logger also has
 * `child`, which `childLogger` uses.
 */
export interface Logger {
  (level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `bindings` (pino's child logger). */
  child?(bindings: Record<string, unknown>): Logger;
}

/** A logger whose every line carries `bindings`: `childLogger(log, { component: 'sender' })`. */
export function childLogger(log: Logger, bindings: Record<string, unknown>): Logger {
  return log.child ? log.child(bindings) : functionLogger(log, bindings);
}

/** Field paths censored in any line (one level of nesting: `headers.authorization`, `config.token`). */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'cookie',
  '*.cookie',
  'headers.cookie',
  '*.headers.cookie',
  'headers["set-cookie"]',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'secret',
  '*.secret',
  'appSecret',
  '*.appSecret',
  'clientSecret',
  '*.clientSecret',
  'encryptKey',
  '*.encryptKey',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'DATABASE_URL',
  '*.DATABASE_URL',
  'databaseUrl',
  '*.databaseUrl',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** Where finished (redacted) lines go, each ending in a newline. Default: stderr. */
  write?: (line: string) => void;
  /** Whose secret values to hide. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Bindings on every line (e.g. the instance). */
  base?: Record<string, unknown>;
}

/** The production logger: pino, with our error serializer and both kinds of redaction. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = redactor(options.env ?? process.env);
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const destination: DestinationStream = { write: (line: string) => write(scrub(line)) };
  const logger = pino(
    {
      level: options.level ?? 'info',
      ...(options.base ? { base: options.base } : {}),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: serializeError, err: serializeError },
      redact: { paths: REDACTED_PATHS, censor: '***' },
    },
    destination,
  );
  return fromPino(logger);
}

/** The JSON logger at a level, writing lines (without their newline) to `write`: tests record with it. */
export function jsonLogger(minLevel: LogLevel = 'info', write?: (line: string) => void): Logger {
  return createLogger({ level: minLevel, ...(write ? { write: (line: string) => write(line.replace(/\n$/, '')) } : {}) });
}

function fromPino(p: pino.Logger): Logger {
  const log = ((level, message, fields) => {
    if (fields) p[level](fields, message);
    else p[level](message);
  }) as Logger;
  log.child = (bindings) => fromPino(p.child(bindings));
  return log;
}

/**
 * A Logger over a plain function, bindings merged into each line's fields: for tests that look at calls,
 * and for passing our logs on to another API.
 */
export function functionLogger(
  fn: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void,
  bindings: Record<string, unknown> = {},
): Logger {
  const bound = Object.keys(bindings).length > 0;
  const log = ((level, message, fields) => fn(level, message, bound ? { ...bindings, ...fields } : fields)) as Logger;
  log.child = (more) => functionLogger(fn, { ...bindings, ...more });
  return log;
}

export const silentLogger: Logger = functionLogger(() => {});
