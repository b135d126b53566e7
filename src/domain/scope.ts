/**
 * The scope of a partial stocktake (部分盘点, issue 16 §2): which lines of a warehouse it counts. Each
 * criterion given narrows it (they combine with AND); within a criterion any value matches (OR). Locations
 * are exact codes or prefixes written with a trailing `*` (`A-*`). ABC classes are resolved to their items
 * when the stocktake starts (`classSkus`), so a later change of the classification does not move its lines.
 */
import { InvalidInputError } from './errors.ts';
import { ABC_CLASSES, type AbcClass } from './structure.ts';
import { scopeTexts } from './texts/scope.ts';
import type { Words } from './phrase.ts';

export interface StocktakeScope {
  locations?: string[];
  categories?: string[];
  classes?: AbcClass[];
  skus?: string[];
  /** Spot check (抽盘): how the sample was drawn; its lines are the `skus`. */
  sample?: SampleSpec;
}

export interface SampleSpec {
  size: number;
  /** Items the sample was drawn from. */
  population: number;
  weighted: 'none' | 'value' | 'class';
  seed: number;
}

/** What the stocktake row records: the scope asked for, and the items its classes held at start. */
export interface RecordedScope extends StocktakeScope {
  classSkus?: string[];
}

const list = (values: readonly string[] | undefined): string[] => [
  ...new Set(
    (values ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ),
];

/** A location code, or a prefix written with a trailing `*` (`A-01*`: the zone); a `*` elsewhere is refused. */
export function parseLocationPattern(text: string): string {
  const l = text.trim();
  if (l === '' || (l.indexOf('*') !== -1 && l.indexOf('*') !== l.length - 1)) throw new InvalidInputError(scopeTexts.badLocation(text));
  return l;
}

/** A scope from raw lists (CLI flags, API body, chat arguments); null when nothing narrows it. */
export function parseScope(input: {
  locations?: readonly string[];
  categories?: readonly string[];
  classes?: readonly string[];
  skus?: readonly string[];
}): StocktakeScope | null {
  const scope: StocktakeScope = {};
  const locations = list(input.locations).map(parseLocationPattern);
  if (locations.length > 0) scope.locations = locations;
  const categories = list(input.categories);
  if (categories.length > 0) scope.categories = categories;
  const classes = list(input.classes).map((c) => c.toUpperCase());
  for (const c of classes) if (!(ABC_CLASSES as readonly string[]).includes(c)) throw new InvalidInputError(scopeTexts.badClass(c));
  if (classes.length > 0) scope.classes = classes as AbcClass[];
  const skus = list(input.skus);
  if (skus.length > 0) scope.skus = skus;
  return Object.keys(scope).length > 0 ? scope : null;
}

/** Whether a location code matches one of the scope's location patterns. */
export function locationMatches(patterns: readonly string[], location: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? location.startsWith(p.slice(0, -1)) : location === p));
}

const shortList = (values: readonly string[]) =>
  values.length > 5 ? `${values.slice(0, 5).join(', ')} …(+${values.length - 5})` : values.join(', ');

/** The scope as a short readable line in both languages ("locations A-*; class A"); null for a full count. */
export function scopeSummary(scope: StocktakeScope | null | undefined): Words | null {
  if (!scope) return null;
  const en: string[] = [];
  const zh: string[] = [];
  if (scope.sample) {
    const s = scope.sample;
    const w = { none: ['random', '随机'], value: ['weighted by value', '按金额加权'], class: ['weighted by ABC class', '按 ABC 类加权'] }[
      s.weighted
    ];
    en.push(`spot check: ${s.size} of ${s.population} items, ${w[0]}, seed ${s.seed}`);
    zh.push(`抽盘：从 ${s.population} 个物料中抽取 ${s.size} 个，${w[1]}，种子 ${s.seed}`);
  } else if (scope.skus) {
    en.push(`items ${shortList(scope.skus)}`);
    zh.push(`物料 ${shortList(scope.skus)}`);
  }
  if (scope.locations) {
    en.push(`locations ${shortList(scope.locations)}`);
    zh.push(`库位 ${shortList(scope.locations)}`);
  }
  if (scope.categories) {
    en.push(`categories ${shortList(scope.categories)}`);
    zh.push(`品类 ${shortList(scope.categories)}`);
  }
  if (scope.classes) {
    en.push(`class ${scope.classes.join(', ')}`);
    zh.push(`${scope.classes.join('、')} 类`);
  }
  return { en: en.join('; '), zh: zh.join('；') };
}
