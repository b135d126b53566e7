/**
 * How long bookkeeping rows are kept before the retention job (src/jobs/retention.ts) deletes them. Kept
 * rows are what makes a repeat harmless: a platform event's id (inbound_event), a command's idempotency key
 * (command_log), a button's intent (card_action). So a window may never be shorter than the longest time a
 * platform or client can send the same thing again:
 *
 * - Telegram keeps an update it could not deliver for 24 hours (getUpdates and webhooks alike);
 * - Feishu retries an unacknowledged event at about 15 s, 5 min, 1 h and 6 h;
 * - DingTalk re-pushes an unacknowledged Stream callback for about 60 s;
 * - an API client retries with its Idempotency-Key after its own outage, which may be a weekend.
 *
 * Hence the floor of 7 days: a day of platform redelivery plus the time an instance or a client can be
 * down over a weekend, with room to spare.
 */

export const MIN_RETENTION_DAYS = 7;

export interface RetentionPolicy {
  /** Event ids, idempotency keys, and delivered (sent or superseded) outbox rows. */
  days: number;
  /** Outbox rows that failed for good: the evidence of what never reached a chat. */
  failedDays: number;
  /**
   * A card button's stored intent. A tap on an older button still gets an answer: the card is refreshed
   * with new buttons and the person told it was out of date.
   */
  buttonDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { days: 30, failedDays: 90, buttonDays: 90 };

/** Rows older than these instants go. */
export interface RetentionCutoffs {
  idempotency: Date;
  delivered: Date;
  failed: Date;
  buttons: Date;
}

const DAY = 24 * 60 * 60 * 1000;

export function retentionCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoffs {
  const before = (days: number) => new Date(now.getTime() - Math.max(days, MIN_RETENTION_DAYS) * DAY);
  return {
    idempotency: before(policy.days),
    delivered: before(policy.days),
    failed: before(policy.failedDays),
    buttons: before(policy.buttonDays),
  };
}
