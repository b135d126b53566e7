import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
