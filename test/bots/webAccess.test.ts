/**
 * The console's doors: a person sees and acts only in chats of warehouses where they hold a role (a chat
 * bound to nothing: its members and admins), and a form's event id names one action. Sign-in mode,
 * in-process, through the real core.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { createWebAdapter } from '../../bots/web/index.ts';
import { messagesSince, type WebMessage } from '../../bots/web/store.ts';
import { messages } from '../../cards/i18n/index.ts';
import { addPerson, grantRole, revokeRole } from '../../src/services/people.ts';
import { listReview } from '../../src/services/review.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { botCore, seedTeam, sheet } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { testHttp } from '../support/http.ts';

const en = messages('en');
const ORIGIN = { origin: 'http://localhost' };
const JSON_HEADERS = { accept: 'application/json', ...ORIGIN };

async function setup(db: Db) {
  await seedTeam(db, 'web', {});
  await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
  await addPerson(db, { handle: 'wendy', name: 'Wendy' });
  await grantRole(db, 'wendy', 'supervisor', 'WH2');
  const web = createWebAdapter({ db, log: () => {} });
  const { dispatch, sender } = await botCore(db, [web]);
  await web.start(dispatch);
  const http = await testHttp(db, [(a) => web.mount(a)], { localOnly: false });
  let n = 0;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);
  const post = (person: string, path: string, fields: Record<string, string>) =>
    http.as(person, path, { method: 'POST', body: form(fields), headers: JSON_HEADERS });
  return {
    http,
    post,
    async say(person: string, chat: string, text: string, id = `event-${++n}-${Date.now()}`) {
      const res = await post(person, `/chat/${chat}/messages`, { text, eventId: id });
      await sender.drainUntilIdle();
      return res;
    },
    async tap(person: string, token: string, id = `tap-${++n}-${Date.now()}`, extra: Record<string, string> = {}) {
      const res = await post(person, '/actions', { token, eventId: id, ...extra });
      await sender.drainUntilIdle();
      return res;
    },
    upload(person: string, chat: string) {
      const body = new FormData();
      body.set(
        'file',
        new File(
          [
            new Uint8Array(
              sheet([
                ['sku', 'location', 'qty'],
                ['A-100', 'R1', '1'],
              ]),
            ),
          ],
          'x.csv',
          { type: 'text/csv' },
        ),
      );
      body.set('eventId', `file-${++n}-${Date.now()}`);
      return http.as(person, `/chat/${chat}/files`, { method: 'POST', body, headers: JSON_HEADERS });
    },
    cards: async (chat: string) => (await messagesSince(db, chat, '0')).filter((m) => m.kind === 'card'),
  };
}

function tokenOf(m: WebMessage, label: RegExp): string {
  for (const el of m.card?.elements ?? []) {
    if (el.type === 'buttons') for (const b of el.buttons) if (label.test(b.label)) return b.action.token;
  }
  throw new Error(`no ${label} on card ${m.card?.header.title}`);
}

/** A WH1 team chat in review, with its variance page card. */
async function teamInReview(t: Awaited<ReturnType<typeof setup>>) {
  await t.say('sam', 'wh1-team', 'bind WH1');
  await t.say('sam', 'wh1-team', 'new');
  const body = new FormData();
  body.set(
    'file',
    new File(
      [
        new Uint8Array(
          sheet([
            ['sku', 'location', 'qty'],
            ['A-100', 'R1', '90'],
            ['A-200', 'R2', '21'],
            ['B-300', 'R3', '50.5'],
            ['C-400', 'R4', '1'],
          ]),
        ),
      ],
      'count.csv',
      { type: 'text/csv' },
    ),
  );
  body.set('eventId', `count-${Date.now()}`);
  expect((await t.http.as('carl', '/chat/wh1-team/files', { method: 'POST', body, headers: JSON_HEADERS })).status).toBe(200);
  await t.say('sam', 'wh1-team', 'close');
  return (await t.cards('wh1-team')).find((m) => JSON.stringify(m.card).includes('Variances to review'))!;
}

