import { resolve } from 'node:path';
import { z } from 'zod';
import type { DatabaseTarget } from '../db/client.ts';
import { DEFAULT_RETENTION, MIN_RETENTION_DAYS, type RetentionPolicy } from './domain/retention.ts';

/** Days to keep a kind of row: a whole number, never below the platforms' redelivery floor (src/domain/retention.ts). */
const retentionDays = (fallback: number) =>
  z.coerce
    .number()
    .int('must be a whole number of days')
    .min(
      MIN_RETENTION_DAYS,
      `must be at least ${MIN_RETENTION_DAYS} days: platforms redeliver events and clients retry requests for up to a day, and a shorter window would run them twice`,
    )
    .max(3650)
    .default(fallback);

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  STOCKTAKE_DATA_DIR: z.string().trim().min(1).default('./data'),
  /**
   * How long the CLI's keeper keeps the embedded database open after its last call, in seconds (see
   * src/cli/keeper.ts); 0: no keeper, each call opens the database itself.
   */
  STOCKTAKE_KEEPER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  STOCKTAKE_DEFAULT_TIMEZONE: z.string().trim().min(1).default('Asia/Shanghai'),
  /** Signs the tokens on card buttons; when unset one is made and kept in the database. */
  STOCKTAKE_ACTION_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * Signs the audit chain's checkpoints (HMAC-SHA256). Kept out of the database, so that someone who can
   * write the database cannot re-sign a rewritten chain. The same on every instance; never logged.
   */
  STOCKTAKE_AUDIT_KEY: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Where the latest checkpoint is published (default: beside the PGlite data directory; none on Postgres). */
  STOCKTAKE_AUDIT_HEAD_FILE: z
    .string()
    .trim()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The language of a chat the bot has not seen before (each chat can change it with "lang"). */
  STOCKTAKE_DEFAULT_LOCALE: z.enum(['zh-CN', 'en']).default('zh-CN'),
  STOCKTAKE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Count sheets sent in chats larger than this are refused before download. */
  STOCKTAKE_MAX_UPLOAD_MB: z.coerce.number().positive().max(200).default(20),
  /** Where `npm start` serves the console, the dashboard and the API. Loopback only by default. */
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** How people reach the server from outside (behind a proxy): the base of sign-in links. */
  /** Event ids, idempotency keys and delivered outbox rows are deleted after this many days. */
  STOCKTAKE_RETENTION_DAYS: retentionDays(DEFAULT_RETENTION.days),
  /** Outbox rows that failed for good are kept longer: they are the evidence of what never arrived. */
  STOCKTAKE_RETENTION_FAILED_DAYS: retentionDays(DEFAULT_RETENTION.failedDays),
  /** Card buttons older than this answer with a refreshed card instead of acting. */
  STOCKTAKE_RETENTION_BUTTON_DAYS: retentionDays(DEFAULT_RETENTION.buttonDays),
  PUBLIC_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * More host names the server answers to, comma-separated (names people or a proxy use besides the
   * loopback names, HOST and PUBLIC_URL's host). Any other Host is refused (DNS rebinding).
   */
  STOCKTAKE_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(\[[0-9a-f:.]+\]|[0-9a-f:]*:[0-9a-f:.]*|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/,
            'must be host names without scheme or port, separated by commas (e.g. stock.example.com,10.0.0.5)',
          ),
      ),
    ),
});

export type Config = z.infer<typeof envSchema>;

/** Thrown when an environment variable is malformed; names the variable, never echoes its value. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  override readonly name = 'ConfigError';
}

/** Parses the environment once. Values are never echoed back, since DATABASE_URL may hold a password. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

export function databaseTarget(config: Config): DatabaseTarget {
  return config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.STOCKTAKE_DATA_DIR };
}

/**
 * The published head of the audit chain: STOCKTAKE_AUDIT_HEAD_FILE, else on PGlite a file beside the data
 * directory (a local installation has somewhere to keep it), else none.
 */
export function auditHeadFile(config: Config): string | null {
  if (config.STOCKTAKE_AUDIT_HEAD_FILE) return resolve(config.STOCKTAKE_AUDIT_HEAD_FILE);
  return config.DATABASE_URL ? null : `${resolve(config.STOCKTAKE_DATA_DIR)}.audit-head.json`;
}

export function retentionPolicy(config: Config): RetentionPolicy {
  return {
    days: config.STOCKTAKE_RETENTION_DAYS,
    failedDays: config.STOCKTAKE_RETENTION_FAILED_DAYS,
    buttonDays: config.STOCKTAKE_RETENTION_BUTTON_DAYS,
  };
}
