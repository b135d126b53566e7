/**
 * The cycle-count page (/plans): a supervisor reads the plan, changes it (class days, a location rule added
 * and removed), starts a partial stocktake by scope, a spot check and the due count from its forms; refusals
 * (bad input, a counter, another site's form) change nothing and say why on the page; the stocktakes list and
 * detail pages show a stocktake's scope.
 */
import { expect, it } from 'vitest';
import { mountPages } from '../../src/http/pages/index.ts';
import { getPlan } from '../../src/services/cyclePlans.ts';
import { getStocktake } from '../../src/services/stocktakes.ts';
import { cancelStocktake } from '../../src/services/undo.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';
import { testHttp, type TestHttp } from '../support/http.ts';

async function html(response: Response | Promise<Response>, status = 200): Promise<string> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text.slice(0, 600)).toBe(status);
  return text;
}

const form = (
  http: TestHttp,
  person: string,
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return http.as(person, path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
};

/** The rows of the plan's rule table: rule, days, items, due. */
const ruleRows = (page: string) =>
  [
    ...page.matchAll(
      /<tr data-rule="([^"]+)"><td>[^<]*<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td>/g,
    ),
  ].map((m) => [m[1], Number(m[2]), Number(m[3]), Number(m[4])]);

describeEachDatabase('the cycle-count page', (get) => {
  it('shows the plan and changes it for a supervisor; refuses a counter, bad input and another site’s form', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountPages]);

    const list = await html(http.as('carl', '/stocktakes?lang=en'));
    expect(list).toContain('<a href="/plans" class="plans-link">Cycle-count plan, spot checks and partial stocktakes</a>');

    const first = await html(http.as('sam', '/plans'));
    expect(first).toContain('<h1>Cycle counts · WH1 Main</h1>');
    expect(first).toContain('No plan yet: the days below are the defaults.');
    expect(first).toContain('An item is due when it is due by its ABC class or by a location rule');
    // Nothing counted yet: all four items (class C, no consumption) due by their class.
    expect(ruleRows(first)).toEqual([
      ['class:A', 30, 0, 0],
      ['class:B', 90, 0, 0],
      ['class:C', 365, 4, 4],
    ]);
    expect(first).toContain('<dt>Due now</dt><dd>4</dd>');
    expect(first).toContain('Start the due partial stocktake now (4 items)');
    for (const f of ['plan-form', 'spot-form', 'partial-form']) expect(first).toContain(`class="filters ${f}"`);

    // A counter reads the plan without the forms, and a post of theirs is refused.
    const carlPage = await html(http.as('carl', '/plans'));
    expect(carlPage).toContain('Only a supervisor, manager or admin of WH1 changes the plan or starts counts');
    expect(carlPage).not.toContain('plan-form');
    expect(carlPage).not.toContain('/plans/run');
    const refused = await html(form(http, 'carl', '/plans', { warehouse: 'WH1', A: '10' }), 403);
    expect(refused).toContain('Not done:');
    expect(refused).toContain('set the cycle-count plan');
    expect(await getPlan(db, 'WH1')).toBeNull();

    // Bad input: said where, shown with what was typed, nothing saved.
    const badRule = await html(
      form(http, 'sam', '/plans', { warehouse: 'WH1', A: '10', B: '90', C: '365', location: 'R*1', locationDays: '5' }),
      400,
    );
    expect(badRule).toContain('Not done: location &quot;R*1&quot; is not valid: give a location code or a prefix ending in *');
    expect(badRule).toContain('name="location" value="R*1"');
    const badDays = await html(form(http, 'sam', '/plans', { warehouse: 'WH1', A: 'abc', B: '90', C: '365' }), 400);
    expect(badDays).toContain('days for class A &quot;abc&quot; is not valid');
    expect(await getPlan(db, 'WH1')).toBeNull();

    // Another site's form with sam's cookie: the same-origin check refuses it.
    const forged = await form(http, 'sam', '/plans', { warehouse: 'WH1', A: '10' }, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(await getPlan(db, 'WH1')).toBeNull();

    const saved = await form(http, 'sam', '/plans', { warehouse: 'WH1', A: '10', B: '90', C: '200', location: 'R*', locationDays: '20' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/plans?warehouse=WH1&done=saved');
    expect(await getPlan(db, 'WH1')).toEqual({
      warehouse: 'WH1',
      days: { A: 10, B: 90, C: 200 },
      locations: [{ location: 'R*', days: 20 }],
    });
    const afterSave = await html(http.as('sam', '/plans?warehouse=WH1&done=saved'));
    expect(afterSave).toContain('The plan of WH1 is saved.');
    expect(ruleRows(afterSave)).toEqual([
      ['class:A', 10, 0, 0],
      ['class:B', 90, 0, 0],
      ['class:C', 200, 4, 4],
      ['location:R*', 20, 4, 4],
    ]);
    expect(afterSave).toContain('aria-label="Remove the rule of R*"');
    expect(afterSave).toMatch(
      /<tr data-sku="A-100"><td>A-100<\/td><td>C<\/td><td>never<\/td><td>—<\/td><td>due \(class C, R\*\)<\/td><td>R\* every 20 days<\/td><\/tr>/,
    );

    const removed = await form(http, 'sam', '/plans', { warehouse: 'WH1', remove: 'R*' });
    expect(removed.status).toBe(303);
    expect((await getPlan(db, 'WH1'))!.locations).toEqual([]);
    expect(await html(form(http, 'sam', '/plans', { warehouse: 'WH1', remove: 'R*' }), 400)).toContain(
      'the cycle-count plan of WH1 has no rule for location R*',
    );

    // The same page in Chinese (the choice is remembered, so it comes last).
    const zh = await html(http.as('sam', '/plans?warehouse=WH1&lang=zh-CN'));
    expect(zh).toContain('<h1>周期盘点 · WH1 Main</h1>');
    expect(zh).toContain('开始抽盘');
    expect(zh).toContain('<td>C 类</td>');
  });

  it('starts a partial stocktake, a spot check and the due count from its forms, and the stocktake pages show their scope', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const people = await seedPeople(db);
    const http = await testHttp(db, [mountPages]);

    expect(await html(form(http, 'sam', '/plans/partial', { warehouse: 'WH1', locations: '', items: '  ' }), 400)).toContain(
      'give at least one of locations, categories, ABC classes or items',
    );
    expect(await html(form(http, 'sam', '/plans/partial', { warehouse: 'WH1', classes: 'D' }), 400)).toContain(
      'ABC class &quot;D&quot; is not valid',
    );
    const partial = await form(http, 'sam', '/plans/partial', {
      warehouse: 'WH1',
      locations: 'R1, R2',
      items: 'A-100\nA-200, C-400',
      blind: '1',
    });
    expect(partial.status).toBe(303);
    const partialCode = /^\/stocktakes\/(ST-[^?]+)$/.exec(partial.headers.get('location') ?? '')![1]!;
    const partialSt = await getStocktake(db, partialCode);
    expect(partialSt.scope).toEqual({ locations: ['R1', 'R2'], skus: ['A-100', 'A-200', 'C-400'] });
    expect(partialSt.blind).toBe(true);
    const detail = await html(http.as('sam', `/stocktakes/${partialCode}`));
    expect(detail).toContain(
      '<dt>Scope</dt><dd><span class="scope">partial stocktake: items A-100, A-200, C-400; locations R1, R2</span></dd>',
    );
    const listed = await html(http.as('sam', '/stocktakes'));
    expect(listed).toContain('<small class="muted scope">partial stocktake: items A-100, A-200, C-400; locations R1, R2</small>');
    // While it is open the page says so and offers no run; a second start is refused with the reason.
    const whileOpen = await html(http.as('sam', '/plans'));
    expect(whileOpen).toContain(`Stocktake ${partialCode} is open (counting)`);
    expect(whileOpen).not.toContain('id="run-due"');
    const refusedOpen = await html(form(http, 'sam', '/plans/spot-check', { warehouse: 'WH1', size: '2' }), 409);
    // The advice fits a page: where to go in the console, not a chat command or a CLI flag.
    expect(refusedOpen).toContain(
      `already has an open stocktake ${partialCode}; finish or cancel it first (open ${partialCode} under Stocktakes`,
    );
    expect(refusedOpen).not.toContain('cancel REASON');
    await cancelStocktake(db, people.sam, { stocktake: partialCode, reason: 'test' });

    const noSize = await html(form(http, 'sam', '/plans/spot-check', { warehouse: 'WH1', weighted: 'none' }), 400);
    expect(noSize).toContain('give the sample size either as a number of items or as a share, one of them: fill in');
    expect(noSize).not.toContain('--size');
    expect(await html(form(http, 'carl', '/plans/spot-check', { warehouse: 'WH1', size: '2' }), 403)).toContain('start a spot check');
    const spot = await form(http, 'sam', '/plans/spot-check', { warehouse: 'WH1', size: '2', weighted: 'value', seed: '1' });
    expect(spot.status).toBe(303);
    const spotCode = /^\/stocktakes\/(ST-[^?]+)$/.exec(spot.headers.get('location') ?? '')![1]!;
    expect((await getStocktake(db, spotCode)).scope?.sample).toEqual({ size: 2, population: 4, weighted: 'value', seed: 1 });
    const zhDetail = await html(http.as('sam', `/stocktakes/${spotCode}?lang=zh-CN`));
    expect(zhDetail).toContain('<dt>范围</dt><dd><span class="scope">抽盘：从 4 个物料中抽取 2 个，按金额加权，种子 1</span></dd>');
    await cancelStocktake(db, people.sam, { stocktake: spotCode, reason: 'test' });

    // No plan yet: the run says so. With one, it starts the four never-counted items and lands on the stocktake.
    const noPlan = await form(http, 'sam', '/plans/run', { warehouse: 'WH1' });
    expect(noPlan.headers.get('location')).toBe('/plans?warehouse=WH1&done=no%20plan');
    expect(await html(http.as('sam', '/plans?warehouse=WH1&done=no%20plan&lang=en'))).toContain('No cycle count started for WH1: no plan.');
    expect((await form(http, 'sam', '/plans', { warehouse: 'WH1', A: '30', B: '90', C: '365' })).status).toBe(303);
    const run = await form(http, 'sam', '/plans/run', { warehouse: 'WH1' });
    expect(run.status).toBe(303);
    const runCode = /^\/stocktakes\/(ST-[^?]+)$/.exec(run.headers.get('location') ?? '')![1]!;
    expect((await getStocktake(db, runCode)).scope).toEqual({ skus: ['A-100', 'A-200', 'B-300', 'C-400'] });
  });
});
