/**
 * The web console: a self-contained HTML fragment whose actions are plain form posts to `/actions`
 * (fields `token`, and `option` or `input`), so it works without any script. Every text is escaped.
 */
import type { Button, Card, CardElement } from '../model.ts';
import { markdownToHtml } from './markdown.ts';
import { MENTION_SEPARATOR, mentionsOn } from './mentions.ts';
import { icon, iconizeHtml } from './icons.ts';
import { escapeHtml as esc, isRightAligned, moreLine } from './text.ts';

/** Where the console's action forms post to. */
export const HTML_ACTION_PATH = '/actions';

/**
 * Renders a neutral card as an `<article class="card card--<state>">` fragment. The state is an SVG icon and
 * every emoji the card's texts carry becomes one too (icons.ts): a browser may have no emoji font, while
 * the chat renderers keep their emoji, which the platforms draw themselves.
 */
export function renderHtml(card: Card): string {
  const { title, subtitle, state } = card.header;
  const parts = [
    `<article class="card card--${state}">`,
    '<header class="card__header">',
    `<h2 class="card__title"><span class="card__state">${icon(state)}</span> ${esc(title)}</h2>`,
    subtitle ? `<p class="card__subtitle">${esc(subtitle)}</p>` : '',
    '</header>',
    '<div class="card__body">',
    mentionLine(card),
    ...card.elements.map(element),
    '</div>',
    card.footer ? `<footer class="card__footer">${esc(card.footer)}</footer>` : '',
    '</article>',
  ];
  return iconizeHtml(parts.filter(Boolean).join('\n'));
}

/**
 * The mentions line: people with a console account highlighted as `<mark class="mention">@name</mark>`
 * (the console has no notifications of its own: the highlight is the mention), everyone else by name.
 */
function mentionLine(card: Card): string {
  const mentions = mentionsOn(card, 'web', /^\S+$/);
  if (mentions.length === 0) return '';
  const parts = mentions.map((m) => (m.id ? `<mark class="mention">@${esc(m.name)}</mark>` : esc(m.name)));
  return `<p class="mentions">${parts.join(esc(MENTION_SEPARATOR))}</p>`;
}

function element(el: CardElement): string {
  switch (el.type) {
    case 'markdown':
      return `<div class="md">${markdownToHtml(el.text)}</div>`;
    case 'fields':
      return `<dl class="fields">${el.fields
        .map((f) => `<div class="field${f.short ? ' field--short' : ''}"><dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd></div>`)
        .join('')}</dl>`;
    case 'table':
      return table(el);
    case 'image':
      return image(el);
    case 'buttons':
      return `<form method="post" action="${HTML_ACTION_PATH}" class="actions">${el.buttons.map(button).join('')}</form>`;
    case 'select':
      if (el.note) return selectWithNote(el);
      return [
        `<form method="post" action="${HTML_ACTION_PATH}" class="select">`,
        `<input type="hidden" name="token" value="${esc(el.action.token)}">`,
        `<select name="option" required aria-label="${esc(el.placeholder)}">`,
        `<option value=""${el.selected === undefined ? ' selected' : ''} disabled>${esc(el.placeholder)}</option>`,
        ...el.options.map((o) => `<option value="${esc(o.value)}"${o.value === el.selected ? ' selected' : ''}>${esc(o.label)}</option>`),
        '</select>',
        `<button type="submit" class="btn btn--primary">${esc(el.submitLabel ?? 'OK')}</button>`,
        '</form>',
      ].join('');
    case 'input':
      return [
        `<form method="post" action="${HTML_ACTION_PATH}" class="input">`,
        `<input type="hidden" name="token" value="${esc(el.action.token)}">`,
        `<label>${esc(el.label)} <input type="text" name="input" maxlength="${el.maxLength}"${el.required ? ' required' : ''} placeholder="${esc(el.placeholder)}"></label>`,
        `<button type="submit" class="btn btn--primary">${esc(el.submitLabel)}</button>`,
        '</form>',
      ].join('');
    case 'divider':
      return '<hr>';
    case 'page':
      // The console is our own site: whoever sees the card is signed in already.
      return `<p class="actions"><a class="btn btn--primary" href="${esc(el.path)}">${esc(el.label)}</a></p>`;
  }
}

