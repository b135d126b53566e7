/**
 * Spot checks (抽盘, issue 16 §2): a reproducible random sample of items and what its count says about
 * the warehouse. Pure: no I/O.
 *
 * - The generator is mulberry32 seeded with the spot check's seed, so the same seed over the same
 *   population (ordered by SKU) draws the same sample on any machine.
 * - Weighted sampling without replacement by Efraimidis–Spirakis: each item gets the key u^(1/w) and the
 *   `size` largest keys are drawn; weight 1 for every item is a simple random sample.
 * - The accuracy (lines matching ÷ lines counted) is a proportion; its 95 % interval is Wilson's score
 *   interval, which stays inside 0–100 % and behaves for small samples and accuracies near 100 %. It is a
 *   statistical estimate, not money or a quantity, so it is computed in floating point and shown rounded.
 */
import { InvalidInputError } from './errors.ts';
import { scopeTexts } from './texts/scope.ts';

export const SAMPLE_WEIGHTINGS = ['none', 'value', 'class'] as const;
export type SampleWeighting = (typeof SAMPLE_WEIGHTINGS)[number];

/** Weights of the ABC classes when a sample is weighted by class: an A item is five times as likely as a C. */
export const CLASS_WEIGHTS = { A: 5, B: 2, C: 1 } as const;

/** mulberry32: a small, fast 32-bit generator; returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws `size` of the candidates (in the order given) with probability by weight; the result is sorted by key. */
export function drawSample<T extends { key: string; weight: number }>(candidates: readonly T[], size: number, seed: number): T[] {
  const random = seededRandom(seed);
  const keyed = candidates.map((c) => {
    const u = random();
    // A weight of zero (an item with no value) still stands a chance: the smallest positive weight.
    const w = c.weight > 0 ? c.weight : Number.MIN_VALUE;
    return { c, k: Math.log(u === 0 ? Number.MIN_VALUE : u) / w };
  });
  keyed.sort((x, y) => y.k - x.k || (x.c.key < y.c.key ? -1 : 1));
  return keyed
    .slice(0, size)
    .map((x) => x.c)
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** The sample size from --size N or --share P% over a population. */
export function sampleSize(population: number, input: { size?: string | number; share?: string }): number {
  if ((input.size === undefined) === (input.share === undefined)) throw new InvalidInputError(scopeTexts.sizeOrShare());
  if (input.size !== undefined) {
    const n = Number(input.size);
    if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(scopeTexts.badSize(String(input.size)));
    return Math.min(n, population);
  }
  const text = input.share!.trim().replace(/%$/, '');
  const share = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || share <= 0 || share > 100) throw new InvalidInputError(scopeTexts.badShare(input.share!));
  return Math.min(population, Math.max(1, Math.ceil((population * share) / 100)));
}

export interface AccuracyEstimate {
  /** Lines counted in the sample and how many of them matched the book (no variance). */
  lines: number;
  matching: number;
  /** Percentages with one decimal, as text: "96.0". */
  accuracy: string;
  low: string;
  high: string;
}

const pct = (x: number) => (Math.round(x * 1000) / 10).toFixed(1);

/** The accuracy of a sample with its 95 % Wilson score interval; null for an empty sample. */
export function wilsonEstimate(matching: number, lines: number, z = 1.96): AccuracyEstimate | null {
  if (lines === 0) return null;
  const p = matching / lines;
  const z2 = z * z;
  const denominator = 1 + z2 / lines;
  const centre = (p + z2 / (2 * lines)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / lines + z2 / (4 * lines * lines));
  return { lines, matching, accuracy: pct(p), low: pct(Math.max(0, centre - half)), high: pct(Math.min(1, centre + half)) };
}
