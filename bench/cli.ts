/**
 * CLI start-up benchmark: how long a `stocktake` call takes next to the floor it cannot beat.
 *
 *   - `stocktake --help` against `node -e 0` (Node's own start-up). Target ≤ 8×. Also through `npx`, as
 *     README types it: npx starts npm first, which costs more than the CLI itself.
 *   - `stocktake status <stocktake>` on a PGlite data directory against a plain script that opens the same
 *     directory with PGlite and runs one query (PGlite's start-up). Target ≤ 3×. Once opening the
 *     directory itself, once served by the directory's keeper (src/cli/keeper.ts, the default).
 *   - the README's command-line tour (test/readme.test.ts walks the same script), run with bash once with
 *     the keeper and once with each call alone.
 *
 * Each figure is the median of BENCH_RUNS runs (default 11), the candidates interleaved so that a machine
 * getting busier slows both alike. It builds dist/ first, as `npm ci` does.
 *
 *   npm run bench:cli
 *   BENCH_RUNS=21 npm run bench:cli -- --no-tour
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { loadDemo } from '../src/services/demo.ts';

const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const BIN = join(ROOT, 'src/cli/bin.js');

/** Wall-clock milliseconds of one child process; fails loudly if it fails. */
function timed(args: string[], env: NodeJS.ProcessEnv = process.env, command = process.execPath): number {
  const started = performance.now();
  const child = spawnSync(command, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs each candidate RUNS times, interleaved, and returns each one's median in ms. */
function compare(candidates: Record<string, () => number>): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
  for (const f of Object.values(candidates)) f(); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [k, f] of Object.entries(candidates)) times[k]!.push(f());
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;
const row = (what: string, ms: number, floor: number, target: number) =>
  `${what.padEnd(34)} ${fmt(ms).padStart(8)}   ${(ms / floor).toFixed(1)}× the floor (target ≤ ${target}×)`;

let started = performance.now();
execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
console.log(`build (npm run build): ${fmt(performance.now() - started)}`);
console.log(`median of ${RUNS} runs each, wall clock, on ${process.version}\n`);

const help = compare({
  floor: () => timed(['-e', '0']),
  help: () => timed([BIN, '--help']),
  npx: () => timed(['stocktake', '--help'], process.env, 'npx'),
});
console.log(`${'node -e 0'.padEnd(34)} ${fmt(help.floor!).padStart(8)}`);
console.log(row('stocktake --help', help.help!, help.floor!, 8));
// What README's `npx stocktake` adds on top: npm itself starts before it finds and runs the bin.
console.log(`${'npx stocktake --help'.padEnd(34)} ${fmt(help.npx!).padStart(8)}   (npx's own start-up: ${fmt(help.npx! - help.help!)})`);

const dir = mkdtempSync(join(tmpdir(), 'stocktake-bench-cli-'));
try {
  const dataDir = join(dir, 'data');
  const seeded = await openDatabase({ kind: 'pglite', dataDir });
  const demo = await loadDemo(seeded.db);
  await seeded.close();
  const plain = join(dir, 'plain.mjs');
  // The floor: PGlite itself, resolved from this project's node_modules, opening the directory and querying.
  writeFileSync(
    plain,
    `import { PGlite } from ${JSON.stringify(import.meta.resolve('@electric-sql/pglite'))};
const db = await PGlite.create({ dataDir: process.argv[2] });
await db.query('select count(*) from stocktake_line');
await db.close();
`,
  );
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, STOCKTAKE_DATA_DIR: dataDir };
  // A call opening the directory itself (no keeper), interleaved with the floor: both open PGlite.
  const status = compare({
    floor: () => timed([plain, dataDir]),
    status: () => timed([BIN, 'status', demo.stocktake.code], { ...env, STOCKTAKE_KEEPER_SECONDS: '0' }),
  });
  console.log(`\n${'PGlite open + one query'.padEnd(34)} ${fmt(status.floor!).padStart(8)}`);
  console.log(row(`stocktake status ${demo.stocktake.code} (alone)`, status.status!, status.floor!, 3));
  // The same call served by the directory's keeper (the default): the first call starts it, then each call
  // is the client's start plus the command in the keeper. Measured apart: the floor's plain PGlite script
  // does not take the directory's lock, so it must not run while a keeper holds the directory.
  const kept = compare({ status: () => timed([BIN, 'status', demo.stocktake.code], env) });
  timed([BIN, 'keeper', '--stop'], env);
  console.log(row(`stocktake status ${demo.stocktake.code} (keeper)`, kept.status!, status.floor!, 3));

  if (!process.argv.includes('--no-tour')) {
    const tour = tourScript();
    const tourData = join(dir, 'tour');
    const before = new Set(readdirSync(ROOT));
    for (const [how, extra] of [
      ['with the keeper (default)', {}],
      ['each call alone (STOCKTAKE_KEEPER_SECONDS=0)', { STOCKTAKE_KEEPER_SECONDS: '0' }],
    ] as const) {
      rmSync(tourData, { recursive: true, force: true });
      const migrated = await openDatabase({ kind: 'pglite', dataDir: tourData });
      await migrated.close();
      started = performance.now();
      timed(['-c', tour.script], { ...env, ...extra, STOCKTAKE_DATA_DIR: tourData }, 'bash');
      const ms = performance.now() - started;
      timed([BIN, 'keeper', '--stop'], { ...env, STOCKTAKE_DATA_DIR: tourData });
      // The tour's export writes ST-…-posted.xlsx where it runs (the repository root): not ours to keep.
      for (const name of readdirSync(ROOT)) if (!before.has(name) && /^ST-\d{8}-\d{3}-posted\.xlsx$/.test(name)) rmSync(join(ROOT, name));
      console.log(
        `\nREADME tour, ${how}: ${tour.commands} ./stocktake calls in ${(ms / 1000).toFixed(1)} s (${fmt(ms / tour.commands)} a call)`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The README's command-line tour, both parts, as test/readme.test.ts runs it. */
function tourScript(): { script: string; commands: number } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blockAfter = (marker: string) => {
    const open = readme.indexOf('```sh\n', readme.indexOf(marker));
    return readme.slice(open + 6, readme.indexOf('\n```', open + 6) + 1);
  };
  const script = `${blockAfter('### 1. Count')}\n${blockAfter('### 2. Review, approve, post').replaceAll('-2026-', `-${new Date().getFullYear()}-`)}`;
  // Each mention, times the words of the `for … in …; do` loops around it (as test/readme.test.ts counts).
  let commands = 0;
  const loops: number[] = [];
  for (const line of script.split('\n')) {
    const loop = /^\s*for \w+ in ([^;]+);\s*do\b/.exec(line);
    if (loop) loops.push(loop[1]!.trim().split(/\s+/).length);
    commands += (line.match(/(?:\bnpx |\.\/)stocktake\b/g)?.length ?? 0) * loops.reduce((a, b) => a * b, 1);
    if (/\bdone\b/.test(line)) loops.pop();
  }
  return { script, commands };
}
