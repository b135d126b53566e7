/** runCommand's first read: sent with the idempotency claim, handed to the body, ignored on a replay. */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Tx } from '../../db/client.ts';
import { NotFoundError } from '../../src/domain/errors.ts';
import { runCommand } from '../../src/services/commands.ts';
import { addPerson, cliActor } from '../../src/services/people.ts';
import { describeEachDatabase } from '../support/db.ts';

describeEachDatabase('runCommand with a first read', (get) => {
  const claims = async (key: string) =>
    (await queryRows<{ n: number }>(get().db, sql`select count(*)::int as n from command_log where key = ${key}`))[0]!.n;

  /** ann's command under `key` that acts on what `first` read; counts how often the body ran. */
  const command = async (key: string, first: (tx: Tx) => Promise<string>) => {
    const { db } = get();
    await addPerson(db, { handle: 'ann', name: 'Ann' });
    const actor = await cliActor(db, 'ann');
    const runs = { bodies: 0 };
    const act = () =>
      runCommand<string, string>(
        db,
        { actor, idempotencyKey: key },
        'test.act',
        { key },
        async (_scope, found) => {
          runs.bodies += 1;
          return `acted on ${found}`;
        },
        first,
      );
    return { act, runs };
  };

  it('hands the body what the first read found, and a repeat of the key replays the result without either', async () => {
    let reads = 0;
    const { act, runs } = await command('k-1', async (tx) => {
      reads += 1;
      const [row] = await queryRows<{ handle: string }>(tx, sql`select handle from person where handle = ${'ann'}`);
      return row!.handle;
    });
    expect(await act()).toBe('acted on ann');
    expect(await act()).toBe('acted on ann');
    expect(runs.bodies).toBe(1);
    // Postgres sends the read with the claim (and so reads again on the repeat); PGlite reads after it.
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(await claims('k-1')).toBe(1);
  });

  it('refuses with what the first read refused, claiming nothing, and the key can be used again', async () => {
    let missing = true;
    const { act } = await command('k-2', async () => {
      if (missing) throw new NotFoundError('thing', 'y', 'no thing y');
      return 'y';
    });
    await expect(act()).rejects.toBeInstanceOf(NotFoundError);
    expect(await claims('k-2')).toBe(0);
    missing = false;
    expect(await act()).toBe('acted on y');
    // Once acted, the key answers with the first result even when the read would now refuse.
    missing = true;
    expect(await act()).toBe('acted on y');
  });
});
