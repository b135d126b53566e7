import { Command, CommanderError } from 'commander';
import type { Db } from '../../db/client.ts';
import type { Config } from '../config.ts';
import { registerAccess } from './commands/access.ts';
import { registerAudit } from './commands/audit.ts';
import { registerCases } from './commands/cases.ts';
import { registerChats } from './commands/chats.ts';
import { registerDemo } from './commands/demo.ts';
import { registerIntegration } from './commands/integration.ts';
import { registerErp } from './commands/erp.ts';
import { registerMasterData } from './commands/masterData.ts';
import { registerPatterns } from './commands/patterns.ts';
import { registerReport } from './commands/report.ts';
import { registerReview } from './commands/review.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerStocktake } from './commands/stocktake.ts';
import { registerStructure } from './commands/structure.ts';
import { registerCyclePlans } from './commands/cyclePlans.ts';
import { registerUndo } from './commands/undo.ts';
import { registerKeeper } from './commands/keeper.ts';
import { EXIT_INVALID, processIo, runCommand, type CliSettings, type CommandResult, type Io, type RunOptions } from './context.ts';
// Imported rather than read at run time: the build inlines it, so dist/ needs no path back to the sources.
import packageJson from '../../package.json' with { type: 'json' };

const { version } = packageJson;

export type CliRunner = (
  opts: { json?: boolean },
  action: (db: Db, config: Config, cli: CliSettings) => Promise<CommandResult>,
  options?: RunOptions,
) => Promise<void>;

/** Builds the `stocktake` program; `io` is swappable so tests drive it in-process. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('stocktake')
    .description('Stocktake assistant: count import, variances and the post-count process')
    .version(version, '-V, --version')
    .showHelpAfterError()
    // `variances <stocktake> --json` and `variances confirm … --json` both exist: options belong to the
    // command they follow, not to its parent.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const run: CliRunner = async (opts, action, options) => setExit(await runCommand(io, opts.json ?? false, action, options));
  registerMasterData(program, run);
  const variances = registerStocktake(program, run);
  registerReview(program, run, variances);
  registerUndo(program, run);
  registerAudit(program, run);
  registerChats(program, run);
  registerAccess(program, run);
  registerDemo(program, run);
  registerSchedule(program, run);
  registerReport(program, run);
  registerPatterns(program, run);
  registerIntegration(program, run);
  registerStructure(program, run);
  registerCyclePlans(program, run);
  registerErp(program, run);
  registerCases(program, run);
  registerKeeper(program, io, setExit);
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/** Runs the CLI with process-style argv and returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are exit 0; a usage error (unknown command, missing argument) is invalid input.
      return error.exitCode === 0 ? 0 : EXIT_INVALID;
    }
    throw error;
  }
  return code;
}
