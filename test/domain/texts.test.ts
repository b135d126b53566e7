/**
 * Every text a person can be shown exists in zh-CN and en (issue 14 §1): each catalogue entry of
 * src/domain/texts renders in both languages on every surface, the Chinese without English sentences and the
 * English without Chinese, and no error in the sources is raised with a bare English string, so there is no
 * message the catalogues do not hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, render, type Phrase, type Surface } from '../../src/domain/phrase.ts';
import { englishIn } from '../support/texts.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TEXTS = join(ROOT, 'src', 'domain', 'texts');
const SURFACES: Surface[] = ['chat', 'cli', 'api', 'page'];

/** Stand-ins for an entry's parameters: each distinct, so a text that drops or repeats one is visible. */
const standIns = (n: number) => Array.from({ length: n }, (_, i) => `«${i + 1}»`);

const HAN = /[\u3400-\u9fff]/;

async function loadCatalogues(): Promise<void> {
  for (const file of readdirSync(TEXTS).filter((f) => f.endsWith('.ts'))) await import(join(TEXTS, file));
}

describe('the text catalogues (src/domain/texts)', () => {
  it('render every entry in both languages on every surface, the Chinese in Chinese and the English in English', async () => {
    await loadCatalogues();
    expect(CATALOGUES.size).toBeGreaterThan(0);
    const failures: string[] = [];
    let entries = 0;
    for (const [area, catalogue] of CATALOGUES) {
      for (const [name, entry] of Object.entries(catalogue)) {
        entries += 1;
        const args = standIns(entry.length);
        const phrase: Phrase = { key: `${area}.${name}`, words: entry(...args) };
        for (const surface of SURFACES) {
          const zh = render(phrase, 'zh-CN', surface);
          const en = render(phrase, 'en', surface);
          const where = `${phrase.key} (${surface})`;
          if (!zh.trim() || !en.trim()) failures.push(`${where}: empty text`);
          if (!HAN.test(zh)) failures.push(`${where}: the Chinese text has no Chinese: ${zh}`);
          if (englishIn(zh)) failures.push(`${where}: English left in the Chinese text: ${zh}`);
          // English may quote a Chinese term in brackets (盘盈, 批次) or a name, but not be written in Chinese.
          const enWithoutQuotes = en.replace(/\([^)]*\)|“[^”]*”|"[^"]*"|`[^`]*`/g, ' ');
          if ((enWithoutQuotes.match(/[\u3400-\u9fff]/g) ?? []).length > 4)
            failures.push(`${where}: the English text is written in Chinese: ${en}`);
          for (const text of [zh, en]) if (/undefined|NaN|\[object /.test(text)) failures.push(`${where}: ${text}`);
        }
      }
    }
    expect(entries).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });

  it('every error in the sources is worded from a catalogue, not raised with a bare English string', () => {
    const offenders: string[] = [];
    const ERROR_CLASSES =
      'InvalidInput|StocktakeState|NotAllowed|StaleCommand|ExpiredAction|ForgedAction|ChooseSheet|Unauthenticated|PayloadTooLarge|MisdirectedHost';
    const bare = new RegExp(`new (${ERROR_CLASSES})Error\\(\\s*[\`'"]`);
    // NotFoundError(entity, key, phrase): the phrase says what is missing and what to do, in each language.
    const bareNotFound = /new NotFoundError\(\s*[^,]+,\s*[^,]+,\s*[`'"]|new NotFoundError\(\s*[^,()]+,\s*[^,()]+\)/;
    const bareProblem = /\.problem\(\s*[^,]+,\s*[`'"]/;
    // A problem or error body written by hand: { line, column, message: 'English' }.
    const bareMessage = /\bmessage: [`'"][^`'"]*\s[^`'"]*[`'"]/;
    for (const file of sources()) {
      const text = readFileSync(file, 'utf8');
      // Calls span lines: look at each call from its start.
      const flat = text.replace(/\n\s*/g, ' ');
      for (const pattern of [bare, bareNotFound, bareProblem, bareMessage]) {
        const global = new RegExp(pattern.source, 'g');
        for (const match of flat.matchAll(global)) offenders.push(`${relative(ROOT, file)}: ${match[0].slice(0, 90)}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'browser') walk(path);
      } else if (entry.name.endsWith('.ts')) out.push(path);
    }
  };
  for (const dir of ['src', 'bots', 'cards', 'db']) walk(join(ROOT, dir));
  return out;
}
