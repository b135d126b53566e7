import type { PhraseLocale } from '../domain/phrase.ts';

/**
 * The command line's language: STOCKTAKE_LANG, else the system's (LC_ALL, LC_MESSAGES, LANG): `zh…` is
 * Chinese (e.g. LANG=zh_CN.UTF-8 on a Chinese desktop), anything else English.
 */
export function cliLocale(env: Record<string, string | undefined>): PhraseLocale {
  const chosen = env.STOCKTAKE_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(chosen.trim()) || chosen.trim() === '中文' ? 'zh-CN' : 'en';
}
