/**
 * The counting page's outbox of scan entries, free of the browser so that it is tested in Node: each entry
 * is written to a store (IndexedDB on the phone) before anything is sent, sent in batches, and removed
 * only when the server answered for it — accepted, or rejected for a reason the person is shown. A network
 * failure, a 5xx or a 429 keeps the batch and tries again with a growing pause; the server keeps each
 * entry once by its id, so sending a batch again after a lost answer duplicates nothing.
 */

/** One scan, +/− or typed quantity, as the phone made it (the API's entry plus the stocktake it is for). */
export interface QueuedEntry {
  /** Made by the phone (crypto.randomUUID()): the server's key for "this entry once". */
  id: string;
  stocktake: string;
  location: string;
  /** A barcode or a SKU, as scanned or typed. */
  code: string;
  /** Signed decimal text, never 0, in `unit` (the item's base unit when absent). */
  qty: string;
  unit?: string;
  /** When it was scanned (ISO), which orders the queue. */
  at: string;
}

/** Where entries wait until the server has them. */
export interface EntryStore {
  put(entry: QueuedEntry): Promise<void>;
  /** A stocktake's waiting entries, oldest first. */
  list(stocktake: string): Promise<QueuedEntry[]>;
  remove(ids: readonly string[]): Promise<void>;
}

/** The server's reason for not counting an entry (an unknown barcode, a location outside the count). */
export interface Rejection {
  id: string;
  code: string;
  message: string;
  localized?: Partial<Record<'en' | 'zh-CN', string>>;
}

/** What became of one batch. */
export type SendOutcome =
  /** The server answered for the batch: these ids are counted (or were already), these were rejected. */
  | { kind: 'answered'; accepted: string[]; rejected: Rejection[]; body: unknown }
  /** No answer at all: no network, or the request failed on its way. */
  | { kind: 'unreachable' }
  /** The server is there but cannot take it now (5xx, 503 with Retry-After, 429). */
  | { kind: 'unavailable'; status: number; retryAfterMs?: number }
  /** The server refused the whole batch (signed out, counting closed…): kept, shown, tried again later. */
  | { kind: 'refused'; status: number; message: string };

export interface QueueState {
  queued: number;
  /** The oldest waiting entry's scan time (ISO), null when nothing waits. */
  oldestAt: string | null;
  /** True since the last send that got no answer, until one gets an answer. */
  offline: boolean;
  sending: boolean;
  /** Why the server refused the last batch, while it still refuses. */
  refused: string | null;
  /** When the next try is due (ms since the epoch), null when none is scheduled. */
  retryAt: number | null;
}

export interface QueueOptions {
  stocktake: string;
  store: EntryStore;
  send(entries: QueuedEntry[]): Promise<SendOutcome>;
  /** At most this many entries in one request (the API takes 500). */
  batchSize?: number;
  /** The first pause after a failure, doubled on each further failure up to `maxMs`. */
  backoff?: { firstMs: number; maxMs: number };
  now?: () => number;
  /** A factor in [0.5, 1] that spreads out retries of many phones (default Math.random based). */
  jitter?: () => number;
  schedule?: (run: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
  onState?(state: QueueState): void;
  onAnswer?(outcome: Extract<SendOutcome, { kind: 'answered' }>, sent: QueuedEntry[]): void;
}

export const MAX_BATCH = 500;

export class EntryQueue {
  private readonly o: Required<Omit<QueueOptions, 'onState' | 'onAnswer'>> & Pick<QueueOptions, 'onState' | 'onAnswer'>;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private timer: unknown = null;
  private current: QueueState = { queued: 0, oldestAt: null, offline: false, sending: false, refused: null, retryAt: null };

  constructor(options: QueueOptions) {
    this.o = {
      batchSize: MAX_BATCH,
      backoff: { firstMs: 1_000, maxMs: 30_000 },
      now: () => Date.now(),
      jitter: () => 0.5 + Math.random() / 2,
      schedule: (run, ms) => setTimeout(run, ms),
      cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      ...options,
    };
    this.o.batchSize = Math.min(Math.max(1, this.o.batchSize), MAX_BATCH);
  }

  get state(): QueueState {
    return this.current;
  }

  /** Keeps the entry (resolves once it is stored), then sends what waits. */
  async add(entry: QueuedEntry): Promise<void> {
    await this.o.store.put(entry);
    await this.publish({});
    void this.flush();
  }

  /** Waiting entries, oldest first (to show them before the server has them). */
  waiting(): Promise<QueuedEntry[]> {
    return this.o.store.list(this.o.stocktake);
  }

  /**
   * Sends everything that waits, batch after batch, until the store is empty or a batch fails (then a
   * retry is scheduled). One flush at a time; a call during a flush makes it look again when it ends.
   * Resolves when this round is over.
   */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.clearTimer();
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The connection is back (the browser's online event): try now, whatever the pause said. */
  online(): Promise<void> {
    this.failures = 0;
    return this.flush();
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        const batch = (await this.o.store.list(this.o.stocktake)).slice(0, this.o.batchSize);
        if (batch.length === 0) {
          this.failures = 0;
          await this.publish({ sending: false, refused: null, retryAt: null });
          break;
        }
        await this.publish({ sending: true });
        let outcome: SendOutcome;
        try {
          outcome = await this.o.send(batch);
        } catch {
          outcome = { kind: 'unreachable' };
        }
        if (outcome.kind !== 'answered') {
          this.failures++;
          const pause = this.pause(outcome);
          const retryAt = this.o.now() + pause;
          this.timer = this.o.schedule(() => {
            this.timer = null;
            void this.flush();
          }, pause);
          await this.publish({
            sending: false,
            retryAt,
            ...(outcome.kind === 'unreachable' ? { offline: true } : { offline: false }),
            refused: outcome.kind === 'refused' ? outcome.message : null,
          });
          return;
        }
        this.failures = 0;
        const answered = new Set([...outcome.accepted, ...outcome.rejected.map((r) => r.id)]);
        await this.o.store.remove(batch.filter((e) => answered.has(e.id)).map((e) => e.id));
        await this.publish({ offline: false, refused: null, retryAt: null });
        this.o.onAnswer?.(outcome, batch);
        // A batch the server answered for none of (it never should) would loop: leave it for the timer.
        if (answered.size === 0) {
          this.again = false;
          break;
        }
      }
    } while (this.again);
    await this.publish({ sending: false });
  }

  private pause(outcome: Exclude<SendOutcome, { kind: 'answered' }>): number {
    const { firstMs, maxMs } = this.o.backoff;
    const grown = Math.min(maxMs, firstMs * 2 ** Math.min(this.failures - 1, 20));
    const pause = Math.round(grown * this.o.jitter());
    const asked = outcome.kind === 'unavailable' ? (outcome.retryAfterMs ?? 0) : 0;
    return Math.max(pause, Math.min(asked, maxMs));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.o.cancel(this.timer);
    this.timer = null;
  }

  private async publish(change: Partial<QueueState>): Promise<void> {
    const waiting = await this.o.store.list(this.o.stocktake);
    this.current = { ...this.current, ...change, queued: waiting.length, oldestAt: waiting[0]?.at ?? null };
    this.o.onState?.(this.current);
  }
}
