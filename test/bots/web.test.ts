/**
 * The web console as a platform: HTTP posts from the console page become neutral events for the real core,
 * the outbox delivers cards as console messages, taps answer with a toast and the card as it is now, and
 * other pages following the chat see the change live over server-sent events. In-process, no network.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { createWebAdapter } from '../../bots/web/index.ts';
import { messagesSince, type WebMessage } from '../../bots/web/store.ts';
import { messages } from '../../cards/i18n/index.ts';
import type { Card } from '../../cards/model.ts';
import { getDocument, listDocuments } from '../../src/services/documents.ts';
import { listReview } from '../../src/services/review.ts';
import { botCore, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { testHttp } from '../support/http.ts';
import { PATIENCE_MS } from '../support/wait.ts';

const en = messages('en');
const ORIGIN = { origin: 'http://localhost' };

async function setup(db: Db, options: { maxUploadBytes?: number } = {}) {
  await seedTeam(db, 'web', {});
  const web = createWebAdapter({ db, log: () => {} });
  const { dispatch, sender } = await botCore(db, [web]);
  await web.start(dispatch);
  const http = await testHttp(db, [(a) => web.mount(a)], { maxUploadBytes: options.maxUploadBytes ?? 1024 * 1024 });
  let n = 0;
  const eventId = () => `test-event-${++n}-${Date.now()}`;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);
  const json = { accept: 'application/json', ...ORIGIN };
  return {
    web,
    sender,
    http,
    async say(person: string, chat: string, text: string, id = eventId()) {
      const res = await http.as(person, `/chat/${chat}/messages`, { method: 'POST', body: form({ text, eventId: id }), headers: json });
      expect(res.status, await res.clone().text()).toBe(200);
      await sender.drainUntilIdle();
      return id;
    },
    async upload(person: string, chat: string, name: string, bytes: Buffer) {
      const body = new FormData();
      body.set('file', new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
      body.set('eventId', eventId());
      const res = await http.as(person, `/chat/${chat}/files`, { method: 'POST', body, headers: json });
      await sender.drainUntilIdle();
      return res;
    },
    async tap(person: string, token: string, extra: Record<string, string> = {}, id = eventId()) {
      const res = await http.as(person, '/actions', { method: 'POST', body: form({ token, eventId: id, ...extra }), headers: json });
      const body = (await res.json()) as { toast: { kind: string; text: string } | null; cardHtml?: string; error?: { message: string } };
      await sender.drainUntilIdle();
      return { status: res.status, ...body };
    },
    cards: async (chat: string) => (await messagesSince(db, chat, '0')).filter((m) => m.kind === 'card'),
  };
}

const textOf = (card: Card | null) => JSON.stringify(card ?? {});
function tokenOf(m: WebMessage, label: RegExp): string {
  for (const el of m.card?.elements ?? []) {
    if (el.type === 'buttons') for (const b of el.buttons) if (label.test(b.label)) return b.action.token;
    if ((el.type === 'select' || el.type === 'input') && label.test(el.type)) return el.action.token;
  }
  throw new Error(`no ${label} on card ${m.card?.header.title}`);
}

/** Reads server-sent events from a streaming response until `until` holds or the time is up. */
async function readEvents(res: Response, until: (events: { event: string; data: string }[]) => boolean, ms = PATIENCE_MS) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  while (!until(events) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      events.push({ event, data });
    }
  }
  await reader.cancel();
  return events;
}

