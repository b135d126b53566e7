import { card, type Card } from '../model.ts';
import { count, money, textsOf, type TemplateContext } from './context.ts';
import type { ImportSummaryView } from './views.ts';

/** The answer to an uploaded count sheet: what was counted, what it found, and every rejected line. */
export function importSummaryCard(ctx: TemplateContext, v: ImportSummaryView): Card {
  const t = textsOf(ctx).importSummary;
  const b = textsOf(ctx).blind;
  const f = v.variances;
  const state = v.linesInConflict > 0 || v.rowsRejected > 0 || v.ignoredColumns.length > 0 ? 'warning' : 'success';
  return card({
    header: { title: t.title(v.fileName), subtitle: t.subtitle(v.stocktakeCode, v.counter, v.round), state },
    elements: [
      {
        type: 'fields',
        fields: [
          { label: t.lines, value: count(v.linesCounted) },
          { label: t.verified, value: count(v.linesVerified) },
          { label: t.conflicts, value: count(v.linesInConflict) },
          { label: t.uncounted, value: count(v.uncounted) },
          { label: t.notInBook, value: count(v.linesNotInBook) },
          ...(f
            ? [
                { label: t.gains, value: `${f.gains} · ${money(f.gainValue, v.currency)}` },
                { label: t.losses, value: `${f.losses} · ${money(f.lossValue, v.currency)}` },
                { label: t.net, value: money(f.netValue, v.currency) },
              ]
            : []),
        ],
      },
      {
        type: 'markdown',
        text: t.changed({
          counted: v.linesCounted,
          notInBook: v.linesNotInBook,
          verified: v.linesVerified,
          resolved: v.linesResolved,
          conflicts: v.linesInConflict,
          uncounted: v.uncounted,
        }),
      },
      ...(v.sheet !== null ? [{ type: 'markdown' as const, text: t.sheet(v.sheet) }] : []),
      ...(v.ignoredColumns.length > 0
        ? [{ type: 'markdown' as const, text: [t.ignored, ...v.ignoredColumns.map((c) => `- ${c}`)].join('\n') }]
        : []),
      ...(f ? [] : [{ type: 'markdown' as const, text: b.hidden }]),
      ...(v.linesSuperseded > 0 ? [{ type: 'markdown' as const, text: t.superseded(v.linesSuperseded) }] : []),
      ...(v.problems.length > 0
        ? [
            { type: 'markdown' as const, text: t.rejected(v.rowsRejected, v.rowsRead) },
            {
              type: 'table' as const,
              columns: [
                { key: 'line', label: t.line, align: 'right' as const },
                { key: 'column', label: t.column },
                { key: 'message', label: t.problem },
              ],
              rows: v.problems.slice(0, 30).map((p) => ({ line: String(p.line), column: p.column ?? '', message: p.message })),
              more: Math.max(0, v.problems.length - 30),
            },
          ]
        : []),
    ],
    footer: v.linesInConflict > 0 ? t.conflictHint : t.nextHint,
  });
}

/** A workbook with data on several sheets: which one is the count? One button per sheet imports it. */
export function sheetChoiceCard(
  ctx: TemplateContext,
  v: { stocktakeId: string; fileName: string; sheets: string[]; upload: string },
): Card {
  const t = textsOf(ctx).importSummary;
  return card({
    header: { title: t.chooseTitle(v.fileName), state: 'info' },
    elements: [
      { type: 'markdown', text: t.chooseText(v.sheets.length) },
      {
        type: 'buttons',
        buttons: v.sheets.map((sheet) => ({
          label: sheet,
          style: 'default' as const,
          action: ctx.act({ kind: 'sheet.import', stocktakeId: v.stocktakeId, fileName: v.fileName, sheet, upload: v.upload }),
        })),
      },
    ],
  });
}
