import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/client.ts';
import { DataDirInUseError } from '../../db/lock.ts';
import { auditHeadFile, ConfigError, databaseTarget, loadConfig, type Config } from '../config.ts';
import { DomainError, InvalidInputError, type InputProblem } from '../domain/errors.ts';
import { redact } from '../redact.ts';
import { sealAudit } from '../services/auditSeal.ts';
import { cliLocale, renderProblems } from './format.ts';
import type { PhraseLocale } from '../domain/phrase.ts';
import { cliWords } from './words.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID = 2;

export interface CommandResult {
  /** What --json prints. */
  data: unknown;
  /** What a person reads, in the CLI's language (cliLocale: STOCKTAKE_LANG, else LANG). */
  human: (locale: PhraseLocale) => string;
}

/** What a command knows of the command line beyond its options: the language it prints in. */
export interface CliSettings {
  locale: PhraseLocale;
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** How a command opens its database (default: openDatabase; tests running many commands in one process keep one open). */
  open?: typeof openDatabase;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
};

/**
 * Runs one CLI command against the configured database and turns its outcome into output and an exit
 * code: 0 done, 2 the input was refused (reasons on stderr; with --json also {"errors":[...]} on stdout),
 * 1 anything else.
 */
export async function runCommand(
  io: Io,
  json: boolean,
  action: (db: Db, config: Config, cli: CliSettings) => Promise<CommandResult>,
  options: RunOptions = {},
): Promise<number> {
  const locale = cliLocale(io.env);
  const words = cliWords(locale);
  let close: (() => Promise<void>) | null = null;
  let sealing: (() => Promise<unknown>) | null = null;
  try {
    const config = loadConfig(io.env);
    const target = databaseTarget(config);
    if (target.kind === 'pglite' && target.dataDir && !existsSync(join(target.dataDir, 'PG_VERSION'))) {
      io.stderr(words.creatingDatabase(target.dataDir));
    }
    const database = await (io.open ?? openDatabase)(target, {
      workload: options.workload ?? 'command',
      onStaleLock: (_, message) => io.stderr(`${words.warning}: ${message}`),
    });
    close = database.close;
    if (options.seal !== false) sealing = () => sealAfterCommand(database.db, config);
    const result = await action(database.db, config, { locale: cliLocale(io.env) });
    await sealing?.();
    sealing = null;
    io.stdout(json ? JSON.stringify(result.data, null, 2) : result.human(locale));
    return EXIT_OK;
  } catch (error) {
    // What a failed command committed before failing is sealed too; a failure to seal is not its error.
    await sealing?.().catch(() => {});
    return reportError(io, json, error);
  } finally {
    await close?.();
  }
}

export interface RunOptions {
  /** False for commands that only read the audit trail (verify): they must not change what they check. */
  seal?: boolean;
  /**
   * 'service' for a command that writes a whole table's worth of pages (a count import updates every line
   * of a stocktake): PGlite keeps its default buffer pool. With the 16 MB one, updating 200,000 lines
   * took 4.6 s instead of 2.2 s in bench:import, far more than the 0.8 s the small pool saves at start.
   */
  workload?: 'command' | 'service';
}

/**
 * Seals what the command wrote into the audit chain and writes a checkpoint: with PGlite there is no
 * server whose sealer would, and the published head then always matches the database the CLI leaves.
 */
async function sealAfterCommand(db: Db, config: Config): Promise<void> {
  await sealAudit(db, { key: config.STOCKTAKE_AUDIT_KEY ?? null, headFile: auditHeadFile(config), wait: true, checkpoint: 'always' });
}

function reportError(io: Io, json: boolean, error: unknown): number {
  if (error instanceof DomainError || error instanceof ConfigError) {
    const problems =
      error instanceof InvalidInputError && error.problems.length > 0
        ? error.problems
        : [{ line: null, column: null, message: error.message }];
    const locale = cliLocale(io.env);
    const text = error instanceof DomainError ? error.textFor(locale, 'cli') : error.message;
    io.stderr(`${locale === 'zh-CN' ? '错误：' : 'error: '}${text}`);
    if (error instanceof InvalidInputError && error.problems.length > 0) io.stderr(renderProblems(error.problems, locale));
    // The JSON keeps each problem's English message and its words in every language, not the catalogue entry.
    const listed = problems.map(({ phrase, ...problem }: InputProblem) => problem);
    if (json) io.stdout(JSON.stringify({ code: error.code, message: error.message, errors: listed }, null, 2));
    return EXIT_INVALID;
  }
  const zh = cliLocale(io.env) === 'zh-CN';
  if (error instanceof DataDirInUseError) {
    io.stderr(`${zh ? '错误：' : 'error: '}${error.message}`);
    if (json)
      io.stdout(
        JSON.stringify({ code: error.code, message: error.message, errors: [{ line: null, column: null, message: error.message }] }),
      );
    return EXIT_FAILURE;
  }
  // A failed query's own message repeats the SQL and its parameters; the database's reason is the cause.
  const reason = error instanceof Error && error.message.startsWith('Failed query') && error.cause instanceof Error ? error.cause : error;
  const message = redact(reason instanceof Error ? reason.message : String(reason), io.env);
  io.stderr(`${zh ? '内部错误：' : 'internal error: '}${message}`);
  if (io.env.STOCKTAKE_DEBUG && error instanceof Error && error.stack) io.stderr(redact(error.stack, io.env));
  if (json) io.stdout(JSON.stringify({ code: 'INTERNAL', message, errors: [{ line: null, column: null, message }] }));
  return EXIT_FAILURE;
}
