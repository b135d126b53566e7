import { viewPhotos } from './pages.ts';
import { card, type Card, type CardElementInput, type CardState } from '../model.ts';
import { stateLabel } from '../i18n/states.ts';
import { escapeMarkdown } from '../render/markdown.ts';
import { truncateText } from '../render/text.ts';
import { count, formatTime, lineLabel, money, qty, textsOf, type TemplateContext } from './context.ts';
import type { DocumentView } from './views.ts';
import { render } from '../../src/domain/phrase.ts';
import { erpTexts } from '../../src/domain/texts/erp.ts';

const STATE: Record<DocumentView['status'], CardState> = {
  approving: 'warning',
  posted: 'success',
  rejected: 'danger',
  withdrawn: 'neutral',
};

/** Code points of a line's note kept on the card; the rest is cut with "…" (the stocktake page has it whole). */
export const APPROVAL_NOTE_MAX = 140;

/**
 * One document line: number, line, quantity, value and cause, then what backs it (its note, its photos)
 * right under it. One markdown element a line, so fitting a card cuts long notes (each to the same length)
 * before it drops a line.
 */
function lineText(ctx: TemplateContext, l: DocumentView['lines'][number]): string {
  const t = textsOf(ctx).approval;
  const cause = ctx.locale === 'en' ? l.causeEn : l.causeZh;
  const head = t.lineItem(l.lineNo, escapeMarkdown(lineLabel(l.sku, l.location, l.lot)), qty(l.qty), qty(l.value), escapeMarkdown(cause));
  const backing = [
    l.note?.trim() ? t.lineNote(escapeMarkdown(truncateText(l.note.trim().replace(/\s+/g, ' '), APPROVAL_NOTE_MAX))) : '',
    l.photos ? t.linePhotos(l.photos) : '',
  ].filter(Boolean);
  return backing.length > 0 ? `${head}\n${backing.join(' · ')}` : head;
}

/**
 * A gain or loss document waiting for (or past) approval: totals, its lines (the largest, and those with a
 * note or photos) in line-number order each with its note and photo count, the route with each step's
 * state and who decided when, and Approve / Reject for the step that is pending.
 */
export function approvalCard(ctx: TemplateContext, d: DocumentView): Card {
  const t = textsOf(ctx).approval;
  const pending = d.route.find((s) => s.status === 'pending');
  const elements: CardElementInput[] = [
    {
      type: 'fields',
      fields: [
        { label: t.kind, value: t.kinds[d.kind] },
        { label: t.stocktake, value: `${d.stocktakeCode} · ${d.warehouse}` },
        { label: t.lines, value: count(d.lineCount) },
        { label: t.totalQty, value: qty(d.totalQty) },
        { label: t.totalValue, value: money(d.totalValue, d.currency) },
        { label: t.status, value: stateLabel(ctx.locale, 'document', d.status) },
      ],
    },
    ...d.lines.map((l) => ({ type: 'markdown' as const, text: lineText(ctx, l) })),
    ...(d.lineCount > d.lines.length ? [{ type: 'markdown' as const, text: t.moreLines(d.lineCount - d.lines.length) }] : []),
    ...(d.photos && d.photos.length > 0 ? [viewPhotos(ctx, d.stocktakeCode)] : []),
    {
      type: 'markdown',
      text: `**${t.route}**\n${d.route.map((s) => t.step(s.stepNo, t.roles[s.role] ?? s.role, stateLabel(ctx.locale, 'step', s.status), s.decidedBy, formatTime(s.decidedAt, ctx.timezone), s.reason ? escapeMarkdown(s.reason) : null)).join('\n')}`,
    },
  ];
  if (d.status === 'approving' && pending) {
    elements.push({
      type: 'buttons',
      buttons: [
        {
          label: t.approve,
          style: 'primary',
          action: ctx.act({ kind: 'document.approve', documentId: d.id, step: pending.stepNo }),
          confirm: { title: t.approve, text: t.confirmApprove(d.number, money(d.totalValue, d.currency)) },
        },
      ],
    });
    elements.push({
      type: 'input',
      label: t.rejectLabel,
      placeholder: t.rejectPlaceholder,
      submitLabel: t.reject,
      action: ctx.act({ kind: 'document.reject', documentId: d.id, step: pending.stepNo }),
      required: true,
      maxLength: 500,
    });
    // Before the first decision its submitter may take it back (the service says who else may).
    if (d.route.every((s) => s.status !== 'approved')) {
      elements.push({
        type: 'input',
        label: t.withdrawLabel,
        placeholder: t.withdrawPlaceholder,
        submitLabel: t.withdraw,
        action: ctx.act({ kind: 'document.withdraw', documentId: d.id }),
        required: true,
        maxLength: 500,
      });
    }
  }
  return card({
    header: {
      title: t.title(d.number),
      subtitle: pending
        ? t.waitingFor(t.roles[pending.role] ?? pending.role, formatTime(pending.dueAt, ctx.timezone))
        : stateLabel(ctx.locale, 'document', d.status),
      state: STATE[d.status],
    },
    elements,
    footer: d.status === 'approving' ? t.footerSod : undefined,
  });
}

/** The outcome of a decision, for the team chat: approved and posted, or rejected with the reason. */
export function decisionResultCard(ctx: TemplateContext, d: DocumentView): Card {
  const t = textsOf(ctx).decision;
  const last = [...d.route].reverse().find((s) => s.decidedAt);
  const text =
    d.status === 'posted'
      ? t.posted(d.number, d.lineCount, money(d.totalValue, d.currency))
      : d.status === 'rejected'
        ? t.rejected(d.number, last?.decidedBy ?? '—', escapeMarkdown(last?.reason ?? ''), d.lineCount)
        : d.status === 'withdrawn'
          ? t.withdrawn(d.number, d.withdrawnBy ?? '—', escapeMarkdown(d.withdrawnReason ?? ''), d.lineCount)
          : t.approved(d.number, last?.stepNo ?? 0, last?.decidedBy ?? '—');
  return card({
    header: {
      title: t.title(d.number),
      subtitle: `${d.stocktakeCode} · ${d.warehouse}`,
      state: d.status === 'rejected' ? 'danger' : 'success',
    },
    elements: [
      { type: 'markdown', text },
      {
        type: 'fields',
        fields: [
          { label: t.decidedBy, value: last?.decidedBy ?? '—' },
          { label: t.at, value: formatTime(last?.decidedAt, ctx.timezone) },
        ],
      },
      // The sync itself runs in the background; the tap answers with each ERP's state and retries what is not synced.
      ...(d.status === 'posted' && d.erpTargets
        ? [
            {
              type: 'buttons' as const,
              buttons: [
                {
                  label: render(erpTexts.retryButton(), ctx.locale, 'chat'),
                  action: ctx.act({ kind: 'document.erpRetry', documentId: d.id }),
                },
              ],
            },
          ]
        : []),
    ],
  });
}
