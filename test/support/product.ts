import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stepsBudget } from './wait.ts';

/** The repository root: where `npm start` and `npx stocktake` run from. */
export const ROOT = join(import.meta.dirname, '../..');

const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/**
 * The arguments to give `process.execPath` to run what `npm start` runs (the compiled dist/server.js,
 * which the test run builds first: test/support/globalSetup.ts), read from package.json so the two cannot
 * drift apart. Spawn it with `cwd: ROOT`.
 */
export const NPM_START_ARGS: string[] = (() => {
  const [command, ...args] = scripts.start!.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${scripts.start}", not node: update test/support/product.ts`);
  return args;
})();

/** Starts the product as `npm start` does and resolves with the URL it prints. */
export async function startProduct(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, NPM_START_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, STOCKTAKE_DATA_DIR: dataDir, PORT: '0', STOCKTAKE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    // Two steps: the first start creates the embedded database (tens of seconds on a busy machine).
    const timer = setTimeout(() => reject(new Error(`the server did not start in time:\n${out}`)), stepsBudget(2));
    child.stdout!.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
  });
  return { url, child, output: () => out };
}
