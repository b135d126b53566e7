/**
 * `me` (我的绩效) in a chat answers with the sender's own performance figures in the chat's warehouse — only
 * theirs, even for a manager, since others read the chat — in the chat's language.
 */
import { expect, it, vi } from 'vitest';
import { addPerson } from '../../src/services/people.ts';
import { botCore, RecordingDeliverer, teamText } from '../support/bot.ts';
import { describeEachDatabase } from '../support/db.ts';
import { fourStocktakes } from '../support/history.ts';

describeEachDatabase('me: my own figures in a chat', (get) => {
  it("answers the sender with their own figures and no one else's", async () => {
    const { db } = get();
    await fourStocktakes(db);
    vi.useRealTimers();
    for (const handle of ['carl', 'sam', 'mo']) await addPerson(db, { handle, name: handle, identities: [`web:u-${handle}`] });
    const out = new RecordingDeliverer();
    const { dispatch, sender } = await botCore(db, [out]);
    const said = async (userId: string, body: string) => {
      await dispatch(teamText(userId, body));
      await sender.drainUntilIdle();
      return JSON.stringify(out.last());
    };
    await said('u-sam', 'bind WH1');
    const carl = await said('u-carl', 'me');
    expect(carl).toContain("carl's figures in WH1");
    expect(carl).toContain('first-count accuracy 87.5%');
    expect(carl).not.toContain('sam review');
    await said('u-sam', 'lang zh');
    const mo = await said('u-mo', '我的绩效');
    expect(mo).toContain('mo 在 WH1 的绩效');
    expect(mo).not.toContain('carl');
  });
});
