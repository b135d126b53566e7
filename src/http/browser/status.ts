/** The counting page's line about its queue: online or not, how many entries wait and for how long. */
import { fill, type CountingWords } from '../pages/countingWords.ts';
import type { QueueState } from './queue.ts';

function age(iso: string, w: CountingWords): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return seconds < 120 ? fill(w.seconds, { n: seconds }) : fill(w.minutes, { n: Math.floor(seconds / 60) });
}

/** Writes the state into `el`, with data-queued and data-offline for scripts and tests. */
export function showQueueState(el: HTMLElement, state: QueueState, w: CountingWords): void {
  const offline = state.offline || !navigator.onLine;
  const parts = [offline ? w.offline : w.online];
  if (state.queued === 0) parts.push(w.allSent);
  else parts.push(fill(w.queued, { n: state.queued, age: age(state.oldestAt ?? new Date().toISOString(), w) }));
  if (state.sending) parts.push(w.sending);
  else if (state.retryAt && state.queued > 0)
    parts.push(fill(w.retryIn, { s: Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000)) }));
  if (state.refused) parts.push(fill(w.refused, { reason: state.refused }));
  el.textContent = parts.join(' · ');
  el.dataset.queued = String(state.queued);
  el.dataset.offline = String(offline);
  el.classList.toggle('queue-status--offline', offline);
}
