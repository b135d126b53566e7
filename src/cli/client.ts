/**
 * The first thing a `stocktake` call runs (src/cli/bin.js): on the embedded database it hands the call to
 * the directory's keeper (keeper.ts), starting one when none runs, and prints what the keeper sends back.
 * Node built-ins only, so a call served by the keeper loads almost nothing: measured on the 2-core machine
 * (`npm run bench:cli`), a call through a running keeper takes about a fifth of one that opens PGlite itself.
 *
 * Returns the exit code, or null when this call is to run in its own process as before: on Postgres
 * (DATABASE_URL), with STOCKTAKE_KEEPER_SECONDS=0, for help and version, for a data directory not created
 * yet (the first call creates it and says so), and whenever no keeper could take the call before it began.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectTo, keeperSocketPath, readFrames, type KeeperRequest } from '../../db/keeperSocket.ts';
import { cliLocale } from './locale.ts';

/** The build's id, written by scripts/build.mjs beside the bundles. */
export function buildId(): string {
  try {
    return readFileSync(new URL('./build-id', import.meta.url), 'utf8').trim();
  } catch {
    return 'unbuilt';
  }
}

/** Whether a call goes to a keeper at all (see above). */
function keeperDataDir(args: string[], env: NodeJS.ProcessEnv): string | null {
  if (env.DATABASE_URL?.trim() || env.STOCKTAKE_KEEPER_SECONDS?.trim() === '0') return null;
  const [command] = args;
  if (command === undefined || command === 'keeper' || command === 'help') return null;
  if (args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V')) return null;
  // The data directory as config.ts reads it (STOCKTAKE_DATA_DIR trimmed, default ./data), worked out here
  // without loading config.ts: its zod alone takes about 90 ms to load, most of what a served call costs.
  const configured = env.STOCKTAKE_DATA_DIR;
  if (configured !== undefined && configured.trim() === '') return null; // the call's own run names the mistake
  const dataDir = resolve(configured?.trim() || './data');
  return existsSync(join(dataDir, 'PG_VERSION')) ? dataDir : null;
}

/**
 * Runs the call through the keeper of its data directory; `bin` is the path of src/cli/bin.js, run to
 * start a keeper when none listens.
 */
export async function viaKeeper(argv: string[], env: NodeJS.ProcessEnv, bin: string): Promise<number | null> {
  const dataDir = keeperDataDir(argv.slice(2), env);
  const path = dataDir ? keeperSocketPath(dataDir) : null;
  if (!dataDir || !path) return null;
  const request: KeeperRequest = { build: buildId(), argv, cwd: process.cwd(), env: { ...env } };
  for (let attempt = 0; attempt < 3; attempt++) {
    const socket = (await connectTo(path)) ?? (await startKeeper(path, dataDir, env, bin));
    if (!socket) return null;
    const outcome = await new Promise<number | 'retry' | 'lost'>((done) => {
      let started = false;
      let exit: number | null = null;
      readFrames(
        socket,
        (frame) => {
          if ('started' in frame) started = true;
          else if ('out' in frame) process.stdout.write(frame.out);
          else if ('err' in frame) process.stderr.write(frame.err);
          else if ('exit' in frame) exit = frame.exit;
        },
        () => done(exit ?? (started ? 'lost' : 'retry')),
      );
      socket.write(`${JSON.stringify(request)}\n`);
    });
    if (typeof outcome === 'number') return outcome;
    if (outcome === 'lost') {
      // The keeper stopped during the call: what it did may or may not have been committed.
      const { cliWords } = await import('./words.ts'); // only now: the catalogue is not light
      process.stderr.write(`${cliWords(cliLocale(env)).keeperLost}\n`);
      return 1;
    }
    // 'retry': the keeper went away before the call began (idle, another opener, another build): again.
  }
  return null;
}

/**
 * Starts a keeper in the background (it outlives this call) and connects once it listens; null if it
 * stopped first (the directory is held by another process, say: this call then runs alone and says so).
 */
async function startKeeper(path: string, dataDir: string, env: NodeJS.ProcessEnv, bin: string) {
  const child = spawn(process.execPath, [bin, 'keeper'], {
    detached: true,
    stdio: 'ignore',
    env: { ...env, STOCKTAKE_DATA_DIR: dataDir },
    cwd: process.cwd(),
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  child.unref();
  // Polled: the keeper listens once its database is open (about a second), or exits.
  for (;;) {
    const socket = await connectTo(path);
    if (socket || exited) return socket ?? (await connectTo(path)); // another keeper may have won the start
    await new Promise((wake) => setTimeout(wake, 20));
  }
}
