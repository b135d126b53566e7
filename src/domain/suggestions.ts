/**
 * Explainable cause suggestions for a variance. Each rule looks at one pattern a warehouse team knows
 * (a pack counted as units, stock put on the neighbouring shelf, ...) and, when it sees it, proposes a cause
 * with a one-line reason in both languages. Rules only suggest: the reviewer picks the cause.
 */
import { bestCase, caseReason, type CasePattern } from './cases.ts';
import { causeAppliesTo, DEFAULT_CAUSES } from './causes.ts';
import { formatDecimal, parseDecimal, QTY_SCALE } from './decimal.ts';

export type SuggestionRule = 'unit_of_measure' | 'misplaced' | 'digit_transposition' | 'late_movement' | 'similar_case' | 'recurring';

export interface Suggestion {
  rule: SuggestionRule;
  cause: string;
  reason: { en: string; zh: string };
  /** The case offered by the similar_case rule (C-12): its page has the evidence and the action taken. */
  caseCode?: string;
}

type MovementKind = 'receipt' | 'issue' | 'transfer' | 'adjustment';

export interface SuggestionInput {
  line: { sku: string; location: string; expectedQty: string; countedQty: string; diffQty: string; countedAt: string };
  /** Other lines of the same SKU in the same stocktake, with their current diffQty (decimal strings). */
  sameSku: { location: string; diffQty: string }[];
  /** Movements of this SKU (any location) in the warehouse, with occurredAt ISO and signed qty. */
  movements: { qty: string; kind: MovementKind; ref: string | null; location: string; occurredAt: string }[];
  /**
   * The last posted stocktakes of the warehouse, newest first (at most 3 are considered): this SKU's posted
   * variance in each, or null when the SKU had none there.
   */
  history: ({ stocktakeCode: string; direction: 'gain' | 'loss'; cause: string } | null)[];
  options?: {
    packSizes?: number[];
    lateMovementWindowHours?: number;
    /**
     * The item's own pack units (箱 = 12): when it has any, the unit-of-measure rule tries these sizes,
     * named, instead of the generic ones.
     */
    packs?: readonly { unit: string; size: number }[];
    baseUnit?: string;
  };
  /**
   * Variances explained by cases of the case library in the warehouse (not this line's own), for the
   * similar_case rule (src/domain/cases.ts scores them).
   */
  cases?: readonly CasePattern[];
}

/** Pack sizes tried by the unit-of-measure rule unless the warehouse configures its own. */
export const DEFAULT_PACK_SIZES: readonly number[] = Object.freeze([2, 6, 10, 12, 20, 24, 50, 100]);

const DEFAULT_LATE_MOVEMENT_WINDOW_HOURS = 24;
const HISTORY_DEPTH = 3;
const UNIT = 10n ** BigInt(QTY_SCALE);
// Cards show the reason on one line; user-typed names (locations, refs) are shortened so numbers stay visible.
const MAX_REASON_LENGTH = 139;
const MAX_NAME_LENGTH = 24;

const LATE_MOVEMENT_CAUSE: Record<MovementKind, string> = {
  receipt: 'unrecorded_receipt',
  issue: 'unrecorded_issue',
  transfer: 'unrecorded_transfer',
  adjustment: 'data_entry_error',
};
const KIND_ZH: Record<MovementKind, string> = { receipt: '入库', issue: '出库', transfer: '调拨', adjustment: '调整' };
const DIRECTION_ZH = { gain: '盘盈', loss: '盘亏' } as const;

/**
 * Every rule that fires for the line, strongest first: misplaced, unit_of_measure, late_movement,
 * digit_transposition, similar_case, recurring. Empty for a zero variance.
 *
 * @example
 * suggestCauses({ line: { expectedQty: '240', countedQty: '24', diffQty: '-216', ... }, ... })
 * // → [{ rule: 'unit_of_measure', cause: 'unit_error', reason: { en: 'counted 24 is expected 240 ÷ 10: ...', ... } }]
 */
