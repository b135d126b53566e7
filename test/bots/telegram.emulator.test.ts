/**
 * The Telegram adapter against the npm emulator `telegram-test-api` (4.2.1): the core steps it can carry
 * (a command in, a card with an inline keyboard out, a tap in, the card edited in place, one effect for a
 * double tap), as a second opinion beside our own fake.
 *
 * Its gaps, and how this test works around them (see also test/fakes/telegram.test.ts):
 * - getUpdates ignores offset and timeout and answers at once, so grammy's long poll spins: the `pace`
 *   transformer below (the adapter's `transformers` seam) waits 50 ms after an empty poll. It hands each
 *   update out once, so redelivery cannot be tested here.
 * - no getFile / sendDocument / sendPhoto: the count sheet is imported through the service instead of an
 *   upload.
 * - answerCallbackQuery is a no-op returning null: the toast text is not recorded (the spy transformer
 *   records what the adapter sent).
 * - editMessageText merges fields and keeps the old keyboard when none is sent, returns null, and accepts
 *   "not modified" edits; no HTML parsing, no length or callback_data checks, no 429s or flood limits.
 * - bot messages come back as `private` chats with `date` in milliseconds; webhook delivery sends no
 *   secret header, so webhook mode with a secret cannot be tested against it.
 */
import { sql } from 'drizzle-orm';
import type { Transformer } from 'grammy';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterEach, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import type { PlatformAdapter } from '../../bots/adapter.ts';
import { createTelegramAdapter } from '../../bots/telegram/index.ts';
import { importCounts } from '../../src/services/counts.ts';
import { listStocktakes } from '../../src/services/stocktakes.ts';
import { botCore, seedTeam } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv } from '../support/fixtures.ts';
import { PATIENCE_MS, waitFor } from '../support/wait.ts';
import { dataOf, freePort, recordingLog, telegramConfig } from './telegramSupport.ts';

const TOKEN = '555000:TelegramTestApiTokenForAdapter';
const GROUP = -3001;
const SAM = 2002;

/** Its getUpdates never waits: pause after an empty poll so grammy's loop does not spin. */
const pace: Transformer = async (prev, method, payload, signal) => {
  const res = await prev(method, payload, signal);
  if (method === 'getUpdates' && res.ok && Array.isArray(res.result) && res.result.length === 0 && 'timeout' in (payload as object)) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 50);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return res;
};

const running: { adapter?: PlatformAdapter; server: TelegramServer }[] = [];
afterEach(async () => {
  for (const { adapter, server } of running.splice(0)) {
    await adapter?.stop();
    await server.stop();
  }
});

describeEachDatabase('Telegram adapter (grammy against telegram-test-api)', (get) => {
  it('a command brings a card, a tap on it has one effect and edits the card in place', async () => {
    const { db } = get();
    await seedTeam(db, 'telegram', { carl: '2001', sam: String(SAM), sue: '2003' });
    const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 60 });
    await server.start();
    const entry: (typeof running)[number] = { server };
    running.push(entry);

    const calls: string[] = [];
    const spy: Transformer = async (prev, method, payload, signal) => {
      if (method !== 'getUpdates') calls.push(method);
      return prev(method, payload, signal);
    };
    const rec = recordingLog();
    const adapter = createTelegramAdapter(telegramConfig(TOKEN, server.config.apiURL), {
      log: rec.log,
      limits: { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 },
      transformers: [pace, spy],
    });
    entry.adapter = adapter;
    const { dispatch, sender } = await botCore(db, [adapter], rec.log);
    await adapter.start(dispatch);

    const sam = server.getClient(TOKEN, { chatId: GROUP, userId: SAM, type: 'group', firstName: 'Sam', timeout: PATIENCE_MS });
    const cards = () => server.storage.botMessages.filter((m) => String(m.message.chat_id) === String(GROUP));
    /** Sends a command and waits for the replies it queued to be delivered. */
    const command = async (text: string) => {
      const before = cards().length;
      await sam.sendCommand(sam.makeCommand(text));
      await waitFor(async () => {
        await sender.drainUntilIdle();
        return cards().length > before;
      });
    };
    const answers = () => calls.filter((m) => m === 'answerCallbackQuery').length;
    /** Taps a button and waits until the adapter answered the query. */
    const tap = async (messageId: number, data: string) => {
      const before = answers();
      await sam.sendCallback(sam.makeCallbackQuery(data, { message: { message_id: messageId } }));
      await waitFor(() => answers() > before);
    };

    await command('/bind WH1');
    await command('/new');
    const code = (await listStocktakes(db))[0]!.code;
    await importCounts(
      db,
      code,
      csv('count.csv', [
        ['sku', 'location', 'qty'],
        ['A-100', 'R1', '90'],
        ['C-400', 'R4', '1'],
      ]),
      { counter: 'carl' },
    );
    await command('/close');
    const page = await waitFor(() => cards().find((m) => String(m.message.text).includes('Variances to review')));

    await tap(page.messageId, dataOf(page.message.reply_markup, { label: /^C-400/ }));
    const card = await waitFor(async () => {
      await sender.drainUntilIdle();
      return cards().find((m) => m.messageId > page.messageId && String(m.message.text).includes('C-400'));
    });
    const confirm = dataOf(card.message.reply_markup, { label: /^Confirm/ });
    const textBefore = String(card.message.text);

    const edited = server.waitBotEdits();
    await tap(card.messageId, confirm);
    await tap(card.messageId, confirm); // a double tap: a new callback query id
    await sender.drainUntilIdle();
    await edited;
    expect(String(card.message.text)).not.toBe(textBefore);
    expect(String(card.message.text)).toMatch(/confirmed/i);
    expect(calls).toContain('editMessageText');
    expect(await queryRows(db, sql`select 1 from audit_log where action = 'variance.confirm'`)).toHaveLength(1);
    expect(cards().filter((m) => m.messageId > card.messageId)).toEqual([]); // updated in place, nothing sent anew
    expect(rec.errors()).toEqual([]);
  });
});
