import { sql } from 'drizzle-orm';
import { sealAudit } from '../../src/services/auditSeal.ts';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import type { CommandContext } from '../../src/domain/people.ts';
import { mountApi } from '../../src/http/api/index.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { approveDocument, rejectDocument } from '../../src/services/approvals.ts';
import { saveCause } from '../../src/services/causes.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { addPerson, getPerson, grantRole, rolesOf } from '../../src/services/people.ts';
import { assignOwner, confirmVariance, tagCause } from '../../src/services/review.ts';
import { closeCounting, getStocktake } from '../../src/services/stocktakes.ts';
import { addWarehouse, getWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

/** WH1's counted stocktake, closed: A-100@R1 −10 (−25.00), A-200@R2 +1 (12.00), B-300@R3 match, C-400@R4 −2 (−300.00). */
async function inReview(db: Db) {
  const { st, people } = await countedStocktake(db);
  await closeCounting(db, st.code);
  const http = await testHttp(db, [mountPages]);
  return { st, people, http };
}

async function explain(db: Db, code: string, by: CommandContext, line: string, cause: string, note?: string) {
  await confirmVariance(db, by, { stocktake: code, line });
  await tagCause(db, by, { stocktake: code, line, cause, note });
}

async function html(response: Response | Promise<Response>, status = 200): Promise<string> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text.slice(0, 600)).toBe(status);
  return text;
}

/** The variance lines of the page's table, in the order shown. */
const tableLines = (page: string) => [...page.matchAll(/<tr data-line="([^"]+)"/g)].map((m) => m[1]);

/** One table row (or section) from its data attribute to its end. */
const rowOf = (page: string, attribute: string, end = '</tr>') => {
  const start = page.indexOf(attribute);
  expect(start, `${attribute} on the page`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf(end, start));
};

