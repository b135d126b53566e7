/**
 * GET /patterns?warehouse=CODE: what the product found looking back over a warehouse's counts (recurring
 * variances, rising causes, counters' recounts, loss clusters) and the performance figures (绩效). Anyone
 * with a role in the warehouse reads the patterns about stock; the figures follow performanceFigures: a
 * manager or admin sees everyone's, anyone else only their own (and no finding that names a counter).
 * Lines of text, so a 360 px phone reads them as well as a desktop.
 */
import { render, type Phrase } from '../../domain/phrase.ts';
import { patternTexts } from '../../domain/texts/patterns.ts';
import { warehousesOf } from '../../services/dashboard.ts';
import { detectPatterns, patternPhrases, performanceFigures, performancePhrases } from '../../services/patterns/index.ts';
import { requireReader } from '../api/access.ts';
import { esc } from '../layout.ts';
import type { PageContext, PageResult } from './shared.ts';

export async function patternsPage(p: PageContext): Promise<PageResult> {
  const { db } = p.deps;
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const title = w(patternTexts.pageTitle());
  const warehouses = await warehousesOf(db, p.actor.personId);
  if (warehouses.length === 0)
    return { title, active: 'stocktakes', body: `<h1>${esc(title)}</h1>\n<p class="notice">${esc(w(patternTexts.noWarehouse()))}</p>` };
  const code = p.c.req.query('warehouse') || warehouses[0]!.code;
  await requireReader(db, p.actor, code, `the patterns of ${code}`);
  const figures = await performanceFigures(db, { warehouse: code, viewer: p.actor });
  const found = await detectPatterns(db, { warehouse: code });
  // A finding about a counter's recounts is a figure about a person: only for those who see everyone's.
  const visible = figures.scope === 'all' ? found : { ...found, counters: [] };
  const findings = patternPhrases(visible);
  const lines = performancePhrases(figures);
  const list = (items: Phrase[]) => `<ul class="lines">${items.map((i) => `<li>${esc(w(i))}</li>`).join('')}</ul>`;
  const form = `<form class="filters" method="get" action="/patterns">
<label>${esc(w(patternTexts.warehouseLabel()))}<select name="warehouse">${warehouses
    .map((x) => `<option value="${esc(x.code)}"${x.code === code ? ' selected' : ''}>${esc(`${x.code} ${x.name}`)}</option>`)
    .join('')}</select></label>
<button type="submit">${esc(w(patternTexts.show()))}</button>
</form>`;
  const body = `<h1>${esc(w(patternTexts.title(code)))}</h1>
${form}
<section>
<h2>${esc(w(patternTexts.findingsHeading()))}</h2>
${findings.length > 0 ? list(findings) : `<p>${esc(w(patternTexts.none(code, String(found.posted.length))))}</p>`}
</section>
<section>
<h2>${esc(w(figures.scope === 'all' ? patternTexts.performanceTitle(code, String(figures.window)) : patternTexts.ownTitle(p.actor.handle, code)))}</h2>
${figures.scope === 'own' ? `<p class="notice">${esc(w(patternTexts.ownOnly()))}</p>` : ''}
${lines.length > 0 ? list(lines) : `<p>${esc(w(patternTexts.noFigures(p.actor.handle)))}</p>`}
</section>`;
  return { title, active: 'stocktakes', body };
}
