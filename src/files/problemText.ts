/**
 * File problems worded from the catalogue (cards/i18n, `fileProblem`) in every language: `message` in
 * English for the CLI, logs and API clients; `localized` for chats and pages, which show their own.
 */
import { LOCALES, messages, type Messages } from '../../cards/i18n/index.ts';
import type { LocalizedText } from '../domain/errors.ts';

type Catalogue = Messages['fileProblem'];

export function fileProblemText(word: (catalogue: Catalogue) => string): { message: string; localized: LocalizedText } {
  const localized = Object.fromEntries(LOCALES.map((locale) => [locale, word(messages(locale).fileProblem)])) as Record<
    (typeof LOCALES)[number],
    string
  >;
  return { message: localized.en, localized };
}