describeEachDatabase('web console adapter', (get) => {
  it('runs a stocktake from the console: bind, upload, close, taps with toasts, approval, posted', async () => {
    const { db } = get();
    const t = await setup(db);

    await t.say('sam', 'wh1-team', 'bind WH1');
    expect(textOf((await t.cards('wh1-team')).at(-1)!.card)).toContain(en.replies.bound('WH1', 'team'));
    await t.say('sam', 'wh1-approvals', 'bind WH1 approvals');
    await t.say('sam', 'wh1-team', 'new');

    const res = await t.upload(
      'carl',
      'wh1-team',
      'count.csv',
      sheet([
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '90'],
        ['A-200', 'R2', '21'],
        ['B-300', 'R3', '50.5'],
        ['C-400', 'R4', '1'],
      ]),
    );
    expect(res.status).toBe(200);
    const history = await messagesSince(db, 'wh1-team', '0');
    expect(history.some((m) => m.kind === 'user' && m.author === 'carl' && m.text?.includes('count.csv'))).toBe(true);
    expect(textOf(history.at(-1)!.card)).toContain(en.importSummary.title('count.csv'));

    // Recorded as who did it, through the console.
    const who = await queryRows<{ action: string; identity: string }>(
      db,
      sql`select action, actor_identity as identity from audit_log where action in ('stocktake.started', 'counts.imported') order by id`,
    );
    expect(who).toEqual([
      { action: 'stocktake.started', identity: 'web:sam' },
      { action: 'counts.imported', identity: 'web:carl' },
    ]);

    await t.say('sam', 'wh1-team', 'close');
    const page = (await t.cards('wh1-team')).find((m) => textOf(m.card).includes('Variances to review'))!;
    expect(page).toBeDefined();

    // Open a line, confirm it: the toast answers at once, with the card as it is now.
    const opened = await t.tap('sam', tokenOf(page, /^C-400/));
    expect(opened.toast).toEqual({ kind: 'info', text: en.replies.opened });
    const line = (await t.cards('wh1-team')).at(-1)!;
    expect(textOf(line.card)).toContain('C-400');
    const confirm = tokenOf(line, /^Confirm/);
    const first = await t.tap('sam', confirm, {}, 'tap-confirm-1');
    expect(first.toast).toEqual({ kind: 'success', text: en.replies.confirmed });
    expect(first.cardHtml).toContain('C-400');
    // The same post again (a resent form) and a second tap (a new event): one confirmation.
    await t.tap('sam', confirm, {}, 'tap-confirm-1');
    const again = await t.tap('sam', confirm);
    expect(again.toast).toEqual({ kind: 'warning', text: en.stale.toast });
    expect(await queryRows(db, sql`select 1 from audit_log where action = 'variance.confirm'`)).toHaveLength(1);

    // The cause select and the note input, as the console's forms send them.
    const lineNow = (await t.cards('wh1-team')).find((m) => m.messageId === line.messageId)!;
    expect(textOf(lineNow.card)).toContain('confirmed'); // updated in place by the outbox
    // A cause that needs a note, sent from the form without one (a page without its script): a toast says
    // what to add and no card comes back, so the page keeps the form as it was; nothing is tagged.
    const missing = await t.tap('sam', tokenOf(lineNow, /^select$/), { option: 'unknown', input: '' });
    expect(missing).toEqual({ status: 200, toast: { kind: 'warning', text: en.replies.causeNeedsNote('Unknown') } });
    expect(await queryRows(db, sql`select 1 from audit_log where action = 'variance.tag'`)).toHaveLength(0);
    expect((await t.tap('sam', tokenOf(lineNow, /^select$/), { option: 'damage' })).toast?.text).toMatch(/^Cause tagged/);
    expect((await t.tap('sam', tokenOf(lineNow, /^input$/), { input: 'Pallet <b>crushed</b>' })).toast?.text).toBe(en.replies.noteSaved);
    const [{ code }] = (await queryRows<{ code: string }>(db, sql`select code from stocktake`)) as [{ code: string }];
    expect((await listReview(db, code)).find((l) => l.sku === 'C-400')).toMatchObject({
      causeCode: 'damage',
      note: 'Pallet <b>crushed</b>',
    });
    // The page shows it escaped.
    const html = await (await t.http.as('sam', '/chat/wh1-team')).text();
    expect(html).toContain('Pallet &lt;b&gt;crushed&lt;/b&gt;');
    expect(html).toContain('<script src="/assets/console.js" defer></script>');

    // Accept the suggestions for the rest of the page, then submit and approve in the approvals chat.
    const pageNow = (await t.cards('wh1-team')).find((m) => m.messageId === page.messageId)!;
    for (const sku of ['A-100', 'A-200']) {
      await t.tap('sam', tokenOf(pageNow, new RegExp(`^${sku}`)));
      const card = (await t.cards('wh1-team')).at(-1)!;
      await t.tap('sam', tokenOf(card, /^Confirm/));
      await t.tap('sam', tokenOf(card, /^select$/), { option: 'counting_error' });
    }
    await t.say('sam', 'wh1-team', 'submit');
    const docs = await listDocuments(db);
    expect(docs).toHaveLength(2);
    const approvals = await t.cards('wh1-approvals');
    for (const doc of docs) {
      const card = approvals.find((m) => textOf(m.card).includes(`Approval · ${doc.number}`))!;
      const refused = await t.tap('sam', tokenOf(card, /^Approve/));
      expect(refused.toast?.kind).toBe('error'); // sam explained the lines
      expect((await t.tap('sue', tokenOf(card, /^Approve/))).toast).toEqual({ kind: 'success', text: en.replies.approved });
      expect((await getDocument(db, doc.id)).status).toBe('posted');
    }
    const approvalsNow = await t.cards('wh1-approvals');
    expect(approvalsNow.filter((m) => textOf(m.card).includes('Approval ·')).every((m) => textOf(m.card).includes('posted'))).toBe(true);
  });

  it('shows a change made in one tab live in another tab following the chat', async () => {
    const { db } = get();
    const t = await setup(db);
    await t.say('sam', 'live', 'bind WH1');
    await t.say('sam', 'live', 'new');
    const before = await messagesSince(db, 'live', '0');
    const after = before.at(-1)!.seq;
    const stream = await t.http.as('sue', `/chat/live/events?after=${after}`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    // Another person asks for the status meanwhile; the follower sees the question and the answer.
    const reading = readEvents(stream, (events) => events.filter((e) => e.event === 'change').length >= 2);
    await t.say('carl', 'live', 'status');
    const events = (await reading)
      .filter((e) => e.event === 'change')
      .map((e) => JSON.parse(e.data) as { seq: string; messageId: string; html: string });
    expect(events[0]!.html).toContain('status');
    expect(events[0]!.html).toContain('carl');
    expect(events[1]!.html).toContain('class="card');
    expect(BigInt(events[1]!.seq)).toBeGreaterThan(BigInt(events[0]!.seq));
  });

  it("shows each reader the chat's cards in the language they switched to, and their answers too", async () => {
    const { db } = get();
    const t = await setup(db);
    await t.say('sam', 'wh1-team', 'bind WH1');
    await t.say('sam', 'wh1-team', 'lang zh');
    await t.say('sam', 'wh1-team', 'new');
    const [status] = (await t.cards('wh1-team')).filter((m) => m.card?.header.title.startsWith('ST-'));
    expect(Object.keys(status!.cards ?? {}).sort()).toEqual(['en', 'zh-CN']);

    // sam switches the console to English: the chat's own cards are English on his page, Chinese on sue's.
    const samPage = await (await t.http.as('sam', '/chat/wh1-team?lang=en', { headers: { accept: 'text/html' } })).text();
    expect(samPage).toContain('Book frozen');
    expect(samPage).not.toContain('冻结账面');
    const suePage = await (await t.http.as('sue', '/chat/wh1-team?lang=zh', { headers: { accept: 'text/html' } })).text();
    expect(suePage).toContain('冻结账面');
    // The switch is sam's choice: his next answer in this Chinese chat is English, with no ?lang= at all.
    await t.say('sam', 'wh1-team', 'count A-100 R1 -1');
    const answer = (await t.cards('wh1-team')).at(-1)!;
    expect(textOf(answer.card)).toContain('The quantity -1 is negative');
    const [sam] = await queryRows<{ locale: string | null }>(db, sql`select locale from person where handle = 'sam'`);
    expect(sam!.locale).toBe('en');
  });

  it('opens a chat with a Chinese name, and the name field says its rule in words', async () => {
    const { db } = get();
    const t = await setup(db);
    const home = await (await t.http.as('sam', '/', { headers: { accept: 'text/html' } })).text();
    const input = /<input type="text" name="name" pattern="([^"]*)" title="([^"]+)"/.exec(home);
    expect(input, 'the chat name field').not.toBeNull();
    // Browsers compile the pattern attribute with the v flag, anchored.
    const pattern = new RegExp(`^(?:${input![1]!.replace(/&amp;/g, '&')})$`, 'v');
    expect(pattern.test('盘点组')).toBe(true);
    expect(pattern.test('wh1-team')).toBe(true);
    expect(pattern.test('a b')).toBe(false);
    expect(input![2]).toMatch(/letters|中文/);
    const opened = await t.http.as('sam', '/chat?name=%E7%9B%98%E7%82%B9%E7%BB%84', { headers: { accept: 'text/html' } });
    expect(opened.headers.get('location')).toBe(`/chat/${encodeURIComponent('盘点组')}`);
    await t.say('sam', encodeURIComponent('盘点组'), 'bind WH1');
    expect(textOf((await t.cards('盘点组')).at(-1)?.card ?? null)).toContain('WH1');
    const refused = await t.http.as('sam', '/chat?name=a%20b', { headers: { accept: 'application/json' } });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('1–40');
  });

  it('lands a person picked on the home page in their own team chat, not the first chat of the list', async () => {
    const { db } = get();
    const t = await setup(db);
    await t.say('sam', 'a-approvals', 'bind WH1 approvals');
    await t.say('sam', 'team', 'bind WH1');
    // Before anyone is picked the form sends the picked person home, not into a chat chosen for nobody.
    const picker = await (await t.http.app.request('/', { headers: { accept: 'text/html' } })).text();
    expect(picker).toContain('name="next" value="/"');
    for (const person of ['fay', 'carl']) {
      const landed = await t.http.as(person, '/', { headers: { accept: 'text/html' } });
      expect(landed.headers.get('location'), person).toBe('/chat/team');
    }
  });

  it('refuses a forged tap, an upload over the limit and a visitor who has not said who they are', async () => {
    const { db } = get();
    const t = await setup(db, { maxUploadBytes: 2048 });
    await t.say('sam', 'team', 'bind WH1');
    await t.say('sam', 'team', 'new');

    const forged = await t.tap('sam', 'AAAAAAAAAA.BBBBBBBBBBB', { chat: 'team' });
    expect(forged.toast).toMatchObject({ kind: 'error', text: expect.stringContaining('not one of ours') });
    // In a Chinese chat the refusal is Chinese.
    await t.say('sam', 'team', 'lang zh');
    const forgedZh = await t.tap('sam', 'AAAAAAAAAA.BBBBBBBBBBB', { chat: 'team' });
    expect(forgedZh.toast).toMatchObject({ kind: 'error', text: expect.stringContaining('不是本系统发出的') });
    await t.say('sam', 'team', 'lang en');

    const big = await t.upload('carl', 'team', 'big.csv', Buffer.from(`sku,location,qty\n${'A-100,R1,1\n'.repeat(1000)}`));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringContaining('upload limit'),
      localized: { en: expect.stringContaining('upload limit'), 'zh-CN': expect.stringContaining('上传上限') },
    });
    expect(await queryRows(db, sql`select 1 from count_import`)).toHaveLength(0);

    const anonymous = await t.http.app.request('/chat/team/messages', {
      method: 'POST',
      body: new URLSearchParams({ text: 'help' }),
      headers: { accept: 'application/json', ...ORIGIN },
    });
    expect(anonymous.status).toBe(401);
    const page = await t.http.app.request('/chat/team', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/?next=%2Fchat%2Fteam');
    const crossSite = await t.http.as('sam', '/chat/team/messages', {
      method: 'POST',
      body: new URLSearchParams({ text: 'help' }),
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
  });
});

describeEachDatabase('web console demo', (get) => {
  it('loads the demo from the empty console, offers the recount sheet, and refuses a second load', async () => {
    const { db } = get();
    const web = createWebAdapter({ db, log: () => {} });
    const http = await testHttp(db, [(a) => web.mount(a)]);
    const empty = await (await http.app.request('/', { headers: { accept: 'text/html', 'accept-language': 'en' } })).text();
    expect(empty).toContain('id="load-demo"');
    expect((await http.app.request('/demo/recount.csv')).status).toBe(400);

    const loaded = await http.app.request('/demo', { method: 'POST', headers: { ...ORIGIN, 'accept-language': 'en' } });
    expect(loaded.status).toBe(303);
    expect(loaded.headers.get('location')).toBe('/?next=%2Fchat%2Fdemo-team');
    const picker = await (await http.app.request('/?next=%2Fchat%2Fdemo-team', { headers: { accept: 'text/html' } })).text();
    for (const person of ['sam', 'ada', 'fiona', 'carol']) expect(picker).toContain(`data-person="${person}"`);
    expect(picker).toContain('#demo-approvals');

    const sheet = await http.app.request('/demo/recount.csv');
    expect(sheet.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
    expect(await sheet.text()).toContain('POT-ZS');
    const again = await http.app.request('/demo', { method: 'POST', headers: { ...ORIGIN, accept: 'application/json' } });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain('already loaded');
  });
});