describeEachDatabase('dashboard pages', (get) => {
  it("lists the stocktakes of the caller's warehouses with counting progress, open variances and net value", async () => {
    const { db } = get();
    const { st, http } = await inReview(db);
    const page = await html(http.as('sam', '/stocktakes'));
    const row = rowOf(page, `data-stocktake="${st.code}"`);
    expect(row).toContain(`href="/stocktakes/${st.code}"`);
    expect(row).toContain('>reviewing variances</span>');
    expect(row).toMatch(/<span class="counted" style="width:100.00%"><\/span>/);
    expect(row).toContain('counted 4');
    expect(row).toMatch(/<td class="num">3<\/td>/);
    expect(row).toContain('-313.00');
  });

  it('tells a new user how to get started when there are no stocktakes, and a person without roles why none are shown', async () => {
    const { db } = get();
    await addPerson(db, { handle: 'newbie' });
    const http = await testHttp(db, [mountPages]);
    const empty = await html(http.as('newbie', '/stocktakes'));
    expect(empty).toContain('npx stocktake demo');
    expect(empty).toContain('<a href="/">console</a>');

    const { st } = await countedStocktake(db);
    const page = await html(http.as('newbie', '/stocktakes'));
    expect(page).not.toContain(st.code);
    expect(page).toContain('You hold no role in any warehouse');
    expect(await html(http.as('newbie', '/stocktakes?lang=zh'))).toContain('你还没有任何仓库的角色');
  });

  it('shows the variance table with exact decimal figures, largest value first', async () => {
    const { db } = get();
    const { st, http } = await inReview(db);
    const page = await html(http.as('sam', `/stocktakes/${st.code}`));
    expect(tableLines(page)).toEqual(['C-400@R4', 'A-100@R1', 'A-200@R2', 'B-300@R3']);
    const a100 = rowOf(page, 'data-line="A-100@R1"');
    expect(a100).toContain('Widget');
    expect(a100.match(/<td class="num[^"]*">([^<]*)<\/td>/g)!.map((c) => c.replace(/<[^>]+>/g, ''))).toEqual([
      '100',
      '0',
      '100',
      '90',
      '-10',
      '-25.00',
    ]);
    expect(a100).toContain('>to review</span>');
    expect(a100).toContain('sam');
    const b300 = rowOf(page, 'data-line="B-300@R3"');
    expect(b300).toContain('50.5');
    // A line without variance is not in review (the label of review state none, also while counting).
    expect(b300).toContain('>not in review</span>');
    expect(rowOf(page, 'data-line="C-400@R4"')).toContain('-300.00');
    expect(rowOf(page, 'data-line="A-200@R2"')).toContain('螺丝 M4');
    expect(page).toContain('Lines 1–4 of 4');
  });

  it('shows the suggested cause with its reason in the page locale', async () => {
    const { db } = get();
    // A-100 book 100 counted 10: a pack of 10 counted as one.
    const { st } = await countedStocktake(db, [
      ['A-100', 'R1', '10'],
      ['A-200', 'R2', '20'],
      ['B-300', 'R3', '50.5'],
      ['C-400', 'R4', '3'],
    ]);
    await closeCounting(db, st.code);
    const http = await testHttp(db, [mountPages]);
    const en = rowOf(await html(http.as('sam', `/stocktakes/${st.code}`)), 'data-line="A-100@R1"');
    expect(en).toMatch(/Unit-of-measure error<small>[^<]*100 ÷ 10/);
    const zh = rowOf(await html(http.as('sam', `/stocktakes/${st.code}?lang=zh`)), 'data-line="A-100@R1"');
    expect(zh).toMatch(/单位错误<small>[^<]*100/);
  });

  it('filters the variance table by review status, cause, location and owner, and sorts by SKU', async () => {
    const { db } = get();
    const { st, people, http } = await inReview(db);
    await explain(db, st.code, people.sam, 'A-100@R1', 'damage');
    await assignOwner(db, people.sam, { stocktake: st.code, line: 'C-400@R4', owner: 'sue' });
    const lines = async (query: string) => tableLines(await html(http.as('sam', `/stocktakes/${st.code}?${query}`)));
    expect(await lines('status=confirmed')).toEqual(['A-100@R1']);
    expect(await lines('status=open')).toEqual(['C-400@R4', 'A-200@R2']);
    expect(await lines('cause=damage')).toEqual(['A-100@R1']);
    expect(await lines('cause=-&diff=1')).toEqual(['C-400@R4', 'A-200@R2']);
    expect(await lines('location=R2')).toEqual(['A-200@R2']);
    expect(await lines('owner=sue')).toEqual(['C-400@R4']);
    expect(await lines('diff=1')).toEqual(['C-400@R4', 'A-100@R1', 'A-200@R2']);
    expect(await lines('sort=sku')).toEqual(['A-100@R1', 'A-200@R2', 'B-300@R3', 'C-400@R4']);
    expect(await lines('status=&cause=&location=&owner=&sort=value')).toEqual(['C-400@R4', 'A-100@R1', 'A-200@R2', 'B-300@R3']);
    const form = await html(http.as('sam', `/stocktakes/${st.code}?owner=sue`));
    expect(form).toContain('<option value="sue" selected>sue</option>');
    const bad = await html(http.as('sam', `/stocktakes/${st.code}?status=lost`), 400);
    expect(bad).toContain('bad filter: status');
  });

  it('shows documents with their approval route, who decided and when, reject reasons, totals and export links', async () => {
    const { db } = get();
    const { st, people, http } = await inReview(db);
    await explain(db, st.code, people.sam, 'A-100@R1', 'damage');
    await explain(db, st.code, people.sam, 'C-400@R4', 'theft');
    await explain(db, st.code, people.sam, 'A-200@R2', 'unrecorded_receipt');
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    const loss = documents.find((d) => d.kind === 'loss')!;
    const gain = documents.find((d) => d.kind === 'gain')!;
    const before = await html(http.as('sam', `/stocktakes/${st.code}`));
    expect(rowOf(before, `data-document="${loss.number}"`, '</section>')).toMatch(/data-step="1"[\s\S]*>supervisor<[\s\S]*>pending</);
    expect(before).toContain('Nothing posted yet');

    await approveDocument(db, people.sue, { document: loss.number });
    await rejectDocument(db, people.sue, { document: gain.number, reason: 'wrong shelf, recount' });
    const page = await html(http.as('sam', `/stocktakes/${st.code}`));
    const lossSection = rowOf(page, `data-document="${loss.number}"`, '</section>');
    expect(lossSection).toContain('Loss document');
    expect(lossSection).toContain('>posted</span>');
    const step = rowOf(lossSection, 'data-step="1"');
    expect(step).toContain('>approved</span>');
    expect(step).toContain('sue');
    expect(step).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(lossSection).toContain('-325.00 CNY');
    expect(lossSection).toContain(`/api/v1/documents/${loss.id}/export?format=xlsx`);
    const gainSection = rowOf(page, `data-document="${gain.number}"`, '</section>');
    expect(gainSection).toContain('>rejected</span>');
    expect(gainSection).toContain('wrong shelf, recount');
    expect(gainSection).not.toContain('/export?');
    for (const format of ['csv', 'xlsx', 'json']) expect(page).toContain(`/api/v1/stocktakes/${st.code}/export?format=${format}`);
    // The rejected gain line is back in review, showing why.
    expect(rowOf(page, 'data-line="A-200@R2"')).toContain('wrong shelf, recount');
  });

  it('links the export downloads to the API routes that serve them', async () => {
    const { db } = get();
    const { st, people } = await inReview(db);
    await explain(db, st.code, people.sam, 'A-100@R1', 'damage');
    await explain(db, st.code, people.sam, 'C-400@R4', 'theft');
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code, lines: ['A-100@R1', 'C-400@R4'] });
    await approveDocument(db, people.sue, { document: documents[0]!.number });
    const http = await testHttp(db, [mountApi, mountPages]);
    const page = await html(http.as('sam', `/stocktakes/${st.code}`));
    const links = [...page.matchAll(/href="(\/api\/v1\/[^"]+\/export\?format=(csv|xlsx|json))"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(links).toHaveLength(6);
    for (const link of links) {
      const r = await http.as('sam', link);
      expect(r.status, link).toBe(200);
      expect(r.headers.get('content-disposition'), link).toMatch(/attachment/);
    }
    const json = (await (await http.as('sam', links.find((l) => l.includes('/documents/') && l.endsWith('json'))!)).json()) as {
      documents: { number: string; totalValue: string }[];
    };
    expect(json.documents[0]).toMatchObject({ number: documents[0]!.number, totalValue: '-325.00' });
  });

  it('shows the audit history with the hash chain verified, and the first broken row once one is edited', async () => {
    const { db } = get();
    const { st, people, http } = await inReview(db);
    await explain(db, st.code, people.sam, 'A-100@R1', 'damage');
    await sealAudit(db, { wait: true });
    const page = await html(http.as('sam', `/stocktakes/${st.code}`));
    expect(page).toContain('data-chain="ok"');
    expect(page).toMatch(/Chain verified: all \d+ audit rows are intact/);
    const audit = page.slice(page.indexOf('id="audit"'));
    expect(audit).toMatch(
      /sam <span class="muted">\(cli:sam\)<\/span><\/td><td><code>variance\.tag<\/code><\/td><td>[^<]*A-100@R1<\/td><td>causeCode: null → damage/,
    );
    expect(audit).toContain('stocktake.counting_closed');
    expect(await html(http.as('sam', `/stocktakes/${st.code}?lang=zh`))).toContain('审计链校验通过');
    // The switch is sam's choice now, on any device: his next page, with no cookie, is in Chinese too.
    expect(await html(http.as('sam', `/stocktakes/${st.code}`))).toContain('审计链校验通过');

    await db.execute(sql`update audit_log set after = '{"forged": true}'::jsonb where seq = 3 and id = 3`);
    const broken = await html(http.as('sam', `/stocktakes/${st.code}?lang=en`));
    expect(broken).toContain('data-chain="broken" data-first-bad="3"');
    expect(broken).toContain('Chain broken at audit row 3');
  });

  it('renders the charts as inline SVG with the cause labels in the page locale', async () => {
    const { db } = get();
    const { st, people, http } = await inReview(db);
    await explain(db, st.code, people.sam, 'A-100@R1', 'damage');
    const en = await html(http.as('sam', `/stocktakes/${st.code}`));
    const charts = en.slice(en.indexOf('id="charts"'), en.indexOf('id="variances"'));
    expect(charts.match(/<svg /g)).toHaveLength(3);
    expect(charts).toContain('Damage / scrap');
    expect(charts).toContain('No cause yet');
    expect(charts).toContain('counted 4');
    const zh = await html(http.as('sam', `/stocktakes/${st.code}?lang=zh`));
    const zhCharts = zh.slice(zh.indexOf('id="charts"'), zh.indexOf('id="variances"'));
    expect(zhCharts).toContain('报损');
    expect(zhCharts).toContain('尚未说明原因');
    expect(zhCharts).toContain('盘亏');
    expect(zhCharts).toContain('已盘 4');
    expect(zh).toContain('差异（实盘对比账面）');
    expect(rowOf(zh, 'data-line="A-100@R1"')).toContain('报损');
  });

  it('refuses a stocktake to a person without a role in its warehouse, and answers 404 for an unknown one', async () => {
    const { db } = get();
    const { st, http } = await inReview(db);
    await addPerson(db, { handle: 'zed' });
    const refused = await html(http.as('zed', `/stocktakes/${st.code}`), 403);
    expect(refused).toContain(`You hold no role in the warehouse of stocktake ${st.code}, so it is not shown to you`);
    // A warehouse where zed holds no role is not named to zed.
    expect(refused).not.toContain('WH1');
    expect(refused).not.toContain('data-line=');
    const byId = await html(http.as('sam', `/stocktakes/${(await getStocktake(db, st.code)).id}`));
    expect(byId).toContain('data-line="A-100@R1"');
    expect(await html(http.as('sam', '/stocktakes/ST-20000101-999'), 404)).toContain('ST-20000101-999');
  });

  it('sends a visitor who has not chosen who they are to the console, and back afterwards', async () => {
    const { db } = get();
    const { st, http } = await inReview(db);
    const r = await http.app.request(`/stocktakes/${st.code}?sort=sku`);
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(`/?next=${encodeURIComponent(`/stocktakes/${st.code}?sort=sku`)}`);
  });

  it('refuses the people page and role changes to non-admins', async () => {
    const { db } = get();
    const { http } = await inReview(db);
    expect(await html(http.as('sam', '/people'), 403)).toContain('Only admins manage people and roles');
    const post = await http.as('sam', '/people/roles', {
      method: 'POST',
      body: new URLSearchParams({ person: 'carl', role: 'admin', warehouse: 'WH1', op: 'grant' }),
    });
    expect(post.status).toBe(403);
    expect((await rolesOf(db, (await getPerson(db, 'carl')).id, (await getWarehouse(db, 'WH1')).id)).has('admin')).toBe(false);
  });

  it('lets an admin grant and revoke roles in their warehouse, and shows the reason of a refusal', async () => {
    const { db } = get();
    const { http } = await inReview(db);
    const carl = (await getPerson(db, 'carl')).id;
    const wh1 = (await getWarehouse(db, 'WH1')).id;
    const page = await html(http.as('ann', '/people'));
    const carlRow = rowOf(page, 'data-person="carl"');
    expect(carlRow).toContain('cli:carl');
    expect(carlRow).toContain('data-role="counter"');

    const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });
    const granted = await http.as('ann', '/people/roles', form({ person: 'carl', role: 'supervisor', warehouse: 'WH1', op: 'grant' }));
    expect(granted.status).toBe(303);
    const back = granted.headers.get('location')!;
    expect(back).toMatch(/^\/people\?done=granted/);
    expect(await html(http.as('ann', back))).toContain('carl now holds supervisor in WH1.');
    // The notice is only shown while it is true: a crafted link claims nothing.
    expect(await html(http.as('ann', '/people?done=granted&person=carl&role=admin&warehouse=WH1'))).not.toContain('now holds');
    expect((await rolesOf(db, carl, wh1)).has('supervisor')).toBe(true);

    const revoked = await http.as('ann', '/people/roles', form({ person: 'carl', role: 'supervisor', warehouse: 'WH1', op: 'revoke' }));
    expect(revoked.status).toBe(303);
    expect((await rolesOf(db, carl, wh1)).has('supervisor')).toBe(false);
    // The audit trail names the admin who changed the roles, not the local operator.
    const audited = await queryRows<{ identity: string }>(
      db,
      sql`select actor_identity as identity from audit_log where action in ('role.granted', 'role.revoked') order by id desc limit 2`,
    );
    expect(audited.map((a) => a.identity)).toEqual(['web:ann', 'web:ann']);

    const notHeld = await html(
      http.as('ann', '/people/roles', form({ person: 'carl', role: 'finance', warehouse: 'WH1', op: 'revoke' })),
      400,
    );
    expect(notHeld).toContain('Not changed: carl does not hold finance in WH1');

    // An admin of another warehouse administers only that one.
    await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
    await addPerson(db, { handle: 'wes' });
    await grantRole(db, 'wes', 'admin', 'WH2');
    const other = await html(
      http.as('wes', '/people/roles', form({ person: 'carl', role: 'manager', warehouse: 'WH1', op: 'grant' })),
      403,
    );
    expect(other).toContain('wes may not change roles in WH1: only an admin of WH1 may');
    expect((await rolesOf(db, carl, wh1)).has('manager')).toBe(false);
    expect(rowOf(await html(http.as('wes', '/people')), 'data-person="carl"')).not.toContain('<form');
  });

  it('escapes user text: a note containing <script> is shown as text, in the table and in the chart', async () => {
    const { db } = get();
    const { st, people, http } = await inReview(db);
    await explain(db, st.code, people.sam, 'A-100@R1', 'unknown', '<script>alert("x")</script> & more');
    // An admin-edited cause label reaches the server-rendered SVG as well.
    await saveCause(db, people.ann, { code: 'odd_one', labelEn: '<script>bad()</script>', labelZh: '<b>怪</b>', appliesTo: 'both' });
    await explain(db, st.code, people.sam, 'C-400@R4', 'odd_one');
    const page = await html(http.as('sam', `/stocktakes/${st.code}`));
    expect(page).not.toContain('<script>');
    expect(rowOf(page, 'data-line="A-100@R1"')).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    const charts = page.slice(page.indexOf('id="charts"'), page.indexOf('id="variances"'));
    expect(charts).toContain('&lt;script&gt;bad()&lt;/script&gt;');
    expect(await html(http.as('sam', `/stocktakes/${st.code}?lang=zh`))).not.toContain('<b>怪</b>');
  });
});
