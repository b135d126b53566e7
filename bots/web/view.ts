/**
 * One console message as HTML: a person's text or file, a card (through the HTML renderer), or a prompt.
 * The bot is an SVG icon and emoji in texts (the 📎 of an upload) become icons: no emoji font is assumed.
 */
import { renderHtml } from '../../cards/render/html.ts';
import { icon, iconize } from '../../cards/render/icons.ts';
import { esc } from '../../src/http/layout.ts';
import type { WebMessage } from './store.ts';
import type { Locale } from '../../cards/i18n/index.ts';
import { localWallClock } from '../../src/domain/display.ts';

/** How a reader sees the console: their language, and the chat's warehouse clock for message times. */
export interface Reader {
  locale: Locale;
  timezone: string;
}

/** "14:03" on the warehouse's clock (the date too when it is not today there). */
function timeOf(iso: string, timezone: string): string {
  const local = localWallClock(iso, timezone);
  const today = localWallClock(new Date(), timezone).slice(0, 10);
  return `<time datetime="${esc(iso)}">${esc(local.startsWith(today) ? local.slice(11) : local)}</time>`;
}

export function messageHtml(m: WebMessage, reader: Reader): string {
  const time = (iso: string) => timeOf(iso, reader.timezone);
  const card = m.cards?.[reader.locale] ?? m.card;
  const attrs = `data-message-id="${esc(m.messageId)}" data-seq="${esc(m.seq)}"`;
  switch (m.kind) {
    case 'user':
      return `<div class="msg msg--user" ${attrs}><div class="msg__meta"><strong>${esc(m.author ?? '?')}</strong> ${time(m.createdAt)}</div><div class="msg__text">${iconize(esc(m.text ?? ''))}</div></div>`;
    case 'prompt':
      return `<div class="msg msg--bot" ${attrs}><div class="msg__meta">${icon('bot')} ${time(m.createdAt)}</div><div class="msg__text">${iconize(esc(m.text ?? ''))}</div></div>`;
    case 'card':
      return `<div class="msg msg--bot" ${attrs}><div class="msg__meta">${icon('bot')} ${time(m.createdAt)}</div>${card ? renderHtml(card) : ''}</div>`;
  }
}
