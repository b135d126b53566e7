import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowestFirst from './test/support/sequencer.ts';
import { PATIENCE_MS } from './test/support/wait.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    // PGlite is WASM Postgres: each worker holds its own instances, so forks keep memory apart.
    pool: 'forks',
    // A worker runs its files one after another in one process, keeping the modules it has loaded and its
    // test databases (test/support/db.ts): measured on this 2-core machine, a full run took 15.1 min this
    // way against 20.4 min with a fresh process per file (which imported the sources again for each of
    // ~170 files, about 200 s in all). Tests restore what they change (timers, environment variables).
    isolate: false,
    // One file per core: much of the suite waits on child processes (the README tour's 46 CLI commands, npm
    // start, Postgres, Chromium), and vitest's default (cores - 1) ran the files one at a time on 2 cores.
    maxWorkers: Math.max(2, availableParallelism()),
    // The slowest files start first, so none runs alone at the end (test/support/sequencer.ts).
    sequence: { sequencer: SlowestFirst },
    // Generous limits for a busy 2-core machine (test/support/wait.ts); a test that walks many steps sets its
    // own limit from its size (stepsBudget) rather than a guessed number.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll waits for a condition as long as waitFor() does (vitest's default is 1 s).
    expect: { poll: { timeout: PATIENCE_MS } },
  },
});
