/** A digest chat's report schedule: each report's cron, timezone and next time, or that it is off. */
import { card, type Card } from '../model.ts';
import { escapeMarkdown } from '../render/markdown.ts';
import { formatTime, textsOf, type TemplateContext } from './context.ts';

export interface ScheduleLine {
  job: 'daily' | 'weekly' | 'monthly';
  cron: string;
  timezone: string;
  enabled: boolean;
  isDefault: boolean;
  /** ISO time of the next report, null when off. */
  next: string | null;
}

export function scheduleCard(ctx: TemplateContext, view: { warehouse: string; lines: ScheduleLine[]; changes?: string[] }): Card {
  const t = textsOf(ctx).schedule;
  return card({
    header: {
      title: view.changes?.length ? t.setTitle : t.title,
      subtitle: view.warehouse,
      state: view.changes?.length ? 'success' : 'info',
    },
    elements: [
      ...(view.changes?.length ? [{ type: 'markdown' as const, text: view.changes.join('\n') }] : []),
      {
        type: 'fields',
        fields: view.lines.map((l) => ({
          label: t[l.job],
          value: l.enabled
            ? [`${l.cron} · ${l.timezone}`, l.next ? t.next(formatTime(l.next, l.timezone)) : null, l.isDefault ? t.defaultNote : null]
                .filter(Boolean)
                .join(' · ')
            : t.off,
          short: false,
        })),
      },
      { type: 'markdown', text: escapeMarkdown(t.usage) },
    ],
  });
}
