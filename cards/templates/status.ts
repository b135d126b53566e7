import { stateLabel } from '../i18n/states.ts';
import { card, type Card } from '../model.ts';
import { count, formatTime, money, qty, textsOf, type TemplateContext } from './context.ts';
import { countOnPhone } from './pages.ts';
import type { StatusView } from './views.ts';

/** Words given in both languages (a scope, an estimate), in the card's. */
const inLocale = (ctx: TemplateContext, w: { en: string; zh: string }) => (ctx.locale === 'en' ? w.en : w.zh);

/** Where a stocktake stands: counting progress, variances, review and documents. */
export function statusCard(ctx: TemplateContext, s: StatusView): Card {
  const t = textsOf(ctx).status;
  const b = textsOf(ctx).blind;
  const v = s.variances;
  return card({
    header: {
      title: t.title(s.code, s.warehouse),
      subtitle: stateLabel(ctx.locale, 'stocktake', s.status),
      state: s.status === 'posted' ? 'success' : s.lines.conflict > 0 || s.review.overdue > 0 ? 'warning' : 'info',
    },
    elements: [
      {
        type: 'fields',
        fields: [
          { label: t.snapshot, value: formatTime(s.snapshotAt, ctx.timezone) },
          { label: t.imports, value: count(s.imports) },
          { label: t.counted, value: `${s.lines.total - s.lines.uncounted} / ${s.lines.total}` },
          { label: t.verified, value: count(s.lines.verified) },
          { label: t.conflicts, value: count(s.lines.conflict) },
          { label: t.notInBook, value: count(s.lines.notInBook) },
          ...(s.blind ? [{ label: b.label, value: b.on }] : []),
          ...(v
            ? [
                { label: t.gains, value: `${v.gain} · ${money(v.gainValue, s.currency)}` },
                { label: t.losses, value: `${v.loss} · ${money(v.lossValue, s.currency)}` },
                { label: t.net, value: money(v.netValue, s.currency) },
              ]
            : []),
        ],
      },
      ...(s.scope || s.spotCheck
        ? [
            {
              type: 'fields' as const,
              fields: [
                ...(s.scope ? [{ label: t.scope, value: inLocale(ctx, s.scope) }] : []),
                ...(s.spotCheck ? [{ label: t.spotCheck, value: inLocale(ctx, s.spotCheck) }] : []),
              ],
            },
          ]
        : []),
      ...(s.status === 'counting' ? [countOnPhone(ctx, s.code)] : []),
      ...(v ? [] : [{ type: 'markdown' as const, text: b.hidden }]),
      ...(!v && s.lines.conflict > 0 ? [{ type: 'markdown' as const, text: b.recountNeeded(s.lines.conflict) }] : []),
      ...(s.status !== 'counting'
        ? [
            {
              type: 'fields' as const,
              fields: [
                { label: t.open, value: count(s.review.open) },
                { label: t.recount, value: count(s.review.recount) },
                { label: t.confirmed, value: count(s.review.confirmed) },
                { label: t.documented, value: count(s.review.documented) },
                { label: t.posted, value: count(s.review.posted) },
                { label: t.overdue, value: count(s.review.overdue) },
              ],
            },
          ]
        : []),
      ...(s.documents.length
        ? [
            {
              type: 'table' as const,
              columns: [
                { key: 'number', label: t.document },
                { key: 'kind', label: t.kind },
                { key: 'status', label: t.docStatus },
                { key: 'value', label: t.value, align: 'right' as const },
              ],
              rows: s.documents.map((d) => ({
                number: d.number,
                kind: t.kinds[d.kind],
                status: stateLabel(ctx.locale, 'document', d.status),
                value: qty(d.totalValue),
              })),
            },
          ]
        : []),
    ],
    footer: t.next[s.status as keyof typeof t.next],
  });
}
