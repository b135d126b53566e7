/**
 * The README's demo tour walked in Chinese through the console (issue 14: "a walk of the README's tour in
 * Chinese shows no English sentence"): the demo loaded in Chinese, carol's recount, close, accepting the
 * suggestions, tapping a line, a refused approval, submit and the two approvals. Every card, toast and
 * refusal a person reads on the way is collected and none may hold an English sentence.
 */
import { expect, it } from 'vitest';
import { createWebAdapter } from '../../bots/web/index.ts';
import { messagesSince, type WebMessage } from '../../bots/web/store.ts';
import { messages } from '../../cards/i18n/index.ts';
import { demoRecountSheet, loadDemo } from '../../src/services/demo.ts';
import { cliActor } from '../../src/services/people.ts';
import { confirmVariance, listReview, tagCause } from '../../src/services/review.ts';
import { botCore } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { testHttp } from '../support/http.ts';
import { englishIn, stringsIn } from '../support/texts.ts';

const zh = messages('zh-CN');
const JSON_FROM_PAGE = { accept: 'application/json', origin: 'http://localhost' };

function button(m: WebMessage | undefined, label: RegExp): string {
  for (const el of m?.card?.elements ?? [])
    if (el.type === 'buttons') for (const b of el.buttons) if (label.test(b.label)) return b.action.token;
  throw new Error(`no ${label} on card ${m?.card?.header.title}`);
}

describeEachDatabase('the demo tour in Chinese', (get) => {
  it('shows no English sentence on any card, toast or refusal', async () => {
    const { db } = get();
    const demo = await loadDemo(db, { locale: 'zh-CN' });
    const web = createWebAdapter({ db, log: () => {} });
    const { dispatch, sender } = await botCore(db, [web]);
    await web.start(dispatch);
    const http = await testHttp(db, [(a) => web.mount(a)], { defaultLocale: 'zh-CN' });
    let n = 0;
    const read: string[] = [];
    const say = async (person: string, chat: string, text: string) => {
      const res = await http.as(person, `/chat/${chat}/messages`, {
        method: 'POST',
        body: new URLSearchParams({ text, eventId: `zh-${++n}` }),
        headers: JSON_FROM_PAGE,
      });
      expect(res.status).toBe(200);
      await sender.drainUntilIdle();
    };
    const tap = async (person: string, token: string) => {
      const res = await http.as(person, '/actions', {
        method: 'POST',
        body: new URLSearchParams({ token, eventId: `zh-${++n}` }),
        headers: JSON_FROM_PAGE,
      });
      const body = (await res.json()) as { toast: { text: string } | null; error?: { message: string } };
      read.push(body.toast?.text ?? '', body.error?.message ?? '');
      await sender.drainUntilIdle();
      return body;
    };
    const cards = async (chat: string) => (await messagesSince(db, chat, '0')).filter((m) => m.kind === 'card');

    // carol's recount settles the conflict; sam closes counting and accepts the four suggestions.
    const sheet = demoRecountSheet();
    const form = new FormData();
    form.set('file', new File([new Uint8Array(sheet.bytes)], sheet.fileName, { type: 'text/csv' }));
    form.set('eventId', `zh-${++n}`);
    expect((await http.as('carol', '/chat/demo-team/files', { method: 'POST', body: form, headers: JSON_FROM_PAGE })).status).toBe(200);
    await sender.drainUntilIdle();
    await say('sam', 'demo-team', '状态');
    await say('sam', 'demo-team', '结束盘点');
    const page = (await cards('demo-team')).findLast((m) => m.card?.header.title.startsWith(zh.variance.pageTitle('')));
    await tap('sam', button(page, /^采纳建议原因/));
    // One line by taps, the rest as the CLI would (same services); a count of a sheet-less line is refused.
    const opened = await tap('sam', button(page, /^TEA-PE357/));
    expect(opened.toast).not.toBeNull();
    await say('sam', 'demo-team', '盘点 TEA-PE357 -1');
    const sam = await cliActor(db, 'sam');
    const code = demo.stocktake.code;
    for (const line of (await listReview(db, code)).filter((l) => l.reviewStatus === 'open' || l.reviewStatus === 'confirmed')) {
      const ctx = { actor: sam, now: new Date() };
      const ref = { stocktake: code, line: `${line.sku}@${line.location}` };
      if (line.reviewStatus === 'open') await confirmVariance(db, ctx, ref);
      if (!line.causeCode) await tagCause(db, ctx, { ...ref, cause: 'counting_error' });
    }
    await sender.drainUntilIdle();
    await say('sam', 'demo-team', '提交');

    // sam explained the lines: his approval is refused, in Chinese; ada and fiona approve.
    const approvals = async () => (await cards('demo-approvals')).filter((m) => m.card?.header.title.includes('PK-'));
    await tap('sam', button((await approvals()).at(-1), /^同意/));
    await tap('ada', button((await approvals()).at(-1), /^同意/));
    await tap('fiona', button((await approvals()).at(-1), /^同意/));

    for (const chat of ['demo-team', 'demo-approvals'])
      for (const m of await messagesSince(db, chat, '0')) if (m.kind !== 'user') read.push(...stringsIn(m.card), m.text ?? '');
    const english = read.map((text) => [text, englishIn(text)] as const).filter(([, found]) => found !== null);
    expect(english.map(([text]) => text)).toEqual([]);
    expect(read.length).toBeGreaterThan(50);
  });
});
