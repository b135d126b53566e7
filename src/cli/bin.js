#!/usr/bin/env node
// The `stocktake` command. TypeScript runs through tsx, so there is no build step to remember.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