export function suggestCauses(input: SuggestionInput): Suggestion[] {
  const diff = readQty(input.line.diffQty, 'line.diffQty');
  if (diff === 0n) return [];
  const line = {
    location: input.line.location,
    expected: readQty(input.line.expectedQty, 'line.expectedQty'),
    counted: readQty(input.line.countedQty, 'line.countedQty'),
    diff,
    countedAt: readInstant(input.line.countedAt, 'line.countedAt'),
  };
  const ownPacks = (input.options?.packs ?? []).filter((p) => Number.isSafeInteger(p.size) && p.size >= 2);
  const packSizes = readPackSizes(ownPacks.length > 0 ? ownPacks.map((p) => p.size) : (input.options?.packSizes ?? DEFAULT_PACK_SIZES));
  const windowHours = input.options?.lateMovementWindowHours ?? DEFAULT_LATE_MOVEMENT_WINDOW_HOURS;
  if (!Number.isFinite(windowHours) || windowHours < 0) {
    throw new RangeError(`lateMovementWindowHours must be a non-negative number, got ${windowHours}`);
  }
  const suggestions = [
    ...misplaced(line, input.sameSku),
    ...unitOfMeasure(line, packSizes, ownPacks, input.options?.baseUnit ?? ''),
    ...lateMovement(line, input.movements, windowHours * 3_600_000),
    ...digitTransposition(line),
    ...similarCase(input.line, input.cases ?? []),
    ...recurring(line, input.history),
  ];
  return suggestions.map((s) => ({ ...s, reason: { en: oneLine(s.reason.en), zh: oneLine(s.reason.zh) } }));
}

type HistoryEntry = NonNullable<SuggestionInput['history'][number]>;

interface Line {
  location: string;
  expected: bigint;
  counted: bigint;
  diff: bigint;
  countedAt: number;
}

/** Another location of the same SKU is off by exactly the opposite amount: stock went to the wrong shelf. */
function misplaced(line: Line, sameSku: SuggestionInput['sameSku']): Suggestion[] {
  const others = sameSku.filter((other) => other.location !== line.location && readQty(other.diffQty, 'sameSku.diffQty') === -line.diff);
  const [first] = others;
  if (!first) return [];
  const where = shorten(first.location);
  const opposite = formatDecimal(-line.diff, QTY_SCALE);
  const more = others.length > 1 ? ` (and ${others.length - 1} more)` : '';
  const moreZh = others.length > 1 ? `等 ${others.length} 个库位` : '';
  return [
    {
      rule: 'misplaced',
      cause: 'misplaced',
      reason: {
        en: `${where}${more} has the opposite variance (${opposite}) for this SKU: stock put in the wrong location?`,
        zh: `同一 SKU 在 ${where}${moreZh} 有相反差异 ${opposite}，可能错放/串位`,
      },
    },
  ];
}

