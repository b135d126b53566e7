import { card, type Card } from '../model.ts';
import { textsOf, type TemplateContext } from './context.ts';

/** What the bot can do here, with the words it understands (slash form, plain words, Chinese). */
export function helpCard(ctx: TemplateContext, chat: { warehouse: string | null; purposes: string[] }): Card {
  const t = textsOf(ctx).help;
  return card({
    header: { title: t.title, subtitle: chat.warehouse ? t.boundTo(chat.warehouse, chat.purposes) : t.notBound, state: 'info' },
    elements: [
      {
        type: 'table',
        columns: [
          { key: 'command', label: t.command },
          { key: 'what', label: t.what },
        ],
        rows: t.commands.map(([command, what]) => ({ command, what })),
      },
      { type: 'markdown', text: t.files },
    ],
    footer: t.footer,
  });
}
