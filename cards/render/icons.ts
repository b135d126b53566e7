/**
 * Icons for HTML as inline SVG, never as emoji: a browser without a colour-emoji font (Debian's Chromium
 * with only DejaVu installed) draws 📦 👤 ✅ ⛔ ⏰ as empty boxes. The chat renderers keep their emoji
 * (Telegram, Feishu and DingTalk draw them with their own fonts); the HTML renderer and the pages turn the
 * emoji the templates and the console write into these icons (`iconize`).
 *
 * Each icon is 1em square, takes its colour from the text (`currentColor`) and is hidden from screen
 * readers unless given a label.
 */

const PATHS = {
  box: '<path d="M2 5l6-3 6 3v6l-6 3-6-3z" /><path d="M2 5l6 3 6-3M8 8v6" />',
  person: '<circle cx="8" cy="5" r="3" /><path d="M2.5 14.5c.6-3 2.8-4.5 5.5-4.5s4.9 1.5 5.5 4.5" />',
  bot: '<rect x="2.5" y="5" width="11" height="8.5" rx="2" /><path d="M8 5V2.5" /><circle cx="8" cy="2" r=".6" /><circle cx="6" cy="9" r=".9" fill="currentColor" /><circle cx="10" cy="9" r=".9" fill="currentColor" />',
  clip: '<path d="M10.5 4.5l-5 5a1.8 1.8 0 0 0 2.5 2.5l5.5-5.5a3 3 0 0 0-4.3-4.3L3.7 7.7a4.2 4.2 0 0 0 6 6L13 10.4" />',
  info: '<circle cx="8" cy="8" r="6.5" /><path d="M8 7.2v4" /><circle cx="8" cy="4.8" r=".6" fill="currentColor" />',
  success: '<circle cx="8" cy="8" r="6.5" /><path d="M5 8.3l2 2 4-4.3" />',
  warning: '<path d="M8 1.8l6.6 11.7H1.4z" /><path d="M8 6.2v3.6" /><circle cx="8" cy="11.7" r=".6" fill="currentColor" />',
  danger: '<circle cx="8" cy="8" r="6.5" /><path d="M4.5 8h7" />',
  neutral: '<rect x="5" y="5" width="6" height="6" rx="1" />',
  clock: '<circle cx="8" cy="8.8" r="5.7" /><path d="M8 5.8v3.2l2 1.4M2.6 3.6l2-1.6M13.4 3.6l-2-1.6" />',
  menu: '<path d="M2.5 4h11M2.5 8h11M2.5 12h11" />',
  upload: '<path d="M8 11V2.5M4.5 6L8 2.5 11.5 6M2.5 11v2.5h11V11" />',
  download: '<path d="M8 2.5V11M4.5 7.5L8 11l3.5-3.5M2.5 13.5h11" />',
  check: '<path d="M3 8.5l3.2 3.2L13 4.8" />',
  cross: '<path d="M4 4l8 8M12 4l-8 8" />',
  plus: '<path d="M8 3v10M3 8h10" />',
  minus: '<path d="M3 8h10" />',
  camera: '<path d="M1.5 5.5h3l1.2-2h4.6l1.2 2h3v8h-13z" /><circle cx="8" cy="9.2" r="2.5" />',
  image: '<rect x="1.5" y="2.5" width="13" height="11" rx="1.5" /><circle cx="5.5" cy="6" r="1.2" /><path d="M1.5 12l4-4 3 3 2-2 4 4" />',
  barcode: '<path d="M2 3v10M4.5 3v10M6 3v10M8.5 3v10M11 3v10M12.5 3v10M14 3v10" />',
} as const;

export type IconName = keyof typeof PATHS;

/** An inline SVG icon; decorative (aria-hidden) unless `label` is given. */
export function icon(name: IconName, label?: string): string {
  const a11y = label ? ` role="img" aria-label="${label.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}"` : ' aria-hidden="true"';
  return `<svg class="icon icon--${name}" viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" focusable="false"${a11y}>${PATHS[name]}</svg>`;
}

/**
 * The emoji the templates, state headers and the console write, with the icon that stands for each in
 * HTML and the plain text that stands for it where no markup may go (attributes, `<option>`, `<title>`).
 * Keys are without the emoji variation selector (U+FE0F), which `iconize` drops.
 */
const EMOJI: Record<string, { icon: IconName; text: string }> = {
  '📦': { icon: 'box', text: '' },
  '👤': { icon: 'person', text: '' },
  '🤖': { icon: 'bot', text: '' },
  '📎': { icon: 'clip', text: '' },
  '📷': { icon: 'camera', text: '' },
  ℹ: { icon: 'info', text: 'ℹ' },
  '✅': { icon: 'success', text: '✓' },
  '⚠': { icon: 'warning', text: '⚠' },
  '⛔': { icon: 'danger', text: '✗' },
  '▫': { icon: 'neutral', text: '▫' },
  '⏰': { icon: 'clock', text: '!' },
  '✔': { icon: 'check', text: '✓' },
  '❌': { icon: 'cross', text: '✗' },
};

/** The emoji an HTML page must not leave to the browser's fonts, each with its optional U+FE0F. */
const EMOJI_RE = new RegExp(`(${Object.keys(EMOJI).join('|')})\\uFE0F?|\\uFE0F`, 'gu');

/** Text (already escaped) with each known emoji replaced by its icon, and stray U+FE0F dropped. */
export function iconize(escaped: string): string {
  return escaped.replace(EMOJI_RE, (_m, emoji: string | undefined) => (emoji ? icon(EMOJI[emoji]!.icon) : ''));
}

/** Text (already escaped) for places without markup: each known emoji as plain text that DejaVu draws. */
export function unemoji(escaped: string): string {
  return escaped.replace(EMOJI_RE, (_m, emoji: string | undefined) => (emoji ? EMOJI[emoji]!.text : ''));
}

/**
 * A whole HTML fragment with its emoji made safe: in text, icons; inside tags (attribute values) and in
 * `<option>`, `<textarea>` and `<title>` (which hold text only), plain text.
 */
export function iconizeHtml(html: string): string {
  let textOnly = false;
  return html
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        const tag = /^<(\/?)([a-zA-Z]+)/.exec(part);
        if (tag && /^(option|textarea|title)$/i.test(tag[2]!)) textOnly = tag[1] !== '/';
        return unemoji(part);
      }
      return textOnly ? unemoji(part) : iconize(part);
    })
    .join('');
}
