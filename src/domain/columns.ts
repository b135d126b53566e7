import { problemOf, type InputProblem } from './errors.ts';
import { fileTexts } from './texts/files.ts';

/**
 * Column names accepted in imported files. Matching ignores case, spaces, '_' and '-', and folds
 * full-width characters, so "Counted At", "counted_at" and "ＱＴＹ" all match. README lists these.
 */
export const COLUMN_ALIASES = {
  sku: ['sku', 'sku code', 'item code', 'item', 'product code', '物料编码', '商品编码', '物料代码', '商品代码', '货号', '编码'],
  barcode: ['barcode', 'barcodes', 'ean', 'upc', 'gtin', '条码', '条形码', '商品条码', '国际条码'],
  lot: ['lot', 'batch', 'lot no', 'batch no', '批次', '批号', '批次号'],
  expiry: ['expiry', 'expiry date', 'best before', 'expires', 'exp', '有效期', '有效期至', '到期日', '失效日期'],
  lotTracked: ['lot tracked', 'lot tracking', '批次管理'],
  location: ['location', 'loc', 'bin', '库位', '仓位', '货位', '储位'],
  qty: ['qty', 'quantity', 'count', 'counted qty', '数量', '实盘数量', '盘点数量', '实盘数'],
  countedAt: ['counted at', 'count time', 'counted time', '盘点时间', '盘点日期'],
  name: ['name', 'item name', 'product name', 'description', '名称', '物料名称', '商品名称', '品名'],
  unit: ['unit', 'uom', '单位', '计量单位'],
  unitCost: ['unit cost', 'cost', 'unit price', '单价', '成本', '单位成本', '成本价'],
  category: ['category', '类别', '分类', '品类'],
  packs: ['packs', 'pack units', 'pack sizes', 'packing', '包装', '包装单位', '包装规格', '箱规'],
  scanAsksQty: ['scan asks qty', 'ask qty', 'asks qty', '扫码输数量', '扫码输入数量'],
  kind: ['kind', 'type', 'movement type', '类型', '业务类型', '单据类型'],
  ref: ['ref', 'reference', 'document', 'doc no', '单号', '单据号', '单据编号'],
  occurredAt: ['occurred at', 'time', 'date', 'moved at', '发生时间', '业务时间', '日期'],
} as const;

export type ColumnKey = keyof typeof COLUMN_ALIASES;

export interface ColumnSpec<K extends ColumnKey = ColumnKey> {
  key: K;
  required: boolean;
  /** A required column that this other column may stand in for (a count sheet's barcode for its sku). */
  or?: K;
}

/** The name a column is documented under (snake_case, as in the file format examples). */
export function canonicalName(key: ColumnKey): string {
  return COLUMN_ALIASES[key][0].replace(/ /g, '_');
}

export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-\ufeff]+/g, '');
}

const lookup = new Map<string, ColumnKey>();
for (const [key, aliases] of Object.entries(COLUMN_ALIASES) as [ColumnKey, readonly string[]][]) {
  for (const alias of aliases) lookup.set(normalizeHeader(alias), key);
}

export type HeaderMap<K extends ColumnKey> = { [P in K]?: { index: number; header: string } };

/** A column of the file that the import does not read, and the column it was probably meant to be. */
export interface IgnoredColumn {
  index: number;
  header: string;
  /** The wanted column this header is a near miss of (a typo), when it is one and that column is absent. */
  suggestion: { key: ColumnKey; alias: string } | null;
}

/** A required column the header lacks, with the near miss the file has instead (if any). */
export interface MissingColumn {
  key: ColumnKey;
  or?: ColumnKey;
  nearMiss: string | null;
}

/**
 * Optimal string alignment distance (Levenshtein plus swapping two neighbours: "qyt" is one edit from
 * "qty"), or `limit + 1` as soon as it must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const x = [...a];
  const y = [...b];
  let before: number[] = [];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[y.length]!;
}

/** How many edits a header of this length may be from an alias to count as its typo. */
function typoLimit(length: number): number {
  return length <= 4 ? 1 : length <= 8 ? 2 : 3;
}

/** The alias of one of `keys` that `header` is most likely a typo of, or null. */
export function nearestColumn(header: string, keys: Iterable<ColumnKey>): { key: ColumnKey; alias: string } | null {
  const text = normalizeHeader(header);
  if (text === '') return null;
  const limit = typoLimit([...text].length);
  let best: { key: ColumnKey; alias: string; distance: number } | null = null;
  for (const key of keys) {
    for (const alias of COLUMN_ALIASES[key]) {
      const distance = editDistance(text, normalizeHeader(alias), limit);
      if (distance <= limit && (!best || distance < best.distance)) best = { key, alias, distance };
    }
  }
  return best && { key: best.key, alias: best.alias };
}

/**
 * Maps a header row to the columns a file kind needs. Other columns are not read (scanner exports carry
 * extra fields) but listed as ignored, each with the wanted column it is a near miss of, so a typo is
 * named instead of silently losing a column. A missing required column or a column given twice is a
 * problem on line 1; a missing column's problem names the near miss the file has instead.
 */
export function mapHeader<K extends ColumnKey>(
  cells: readonly string[],
  specs: readonly ColumnSpec<K>[],
  line = 1,
): { map: HeaderMap<K>; problems: InputProblem[]; ignored: IgnoredColumn[]; missing: MissingColumn[] } {
  const wanted = new Set<ColumnKey>(specs.map((s) => s.key));
  const map: HeaderMap<K> = {};
  const problems: InputProblem[] = [];
  const unread: { index: number; header: string }[] = [];
  cells.forEach((cell, index) => {
    const key = lookup.get(normalizeHeader(cell));
    if (!key || !wanted.has(key)) {
      if (normalizeHeader(cell) !== '') unread.push({ index, header: cell.trim() });
      return;
    }
    const existing = map[key as K];
    if (existing) {
      problems.push(problemOf(line, cell, fileTexts.duplicateColumn(existing.header, cell, canonicalName(key))));
      return;
    }
    map[key as K] = { index, header: cell };
  });
  // Only a column the file lacks is suggested: with "location" present, a "loc." column is something else.
  const absent = [...wanted].filter((key) => !map[key as K]);
  const ignored = unread.map((c) => ({ ...c, suggestion: lookup.has(normalizeHeader(c.header)) ? null : nearestColumn(c.header, absent) }));
  const missing: MissingColumn[] = [];
  for (const spec of specs) {
    if (spec.required && !map[spec.key] && !(spec.or && map[spec.or])) {
      const nearMiss = ignored.find((c) => c.suggestion?.key === spec.key || (spec.or && c.suggestion?.key === spec.or))?.header ?? null;
      missing.push({ key: spec.key, ...(spec.or ? { or: spec.or } : {}), nearMiss });
      const instead = spec.or ? `${canonicalName(spec.or)} (${COLUMN_ALIASES[spec.or].join(', ')})` : null;
      const accepted = COLUMN_ALIASES[spec.key].join(', ');
      problems.push(
        problemOf(line, canonicalName(spec.key), fileTexts.missingColumn(canonicalName(spec.key), accepted, instead, nearMiss)),
      );
    }
  }
  return { map, problems, ignored, missing };
}
