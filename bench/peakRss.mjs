// Preloaded into the CLI process the import benchmark spawns (node --import): on exit, writes the
// process's peak resident set size (KiB) and CPU time (µs, user + system) as JSON to the file
// BENCH_RSS_FILE names. Node reports a child's resource use only for itself, so the child has to tell.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  if (process.env.BENCH_RSS_FILE)
    writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRSS: usage.maxRSS, cpu: usage.userCPUTime + usage.systemCPUTime }));
});
