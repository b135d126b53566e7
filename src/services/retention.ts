/**
 * Deletes bookkeeping rows older than the retention policy (src/domain/retention.ts): platform event ids,
 * idempotency keys, card button intents, and outbox rows that are finished — delivered ones after the
 * window, failed ones after their longer one. Pending and sending outbox rows are never touched. The web
 * console's chat history (web_message) is not bookkeeping and is kept.
 *
 * Unlike the other services this does not run one transaction: each batch is its own short statement
 * (`delete … where key in (select … limit n)`), so a large backlog never holds locks or a snapshot for
 * long and never blocks the writers inserting new rows. Two instances pruning at once would only find
 * each other's rows already gone; the scheduler runs it once per slot anyway.
 */
import { and, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { cardAction, commandLog, inboundEvent, outbox, platformMedia } from '../../db/schema/index.ts';
import { retentionCutoffs, type RetentionPolicy } from '../domain/retention.ts';

export interface PruneOptions {
  /** Rows deleted by one statement. */
  batchSize?: number;
  /** Statements per table in one run; what is left goes at the next run. */
  maxBatches?: number;
}

export interface PruneResult {
  inboundEvents: number;
  commandLog: number;
  cardActions: number;
  outboxDelivered: number;
  outboxFailed: number;
  /** Remembered uploads (chart images) older than the delivered rows' window; one needed again is uploaded again. */
  platformMedia: number;
  /** False when a table hit maxBatches and still has rows to prune. */
  complete: boolean;
}

export const DEFAULT_BATCH_SIZE = 5_000;
const DEFAULT_MAX_BATCHES = 100;

export async function pruneExpired(db: Db, policy: RetentionPolicy, now: Date, options: PruneOptions = {}): Promise<PruneResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  const cut = retentionCutoffs(policy, now);
  let complete = true;

  /** Runs one batch statement until it deletes less than a full batch, or the run's budget is spent. */
  async function drain(batch: () => Promise<unknown[]>): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const deleted = (await batch()).length;
      total += deleted;
      if (deleted < batchSize) return total;
    }
    complete = false;
    return total;
  }

  const inboundEvents = await drain(() =>
    db
      .delete(inboundEvent)
      .where(
        sql`(${inboundEvent.platform}, ${inboundEvent.eventId}) in ${db
          .select({ platform: inboundEvent.platform, eventId: inboundEvent.eventId })
          .from(inboundEvent)
          .where(lt(inboundEvent.receivedAt, cut.idempotency))
          .limit(batchSize)}`,
      )
      .returning({ eventId: inboundEvent.eventId }),
  );
  const commands = await drain(() =>
    db
      .delete(commandLog)
      .where(
        inArray(
          commandLog.key,
          db.select({ key: commandLog.key }).from(commandLog).where(lt(commandLog.createdAt, cut.idempotency)).limit(batchSize),
        ),
      )
      .returning({ key: commandLog.key }),
  );
  const cardActions = await drain(() =>
    db
      .delete(cardAction)
      .where(
        inArray(
          cardAction.id,
          db.select({ id: cardAction.id }).from(cardAction).where(lt(cardAction.createdAt, cut.buttons)).limit(batchSize),
        ),
      )
      .returning({ id: cardAction.id }),
  );
  const finishedOutbox = (statuses: ('sent' | 'superseded' | 'failed')[], before: Date) => () =>
    db
      .delete(outbox)
      .where(
        inArray(
          outbox.id,
          db
            .select({ id: outbox.id })
            .from(outbox)
            .where(and(inArray(outbox.status, statuses), lt(outbox.createdAt, before)))
            .limit(batchSize),
        ),
      )
      .returning({ id: outbox.id });
  const outboxDelivered = await drain(finishedOutbox(['sent', 'superseded'], cut.delivered));
  const outboxFailed = await drain(finishedOutbox(['failed'], cut.failed));

  const media = await drain(() =>
    db
      .delete(platformMedia)
      .where(
        sql`(${platformMedia.platform}, ${platformMedia.app}, ${platformMedia.contentHash}) in ${db
          .select({ platform: platformMedia.platform, app: platformMedia.app, contentHash: platformMedia.contentHash })
          .from(platformMedia)
          // An upload still claimed by a live instance is left to finish.
          .where(
            and(lt(platformMedia.createdAt, cut.delivered), or(isNotNull(platformMedia.mediaId), lt(platformMedia.uploadingUntil, now))),
          )
          .limit(batchSize)}`,
      )
      .returning({ hash: platformMedia.contentHash }),
  );

  return { inboundEvents, commandLog: commands, cardActions, outboxDelivered, outboxFailed, platformMedia: media, complete };
}
