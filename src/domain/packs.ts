/**
 * Pack units of an item: 箱 = 12 个, 托 = 48 箱. The item master writes them in one cell
 * ("箱=12; 托=48箱"), each factor in the base unit unless it names an earlier pack unit; they are kept as
 * factors in the base unit (托 = 576), so a count in any unit is a base quantity times the factor.
 */
import { formatDecimal, parseDecimal, QTY_SCALE } from './decimal.ts';

export interface Pack {
  unit: string;
  /** Base units in one of this unit, in thousandths. */
  factor: bigint;
}

const SCALE = 10n ** BigInt(QTY_SCALE);
const ENTRY_SEPARATORS = /[;；,，|、\n]+/;
/** "箱=12", "1箱=12个", "箱:12", "托 = 48 箱" (the amount and an optional unit it is counted in). */
const ENTRY = /^(?:1\s*)?([^=:：\d\s][^=:：]*?)\s*[=:：]\s*([\d.,]+)\s*(\S*)$/u;

/**
 * The pack units of one item master cell, or the problem with it (in English and Chinese). An empty cell
 * is no pack units.
 */
export function parsePacks(cell: string, baseUnit: string): { ok: true; packs: Pack[] } | { ok: false; en: string; zh: string } {
  const packs: Pack[] = [];
  for (const raw of cell.split(ENTRY_SEPARATORS)) {
    const entry = raw.normalize('NFKC').trim();
    if (entry === '') continue;
    const m = ENTRY.exec(entry);
    if (!m)
      return {
        ok: false,
        en: `"${entry}" is not a pack unit like 箱=12 or 托=48箱`,
        zh: `"${entry}" 不是包装单位写法，应如 箱=12 或 托=48箱`,
      };
    const unit = m[1]!.trim();
    const amount = parseDecimal(m[2]!, QTY_SCALE);
    if (!amount.ok || amount.value <= 0n)
      return { ok: false, en: `the amount of ${unit} "${m[2]}" is not a positive number`, zh: `${unit} 的数量 "${m[2]}" 不是正数` };
    if (unit === baseUnit) return { ok: false, en: `${unit} is the base unit itself`, zh: `${unit} 就是基本单位` };
    if (packs.some((p) => p.unit === unit)) return { ok: false, en: `${unit} is listed twice`, zh: `${unit} 重复列出` };
    const of = m[3]!;
    let factor = amount.value;
    if (of !== '' && of !== baseUnit) {
      const inner = packs.find((p) => p.unit === of);
      if (!inner)
        return {
          ok: false,
          en: `${unit} is counted in ${of}, which is neither the base unit ${baseUnit} nor a pack unit listed before it`,
          zh: `${unit} 以 ${of} 计，但 ${of} 既不是基本单位 ${baseUnit}，也不是前面列出的包装单位`,
        };
      factor = (amount.value * inner.factor) / SCALE;
    }
    packs.push({ unit, factor });
  }
  return { ok: true, packs };
}

/** The cell the item master would write for these packs, in base units ("箱=12; 托=576"). */
export function packsText(packs: readonly Pack[]): string {
  return packs.map((p) => `${p.unit}=${formatDecimal(p.factor, QTY_SCALE)}`).join('; ');
}

/** A quantity counted in `unit` as base thousandths: null when the item has no such unit. */
export function toBase(qty: bigint, unit: string, baseUnit: string, packs: readonly Pack[]): bigint | null {
  if (unit === '' || unit === baseUnit) return qty;
  const pack = packs.find((p) => p.unit === unit);
  return pack ? (qty * pack.factor) / SCALE : null;
}

/**
 * How a line was counted, as evidence ("2 箱 + 3 个"): the quantity per pack unit in the order the units
 * were first used, the base unit last (as people say it: cases, then the loose ones); null when everything
 * was counted in the base unit. Scans made in the same millisecond have no order of use between them, so
 * the base unit's place does not depend on it.
 */
export function countedAsText(byUnit: ReadonlyMap<string, bigint>, baseUnit: string): string | null {
  const isBase = (unit: string) => unit === baseUnit || unit === '';
  const used = [...byUnit].filter(([, qty]) => qty !== 0n);
  if (used.every(([unit]) => isBase(unit))) return null;
  const base = used.filter(([unit]) => isBase(unit)).reduce((sum, [, qty]) => sum + qty, 0n);
  const parts = used.filter(([unit]) => !isBase(unit));
  if (base !== 0n) parts.push([baseUnit, base]);
  return parts.map(([unit, qty]) => `${formatDecimal(qty, QTY_SCALE)} ${unit}`).join(' + ');
}

/** Barcodes in one item master cell: several separated by ; , / | or spaces. */
export function splitBarcodes(cell: string): string[] {
  return [
    ...new Set(
      cell
        .normalize('NFKC')
        .split(/[;,/|\s、]+/)
        .map((b) => b.trim())
        .filter((b) => b !== ''),
    ),
  ];
}
