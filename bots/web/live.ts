/**
 * Live updates for open console pages. Each page follows one chat over server-sent events; a change made
 * in this process wakes its followers at once, and a short poll of the database catches what another
 * instance sharing it delivered.
 */
import type { Db } from '../../db/client.ts';
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import { messagesSince, type WebMessage } from './store.ts';

export interface LiveHub {
  /** Something in `chatId` changed: wake its followers now. */
  notify(chatId: string): void;
  /**
   * Calls `push` with the chat's changes after `afterSeq`, then with every later change, until `signal`
   * aborts. Resolves when it stops.
   */
  follow(chatId: string, afterSeq: string, push: (messages: WebMessage[]) => Promise<void>, signal: AbortSignal): Promise<void>;
}

export function createLiveHub(db: Db, pollMs = 1500): LiveHub {
  const waiting = new Map<string, Set<() => void>>();

  function wait(chatId: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = waiting.get(chatId) ?? new Set();
      waiting.set(chatId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && waiting.get(chatId) === set) waiting.delete(chatId);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      set.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  return {
    notify(chatId) {
      for (const wake of [...(waiting.get(chatId) ?? [])]) wake();
    },
    async follow(chatId, afterSeq, push, signal) {
      let seq = afterSeq;
      while (!signal.aborted) {
        let changes: WebMessage[];
        try {
          changes = await messagesSince(db, chatId, seq);
        } catch (error) {
          // The page keeps its stream through a database outage and catches up once it is back.
          if (!isDatabaseUnavailable(error)) throw error;
          await wait(chatId, signal);
          continue;
        }
        if (changes.length > 0) {
          seq = changes[changes.length - 1]!.seq;
          await push(changes);
          // A full batch may have more behind it.
          if (changes.length >= 500) continue;
        }
        await wait(chatId, signal);
      }
    },
  };
}
