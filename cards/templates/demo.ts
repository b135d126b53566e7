import { card, type Card } from '../model.ts';
import { messages, type Locale } from '../i18n/index.ts';

/** After the console's "Load demo data", in the demo team chat: the steps `stocktake demo` prints, numbered. */
export function demoNextStepsCard(ctx: { locale: Locale }, v: { stocktake: string; steps: readonly string[] }): Card {
  const t = messages(ctx.locale).demo;
  return card({
    header: { title: t.nextTitle, subtitle: t.nextSubtitle(v.stocktake), state: 'info' },
    elements: [{ type: 'markdown', text: v.steps.map((step, i) => `${i + 1}. ${step}`).join('\n') }],
  });
}
