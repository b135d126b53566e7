/**
 * Idempotency for the actions whose services take no command context (starting a stocktake, importing a
 * count sheet, closing counting): the first result is kept under the key in the same command log the
 * other actions use, through runCommand, and a repeat of the key returns it without acting again.
 *
 * Those services are already safe to repeat on their own — a second start finds the stocktake open, a
 * second identical sheet is refused as a duplicate, a second close finds counting closed — so a repeat
 * that races the first and loses is answered with the first result as soon as it is stored.
 */
import type { Db } from '../../../db/client.ts';
import { DomainError } from '../../domain/errors.ts';
import type { CommandContext } from '../../domain/people.ts';
import { runCommand } from '../../services/commands.ts';

class NotRunYet extends Error {}

/** The stored result of the key, if the command already ran under it (rolls back its own claim otherwise). */
async function earlierResult<T>(
  db: Db,
  ctx: CommandContext,
  command: string,
  request: unknown,
): Promise<{ found: true; result: T } | { found: false }> {
  try {
    return {
      found: true,
      result: await runCommand<T>(db, ctx, command, request, async () => {
        throw new NotRunYet();
      }),
    };
  } catch (error) {
    if (error instanceof NotRunYet) return { found: false };
    throw error;
  }
}

/**
 * Runs `act` once per idempotency key (every time without one) and returns the first result. `request`
 * is what the key is bound to (see runCommand): the key sent again with another request is refused.
 */
export async function once<T>(db: Db, ctx: CommandContext, command: string, request: unknown, act: () => Promise<T>): Promise<T> {
  if (!ctx.idempotencyKey) return act();
  const earlier = await earlierResult<T>(db, ctx, command, request);
  if (earlier.found) return earlier.result;
  let result: T;
  try {
    result = await act();
  } catch (error) {
    if (error instanceof DomainError) {
      const raced = await earlierResult<T>(db, ctx, command, request);
      if (raced.found) return raced.result;
    }
    throw error;
  }
  // Stores the result; had a racing repeat stored its own first, that one is returned.
  return runCommand(db, ctx, command, request, async () => result);
}
