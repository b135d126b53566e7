/**
 * The case library in the console: an explained line of a stocktake links to the write-up form, the form
 * writes the case up (refusals shown above it again), the case page shows its lines, action and history
 * and closes the action, and the list searches in Chinese, for members of the warehouse only.
 */
import { expect, it } from 'vitest';
import { localDay } from '../../src/domain/time.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { addPerson } from '../../src/services/people.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

async function html(response: Response | Promise<Response>, status = 200): Promise<string> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text.slice(0, 600)).toBe(status);
  return text;
}

describeEachDatabase('case library pages', (get) => {
  it('writes up an explained line from the stocktake page, shows the case, closes it and finds it', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.code);
    await explainAll(db, st.code, people.sam);
    await addPerson(db, { handle: 'visitor' });
    const http = await testHttp(db, [mountPages]);

    const stocktakePage = await html(http.as('sam', `/stocktakes/${st.code}`));
    expect(stocktakePage).toContain(`href="/cases/new?stocktake=${st.code}&amp;line=A-100%40R1"`);
    expect(await html(http.as('sam', `/cases/new?stocktake=${st.code}&line=A-100%40R1&lang=zh-CN`))).toContain('写成案例');

    const form = (fields: Record<string, string>) =>
      http.as('sam', '/cases', {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const fields = {
      stocktake: st.code,
      lines: 'A-100@R1',
      title: '包装破损导致漏数',
      whatHappened: '叉车撞破纸箱',
      action: '加装护栏',
      actionOwner: 'sam',
      actionDue: localDay(new Date(Date.now() + 5 * 24 * 3600_000), 'Asia/Shanghai'),
    };
    expect(await html(form({ ...fields, lines: 'B-300@R3' }), 400)).toContain('B-300@R3 没有差异，无需写成案例');
    const created = await form(fields);
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/cases/C-1');

    const shown = await html(http.as('sam', '/cases/C-1'));
    expect(shown).toContain('data-line="A-100@R1"');
    expect(shown).toContain('case.created');
    expect(shown).toContain('加装护栏');
    expect(await html(http.as('visitor', '/cases/C-1'), 403)).not.toContain('加装护栏');

    const done = await http.as('sam', '/cases/C-1/done', {
      method: 'POST',
      body: new URLSearchParams({ note: '护栏已装' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.status).toBe(303);
    expect(await html(http.as('sam', '/cases/C-1?lang=zh-CN'))).toContain('已完成');

    const list = await html(http.as('sam', `/cases?q=${encodeURIComponent('破损')}`));
    expect([...list.matchAll(/data-case="([^"]+)"/g)].map((m) => m[1])).toEqual(['C-1']);
    expect([...(await html(http.as('visitor', '/cases'))).matchAll(/data-case="([^"]+)"/g)]).toEqual([]);
  });
});
