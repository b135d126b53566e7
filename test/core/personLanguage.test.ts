/**
 * A person may choose their language (issue 14 §1): `lang me en` in a Chinese chat makes the answers to
 * them English in every chat, while the chat's shared cards and everyone else's answers stay Chinese; `lang
 * me auto` follows the chat again. The choice is audited and the chain stays intact.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { sealAudit } from '../../src/services/auditSeal.ts';
import { verifyAudit } from '../../src/services/auditVerify.ts';
import { botCore, RecordingDeliverer, seedTeam, teamText } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';

describeEachDatabase('a person chooses their language', (get) => {
  it("answers them in their language in a chat of another, and everyone else in the chat's", async () => {
    const { db } = get();
    await seedTeam(db, 'web', { carl: 'u-carl', sam: 'u-sam' });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    const said = async (userId: string, body: string) => {
      await dispatch(teamText(userId, body));
      await sender.drainUntilIdle();
      return JSON.stringify(out.last());
    };
    await said('u-sam', 'bind WH1');
    await said('u-sam', 'lang zh');
    await said('u-sam', 'new');

    expect(await said('u-sam', '语言 我 英文')).toContain('You now get your answers in English, in every chat');
    expect(await said('u-sam', 'count A-100 R1 -1')).toContain('The quantity -1 is negative');
    expect(await said('u-carl', 'count A-100 R1 -1')).toContain('数量 -1 是负数');
    expect(await said('u-sam', 'lang me')).toContain('Send \\"lang zh\\" or \\"lang en\\" for this chat');

    const [sam] = await queryRows<{ locale: string | null }>(db, sql`select locale from person where handle = 'sam'`);
    expect(sam!.locale).toBe('en');
    expect(await said('u-sam', 'lang me auto')).toContain('给你的回复已恢复为跟随各群的语言');
    expect(await said('u-sam', 'count A-100 R1 -1')).toContain('数量 -1 是负数');

    const changes = await queryRows<{ before: unknown; after: unknown }>(
      db,
      sql`select before, after from audit_log where action = 'person.language' order by seq`,
    );
    expect(changes).toEqual([
      { before: { person: 'sam', locale: null }, after: { person: 'sam', locale: 'en' } },
      { before: { person: 'sam', locale: 'en' }, after: { person: 'sam', locale: null } },
    ]);
    await sealAudit(db, { wait: true });
    expect((await verifyAudit(db)).ok).toBe(true);
  });
});
