/**
 * Shrinks a neutral card until its rendering fits a platform limit. Working on the card rather than on the
 * rendered payload means every renderer keeps producing well-formed output (no half tags, no half entities)
 * and every platform gives way in the same order: table rows first (raising "… and N more"), then markdown,
 * then every other text. Actions are never dropped, so a tap on a trimmed card still works.
 */
import type { Card, CardElement } from '../model.ts';
import { markdownLength, truncateMarkdown } from './markdown.ts';
import { codePoints, truncateText } from './text.ts';

type Step = { max: (c: Card) => number; min: number; apply: (c: Card, cap: number) => Card };

const mapElements = (c: Card, f: (el: CardElement) => CardElement): Card => ({ ...c, elements: c.elements.map(f) });

/** Keeps at most `cap` rows per table, counting the rest in `more`. */
export const capRows = (c: Card, cap: number): Card =>
  mapElements(c, (el) =>
    el.type === 'table' && el.rows.length > cap ? { ...el, rows: el.rows.slice(0, cap), more: el.more + el.rows.length - cap } : el,
  );

/** Cuts every markdown element to at most `cap` visible characters. */
export const capMarkdown = (c: Card, cap: number): Card =>
  mapElements(c, (el) => (el.type === 'markdown' ? { ...el, text: truncateMarkdown(el.text, cap) } : el));

/** Cuts every other free text on the card (labels, values, titles, cells) to at most `cap` characters. */
export function capTexts(c: Card, cap: number): Card {
  const t = (s: string) => truncateText(s, cap);
  const header = { ...c.header, title: t(c.header.title), ...(c.header.subtitle !== undefined && { subtitle: t(c.header.subtitle) }) };
  const out = mapElements(c, (el): CardElement => {
    switch (el.type) {
      case 'fields':
        return { ...el, fields: el.fields.map((f) => ({ ...f, label: t(f.label), value: t(f.value) })) };
      case 'table':
        return {
          ...el,
          columns: el.columns.map((col) => ({ ...col, label: t(col.label) })),
          rows: el.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, t(v)]))),
        };
      case 'image':
        return { ...el, alt: t(el.alt) };
      case 'buttons':
        return {
          ...el,
          buttons: el.buttons.map((b) => ({
            ...b,
            label: t(b.label),
            ...(b.confirm && { confirm: { title: t(b.confirm.title), text: t(b.confirm.text) } }),
          })),
        };
      case 'select':
        return {
          ...el,
          placeholder: t(el.placeholder),
          options: el.options.map((o) => ({ ...o, label: t(o.label) })),
          ...(el.note && {
            note: {
              ...el.note,
              label: t(el.note.label),
              placeholder: t(el.note.placeholder),
              hint: t(el.note.hint),
              submitLabel: t(el.note.submitLabel),
            },
          }),
        };
      case 'input':
        return { ...el, label: t(el.label), placeholder: t(el.placeholder), submitLabel: t(el.submitLabel) };
      case 'page':
        return { ...el, label: t(el.label) };
      default:
        return el;
    }
  });
  return { ...out, header, ...(c.footer !== undefined && { footer: t(c.footer) }) };
}

function longestText(c: Card): number {
  const lengths = [codePoints(c.header.title), codePoints(c.header.subtitle ?? ''), codePoints(c.footer ?? '')];
  for (const el of c.elements) {
    if (el.type === 'fields') lengths.push(...el.fields.flatMap((f) => [codePoints(f.label), codePoints(f.value)]));
    if (el.type === 'table')
      lengths.push(...el.columns.map((col) => codePoints(col.label)), ...el.rows.flatMap((r) => Object.values(r).map(codePoints)));
    if (el.type === 'image') lengths.push(codePoints(el.alt));
    if (el.type === 'buttons')
      lengths.push(...el.buttons.flatMap((b) => [b.label, b.confirm?.title ?? '', b.confirm?.text ?? ''].map(codePoints)));
    if (el.type === 'select') {
      lengths.push(codePoints(el.placeholder), ...el.options.map((o) => codePoints(o.label)));
      if (el.note) lengths.push(...[el.note.label, el.note.placeholder, el.note.hint, el.note.submitLabel].map(codePoints));
    }
    if (el.type === 'input') lengths.push(...[el.label, el.placeholder, el.submitLabel].map(codePoints));
    if (el.type === 'page') lengths.push(codePoints(el.label));
  }
  return lengths.reduce((a, b) => Math.max(a, b), 0);
}

const STEPS: Step[] = [
  { max: (c) => Math.max(0, ...c.elements.map((el) => (el.type === 'table' ? el.rows.length : 0))), min: 0, apply: capRows },
  {
    max: (c) => Math.max(0, ...c.elements.map((el) => (el.type === 'markdown' ? markdownLength(el.text) : 0))),
    min: 0,
    apply: capMarkdown,
  },
  // Two characters keep a label recognisable ("确…"); below that a button would be blank.
  { max: longestText, min: 2, apply: capTexts },
];

/**
 * The card itself when `fits(card)`, else a copy shrunk step by step (rows, markdown, other texts), each
 * step taking the largest cap that fits. If even the smallest caps do not fit (say, a hundred buttons),
 * the smallest card is returned: renderers stay total and the adapter reports the platform's refusal.
 */
export function fitCard(card: Card, fits: (c: Card) => boolean): Card {
  if (fits(card)) return card;
  let current = card;
  for (const step of STEPS) {
    const max = step.max(current);
    const floor = step.apply(current, step.min);
    if (!fits(floor)) {
      current = max > step.min ? floor : current;
      continue;
    }
    // Binary search for the largest cap that fits: `lo` fits, `hi + 1` does not.
    let lo = step.min;
    let hi = max;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(step.apply(current, mid))) lo = mid;
      else hi = mid - 1;
    }
    return step.apply(current, lo);
  }
  return current;
}
