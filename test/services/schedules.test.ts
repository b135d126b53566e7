/**
 * Report schedules: cron and timezone validation with messages that say what to fix, the chat command
 * `schedule` / 定时 (who may, what it answers, what it changes) and `stocktake schedule list|set`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DatabaseTarget, type Db } from '../../db/client.ts';
import { loadActionSigner } from '../../src/core/actionToken.ts';
import { createDispatcher } from '../../src/core/dispatcher.ts';
import { silentLogger } from '../../src/core/log.ts';
import { parseTextCommand } from '../../src/core/textCommands.ts';
import { addPerson } from '../../src/services/people.ts';
import { listSchedules, parseCron, parseTimezone } from '../../src/services/schedules.ts';
import { runCli, openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds, describeEachDatabase } from '../support/db.ts';
import { queuedCards, seedChats } from '../jobs/support.ts';

describe('cron and timezone validation', () => {
  it('accepts five fields, or six with seconds 0, and tidies the spacing', () => {
    expect(parseCron(' 0  9 * * * ')).toBe('0 9 * * *');
    expect(parseCron('30 8 * * 1-5')).toBe('30 8 * * 1-5');
    expect(parseCron('0 0 9 * * mon')).toBe('0 0 9 * * mon');
  });

  it('names what is wrong', () => {
    expect(() => parseCron('0 9 * *')).toThrow(/has 4 field\(s\): write 5 — minute hour day-of-month month day-of-week/);
    expect(() => parseCron('0 25 * * *')).toThrow(/the hour \(0-23\) field "25" is not valid/);
    expect(() => parseCron('61 9 * * *')).toThrow(/the minute \(0-59\) field "61" is not valid/);
    expect(() => parseCron('0 9 * * 8')).toThrow(/the day of week \(0-7 or sun-sat; 0 and 7 are Sunday\) field "8" is not valid/);
    expect(() => parseCron('0 9 31 2 *')).toThrow(/that day never comes in the month given/);
    expect(() => parseCron('*/5 * * * *')).toThrow(
      /the minute field must be one number \(reports go out at most once an hour\), not "\*\/5"/,
    );
    expect(() => parseCron('30 0 9 * * *')).toThrow(/the seconds field must be 0/);
    expect(() => parseTimezone('Asia/Shangai')).toThrow(
      'unknown timezone "Asia/Shangai": use an IANA name such as Asia/Shanghai, Asia/Singapore, Europe/Berlin or UTC',
    );
    expect(parseTimezone('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('parses the chat command in English and Chinese, with a trailing timezone', () => {
    expect(parseTextCommand('schedule')).toEqual({ name: 'schedule', job: null, action: 'show' });
    expect(parseTextCommand('/schedule daily 0 9 * * *')).toEqual({ name: 'schedule', job: 'daily', action: 'set', cron: '0 9 * * *' });
    expect(parseTextCommand('schedule weekly 30 8 * * 1 Asia/Shanghai')).toEqual({
      name: 'schedule',
      job: 'weekly',
      action: 'set',
      cron: '30 8 * * 1',
      timezone: 'Asia/Shanghai',
    });
    expect(parseTextCommand('schedule daily 0 9 * * * UTC')).toEqual({
      name: 'schedule',
      job: 'daily',
      action: 'set',
      cron: '0 9 * * *',
      timezone: 'UTC',
    });
    expect(parseTextCommand('schedule off')).toEqual({ name: 'schedule', job: null, action: 'off' });
    expect(parseTextCommand('定时 日报 ０ ９ ＊ ＊ ＊')).toEqual({ name: 'schedule', job: 'daily', action: 'set', cron: '0 9 * * *' });
    expect(parseTextCommand('定时 周报 关闭')).toEqual({ name: 'schedule', job: 'weekly', action: 'off' });
    expect(parseTextCommand('定时 每周 开启')).toEqual({ name: 'schedule', job: 'weekly', action: 'on' });
    expect(parseTextCommand('schedule monthly 0 9 1 * *')).toEqual({ name: 'schedule', job: 'monthly', action: 'set', cron: '0 9 1 * *' });
    expect(parseTextCommand('schedule yearly 0 9 1 1 *')).toEqual({ name: 'scheduleUsage' });
  });
});

/** Sends `text` to a web chat as `handle` through the real dispatcher; returns the card it answered with. */
async function chatter(db: Db) {
  const signer = await loadActionSigner(db);
  const dispatch = createDispatcher({ db, signer, log: silentLogger, defaultLocale: 'en' });
  let n = 0;
  return async (handle: string, chatId: string, text: string) => {
    await dispatch({ type: 'text', platform: 'web', eventId: `e${++n}`, chatId, chatType: 'group', userId: handle, text, addressed: true });
    const cards = (await queuedCards(db)).filter((c) => c.chatId === chatId);
    return JSON.stringify(cards.at(-1)!.card);
  };
}

