/**
 * Group etiquette, platform-free: in a group the bot answers a command or mention addressed to it, a reply
 * to one of its own messages, a tap, or a count sheet where one is expected, and keeps out of everything
 * else without a word.
 */
import { expect, it } from 'vitest';
import type { FileEvent } from '../../src/core/events.ts';
import { botCore, RecordingDeliverer, seedTeam, sheet, teamText } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';

describeEachDatabase('group etiquette', (get) => {
  let n = 0;
  const text = teamText;
  const file = (userId: string, fileName: string, bytes: Buffer, extra: Partial<FileEvent> = {}) => {
    const downloads = { count: 0 };
    const event: FileEvent = {
      type: 'file',
      platform: 'web',
      eventId: `f${++n}`,
      chatId: 'team',
      chatType: 'group',
      userId,
      fileName,
      download: async () => {
        downloads.count += 1;
        return bytes;
      },
      ...extra,
    };
    return { event, downloads };
  };
  const countSheet = sheet([
    ['sku', 'location', 'qty'],
    ['A-100', 'R1', '90'],
  ]);

  async function team() {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam', sue: 'u-sue' });
    const out = new RecordingDeliverer();
    const core = await botCore(db, [out]);
    return { out, ...core };
  }

  it('answers a reply to its own message and ignores a reply from one person to another', async () => {
    const { out, dispatch, sender } = await team();
    const samAsks = text('u-sam', 'help');
    await dispatch(samAsks);
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(1);
    const botMessage = out.sent[0]!.messageId;

    // Carl answers Sam's message (not the bot's): none of the bot's business.
    await dispatch(text('u-carl', 'lunch first?', { addressed: false, replyToMessageId: samAsks.messageId! }));
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(1);

    // A reply to the bot's card speaks to the bot without a mention.
    await dispatch(text('u-carl', 'help', { addressed: false, replyToMessageId: botMessage }));
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(2);

    // So does a reply the platform itself marks as one to the bot.
    await dispatch(text('u-carl', 'help', { addressed: false, replyToMessageId: 'not-recorded', replyToBot: true }));
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(3);

    // A stranger chatting with someone else gets no access notice either.
    await dispatch(text('u-stranger', 'who is the bot?', { addressed: false, replyToMessageId: samAsks.messageId! }));
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(3);
  });

  it('imports a count sheet posted in the team chat while counting, and ignores every other file silently', async () => {
    const { out, dispatch, sender } = await team();
    const silent = async (f: { event: FileEvent; downloads: { count: number } }, downloads: number) => {
      const before = out.sent.length;
      await dispatch(f.event);
      await sender.drainUntilIdle();
      expect(out.sent.length, f.event.fileName).toBe(before);
      expect(f.downloads.count, `${f.event.fileName} downloads`).toBe(downloads);
    };

    // Not bound yet, and no stocktake yet: a count sheet is not expected, so nothing is said.
    await silent(file('u-carl', 'count.csv', countSheet), 0);
    await dispatch(text('u-sam', 'bind WH1'));
    await sender.drainUntilIdle();
    await silent(file('u-carl', 'count.csv', countSheet), 0);
    await dispatch(text('u-sam', 'new'));
    await sender.drainUntilIdle();

    // Counting: a delivery note's PDF and a photo are not looked at; a price list is read and left alone.
    await silent(file('u-carl', '送货单.pdf', Buffer.from('%PDF-1.7 ...')), 0);
    await silent(file('u-carl', 'IMG_2041.jpg', Buffer.from([0xff, 0xd8, 0xff])), 0);
    await silent(
      file(
        'u-carl',
        'price-list.csv',
        sheet([
          ['product', 'price'],
          ['A-100', '9.90'],
        ]),
      ),
      1,
    );
    await silent(file('u-stranger', 'notes.pdf', Buffer.from('%PDF')), 0);

    // A count sheet is imported; one with a typo in a header still gets an answer naming the problem.
    const before = out.sent.length;
    await dispatch(file('u-carl', 'count.csv', countSheet).event);
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(before + 1);
    expect(out.last().header.title).toContain('count.csv');
    await dispatch(
      file(
        'u-carl',
        'second.csv',
        sheet([
          ['sku', 'location', 'qyt'],
          ['A-200', 'R2', '3'],
        ]),
      ).event,
    );
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(before + 2);
    expect(JSON.stringify(out.last())).toMatch(/missing column qty/);
  });

  it('ignores files in a group that is not a team chat, and answers them in a direct chat', async () => {
    const { out, dispatch, sender } = await team();
    await dispatch(text('u-sam', 'bind WH1 digest'));
    await dispatch(text('u-sam', 'new'));
    await sender.drainUntilIdle();
    const before = out.sent.length;
    await dispatch(file('u-carl', 'count.csv', countSheet).event);
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(before);

    await dispatch(file('u-carl', 'count.csv', countSheet, { chatId: 'dm-carl', chatType: 'direct' }).event);
    await sender.drainUntilIdle();
    expect(out.sent).toHaveLength(before + 1);
    expect(out.sent.at(-1)!.chatId).toBe('dm-carl');
  });
});