/** The count is the book times or divided by a pack size: packs counted as units, or units as packs. */
function unitOfMeasure(line: Line, packSizes: bigint[], packs: readonly { unit: string; size: number }[], baseUnit: string): Suggestion[] {
  const { expected, counted } = line;
  if (expected === 0n || counted === 0n) return [];
  // Both sides are thousandths, so `counted = expected × k` compares exactly as scaled integers.
  const times = packSizes.find((k) => counted === expected * k);
  const divided = times === undefined ? packSizes.find((k) => counted * k === expected) : undefined;
  const k = times ?? divided;
  if (k === undefined) return [];
  const c = formatDecimal(counted, QTY_SCALE);
  const e = formatDecimal(expected, QTY_SCALE);
  const op = times !== undefined ? '×' : '÷';
  const pack = packs.find((p) => BigInt(p.size) === k);
  if (pack) {
    const per = `1 ${pack.unit} = ${pack.size}${baseUnit ? ` ${baseUnit}` : ''}`;
    const guessEn =
      times !== undefined
        ? `single ${baseUnit || 'units'} counted where the book holds ${pack.unit}?`
        : `${pack.unit} counted as single ${baseUnit || 'units'}?`;
    const guessZh =
      times !== undefined ? `可能把${baseUnit || '单件'}数当成了${pack.unit}数` : `可能把${pack.unit}数当成了${baseUnit || '单件'}数`;
    return [
      {
        rule: 'unit_of_measure',
        cause: 'unit_error',
        reason: {
          en: `counted ${c} is expected ${e} ${op} ${k} (${per}): ${guessEn}`,
          zh: `实盘 ${c} = 账面预期 ${e} ${op} ${k}（${per}），${guessZh}`,
        },
      },
    ];
  }
  const guess = times !== undefined ? 'single units counted where the book holds packs?' : 'a pack counted as single units?';
  return [
    {
      rule: 'unit_of_measure',
      cause: 'unit_error',
      reason: {
        en: `counted ${c} is expected ${e} ${op} ${k}: ${guess}`,
        zh: `实盘 ${c} = 账面预期 ${e} ${op} ${k}，可能按箱/件单位混淆`,
      },
    },
  ];
}

/**
 * A movement of the same size close to the count time: it was probably booked on the other side of the
 * count from when the goods moved. One suggestion per cause, from the movement nearest to the count; a
 * cause the catalogue does not allow for this direction (a receipt cannot explain a loss as
 * `unrecorded_receipt`) is not suggested.
 */
function lateMovement(line: Line, movements: SuggestionInput['movements'], windowMs: number): Suggestion[] {
  const size = abs(line.diff);
  const direction = line.diff > 0n ? 'gain' : 'loss';
  const matches = movements
    .map((movement, index) => {
      const qty = readQty(movement.qty, 'movements.qty');
      const offsetMs = readInstant(movement.occurredAt, 'movements.occurredAt') - line.countedAt;
      return { movement, index, qty, offsetMs };
    })
    .filter(({ qty, offsetMs }) => Math.abs(offsetMs) <= windowMs && abs(qty) === size)
    .filter(({ movement }) => {
      const definition = DEFAULT_CAUSES.find((c) => c.code === LATE_MOVEMENT_CAUSE[movement.kind]);
      return definition === undefined || causeAppliesTo(definition, direction);
    })
    .sort((a, b) => Math.abs(a.offsetMs) - Math.abs(b.offsetMs) || a.index - b.index);

  const seen = new Set<string>();
  const suggestions: Suggestion[] = [];
  for (const { movement, qty, offsetMs } of matches) {
    const cause = LATE_MOVEMENT_CAUSE[movement.kind];
    if (seen.has(cause)) continue;
    seen.add(cause);
    const q = formatDecimal(qty, QTY_SCALE);
    const ref = movement.ref?.trim() ? shorten(movement.ref) : null;
    const what = ref ? `${movement.kind} ${ref}` : `${movement.kind} without reference`;
    const whatZh = ref ? `${KIND_ZH[movement.kind]}单 ${ref}` : `无单号的${KIND_ZH[movement.kind]}`;
    const when = offsetMs === 0 ? 'at the count time' : `${durationEn(offsetMs)} ${offsetMs < 0 ? 'before' : 'after'} the count`;
    const whenZh = offsetMs === 0 ? '于盘点同一时刻' : `在盘点${offsetMs < 0 ? '前' : '后'} ${durationZh(offsetMs)}`;
    suggestions.push({
      rule: 'late_movement',
      cause,
      reason: {
        en: `${what} (${q}), ${when}, equals the variance: booked across the cut-off?`,
        zh: `${whatZh}（${q}）发生${whenZh}，与差异数量相同，可能跨越盘点时点记账`,
      },
    });
  }
  return suggestions;
}

