/**
 * The case library's rules (事故案例库), pure: how a case's text is normalised for search, how a query is cut
 * into what must match, and when a new variance looks like an earlier case (the similar-case suggestion).
 *
 * Search does not use Postgres full-text search (no Chinese parser by default, and PGlite has no zhparser)
 * nor pg_trgm (in a C-locale database it drops CJK characters from its trigrams, and a two-character query
 * such as 破损 has no trigram at all): a query is cut into terms — Latin words and numbers matched as
 * case-insensitive substrings, runs of Chinese characters as overlapping character bigrams — and each is
 * looked up with `position()` in the normalised text, which both databases run the same way.
 */

/** Lower case, full-width folded (NFKC: ＡＢＣ→abc, １２→12), whitespace folded to one space. */
export function normaliseSearchText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** One term of a query: the strings looked for and how many must be found for the term to match. */
export interface SearchTerm {
  /** The term as typed (normalised). */
  text: string;
  /** For a Chinese run: its bigrams (a single character stays whole); for anything else: the word itself. */
  grams: string[];
  /** Grams that must be present for a case to match the term: all of a word, 60 % (at least 1) of a run's bigrams. */
  needed: number;
}

const HAN = /\p{Script=Han}/u;
// A run of Han characters, or a run of letters/digits (with . - _ / inside, for SKUs and locations like A-100).
const TOKEN = /\p{Script=Han}+|[\p{L}\p{N}][\p{L}\p{N}._\-/@#]*/gu;
/** Share of a Chinese run's bigrams that must be found: 包装破损严重 still finds 包装破损导致… (3 of 5). */
const CJK_SHARE = 0.6;
const MAX_TERMS = 12;

/**
 * The terms of a query, de-duplicated, at most 12.
 *
 * @example
 * searchTerms('包装破损 Pallet')
 * // → [{ text: '包装破损', grams: ['包装', '装破', '破损'], needed: 2 }, { text: 'pallet', grams: ['pallet'], needed: 1 }]
 */
export function searchTerms(query: string): SearchTerm[] {
  const text = normaliseSearchText(query);
  const seen = new Set<string>();
  const terms: SearchTerm[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (seen.has(token)) continue;
    seen.add(token);
    if (HAN.test(token)) {
      const chars = [...token];
      const grams = chars.length === 1 ? chars : [...new Set(chars.slice(1).map((c, i) => chars[i]! + c))];
      terms.push({ text: token, grams, needed: Math.max(1, Math.ceil(grams.length * CJK_SHARE)) });
    } else {
      terms.push({ text: token, grams: [token], needed: 1 });
    }
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/** What a case offers as a pattern: one of the variances it explains, with the case's facts. */
export interface CasePattern {
  code: string;
  title: string;
  causeCode: string;
  causeLabel: { en: string; zh: string };
  direction: 'gain' | 'loss';
  sku: string;
  location: string;
  /** The variance quantity of that line (signed decimal string). */
  diffQty: string;
  /** When the case was written (ISO): ties go to the newest. */
  createdAt: string;
}

export interface CaseMatch {
  pattern: CasePattern;
  score: number;
  sameSku: boolean;
  sameLocation: boolean;
  similarSize: boolean;
}

/** Weights of the similar-case score; a case is offered from MIN_CASE_SCORE on. */
export const CASE_SCORE = { sku: 3, location: 2, size: 1 } as const;
export const MIN_CASE_SCORE = 3;
/** Sizes are similar when the larger is at most this many times the smaller. */
const SIZE_RATIO = 2;

/**
 * How much a variance looks like a case's variance, or null when it does not: it must go the same way
 * (a case about a loss says nothing about a gain) and share the SKU or the location. Score: same SKU 3,
 * same location 2, similar size (within a factor of 2) 1; offered from 3 on — the same SKU, or the same
 * location with a similar size.
 *
 * @example
 * matchCase({ sku: 'A-100', location: 'R1', diffQty: '-12' }, { sku: 'B-9', location: 'R1', diffQty: '-10', direction: 'loss', … })
 * // → { score: 3, sameSku: false, sameLocation: true, similarSize: true, … }
 */
export function matchCase(line: { sku: string; location: string; diffQty: string }, pattern: CasePattern): CaseMatch | null {
  const diff = Number(line.diffQty);
  const direction = diff > 0 ? 'gain' : diff < 0 ? 'loss' : null;
  if (direction === null || direction !== pattern.direction) return null;
  const sameSku = line.sku === pattern.sku;
  const sameLocation = line.location !== '' && line.location === pattern.location;
  if (!sameSku && !sameLocation) return null;
  // Sizes compare as a ratio only: the float is never stored or shown, and a factor of 2 is far from its error.
  const a = Math.abs(diff);
  const b = Math.abs(Number(pattern.diffQty));
  const similarSize = a > 0 && b > 0 && Math.max(a, b) <= SIZE_RATIO * Math.min(a, b);
  const score = (sameSku ? CASE_SCORE.sku : 0) + (sameLocation ? CASE_SCORE.location : 0) + (similarSize ? CASE_SCORE.size : 0);
  return score >= MIN_CASE_SCORE ? { pattern, score, sameSku, sameLocation, similarSize } : null;
}

/** The best-matching case for a variance: highest score, then the newest case. */
export function bestCase(line: { sku: string; location: string; diffQty: string }, patterns: readonly CasePattern[]): CaseMatch | null {
  let best: CaseMatch | null = null;
  for (const pattern of patterns) {
    const m = matchCase(line, pattern);
    if (!m) continue;
    if (!best || m.score > best.score || (m.score === best.score && m.pattern.createdAt > best.pattern.createdAt)) best = m;
  }
  return best;
}

const DIRECTION = { gain: { en: 'gain', zh: '盘盈' }, loss: { en: 'loss', zh: '盘亏' } } as const;

/** The reason shown with a similar-case suggestion: "类似案例 C-12：同一库位 R1、同为盘亏、数量相近（−10），原因 破损：托盘叉伤". */
export function caseReason(m: CaseMatch): { en: string; zh: string } {
  const p = m.pattern;
  const en = [
    m.sameSku ? `same SKU ${p.sku}` : null,
    m.sameLocation ? `same location ${p.location}` : null,
    `also a ${DIRECTION[p.direction].en}`,
    m.similarSize ? `similar size (${p.diffQty})` : null,
  ].filter(Boolean);
  const zh = [
    m.sameSku ? `同一 SKU ${p.sku}` : null,
    m.sameLocation ? `同一库位 ${p.location}` : null,
    `同为${DIRECTION[p.direction].zh}`,
    m.similarSize ? `数量相近（${p.diffQty}）` : null,
  ].filter(Boolean);
  return {
    en: `similar case ${p.code}: ${en.join(', ')}; cause then ${p.causeLabel.en}: ${p.title}`,
    zh: `类似案例 ${p.code}：${zh.join('、')}，当时原因 ${p.causeLabel.zh}：${p.title}`,
  };
}
