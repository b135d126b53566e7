import type { InputProblem } from './errors.ts';

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

/**
 * Maps a header row to the columns a file kind needs. Unknown columns are ignored (scanner exports
 * carry extra fields). A missing required column or a column given twice is a problem on line 1.
 */
export function mapHeader<K extends ColumnKey>(
  cells: readonly string[],
  specs: readonly ColumnSpec<K>[],
  line = 1,
): { map: HeaderMap<K>; problems: InputProblem[] } {
  const wanted = new Set<ColumnKey>(specs.map((s) => s.key));
  const map: HeaderMap<K> = {};
  const problems: InputProblem[] = [];
  cells.forEach((cell, index) => {
    const key = lookup.get(normalizeHeader(cell));
    if (!key || !wanted.has(key)) return;
    const existing = map[key as K];
    if (existing) {
      problems.push({
        line,
        column: cell,
        message: `columns "${existing.header}" and "${cell}" both mean ${canonicalName(key)}; keep one`,
      });
      return;
    }
    map[key as K] = { index, header: cell };
  });
  for (const spec of specs) {
    if (spec.required && !map[spec.key] && !(spec.or && map[spec.or])) {
      const instead = spec.or ? ` or ${canonicalName(spec.or)} (${COLUMN_ALIASES[spec.or].join(', ')})` : '';
      problems.push({
        line,
        column: canonicalName(spec.key),
        message: `missing column ${canonicalName(spec.key)} (accepted headers: ${COLUMN_ALIASES[spec.key].join(', ')})${instead}`,
      });
    }
  }
  return { map, problems };
}
