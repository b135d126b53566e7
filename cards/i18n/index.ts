/**
 * User-facing words in zh-CN and en. The locale is per chat (`lang zh` / `lang en`); every template takes
 * it from its context. Both catalogues have the same keys, which the type of `zhCN` enforces.
 */
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Messages = typeof en;

const catalogues: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

/** The messages of a locale: `messages('en').status.title('ST-1')`. */
export function messages(locale: Locale): Messages {
  return catalogues[locale];
}

/** "zh", "zh-cn", "中文", "cn" → zh-CN; "en", "english", "英文" → en; anything else → null. */
export function parseLocale(text: string): Locale | null {
  const t = text.trim().toLowerCase();
  if (['zh', 'zh-cn', 'zh_cn', 'cn', '中文', '简体中文'].includes(t)) return 'zh-CN';
  if (['en', 'en-us', 'en-gb', 'english', '英文', '英语'].includes(t)) return 'en';
  return null;
}
