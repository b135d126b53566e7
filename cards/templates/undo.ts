import { stateLabel } from '../i18n/states.ts';
import { card, type Card } from '../model.ts';
import { escapeMarkdown } from '../render/markdown.ts';
import { lineLabel, textsOf, type TemplateContext } from './context.ts';

/** What a void did, as its card shows it: the sheet, the reason, and each line whose count changed. */
export interface VoidedSheetView {
  fileName: string;
  counter: string;
  reason: string;
  linesCovered: number;
  linesChanged: number;
  changed: { sku: string; location: string; lot?: string; before: LineCount; after: LineCount }[];
}

interface LineCount {
  countStatus: string;
  countedQty: string | null;
}

/** Lines a card lists; the rest are counted as "… and N more". */
const LISTED = 20;

/** A count sheet voided (作废): which lines changed, before and now. */
export function voidedSheetCard(ctx: TemplateContext, v: VoidedSheetView): Card {
  const t = textsOf(ctx).replies;
  const count = (c: LineCount) => `${stateLabel(ctx.locale, 'count', c.countStatus)}${c.countedQty === null ? '' : ` ${c.countedQty}`}`;
  return card({
    header: { title: t.voidedTitle, subtitle: v.fileName, state: 'warning' },
    elements: [
      { type: 'markdown', text: t.voided(escapeMarkdown(v.fileName), v.counter, escapeMarkdown(v.reason), v.linesCovered, v.linesChanged) },
      ...(v.changed.length > 0
        ? [
            {
              type: 'table' as const,
              columns: [
                { key: 'line', label: t.voidLine },
                { key: 'before', label: t.voidBefore },
                { key: 'after', label: t.voidAfter },
              ],
              rows: v.changed
                .slice(0, LISTED)
                .map((c) => ({ line: lineLabel(c.sku, c.location, c.lot), before: count(c.before), after: count(c.after) })),
              more: Math.max(0, v.linesChanged - Math.min(LISTED, v.changed.length)),
            },
          ]
        : []),
    ],
  });
}
