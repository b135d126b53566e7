/** The reason every undo (撤销) gives, and errors worded in both languages. */
import { InvalidInputError, type LocalizedText } from './errors.ts';

/** An error's message in English with its wording in both languages (chats and pages show their own). */
export const bilingual = (en: string, zh: string): [string, { localized: LocalizedText }] => [en, { localized: { en, 'zh-CN': zh } }];

/** The reason an undo must give, trimmed; refused when blank (it is shown on cards and kept in the audit trail). */
export function requireReason(reason: string | undefined, what: { en: string; zh: string }): string {
  const text = reason?.trim() ?? '';
  if (!text) {
    const [en, options] = bilingual(
      `${what.en} needs a reason (it is shown to the team and kept in the audit trail)`,
      `${what.zh}需要填写原因（会展示给团队并记入审计记录）`,
    );
    throw new InvalidInputError(en, [{ line: null, column: 'reason', message: en, localized: options.localized }], options);
  }
  if (text.length > 500) {
    const [en, options] = bilingual(
      `the reason is ${text.length} characters long; keep it to 500`,
      `原因共 ${text.length} 个字符，请控制在 500 以内`,
    );
    throw new InvalidInputError(en, [{ line: null, column: 'reason', message: en, localized: options.localized }], options);
  }
  return text;
}
