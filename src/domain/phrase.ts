/**
 * Texts a person reads, in every language, with advice that fits where they are.
 *
 * A phrase is made by a catalogue entry (src/domain/texts/*.ts): its words in English and Chinese, and
 * optionally advice per surface — in a chat "再上传一份只含该行的复盘表", on the command line the flag. An
 * error carries its phrase; each surface renders it in the reader's language (`render`). The catalogues are
 * checked by test/domain/texts.test.ts: every entry renders in both languages, the Chinese without English
 * sentences, and no error in the sources is thrown with a bare English string.
 */

export const PHRASE_LOCALES = ['zh-CN', 'en'] as const;
export type PhraseLocale = (typeof PHRASE_LOCALES)[number];

/**
 * Where a person reads a text: a chat (the bots and the console's chats), the command line, an API client,
 * or a page of the dashboard. Advice differs: a chat user cannot type `--round`.
 */
export type Surface = 'chat' | 'cli' | 'api' | 'page';

/** One text in both languages. */
export interface Words {
  en: string;
  zh: string;
}

/** What a catalogue entry returns: its words, and advice for some surfaces (appended to the words). */
export interface PhraseWords extends Words {
  advice?: Partial<Record<Surface, Words>>;
}

/** A rendered catalogue entry, carried by errors and problems. */
export interface Phrase {
  /** `area.entry`, e.g. `review.mayNotReview`: stable, for tests and logs. */
  readonly key: string;
  readonly words: PhraseWords;
}

/** Which surface's advice stands in when an entry has none for this one. */
const FALLBACK: Record<Surface, Surface[]> = {
  chat: ['chat'],
  page: ['page', 'chat'],
  cli: ['cli'],
  api: ['api', 'cli'],
};

/** A phrase in a language, with the advice for the surface it is read on (none if the entry has none). */
export function render(phrase: Phrase, locale: PhraseLocale, surface: Surface): string {
  const base = locale === 'en' ? phrase.words.en : phrase.words.zh;
  const advice = FALLBACK[surface].map((s) => phrase.words.advice?.[s]).find(Boolean);
  if (!advice) return base;
  return base + (locale === 'en' ? advice.en : advice.zh);
}

/** A phrase in both languages for one surface (what `localized` fields carry). */
export function renderAll(phrase: Phrase, surface: Surface): Record<PhraseLocale, string> {
  return { 'zh-CN': render(phrase, 'zh-CN', surface), en: render(phrase, 'en', surface) };
}

export function isPhrase(value: unknown): value is Phrase {
  return typeof value === 'object' && value !== null && 'key' in value && 'words' in value;
}

// biome-ignore lint/suspicious/noExplicitAny: entries take any parameters; each declares its own.
type Entry = (...args: any[]) => PhraseWords;
export type Catalogue<T extends Record<string, Entry>> = {
  [K in keyof T]: (...args: Parameters<T[K]>) => Phrase;
};

/** Every catalogue made by `phrases`, by area: what the completeness test walks. */
export const CATALOGUES = new Map<string, Record<string, Entry>>();

/**
 * A catalogue of an area: `phrases('review', { mayNotReview: (who, line) => ({ en: …, zh: … }) })`. Calling an
 * entry gives the phrase to throw or show. Parameters are strings and numbers (lists joined by the caller),
 * so every entry can be rendered with stand-ins by the completeness test.
 */
export function phrases<T extends Record<string, Entry>>(area: string, entries: T): Catalogue<T> {
  if (CATALOGUES.has(area)) throw new Error(`phrase area ${area} is defined twice`);
  CATALOGUES.set(area, entries);
  const out: Record<string, (...args: unknown[]) => Phrase> = {};
  for (const [name, entry] of Object.entries(entries)) {
    const key = `${area}.${name}`;
    out[name] = (...args: unknown[]) => ({ key, words: entry(...args) });
  }
  return out as Catalogue<T>;
}
