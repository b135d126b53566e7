#!/usr/bin/env node
/**
 * Compiles the two programs, the `stocktake` CLI and `npm start`, into dist/ so that a call runs plain
 * JavaScript instead of transpiling the sources first (tsx took ~2.8 s of CPU per call). `npm ci` and
 * `npm install` run it (postinstall); after editing sources, `npm run build`; the test run does it first.
 *
 * Every output file lands directly in dist/ (no chunks/ folder), so `import.meta.url` means the same
 * folder in every bundled module: db/client.ts finds its migrations beside it, copied here. Dependencies
 * stay external (node_modules) and dynamic imports stay separate chunks, loaded only when reached.
 *
 * A CLI call or a test may be loading dist/ while it is rebuilt (a second test run, a shell in another
 * window): only files whose content changed are written, each by an atomic rename, and files of an
 * earlier build are removed last. Chunk names carry a content hash, so an unchanged chunk is never touched.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const started = performance.now();

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    stocktake: 'src/cli/main.ts',
    client: 'src/cli/client.ts',
    server: 'bots/main.ts',
    // A thread of its own (src/services/countsBulkSums.ts finds it beside the chunk that starts it).
    countsBulkWorker: 'src/services/countsBulkWorker.ts',
  },
  outdir: dist,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  write: false,
  logLevel: 'warning',
});

/**
 * The counting page's script for the browser (src/http/browser/), served from dist/assets/counting/. The
 * camera's barcode polyfill is a chunk of its own, loaded only when the camera is used, and its zxing
 * .wasm is copied beside it: the page fetches it from us, never from a CDN.
 */
const counting = join(dist, 'assets/counting');
const browser = await build({
  absWorkingDir: root,
  entryPoints: { counting: 'src/http/browser/counting.ts' },
  outdir: counting,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome100', 'safari15', 'firefox100'],
  minify: true,
  sourcemap: true,
  write: false,
  logLevel: 'warning',
});

/** Every file dist/ should hold: the bundles and, beside them, the migrations and the zxing reader. */
const wanted = new Map([...result.outputFiles, ...browser.outputFiles].map((f) => [f.path, f.contents]));
const require = createRequire(import.meta.url);
// The .wasm must be the one the polyfill's JavaScript was built for: package.json pins zxing-wasm to the
// version barcode-detector asks for, and a mismatch stops the build rather than break scanning on phones.
const manifest = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
const readerVersion = manifest('zxing-wasm').version;
const polyfillWants = manifest('barcode-detector').dependencies['zxing-wasm'];
if (readerVersion !== polyfillWants)
  throw new Error(`zxing-wasm ${readerVersion} is installed but barcode-detector needs ${polyfillWants}: pin it in package.json`);
wanted.set(join(counting, 'zxing_reader.wasm'), readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')));
const migrations = join(root, 'db/migrations');
for (const path of walk(migrations)) wanted.set(join(dist, 'migrations', relative(migrations, path)), readFileSync(path));
// The build's id: a CLI call tells the keeper it talks to (src/cli/keeper.ts) which build it runs, and a
// keeper started from another build lets go instead of running its older code.
const id = createHash('sha256');
for (const [path, contents] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) id.update(`${relative(dist, path)}\0`).update(contents);
wanted.set(join(dist, 'build-id'), Buffer.from(`${id.digest('hex').slice(0, 16)}\n`));

let written = 0;
for (const [path, contents] of wanted) {
  if (same(path, contents)) continue;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
  written++;
}
let removed = 0;
for (const path of walk(dist)) {
  if (wanted.has(path)) continue;
  rmSync(path, { force: true });
  removed++;
}
if (!process.argv.includes('--quiet'))
  console.log(`built dist/ in ${Math.round(performance.now() - started)} ms (${written} files written, ${removed} removed)`);

function same(path, contents) {
  try {
    return statSync(path).size === contents.length && Buffer.compare(readFileSync(path), contents) === 0;
  } catch {
    return false;
  }
}

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
