import { card, type Card, type CardState } from '../model.ts';
import { escapeMarkdown } from '../render/markdown.ts';
import { messages, type Locale } from '../i18n/index.ts';
import { textsOf, type TemplateContext } from './context.ts';
import { toMention, type ReminderPerson } from './reminder.ts';

/** A short answer: a bound chat, a changed language, a started stocktake. */
export function noticeCard(
  title: string,
  text: string,
  state: CardState = 'success',
  fields: { label: string; value: string }[] = [],
): Card {
  return card({
    header: { title, state },
    elements: [{ type: 'markdown', text }, ...(fields.length ? [{ type: 'fields' as const, fields }] : [])],
  });
}

/** Something the user asked for went wrong: what and where, and what to do. */
export function errorCard(
  ctx: TemplateContext,
  message: string,
  problems: { line: number; column?: string; message: string }[] = [],
): Card {
  const t = textsOf(ctx).error;
  return card({
    header: { title: t.title, state: 'danger' },
    elements: [
      { type: 'markdown', text: escapeMarkdown(message) },
      ...(problems.length
        ? [
            {
              type: 'table' as const,
              columns: [
                { key: 'line', label: t.line, align: 'right' as const },
                { key: 'column', label: t.column },
                { key: 'message', label: t.problem },
              ],
              rows: problems.slice(0, 50).map((p) => ({ line: String(p.line), column: p.column ?? '', message: p.message })),
              more: Math.max(0, problems.length - 50),
            },
          ]
        : []),
    ],
  });
}

/** A tap on a card whose subject has moved on: nothing was done, and this is how things stand. */
export function staleNotice(ctx: TemplateContext): string {
  return textsOf(ctx).stale.toast;
}

/** Someone the bot does not know: how to get access, and the identity to give the admin. */
export function accessCard(ctx: TemplateContext, identity: string): Card {
  const t = textsOf(ctx).access;
  return card({
    header: { title: t.title, state: 'warning' },
    elements: [{ type: 'markdown', text: t.text(identity) }],
  });
}

/**
 * In the approvals chat, when the direct message with an approval request could not reach its approver:
 * the request, naming (and mentioning) them, pointing at the document's card in the chat.
 */
export function approvalRequestNotice(ctx: { locale: Locale }, documentNumber: string, approver: ReminderPerson): Card {
  const t = messages(ctx.locale).direct;
  const who = approver.name && approver.name !== approver.handle ? `${approver.name} (${approver.handle})` : approver.handle;
  return card({
    header: { title: t.requestTitle(documentNumber), state: 'warning' },
    elements: [{ type: 'markdown', text: escapeMarkdown(t.undelivered(who, documentNumber)) }],
    mentions: [toMention(approver)],
  });
}
