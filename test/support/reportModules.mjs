// A module hook (node --import, see test/cli/startup.test.ts): prints "module: PATH" on stderr for every
// module a process resolves from node_modules (PATH from the package name on, e.g. drizzle-orm/index.js),
// so a test can see what a command loads.
import { writeSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Loaded by --import on the main thread, it registers itself; Node then loads it again in its hooks thread.
if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const match = /\/node_modules\/(.+)$/.exec(resolved.url);
  if (match) writeSync(2, `module: ${match[1]}\n`);
  return resolved;
}
