import type { Card, CardElementInput, CardInput, CardState } from '../model.ts';
import { card } from '../model.ts';
import { stateLabel } from '../i18n/states.ts';
import { escapeMarkdown } from '../render/markdown.ts';
import { formatTime, lineLabel, money, qty, signed, textsOf, type TemplateContext } from './context.ts';
import { addPhoto, countOnPhone, writeUpCase } from './pages.ts';
import type { VariancePageView, VarianceView, ReviewState } from './views.ts';

const STATE_COLOUR: Record<ReviewState, CardState> = {
  none: 'neutral',
  open: 'warning',
  recount: 'warning',
  confirmed: 'info',
  documented: 'info',
  posted: 'success',
};

const causeLabel = (ctx: TemplateContext, v: VarianceView, code: string | null) => {
  if (!code) return '—';
  const c = v.causes.find((x) => x.code === code);
  return c ? (ctx.locale === 'en' ? c.labelEn : c.labelZh) : code;
};

/** What is left to do on a line under review: a tagged cause is never asked for again. */
function footer(ctx: TemplateContext, v: VarianceView): string {
  const t = textsOf(ctx).variance;
  if (v.reviewStatus === 'open') return v.causeCode ? t.footerOpenTagged : t.footerOpen;
  return v.causeCode ? t.footerTagged(causeLabel(ctx, v, v.causeCode)) : t.footerConfirmed;
}

