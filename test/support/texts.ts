/** Whether a Chinese text still holds an English sentence: what the catalogue and card tests look for. */

/** What is left of a Chinese text after taking out what may stay in Latin letters. */
export function latinLeft(text: string): string {
  return (
    text
      .replace(/«\d+»/g, ' ')
      // code and commands: `stocktake people add`, "lang zh", --round; links (markdown and bare)
      .replace(/`[^`]*`/g, ' ')
      .replace(/\]\([^)]*\)/g, ' ')
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/“[^”]*”|"[^"]*"|‘[^’]*’/g, ' ')
      .replace(/--?[a-z][\w-]*/gi, ' ')
      // identifiers, codes and units: SKU@LOCATION#LOT, CSV, XLSX, API, UTF-8, platform:id, 12:00, Asia/Shanghai
      .replace(/[A-Za-z0-9_.@#:/+-]*[0-9_.@#:/+-][A-Za-z0-9_.@#:/+-]*/g, ' ')
  );
}

/** Three English words in a row: a sentence left untranslated. */
const ENGLISH_WORDS = /\b[A-Za-z]{2,}\b[\s,;]+\b[A-Za-z]{2,}\b[\s,;]+\b[A-Za-z]{2,}\b/;

/** The English words left in a Chinese text, or null when there are none. */
export function englishIn(zhText: string): string | null {
  return ENGLISH_WORDS.exec(latinLeft(zhText))?.[0] ?? null;
}

/** Every string inside a value (a card, a view): the texts a person may read. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (k !== 'action' && k !== 'url') stringsIn(v, out);
  return out;
}