/** Reads a server-sent event stream until it ends or `ms` pass; the events and whether the server ended it. */
async function readUntilEnd(res: Response, ms = 30_000): Promise<{ events: { event: string; data: string }[]; ended: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - Date.now()))),
    ]);
    if (!chunk) break;
    if (chunk.done) {
      const events = text
        .split('\n\n')
        .filter(Boolean)
        .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: block }));
      return { events, ended: true };
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel();
  return {
    events: text
      .split('\n\n')
      .filter(Boolean)
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: block })),
    ended: false,
  };
}

describeEachDatabase('console chat access', (get) => {
  it("keeps another warehouse's person out of a chat: not listed, not opened, not followed, not commanded, no values read", async () => {
    const { db } = get();
    const t = await setup(db);
    const page = await teamInReview(t);
    const before = (await messagesSince(db, 'wh1-team', '0')).length;

    // sam, who holds a role in WH1, sees the chat and its values.
    const own = await t.http.as('sam', '/chat/wh1-team', { headers: { accept: 'text/html' } });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('C-400');

    // wendy holds a role in WH2 only.
    const home = await (await t.http.as('wendy', '/?switch=1', { headers: { accept: 'text/html' } })).text();
    expect(home).not.toContain('wh1-team');
    const opened = await t.http.as('wendy', '/chat/wh1-team', { headers: { accept: 'text/html' } });
    expect(opened.status).toBe(403);
    const html = await opened.text();
    expect(html).toContain('You hold no role in the warehouse #wh1-team is bound to');
    for (const secret of ['C-400', 'A-100', 'Variances to review', 'WH1', 'data-seq']) expect(html).not.toContain(secret);

    const follow = await t.http.as('wendy', '/chat/wh1-team/events?after=0');
    expect(follow.status).toBe(403);
    expect(follow.headers.get('content-type')).not.toContain('text/event-stream');
    expect(((await follow.json()) as { error: { code: string } }).error.code).toBe('NOT_ALLOWED');

    expect((await t.say('wendy', 'wh1-team', 'status')).status).toBe(403);
    expect((await t.upload('wendy', 'wh1-team')).status).toBe(403);
    // A card's token, tapped directly or claimed to be from wendy's own chat.
    const open = tokenOf(page, /^C-400/);
    expect((await t.tap('wendy', open)).status).toBe(403);
    expect((await t.tap('wendy', open, undefined, { chat: 'wendy-chat' })).status).toBe(403);
    expect((await messagesSince(db, 'wh1-team', '0')).length).toBe(before);
    expect(await messagesSince(db, 'wendy-chat', '0')).toEqual([]);
  });

  it("ends a follower's stream once their role is revoked, and refuses a button of another platform's card", async () => {
    const { db } = get();
    const t = await setup(db);
    const page = await teamInReview(t);
    const after = (await messagesSince(db, 'wh1-team', '0')).at(-1)!.seq;
    const stream = await t.http.as('sue', `/chat/wh1-team/events?after=${after}`);
    expect(stream.status).toBe(200);
    const reading = readUntilEnd(stream);
    await revokeRole(db, 'sue', 'supervisor', 'WH1');
    await t.say('sam', 'wh1-team', 'status');
    const { events, ended } = await reading;
    expect(ended).toBe(true);
    expect(events.filter((e) => e.event === 'change')).toEqual([]);

    // A console card's token whose card is now another platform's: sam may use wh1-team, yet it is refused.
    const token = tokenOf(page, /^C-400/);
    await db.execute(
      sql`update card_message set platform = 'telegram' where id = (select card_message_id from card_action where id = ${token.split('.')[0]!})`,
    );
    const foreign = await t.tap('sam', token, undefined, { chat: 'wh1-team' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toBe(
      "This button is on a card in another platform's chat; tap it there. Nothing was done.",
    );
  });

  it('opens a chat bound to nothing only to its members and admins; a new chat to whoever writes in it first', async () => {
    const { db } = get();
    const t = await setup(db);
    expect((await t.say('carl', 'carl-notes', 'help')).status).toBe(200);
    for (const [person, status] of [
      ['carl', 200],
      ['ann', 200],
      ['sue', 403],
      ['wendy', 403],
    ] as const) {
      expect((await t.http.as(person, '/chat/carl-notes', { headers: { accept: 'text/html' } })).status, person).toBe(status);
    }
    const refused = await t.say('sue', 'carl-notes', 'help');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      '#carl-notes is not bound to a warehouse and belongs to the people who write in it: only they and admins may open or use it.',
    );
    // The refusal speaks the visitor's language.
    const zh = await t.http.as('sue', '/chat/carl-notes/events', { headers: { 'accept-language': 'zh-CN' } });
    expect(((await zh.json()) as { error: { message: string } }).error.message).toContain('未绑定仓库');
    expect(await t.http.as('sue', '/?switch=1', { headers: { accept: 'text/html' } }).then((r) => r.text())).not.toContain('carl-notes');

    // A chat nobody wrote in yet opens for anyone; wendy writes first and it is hers.
    expect((await t.http.as('wendy', '/chat/wendy-new', { headers: { accept: 'text/html' } })).status).toBe(200);
    expect((await t.say('wendy', 'wendy-new', 'help')).status).toBe(200);
    expect((await t.http.as('carl', '/chat/wendy-new', { headers: { accept: 'text/html' } })).status).toBe(403);
    expect(await (await t.http.as('wendy', '/?switch=1', { headers: { accept: 'text/html' } })).text()).toContain('wendy-new');
  });

  it('refuses a console event id reused for another message or another card, doing nothing', async () => {
    const { db } = get();
    const t = await setup(db);
    const page = await teamInReview(t);

    // The same form sent again is one message; its id with other text is refused with 422.
    expect((await t.say('sam', 'wh1-team', 'status', 'same-id-1')).status).toBe(200);
    const count = (await messagesSince(db, 'wh1-team', '0')).length;
    expect((await t.say('sam', 'wh1-team', 'status', 'same-id-1')).status).toBe(200);
    const other = await t.say('sam', 'wh1-team', 'submit', 'same-id-1');
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: unknown }).error).toEqual({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: en.idempotency.reused('same-id-1'),
      localized: { en: en.idempotency.reused('same-id-1'), 'zh-CN': expect.stringContaining('same-id-1') },
    });
    expect((await messagesSince(db, 'wh1-team', '0')).length).toBe(count);

    // Open two lines, confirm C-400 with an event id, then A-100 with the same id: refused with a toast.
    await t.tap('sam', tokenOf(page, /^C-400/));
    const c400 = (await t.cards('wh1-team')).at(-1)!;
    await t.tap('sam', tokenOf(page, /^A-100/));
    const a100 = (await t.cards('wh1-team')).at(-1)!;
    const first = (await (await t.tap('sam', tokenOf(c400, /^Confirm/), 'tap-reused-1')).json()) as {
      toast: { kind: string; text: string };
    };
    expect(first.toast).toEqual({ kind: 'success', text: en.replies.confirmed });
    const second = (await (await t.tap('sam', tokenOf(a100, /^Confirm/), 'tap-reused-1')).json()) as {
      toast: { kind: string; text: string };
    };
    expect(second.toast).toEqual({ kind: 'error', text: en.idempotency.reused('tap-reused-1') });
    const [{ code }] = (await queryRows<{ code: string }>(db, sql`select code from stocktake`)) as [{ code: string }];
    const review = await listReview(db, code);
    expect(review.find((l) => l.sku === 'A-100')!.reviewStatus).toBe('open');
    expect(review.find((l) => l.sku === 'C-400')!.reviewStatus).toBe('confirmed');
  });
});