/** Whole counts with the same digits in another order (132 vs 123): digits swapped when writing them down. */
function digitTransposition(line: Line): Suggestion[] {
  const { expected, counted } = line;
  const ten = 10n * UNIT;
  if (expected < ten || counted < ten || expected % UNIT !== 0n || counted % UNIT !== 0n) return [];
  const c = (counted / UNIT).toString();
  const e = (expected / UNIT).toString();
  const sorted = (digits: string) => [...digits].sort().join('');
  if (c === e || sorted(c) !== sorted(e)) return [];
  return [
    {
      rule: 'digit_transposition',
      cause: 'counting_error',
      reason: {
        en: `counted ${c} and expected ${e} have the same digits in another order: digits swapped when writing?`,
        zh: `实盘 ${c} 与账面预期 ${e} 数字相同、顺序不同，可能记录时数字颠倒`,
      },
    },
  ];
}

/**
 * An earlier case of the case library explained a variance like this one (same SKU or location, same
 * direction, similar size: src/domain/cases.ts keeps the score): offer its root cause, naming the case.
 */
function similarCase(line: SuggestionInput['line'], cases: readonly CasePattern[]): Suggestion[] {
  const match = bestCase(line, cases);
  if (!match) return [];
  return [{ rule: 'similar_case', cause: match.pattern.causeCode, reason: caseReason(match), caseCode: match.pattern.code }];
}

/**
 * The SKU went the same way in at least 2 of the last 3 posted stocktakes: suggest the cause used most
 * often then (ties go to the newest), since a standing problem tends to keep its cause.
 */
function recurring(line: Line, history: SuggestionInput['history']): Suggestion[] {
  const direction = line.diff > 0n ? 'gain' : 'loss';
  const considered = history.slice(0, HISTORY_DEPTH);
  const same = considered.filter((entry): entry is HistoryEntry => entry !== null && entry.direction === direction);
  if (same.length < 2) return [];
  const uses = new Map<string, number>();
  for (const entry of same) uses.set(entry.cause, (uses.get(entry.cause) ?? 0) + 1);
  // `same` is newest first and Map keeps first insertion, so on a tie the newest cause is met first.
  let cause = same[0]!.cause;
  for (const [code, count] of uses) if (count > uses.get(cause)!) cause = code;
  const codes = same.map((entry) => shorten(entry.stocktakeCode, 16));
  return [
    {
      rule: 'recurring',
      cause,
      reason: {
        en: `same direction (${direction}) in ${same.length} of the last ${considered.length} posted stocktakes (${codes.join(', ')})`,
        zh: `近 ${considered.length} 次已过账盘点中有 ${same.length} 次同为${DIRECTION_ZH[direction]}（${codes.join('、')}）`,
      },
    },
  ];
}

function readQty(text: string, field: string): bigint {
  // Quantities the database computed (expected = book + movements), not typed: no column limit applies.
  const parsed = parseDecimal(text, QTY_SCALE, { allowNegative: true, precision: null });
  if (!parsed.ok) throw new RangeError(`${field} ${parsed.reason}`);
  return parsed.value;
}

function readInstant(text: string, field: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`${field} "${text}" is not an ISO instant`);
  return ms;
}

function readPackSizes(sizes: readonly number[]): bigint[] {
  return sizes.map((k) => {
    if (!Number.isSafeInteger(k) || k < 2) throw new RangeError(`pack size ${k} must be a whole number of at least 2`);
    return BigInt(k);
  });
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/** Rounded to the minute: "45 min", "2 h 5 min", "under a minute". */
function durationEn(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes === 0) return 'under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

function durationZh(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes === 0) return '不到 1 分钟';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h ? `${h}小时` : ''}${m ? `${m}分钟` : ''}`;
}

function shorten(name: string, max = MAX_NAME_LENGTH): string {
  const flat = name.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH - 1)}…` : flat;
}
