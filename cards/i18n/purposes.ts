/**
 * What a chat is for (team, approvals, digest), named once per language: the help card, the bind reply and
 * the console's chat tags. In English a purpose is called what `bind WH team|approvals|digest` calls it.
 */
import type { Locale } from './index.ts';

type Purpose = 'team' | 'approvals' | 'digest';
const en: Record<Purpose, string> = { team: 'team', approvals: 'approvals', digest: 'digest' };
const zhCN: Record<Purpose, string> = { team: '作业群', approvals: '审批群', digest: '日报群' };

const catalogues: Record<Locale, Record<Purpose, string>> = { en, 'zh-CN': zhCN };

/** A purpose's name in a locale (the code itself for one this catalogue does not know). */
export function purposeLabel(locale: Locale, purpose: string): string {
  return (catalogues[locale] as Record<string, string>)[purpose] ?? purpose;
}
