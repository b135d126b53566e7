/**
 * The CLI in Chinese (issue 14 §1): the README's command-line tour, run in-process with STOCKTAKE_LANG=zh,
 * prints no English sentence, on stdout or stderr; the English output is what it always was.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWords } from '../../src/cli/words.ts';
import { runCli } from '../support/cli.ts';
import { createStandaloneDatabase } from '../support/db.ts';
import { englishIn } from '../support/texts.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SAMPLE = join(ROOT, 'test', 'fixtures', 'sample');

/** The fenced block that follows the first occurrence of `marker` (as test/readme.test.ts reads it). */
function blockAfter(marker: string): string {
  const open = README.indexOf('```sh\n', README.indexOf(marker));
  return README.slice(open + 6, README.indexOf('\n```', open + 6) + 1);
}

/** A shell line's words: double quotes group, a `#` after a space starts a comment. */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') {
      quoted = !quoted;
      word ??= '';
    } else if (!quoted && /\s/.test(ch)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (!quoted && ch === '#' && word === null) break;
    else word = (word ?? '') + ch;
  }
  if (word !== null) out.push(word);
  return out;
}

type Step = { args: string[] } | { startAs: string[] };

/**
 * The tour's `./stocktake` commands in order, the `for … in …; do … done` loops unrolled and `$S`, `$ST` and
 * `$loc` left for the run to fill in. `ST=$(./stocktake start … --json | …)` becomes a start whose code is kept.
 */
function tourSteps(script: string): Step[] {
  const steps: Step[] = [];
  const loops: { name: string; values: string[]; body: string[] }[] = [];
  const emit = (line: string, vars: Record<string, string>) => {
    const expanded = line.replace(/\$(\w+)/g, (m, name: string) => vars[name] ?? m);
    const start = /^ST=\$\(\.\/stocktake (.*?) \|/.exec(expanded.trim());
    if (start) return steps.push({ startAs: words(start[1]!) });
    const command = /^\.\/stocktake (.*)$/.exec(expanded.trim());
    if (command) steps.push({ args: words(command[1]!) });
  };
  const unroll = (loop: { name: string; values: string[]; body: string[] }, outer: Record<string, string>) => {
    for (const value of loop.values) for (const line of loop.body) emit(line, { ...outer, [loop.name]: value });
  };
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    const oneLine = /^for (\w+) in ([^;]+);\s*do (.*?);\s*done$/.exec(line);
    if (oneLine) {
      unroll({ name: oneLine[1]!, values: oneLine[2]!.trim().split(/\s+/), body: [oneLine[3]!] }, {});
      continue;
    }
    const open = /^for (\w+) in ([^;]+);\s*do$/.exec(line);
    if (open) loops.push({ name: open[1]!, values: open[2]!.trim().split(/\s+/), body: [] });
    else if (line === 'done') unroll(loops.pop()!, {});
    else if (loops.length) loops.at(-1)!.body.push(line);
    else emit(line, {});
  }
  return steps;
}

const tour = `${blockAfter('### 1. Count')}${blockAfter('### 2. Review, approve, post')}`.replaceAll(
  '-2026-',
  `-${new Date().getFullYear()}-`,
);
const steps = tourSteps(tour);

describe('the CLI in Chinese', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-zh-'));
  const cwd = process.cwd();
  let env: Record<string, string> = {};

  beforeAll(async () => {
    env = (await createStandaloneDatabase('pglite', join(dir, 'data'))).env;
    // `export` writes its file to the current folder, as in the README.
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('walks the README tour with STOCKTAKE_LANG=zh and prints no English sentence', async () => {
    expect(steps.length).toBeGreaterThan(30);
    const zh = { ...env, STOCKTAKE_LANG: 'zh' };
    const vars: Record<string, string> = { S: SAMPLE };
    const fill = (args: string[]) => args.map((a) => a.replace(/\$(\w+)/g, (m, name: string) => vars[name] ?? m));
    const english: string[] = [];
    const printed: string[] = [];
    for (const step of steps) {
      if ('startAs' in step) {
        const started = await runCli(zh, ...fill(step.startAs));
        expect(started.code).toBe(0);
        vars.ST = started.json().code;
        continue;
      }
      const args = fill(step.args);
      const { stdout, stderr } = await runCli(zh, ...args);
      for (const line of `${stdout}\n${stderr}`.split('\n')) {
        printed.push(line);
        const left = englishIn(line);
        if (left) english.push(`stocktake ${args.join(' ')}: «${left}» in: ${line}`);
      }
    }
    // A start as a person reads it (the tour starts with --json), on a warehouse of its own.
    for (const args of [
      ['warehouse', 'add', 'SH03', '--timezone', 'Asia/Shanghai'],
      ['start', 'SH03'],
    ]) {
      const { stdout, stderr } = await runCli(zh, ...args);
      for (const line of `${stdout}\n${stderr}`.split('\n')) {
        printed.push(line);
        const left = englishIn(line);
        if (left) english.push(`stocktake ${args.join(' ')}: «${left}» in: ${line}`);
      }
    }
    // The tour did what it says (the refusals included), so every kind of output was looked at.
    const all = printed.join('\n');
    expect(all).toContain('POT-100@C-03-01');
    expect(all).toMatch(/PK-\d{4}-0001/);
    expect(all).toContain('盘盈单');
    expect(all).toContain('已过账');
    expect(english).toEqual([]);
  });

  it('keeps the English output as it was', async () => {
    const en = { ...env, STOCKTAKE_LANG: 'en' };
    const status = await runCli(en, 'warehouse', 'add', 'SH02', '--name', 'Second', '--timezone', 'Asia/Shanghai');
    expect(status.stdout).toBe('Warehouse SH02 (Second), timezone Asia/Shanghai.\n');
    const started = await runCli(en, 'start', 'SH02');
    expect(started.stdout).toMatch(
      /^Started stocktake ST-\d{8}-\d{3} \([0-9a-f-]{36}\) for SH02: 0 book line\(s\) frozen at \d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Shanghai\)\.\n$/,
    );
    const code = /ST-\d{8}-\d{3}/.exec(started.stdout)![0];
    expect((await runCli(en, 'status', code)).stdout).toMatch(
      new RegExp(
        [
          `^Stocktake ${code} · warehouse SH02 · counting`,
          '  book frozen at .* \\(Asia/Shanghai\\); 0 count sheet\\(s\\) imported',
          '  lines      0 total: 0 counted, 0 verified, 0 conflict, 0 uncounted \\(0 not in the book\\)',
          '  variances  0 gain, 0 loss, 0 match',
          '  value      gain 0.00, loss 0.00, net 0.00\n$',
        ].join('\n'),
      ),
    );
  });

  it('has every word of its catalogue in Chinese', () => {
    const failures: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (typeof value === 'string') {
        if (englishIn(value)) failures.push(`${path}: ${value}`);
      } else if (typeof value === 'function') {
        const text = value(...Array.from({ length: value.length }, (_, i) => `«${i + 1}»`));
        walk(text, path);
      } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };
    walk(cliWords('zh-CN'), 'zh-CN');
    expect(failures).toEqual([]);
  });
});
