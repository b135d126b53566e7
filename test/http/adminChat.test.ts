/**
 * The chat side of administration: a link code made on the person's admin page and sent to the bot from an
 * unknown account links that account (through the dispatcher, so on every platform), once and in the
 * chat's language; `help` shows admins their commands; and loading the demo from the console leaves the
 * next steps in its team chat.
 */
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { createWebAdapter } from '../../bots/web/index.ts';
import { messagesSince } from '../../bots/web/store.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { setChatLocale } from '../../src/services/chats.ts';
import { createLinkCode, LINK_ATTEMPTS_OVERALL, LINK_ATTEMPTS_PER_ACCOUNT } from '../../src/services/linkCodes.ts';
import { addPerson, cliActor, findPerson } from '../../src/services/people.ts';
import { botCore, RecordingDeliverer, seedTeam } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { testHttp } from '../support/http.ts';

let n = 0;
/** A message to the bot on Telegram: a direct message, or an @-mention in a group. */
function telegram(userId: string, text: string, chatId = `dm-${userId}`, chatType: 'direct' | 'group' = 'direct'): InboundEvent {
  n += 1;
  return {
    type: 'text',
    platform: 'telegram',
    eventId: `tg-${n}-${Date.now()}`,
    chatId,
    chatType,
    userId,
    text,
    addressed: true,
    messageId: `m${n}`,
  };
}

async function setup(db: Db) {
  await seedTeam(db, 'web', { ann: 'ann', carl: 'carl', sam: 'sam' });
  await addPerson(db, { handle: 'lee', name: 'Lee Lei' });
  const out = new RecordingDeliverer('telegram');
  const web = new RecordingDeliverer('web');
  const core = await botCore(db, [out, web]);
  const http = await testHttp(db, [mountPages]);
  /** The code the person page shows after "Make a link code". */
  const makeCode = async (person: string, as = 'ann') => {
    const res = await http.as(as, `/people/${person}/link-code`, { method: 'POST', body: new URLSearchParams() });
    const page = await res.text();
    expect(res.status, page.slice(0, 600)).toBe(200);
    return /data-code="([A-Z0-9]+)"/.exec(page)![1]!;
  };
  const send = async (event: InboundEvent) => {
    await core.dispatch(event);
    await core.sender.drainUntilIdle();
    return (event.platform === 'web' ? web : out).last();
  };
  return { out, web, http, makeCode, send };
}

