/**
 * The name of every role, written once per language and used by cards, digests and the dashboard alike.
 * In English a role is called what the code, the database, the CLI and the README call it.
 */
import type { Role } from '../../src/domain/people.ts';
import type { Locale } from './index.ts';

const en: Record<Role, string> = { counter: 'counter', supervisor: 'supervisor', finance: 'finance', manager: 'manager', admin: 'admin' };
const zhCN: Record<Role, string> = { counter: '盘点员', supervisor: '仓库主管', finance: '财务', manager: '管理层', admin: '管理员' };

const catalogues: Record<Locale, Record<Role, string>> = { en, 'zh-CN': zhCN };

/** The role names of a locale, looked up by role code (a string, as views carry it). */
export function roleLabels(locale: Locale): Record<string, string> {
  return catalogues[locale];
}
