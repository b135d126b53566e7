/**
 * One console message as HTML: a person's text or file, a card (through the HTML renderer), or a prompt.
 * The bot is an SVG icon and emoji in texts (the 📎 of an upload) become icons: no emoji font is assumed.
 */
import { renderHtml } from '../../cards/render/html.ts';
import { icon, iconize } from '../../cards/render/icons.ts';
import { esc } from '../../src/http/layout.ts';
import type { WebMessage } from './store.ts';

const time = (iso: string) => `<time datetime="${esc(iso)}">${esc(iso.slice(11, 16))}</time>`;

export function messageHtml(m: WebMessage): string {
  const attrs = `data-message-id="${esc(m.messageId)}" data-seq="${esc(m.seq)}"`;
  switch (m.kind) {
    case 'user':
      return `<div class="msg msg--user" ${attrs}><div class="msg__meta"><strong>${esc(m.author ?? '?')}</strong> ${time(m.createdAt)}</div><div class="msg__text">${iconize(esc(m.text ?? ''))}</div></div>`;
    case 'prompt':
      return `<div class="msg msg--bot" ${attrs}><div class="msg__meta">${icon('bot')} ${time(m.createdAt)}</div><div class="msg__text">${iconize(esc(m.text ?? ''))}</div></div>`;
    case 'card':
      return `<div class="msg msg--bot" ${attrs}><div class="msg__meta">${icon('bot')} ${time(m.createdAt)}</div>${m.card ? renderHtml(m.card) : ''}</div>`;
  }
}
