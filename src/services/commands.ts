import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '../../db/client.ts';
import { copyDriver, together } from '../../db/copy.ts';
import { IdempotencyKeyReusedError } from '../domain/errors.ts';
import { commandFingerprint, shownIdempotencyKey } from '../domain/idempotency.ts';
import type { CommandContext } from '../domain/people.ts';
import { AuditWriter } from './audit.ts';

export interface CommandScope {
  tx: Tx;
  ctx: CommandContext;
  now: Date;
  audit: AuditWriter;
  /**
   * Runs `fn` once the transaction has committed (before the command returns), outside it. For repairs
   * that must see other transactions' commits, e.g. settling a stocktake's status after concurrent postings.
   * A failure there is not the command's: it is swallowed, and the same repair runs again later elsewhere.
   */
  afterCommit(fn: (db: Db) => Promise<unknown>): void;
}

/**
 * Runs a state-changing command in one transaction with its idempotency key and its audit entries.
 * The key is claimed first: a concurrent duplicate waits on it and then replays the stored result, and a
 * later duplicate replays it at once, so the same key has one effect. A command that fails stores
 * nothing, so its key may be tried again.
 *
 * `request` is what the command acts on and with (its target and input, as the caller named them): the
 * key is bound to it, so the key reused for another line, document or input is refused
 * (IdempotencyKeyReusedError) instead of answering with the first action's result and dropping the second.
 *
 * `first` is the read the command starts with (the stocktake, the document it locks): it is sent together
 * with the idempotency claim, one round trip instead of two on Postgres, and the body gets what it read.
 * When the key was already used, what `first` read or refused is not looked at: the earlier result is
 * the answer.
 */
export async function runCommand<R, F = undefined>(
  db: Db,
  ctx: CommandContext,
  command: string,
  request: unknown,
  body: (scope: CommandScope, first: F) => Promise<R>,
  first?: (tx: Tx) => Promise<F>,
): Promise<R> {
  const after: ((db: Db) => Promise<unknown>)[] = [];
  const result = await db.transaction(async (tx) => {
    const key = ctx.idempotencyKey;
    // On Postgres the first read goes out right behind the claim (one round trip); on PGlite, which runs one
    // statement at a time, it is made once the key is claimed.
    let reading: Promise<F> | null = null;
    if (key) {
      const fingerprint = commandFingerprint(command, request);
      const claiming = queryRows(
        tx,
        sql`insert into command_log (key, command, fingerprint, result) values (${key}, ${command}, ${fingerprint}, 'null'::jsonb) on conflict (key) do nothing returning key`,
      );
      if (first && 'postgres' in copyDriver(tx)) {
        reading = first(tx);
        // Looked at only when the key was free; a replay ignores what it read or refused.
        reading.catch(() => {});
      }
      if ((await claiming).length === 0) {
        const [earlier] = await queryRows<{ command: string; fingerprint: string | null; result: R }>(
          tx,
          sql`select command, fingerprint, result from command_log where key = ${key}`,
        );
        // Rows stored before fingerprints existed compare by command only.
        if (earlier && (earlier.command !== command || (earlier.fingerprint !== null && earlier.fingerprint !== fingerprint))) {
          throw new IdempotencyKeyReusedError(shownIdempotencyKey(key), earlier.command, command);
        }
        return earlier!.result;
      }
    }
    const found = (first ? await (reading ?? first(tx)) : undefined) as F;
    const now = ctx.now ?? new Date();
    const audit = new AuditWriter(tx, ctx.actor, key ?? null, now, ctx.answeredCard ?? null);
    const result = await body({ tx, ctx, now, audit, afterCommit: (fn) => after.push(fn) }, found);
    await together(
      tx,
      () => audit.flush(),
      async () => {
        if (key) await tx.execute(sql`update command_log set result = ${JSON.stringify(result ?? null)}::jsonb where key = ${key}`);
      },
    );
    return result;
  });
  for (const fn of after) await fn(db).catch(() => {});
  return result;
}