describeEachDatabase('the schedule chat command', (get) => {
  it('shows the defaults, sets a cron and timezone, turns a report off, for supervisors, managers and admins only', async () => {
    const { db } = get();
    await seedChats(db, { 'web:digest': 'digest', 'web:team': 'team' });
    for (const handle of ['sam', 'carl', 'mo']) await addPerson(db, { handle, identities: [`web:${handle}`] });
    const say = await chatter(db);

    const shown = await say('carl', 'digest', 'schedule');
    expect(shown).toContain('Report schedule');
    expect(shown).toContain('0 9 * * * · Asia/Shanghai');
    expect(shown).toContain('0 9 * * 1 · Asia/Shanghai');
    expect(shown).toContain('default');

    expect(await say('carl', 'digest', 'schedule daily 30 8 * * 1-5')).toContain(
      'carl may not change the report schedule in WH1: needs the role supervisor or manager or admin',
    );
    expect(await say('sam', 'digest', 'schedule daily 30 8 * * 1-5 Europe/Berlin')).toContain(
      'Daily digest: `30 8 * * 1-5` in Europe/Berlin.',
    );
    expect(await say('mo', 'digest', 'schedule weekly off')).toContain('Weekly report: turned off for this chat.');
    expect(await say('sam', 'digest', 'schedule daily 0 25 * * *')).toContain('the hour (0-23) field \\"25\\" is not valid');
    expect(await say('sam', 'digest', 'schedule daily 0 9 * * * Mars/Olympus')).toContain('unknown timezone \\"Mars/Olympus\\"');
    expect(await say('sam', 'team', 'schedule daily 0 9 * * *')).toContain('Reports go to digest chats: send \\"bind WH1 digest\\" first.');
    expect(await say('sam', 'digest', 'schedule yearly')).toContain('schedule daily MIN HOUR DAY MONTH WEEKDAY');

    const schedules = await listSchedules(db, { platform: 'web', chatId: 'digest' });
    expect(schedules.map((s) => [s.job, s.cron, s.timezone, s.enabled, s.isDefault])).toEqual([
      ['daily', '30 8 * * 1-5', 'Europe/Berlin', true, false],
      ['monthly', '0 9 1 * *', 'Asia/Shanghai', true, true],
      ['weekly', '0 9 * * 1', 'Asia/Shanghai', false, false],
    ]);
    // Turning it back on keeps its cron; the timezone stays the chat's.
    expect(await say('sam', 'digest', '定时 周报 开启')).toContain('Weekly report: back on.');
    expect(await say('sam', 'digest', 'schedule daily 0 7 * * *')).toContain('Daily digest: `0 7 * * *` in Europe/Berlin.');
    const audit = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where action = 'schedule.set'`);
    expect(Number(audit[0]!.n)).toBe(4);
  });
});

for (const kind of databaseKinds()) {
  describe(`stocktake schedule list|set [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-schedule-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      const target: DatabaseTarget = env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! };
      const { db, close } = await openOwnDatabase(target);
      await seedChats(db, { 'telegram:-100123': 'digest', 'telegram:-100999': 'team' });
      await close();
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("lists every digest chat's reports with the defaults", async () => {
      const out = await runCli(env, 'schedule', 'list');
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/telegram:-100123 +WH1 +daily +0 9 \* \* \* +Asia\/Shanghai +\d{4}-\d\d-\d\d 09:00 +default/);
      expect(out.stdout).toMatch(/telegram:-100123 +WH1 +weekly +0 9 \* \* 1 +Asia\/Shanghai/);
      expect(out.stdout).not.toContain('-100999');
    });

    it("sets a report's cron and timezone, turns it off, and refuses what is wrong with the reason", async () => {
      const set = await runCli(
        env,
        'schedule',
        'set',
        'telegram:-100123',
        'daily',
        '15 7 * * *',
        '--timezone',
        'Asia/Singapore',
        '--as',
        'sam',
      );
      expect(set.code).toBe(0);
      expect(set.stdout).toMatch(/^daily report of telegram:-100123: 15 7 \* \* \* in Asia\/Singapore, next \d{4}-\d\d-\d\d 07:15\.$/m);
      const off = await runCli(env, 'schedule', 'set', 'telegram:-100123', 'weekly', 'off', '--json');
      expect(off.code).toBe(0);
      expect(off.json()).toMatchObject({ job: 'weekly', enabled: false, cron: '0 9 * * 1', next: null });
      const listed = (await runCli(env, 'schedule', 'list', '--json')).json() as {
        job: string;
        cron: string;
        timezone: string;
        enabled: boolean;
      }[];
      expect(listed.map((s) => [s.job, s.cron, s.timezone, s.enabled])).toEqual([
        ['daily', '15 7 * * *', 'Asia/Singapore', true],
        ['monthly', '0 9 1 * *', 'Asia/Shanghai', true],
        ['weekly', '0 9 * * 1', 'Asia/Shanghai', false],
      ]);

      const refusals: [string[], RegExp][] = [
        [['telegram:-100123', 'daily', '0 9 * *'], /has 4 field\(s\)/],
        [['telegram:-100123', 'daily', '0 9 * * *', '--timezone', 'Beijing'], /unknown timezone "Beijing"/],
        [['telegram:-100123', 'yearly', '0 9 1 1 *'], /unknown report "yearly": use daily, weekly or monthly/],
        [
          ['telegram:-100999', 'daily', '0 9 * * *'],
          /chat telegram:-100999 is not a digest chat of WH1: send "bind WH1 digest" in it first/,
        ],
        [['telegram:-4242', 'daily', '0 9 * * *'], /chat telegram:-4242 is unknown/],
        [['-100123', 'daily', '0 9 * * *'], /is not of the form platform:chat-id/],
        [['telegram:-100123', 'daily', '0 9 * * *', '--as', 'carl'], /carl may not change the report schedule in WH1/],
      ];
      for (const [args, message] of refusals) {
        const out = await runCli(env, 'schedule', 'set', ...args);
        expect(out.code, args.join(' ')).toBe(2);
        expect(out.stderr).toMatch(message);
      }
    });
  });
}
