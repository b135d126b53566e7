#!/usr/bin/env node
// The `stocktake` command runs the compiled build in dist/ (made by `npm ci` / `npm install`, or by
// `npm run build` after editing the sources): plain JavaScript starts in a fraction of tsx's time.
// Stacks only print with STOCKTAKE_DEBUG, so only then are they mapped back to the sources (reading the
// source maps costs start-up time on every call).
// On the embedded database a call goes to the directory's keeper first (dist/client.js, built from
// src/cli/client.ts), which keeps PGlite open between calls; otherwise, or when no keeper can take it, the
// call runs here.
import { fileURLToPath } from 'node:url';

if (process.env.STOCKTAKE_DEBUG) process.setSourceMapsEnabled(true);
let client;
try {
  client = await import('../../dist/client.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/client.js')) throw error;
  process.stderr.write('error: the compiled CLI is missing (dist/client.js): run `npm run build` (npm install does it)\n');
  process.exit(1);
}
const served = await client.viaKeeper(process.argv, process.env, fileURLToPath(import.meta.url));
if (served !== null) process.exitCode = served;
else {
  const { main } = await import('../../dist/stocktake.js');
  process.exitCode = await main(process.argv);
}