/**
 * A select sent with a note: one form, one submit, the note a textarea. An option that needs the note says
 * so (`data-needs-note`); the console's script makes the note required when such an option is picked, so
 * the browser asks for it before anything is sent (a cause shown as tagged has its note already). Without the script the form still posts, and a missing
 * note is answered with a toast that says what to add.
 */
function selectWithNote(el: Extract<CardElement, { type: 'select' }>): string {
  const note = el.note!;
  const chosen = el.options.find((o) => o.value === el.selected);
  return [
    `<form method="post" action="${HTML_ACTION_PATH}" class="select select--note">`,
    `<input type="hidden" name="token" value="${esc(el.action.token)}">`,
    `<select name="option" required aria-label="${esc(el.placeholder)}">`,
    `<option value=""${chosen === undefined ? ' selected' : ''} disabled>${esc(el.placeholder)}</option>`,
    ...el.options.map(
      (o) =>
        `<option value="${esc(o.value)}"${o.needsNote ? ' data-needs-note' : ''}${o === chosen ? ' selected' : ''}>${esc(o.label)}</option>`,
    ),
    '</select>',
    `<label>${esc(note.label)} <textarea name="input" rows="2" maxlength="${note.maxLength}" placeholder="${esc(note.placeholder)}"></textarea></label>`,
    note.hint ? `<small class="hint">${esc(note.hint)}</small>` : '',
    `<button type="submit" class="btn btn--primary">${esc(note.submitLabel)}</button>`,
    '</form>',
  ].join('');
}

/** A confirm is carried as data attributes: the console's script may ask; without it the form just posts. */
function button(b: Button): string {
  const confirm = b.confirm ? ` data-confirm-title="${esc(b.confirm.title)}" data-confirm="${esc(b.confirm.text)}"` : '';
  return `<button type="submit" name="token" value="${esc(b.action.token)}" class="btn btn--${b.style}"${confirm}>${esc(b.label)}</button>`;
}

function table(el: Extract<CardElement, { type: 'table' }>): string {
  const right = el.columns.map((c) => isRightAligned(c, el.rows));
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    right[i] ? `<${tag} class="num" style="text-align:right">${codes(text)}</${tag}>` : `<${tag}>${codes(text)}</${tag}>`;
  return [
    // Wide tables scroll inside their own box on a phone instead of widening the page.
    '<div class="table-scroll"><table class="table">',
    `<thead><tr>${el.columns.map((c, i) => cell('th', c.label, i)).join('')}</tr></thead>`,
    `<tbody>${el.rows.map((r) => `<tr>${el.columns.map((c, i) => cell('td', r[c.key] ?? '', i)).join('')}</tr>`).join('')}</tbody>`,
    '</table></div>',
    el.more > 0 ? `<p class="more">${esc(moreLine(el.more))}</p>` : '',
  ].join('');
}

/**
 * A cell's text, escaped, with each code that holds a hyphen kept whole ("CUP-GC12 @ B-01-02" wraps at
 * its spaces, never inside a SKU, a location or a negative number; "Unit-of-measure" may still break):
 * narrow screens wrap table cells hard. A code: a word with a digit or without lower-case letters.
 */
function codes(text: string): string {
  return esc(text).replace(/\S*-\S*/g, (word) => (/\d|^[^a-z]*$/.test(word) ? `<span class="nw">${word}</span>` : word));
}

/** PNG bytes inline as a data URL; otherwise an http(s) URL; otherwise just the alt text. */
function image(el: Extract<CardElement, { type: 'image' }>): string {
  const png = el.png?.replace(/\s+/g, '');
  if (png && /^[A-Za-z0-9+/]+=*$/.test(png)) return `<img class="image" src="data:image/png;base64,${png}" alt="${esc(el.alt)}">`;
  if (el.url && /^https?:\/\//i.test(el.url)) return `<img class="image" src="${esc(el.url)}" alt="${esc(el.alt)}">`;
  return `<p class="image image--missing">${esc(el.alt)}</p>`;
}
