/**
 * `stocktake keeper`: runs the keeper of the embedded database in the foreground (a CLI call starts one in
 * the background by itself, see src/cli/keeper.ts); `--stop` asks a running one to let go.
 */
import type { Command } from 'commander';
import { DataDirInUseError } from '../../../db/lock.ts';
import { askKeeperToRelease } from '../../../db/keeperSocket.ts';
import { ConfigError, databaseTarget, loadConfig } from '../../config.ts';
import { EXIT_FAILURE, EXIT_INVALID, EXIT_OK, type Io } from '../context.ts';
import { runKeeper } from '../keeper.ts';
import { cliLocale } from '../locale.ts';
import { cliWords } from '../words.ts';

export function registerKeeper(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('keeper')
    .description(
      'keep the embedded database open for the calls that follow, until STOCKTAKE_KEEPER_SECONDS (300) pass without one (calls start it in the background by themselves); --stop ends it',
    )
    .option('--stop', 'stop the keeper of the data directory')
    .action(async (opts: { stop?: boolean }) => setExit(await keeper(io, opts.stop ?? false)));
}

async function keeper(io: Io, stop: boolean): Promise<number> {
  const words = cliWords(cliLocale(io.env));
  const zh = cliLocale(io.env) === 'zh-CN';
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${zh ? '错误：' : 'error: '}${error.message}`);
    return EXIT_INVALID;
  }
  const target = databaseTarget(config);
  if (target.kind !== 'pglite' || !target.dataDir) {
    io.stdout(words.keeperPostgres);
    return EXIT_OK;
  }
  if (stop) {
    io.stdout((await askKeeperToRelease(target.dataDir)) ? words.keeperStopped(target.dataDir) : words.keeperNone(target.dataDir));
    return EXIT_OK;
  }
  try {
    const { main } = await import('../main.ts');
    return await runKeeper({ dataDir: target.dataDir, idleSeconds: config.STOCKTAKE_KEEPER_SECONDS, run: main, log: io.stderr });
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    io.stderr(`${zh ? '错误：' : 'error: '}${error.message}`);
    return EXIT_FAILURE;
  }
}
