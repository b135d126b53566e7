/** The reason every undo (撤销) gives. */
import { InvalidInputError, problemOf } from './errors.ts';
import { undoTexts } from './texts/undo.ts';

/** The reason an undo must give, trimmed; refused when blank (it is shown on cards and kept in the audit trail). */
export function requireReason(reason: string | undefined, what: { en: string; zh: string }): string {
  const text = reason?.trim() ?? '';
  if (!text) {
    const phrase = undoTexts.reasonNeeded(what.en, what.zh);
    throw new InvalidInputError(phrase, [problemOf(null, 'reason', phrase)]);
  }
  if (text.length > 500) {
    const phrase = undoTexts.reasonTooLong(text.length);
    throw new InvalidInputError(phrase, [problemOf(null, 'reason', phrase)]);
  }
  return text;
}
