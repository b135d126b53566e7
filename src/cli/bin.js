#!/usr/bin/env node
// The `stocktake` command runs the compiled build in dist/ (made by `npm ci` / `npm install`, or by
// `npm run build` after editing the sources): plain JavaScript starts in a fraction of tsx's time.
// Stacks only print with STOCKTAKE_DEBUG, so only then are they mapped back to the sources (reading the
// source maps costs start-up time on every call).
if (process.env.STOCKTAKE_DEBUG) process.setSourceMapsEnabled(true);
let main;
try {
  ({ main } = await import('../../dist/stocktake.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/stocktake.js')) throw error;
  process.stderr.write('error: the compiled CLI is missing (dist/stocktake.js): run `npm run build` (npm install does it)\n');
  process.exit(1);
}
process.exitCode = await main(process.argv);
