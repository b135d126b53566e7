import { card, type Card } from '../model.ts';
import { textsOf, type TemplateContext } from './context.ts';

/**
 * What the bot can do here, with the words it understands (slash form, plain words, Chinese). An admin
 * also gets the admin section: the commands only admins need, and where the console's admin pages are.
 */
export function helpCard(ctx: TemplateContext, chat: { warehouse: string | null; purposes: string[]; admin?: boolean }): Card {
  const t = textsOf(ctx).help;
  const table = (rows: [string, string][]) => ({
    type: 'table' as const,
    columns: [
      { key: 'command', label: t.command },
      { key: 'what', label: t.what },
    ],
    rows: rows.map(([command, what]) => ({ command, what })),
  });
  return card({
    header: { title: t.title, subtitle: chat.warehouse ? t.boundTo(chat.warehouse, chat.purposes) : t.notBound, state: 'info' },
    elements: [
      table(t.commands),
      { type: 'markdown', text: t.files },
      ...(chat.admin
        ? [
            { type: 'divider' as const },
            { type: 'markdown' as const, text: `**${t.adminTitle}**` },
            table(t.adminCommands),
            { type: 'markdown' as const, text: t.adminConsole },
          ]
        : []),
    ],
    footer: t.footer,
  });
}