/** One variance under review: the figures behind it, the suggestion and its reason, and what to do. */
export function varianceCard(ctx: TemplateContext, v: VarianceView): Card {
  const t = textsOf(ctx).variance;
  const line = { stocktakeId: v.stocktakeId, sku: v.sku, location: v.location, ...(v.lot ? { lot: v.lot } : {}) };
  const actionable = v.reviewStatus === 'open' || v.reviewStatus === 'confirmed';
  const elements: CardElementInput[] = [];
  elements.push({
    type: 'fields',
    fields: [
      ...(v.lot ? [{ label: t.lot, value: v.lot, short: true }] : []),
      ...(v.expiry ? [{ label: t.expiry, value: v.expiry, short: true }] : []),
      { label: t.book, value: qty(v.bookQty), short: true },
      { label: t.movements, value: signed(v.movementQty), short: true },
      { label: t.expected, value: qty(v.expectedQty), short: true },
      { label: t.counted, value: qty(v.countedQty), short: true },
      { label: t.diff, value: `${signed(v.diffQty)}${v.unit ? ` ${v.unit}` : ''}`, short: true },
      { label: t.value, value: money(v.diffValue, v.currency), short: true },
      { label: t.owner, value: v.owner ?? '—', short: true },
      { label: t.due, value: `${formatTime(v.dueAt, ctx.timezone)}${v.overdue ? ` ${t.overdue}` : ''}`, short: true },
      { label: t.status, value: stateLabel(ctx.locale, 'review', v.reviewStatus) + (v.autoConfirmed ? ` (${t.auto})` : ''), short: true },
      { label: t.cause, value: causeLabel(ctx, v, v.causeCode), short: true },
      ...(v.photos ? [{ label: t.photos, value: String(v.photos), short: true }] : []),
    ],
  });
  if (v.suggestion) {
    const reason = ctx.locale === 'en' ? v.suggestion.reason.en : v.suggestion.reason.zh;
    elements.push({ type: 'markdown', text: t.suggested(causeLabel(ctx, v, v.suggestion.cause), escapeMarkdown(reason)) });
  }
  if (v.note) elements.push({ type: 'markdown', text: t.note(escapeMarkdown(v.note)) });
  if (v.returnedReason) elements.push({ type: 'markdown', text: t.returned(escapeMarkdown(v.returnedReason)) });
  if (v.reviewStatus === 'recount') elements.push({ type: 'markdown', text: t.recountPending(v.recountBy ?? '—') });
  if (actionable || v.reviewStatus === 'recount') elements.push(addPhoto(ctx, v.stocktakeCode, v.sku, v.location));
  // An explained variance can become a case of the case library; the form is the console's.
  if (v.causeCode && !v.autoConfirmed && v.reviewStatus !== 'recount')
    elements.push(writeUpCase(ctx, v.stocktakeCode, `${v.sku}${v.location ? `@${v.location}` : ''}${v.lot ? `#${v.lot}` : ''}`));
  if (actionable) {
    elements.push({
      type: 'buttons',
      buttons: [
        ...(v.reviewStatus === 'open'
          ? [{ label: t.confirm, style: 'primary' as const, action: ctx.act({ kind: 'variance.confirm', ...line }) }]
          : []),
        { label: t.recount, style: 'default' as const, action: ctx.act({ kind: 'variance.recount', ...line }) },
      ],
    });
    if (v.causes.length > 0) {
      elements.push({
        type: 'select',
        placeholder: t.pickCause,
        submitLabel: t.pickCauseSubmit,
        action: ctx.act({ kind: 'variance.cause', ...line }),
        options: v.causes.map((c) => ({
          value: c.code,
          label: (ctx.locale === 'en' ? c.labelEn : c.labelZh) + (c.noteRequired ? t.needsNoteMark : ''),
          needsNote: c.noteRequired === true,
        })),
        ...(v.causeCode ? { selected: v.causeCode } : {}),
        // A cause that needs a note is tagged with it in one step: a form where the platform has one, else
        // the core asks for the note after the pick (src/core/actionHandlers.ts).
        ...(v.causes.some((c) => c.noteRequired)
          ? {
              note: {
                label: t.causeNoteLabel,
                placeholder: t.notePlaceholder,
                hint: t.causeNoteHint,
                submitLabel: t.tagCause,
                maxLength: 500,
              },
            }
          : {}),
      });
    }
    elements.push({
      type: 'input',
      label: t.noteLabel,
      placeholder: t.notePlaceholder,
      submitLabel: t.saveNote,
      action: ctx.act({ kind: 'variance.note', ...line }),
      maxLength: 500,
    });
    if (v.reviewStatus === 'confirmed') {
      elements.push({
        type: 'input',
        label: t.reopenLabel,
        placeholder: t.reopenPlaceholder,
        submitLabel: t.reopen,
        action: ctx.act({ kind: 'variance.reopen', ...line }),
        required: true,
        maxLength: 500,
      });
    }
  }
  const input: CardInput = {
    header: {
      title: `${t.title} · ${lineLabel(v.sku, v.location, v.lot)}`,
      subtitle: [v.itemName, v.stocktakeCode].filter(Boolean).join(' · '),
      state: STATE_COLOUR[v.reviewStatus],
    },
    elements,
    footer: actionable ? footer(ctx, v) : undefined,
  };
  return card(input);
}

/** Many variances: a page of up to ten, with one tap to accept the suggested causes of the page. */
export function variancePageCard(ctx: TemplateContext, p: VariancePageView): Card {
  const t = textsOf(ctx).variance;
  const open = p.lines.filter((l) => l.reviewStatus === 'open' || l.reviewStatus === 'confirmed');
  const acceptable = open.filter((l) => l.suggestion || l.causeCode);
  const elements: CardElementInput[] = [
    {
      type: 'table',
      columns: [
        { key: 'line', label: t.line },
        { key: 'expected', label: t.expected, align: 'right' },
        { key: 'counted', label: t.counted, align: 'right' },
        { key: 'diff', label: t.diff, align: 'right' },
        { key: 'value', label: t.value, align: 'right' },
        { key: 'status', label: t.status },
        { key: 'cause', label: t.causeOrSuggestion },
      ],
      rows: p.lines.map((l) => ({
        line: lineLabel(l.sku, l.location, l.lot),
        expected: qty(l.expectedQty),
        counted: qty(l.countedQty),
        diff: signed(l.diffQty),
        value: qty(l.diffValue),
        status: stateLabel(ctx.locale, 'review', l.reviewStatus) + (l.overdue ? ' ⏰' : ''),
        cause: l.causeCode ? causeLabel(ctx, l, l.causeCode) : l.suggestion ? `${causeLabel(ctx, l, l.suggestion.cause)}?` : '—',
      })),
    },
  ];
  const openButtons = open.slice(0, 10).map((l) => ({
    label: lineLabel(l.sku, l.location, l.lot),
    style: 'default' as const,
    action: ctx.act({
      kind: 'variance.open',
      stocktakeId: p.stocktakeId,
      sku: l.sku,
      location: l.location,
      ...(l.lot ? { lot: l.lot } : {}),
    }),
  }));
  for (let i = 0; i < openButtons.length; i += 5) elements.push({ type: 'buttons', buttons: openButtons.slice(i, i + 5) });
  const nav = [
    ...(acceptable.length > 0
      ? [
          {
            label: t.acceptPage(acceptable.length),
            style: 'primary' as const,
            action: ctx.act({
              kind: 'variances.accept',
              stocktakeId: p.stocktakeId,
              lines: acceptable.map((l) => ({ sku: l.sku, location: l.location, ...(l.lot ? { lot: l.lot } : {}) })),
            }),
          },
        ]
      : []),
    ...(p.page > 1
      ? [
          {
            label: t.previous,
            style: 'default' as const,
            action: ctx.act({ kind: 'variances.page', stocktakeId: p.stocktakeId, page: p.page - 1 }),
          },
        ]
      : []),
    ...(p.page < p.pages
      ? [
          {
            label: t.next,
            style: 'default' as const,
            action: ctx.act({ kind: 'variances.page', stocktakeId: p.stocktakeId, page: p.page + 1 }),
          },
        ]
      : []),
  ];
  if (nav.length > 0) elements.push({ type: 'buttons', buttons: nav });
  return card({
    header: {
      title: t.pageTitle(p.stocktakeCode),
      subtitle: t.pageSubtitle(p.page, p.pages, p.waiting),
      state: p.waiting > 0 ? 'warning' : 'success',
    },
    elements,
    footer: t.pageFooter,
  });
}

/** A line sent back to counting: who recounts what, and how to send the recount. */
export function recountRequestCard(ctx: TemplateContext, v: VarianceView, requestedBy: string): Card {
  const t = textsOf(ctx).recount;
  return card({
    header: { title: t.title(lineLabel(v.sku, v.location, v.lot)), subtitle: v.stocktakeCode, state: 'warning' },
    elements: [
      {
        type: 'fields',
        fields: [
          { label: t.recounter, value: v.recountBy ?? '—' },
          { label: t.requestedBy, value: requestedBy },
          { label: t.expected, value: qty(v.expectedQty) },
          { label: t.previousCount, value: qty(v.countedQty) },
        ],
      },
      { type: 'markdown', text: t.how(v.sku, v.location) },
      countOnPhone(ctx, v.stocktakeCode, v.location || undefined),
    ],
  });
}