describeEachDatabase('administration in chats', (get) => {
  it('links the chat account that sends a link code, once, answering in the chat language', async () => {
    const { db } = get();
    const { http, makeCode, send } = await setup(db);
    const code = await makeCode('lee');
    expect(code).toMatch(/^[2-9A-Z]{6}$/);
    expect(await (await http.as('ann', '/people/lee?lang=zh')).text()).toContain('生成绑定码');

    // Before: an unknown account is told how to get access, including the link code.
    const stranger = await send(telegram('777', 'status'));
    expect(JSON.stringify(stranger)).toContain('link CODE');
    expect(await findPerson(db, 'telegram:777')).toBeNull();

    const linked = await send(telegram('777', `link ${code.toLowerCase()}`));
    expect(linked.header.title).toBe('Chat account linked');
    expect(JSON.stringify(linked)).toContain('This account (telegram:777) now belongs to Lee Lei (lee)');
    expect((await findPerson(db, 'telegram:777'))!.handle).toBe('lee');
    const audit = await queryRows<{ action: string; identity: string }>(
      db,
      sql`select action, actor_identity as identity from audit_log where action in ('link_code.created', 'person.identity_linked') order by id`,
    );
    expect(audit).toEqual([
      { action: 'link_code.created', identity: 'web:ann' },
      { action: 'person.identity_linked', identity: 'telegram:777' },
    ]);
    // Only the code's hash is kept.
    expect(JSON.stringify(await queryRows(db, sql`select * from link_code`))).not.toContain(code);

    // The code worked once: another account sending it is refused, and nothing is linked.
    const again = await send(telegram('888', code));
    expect(again.header.title).toBe('That did not work');
    expect(JSON.stringify(again)).toContain('That code is unknown, already used or expired');
    expect(await findPerson(db, 'telegram:888')).toBeNull();
    // The linked account sending it again is told it is theirs already.
    expect(JSON.stringify(await send(telegram('777', `link ${code}`)))).toContain('already belongs to you, lee');

    // In a Chinese group, by @-mention, the code alone: the answer is in Chinese.
    await setChatLocale(db, 'telegram', 'group-1', 'zh-CN');
    const second = await makeCode('lee');
    const zh = await send(telegram('999', `绑定账号 ${second}`, 'group-1', 'group'));
    expect(zh.header.title).toBe('聊天账号已绑定');
    expect((await findPerson(db, 'telegram:999'))!.handle).toBe('lee');
    const bare = await makeCode('carl');
    expect((await send(telegram('1001', bare, 'group-1', 'group'))).header.title).toBe('聊天账号已绑定');
    expect((await findPerson(db, 'telegram:1001'))!.handle).toBe('carl');
    const wrong = await send(telegram('1002', '绑定账号 ABC234', 'group-1', 'group'));
    expect(JSON.stringify(wrong)).toContain('该绑定码无效、已使用或已过期');

    // An expired code links nothing.
    const old = await createLinkCode(db, await cliActor(db, 'ann'), 'lee', new Date(Date.now() - 16 * 60_000));
    expect(JSON.stringify(await send(telegram('1003', `link ${old.code}`)))).toContain('That code is unknown, already used or expired');
    expect(await findPerson(db, 'telegram:1003')).toBeNull();

    // A word of six letters from a stranger is not taken for a code.
    expect((await send(telegram('1004', 'STATUS'))).header.title).toBe('You do not have access yet');
  });

  it('stops an account, and then everyone, guessing codes: refused before the code is looked at', async () => {
    const { db } = get();
    const { makeCode, send } = await setup(db);
    const code = await makeCode('lee');
    const wrong = code.replace(/^./, (c) => (c === '2' ? '3' : '2'));
    for (let i = 0; i < LINK_ATTEMPTS_PER_ACCOUNT; i++)
      expect(JSON.stringify(await send(telegram('666', `link ${wrong}`)))).toContain('That code is unknown, already used or expired');
    // Now even the right code from that account is refused, unchecked, and links nothing.
    expect(JSON.stringify(await send(telegram('666', `link ${code}`)))).toContain('Too many wrong codes from this account');
    expect(await findPerson(db, 'telegram:666')).toBeNull();
    // Another account still links with it.
    expect((await send(telegram('667', `link ${code}`))).header.title).toBe('Chat account linked');

    // Wrong codes from many accounts: linking pauses for everyone until the quarter hour has passed.
    await db.execute(
      sql`insert into link_attempt (identity, at, ok) select 'telegram:x' || g, now(), false from generate_series(1, ${LINK_ATTEMPTS_OVERALL}) g`,
    );
    const fresh = await makeCode('carl');
    expect(JSON.stringify(await send(telegram('668', `link ${fresh}`)))).toContain('linking is paused');
    expect(await findPerson(db, 'telegram:668')).toBeNull();
    await db.execute(sql`update link_attempt set at = now() - interval '16 minutes'`);
    expect((await send(telegram('668', `link ${fresh}`))).header.title).toBe('Chat account linked');
  });

  it('shows the admin commands in help to an admin only', async () => {
    const { db } = get();
    const { send } = await setup(db);
    const web = (userId: string, text: string): InboundEvent => {
      n += 1;
      return {
        type: 'text',
        platform: 'web',
        eventId: `w-${n}-${Date.now()}`,
        chatId: 'team',
        chatType: 'group',
        userId,
        text,
        addressed: true,
      };
    };
    const admin = JSON.stringify(await send(web('ann', 'help')));
    expect(admin).toContain('For admins');
    expect(admin).toContain('link CODE');
    const counter = JSON.stringify(await send(web('carl', 'help')));
    expect(counter).toContain('Stocktake assistant');
    expect(counter).not.toContain('For admins');
    expect(JSON.stringify(await send(web('sam', '帮助')))).not.toContain('For admins');
  });

  it('refuses a link code to anyone but an admin', async () => {
    const { db } = get();
    const { http } = await setup(db);
    expect((await http.as('sam', '/people/lee/link-code', { method: 'POST', body: new URLSearchParams() })).status).toBe(403);
    expect((await http.as('carl', '/people/carl/link-code', { method: 'POST', body: new URLSearchParams() })).status).toBe(403);
  });
});

describeEachDatabase('demo next steps', (get) => {
  it('posts what to do next in the demo team chat after "Load demo data", in the chosen language', async () => {
    const { db } = get();
    const web = createWebAdapter({ db, log: () => {} });
    const { dispatch, sender } = await botCore(db, [web]);
    await web.start(dispatch);
    const http = await testHttp(db, [(a) => web.mount(a)]);
    const loaded = await http.app.request('/demo?lang=zh', {
      method: 'POST',
      headers: { origin: 'http://localhost', 'accept-language': 'zh-CN' },
    });
    expect(loaded.status).toBe(303);
    await sender.drainUntilIdle();
    const cards = (await messagesSince(db, 'demo-team', '0')).filter((m) => m.kind === 'card');
    const text = JSON.stringify(cards);
    expect(text).toContain('演示数据已加载：接下来做什么');
    expect(text).toContain('以 sam（主管）身份进入团队群 demo-team');
    expect(text).not.toContain('npm start');
  });
});
