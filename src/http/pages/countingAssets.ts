/**
 * The counting page's browser files: its script and chunks (bundled by scripts/build.mjs from
 * src/http/browser/ into dist/assets/counting/) and the zxing reader's .wasm copied beside them, served
 * by us so that a phone without internet (and a test without it) still scans. Also its stylesheet.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { httpTexts } from '../../domain/texts/http.ts';

export const COUNTING_ASSETS = '/assets/counting';
export const COUNTING_SCRIPT_PATH = `${COUNTING_ASSETS}/counting.js`;
export const COUNTING_CSS_PATH = '/assets/counting.css';

/** The checkout's root: the folder above this module holding package.json (from src/ or from dist/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

export function mountCountingAssets(app: Hono<AppEnv>): void {
  const folder = join(projectRoot(), 'dist', 'assets', 'counting');
  app.get(COUNTING_CSS_PATH, (c) =>
    c.body(COUNTING_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  );
  app.get(`${COUNTING_ASSETS}/:file`, async (c) => {
    const file = c.req.param('file');
    const type = TYPES[/\.[a-z]+$/.exec(file)?.[0] ?? ''];
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.') || !type) throw new NotFoundError('file', file, httpTexts.fileNotFound(file));
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readFile(join(folder, file)).then((b) => new Uint8Array(b));
      cache.set(file, bytes);
      bytes.catch(() => cache.delete(file));
    }
    const body = await bytes.catch(() => {
      throw new NotFoundError('file', file, httpTexts.pageNotBuilt(file));
    });
    // Chunks carry a content hash in their name; the entry and the .wasm keep theirs across builds.
    const hashed = /-[A-Z0-9]{8}\.js$/.test(file);
    return c.body(body, 200, { 'content-type': type, 'cache-control': hashed ? 'max-age=31536000, immutable' : 'max-age=300' });
  });
}

/** Styles of the counting page: big targets, one column on a phone, the list as rows that wrap. */
export const COUNTING_CSS = `
.counting h1 { display:flex; flex-wrap:wrap; align-items:center; gap:6px; }
.counting h1 .muted { font-size:14px; font-weight:400; }
.scanrow { display:flex; gap:8px; margin:8px 0; } .scanrow input { flex:1; min-width:0; min-height:44px; font-size:16px; }
.scanrow .btn, .tools .btn, .count__head .btn, .count__done .btn, .dialog__buttons .btn, .step, .locations .btn { min-height:44px; }
.locations { list-style:none; padding:0; margin:0; display:grid; grid-template-columns:repeat(auto-fill, minmax(min(160px, 100%), 1fr)); gap:8px; }
.locations .loc { width:100%; display:flex; flex-direction:column; align-items:flex-start; text-align:left; }
.count__head { display:flex; align-items:center; justify-content:space-between; gap:8px; flex-wrap:wrap; font-size:16px; }
.queue-status { margin:6px 0; font-size:13px; color:var(--muted); }
.queue-status--offline { color:var(--warn); font-weight:600; }
.tools { display:flex; flex-wrap:wrap; gap:8px; margin:8px 0; }
.tools label.btn { display:inline-flex; align-items:center; gap:4px; position:relative; overflow:hidden; }
.tools label.btn input[type=file] { position:absolute; inset:-1px; opacity:0; width:100%; min-height:0; cursor:pointer; }
.camera { margin:8px 0; } .camera video { width:100%; max-height:50vh; background:#000; border-radius:8px; display:block; margin-bottom:6px; }
.lines { list-style:none; padding:0; margin:0; }
.line { display:flex; flex-wrap:wrap; align-items:center; justify-content:space-between; gap:6px 12px; padding:8px 0; border-bottom:1px solid var(--line); }
.line__what { flex:1 1 160px; min-width:0; overflow-wrap:anywhere; } .line__detail { display:block; color:var(--muted); }
.line__sku { white-space:nowrap; }
.line__qty { display:flex; align-items:center; gap:6px; flex:none; }
.line__qty .qty { width:5.5em; min-height:44px; text-align:right; font-size:16px; font-variant-numeric:tabular-nums; }
.line__qty .unit { min-height:44px; max-width:7em; }
.step { min-width:44px; display:inline-flex; align-items:center; justify-content:center; padding:0; }
.photos { display:flex; flex-wrap:wrap; gap:8px; margin:8px 0; } .photos .thumb { width:96px; height:96px; object-fit:cover; border-radius:6px; border:1px solid var(--line); }
.count__done { margin:16px 0; } .count__done > .btn { width:100%; justify-content:center; display:inline-flex; align-items:center; gap:6px; font-size:16px; }
#qty-dialog { border:1px solid var(--line); border-radius:10px; width:min(92vw, 360px); }
#qty-dialog label { display:flex; flex-direction:column; gap:4px; margin:8px 0; } #qty-dialog input, #qty-dialog select { min-height:44px; font-size:16px; }
.dialog__buttons { display:flex; gap:8px; justify-content:flex-end; }
`;
