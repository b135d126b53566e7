import { describe, expect, it } from 'vitest';
import {
  canonicalName,
  COLUMN_ALIASES,
  editDistance,
  mapHeader,
  normalizeHeader,
  type ColumnKey,
  type ColumnSpec,
} from '../../src/domain/columns.ts';

const COUNT_SPECS = [
  { key: 'sku', required: true },
  { key: 'location', required: true },
  { key: 'qty', required: true },
  { key: 'countedAt', required: false },
] as const satisfies readonly ColumnSpec[];

describe('normalizeHeader', () => {
  it('ignores case, spaces, underscores and dashes', () => {
    expect(normalizeHeader('Counted At')).toBe('countedat');
    expect(normalizeHeader('counted_at')).toBe('countedat');
    expect(normalizeHeader(' COUNTED-AT ')).toBe('countedat');
  });

  it('folds full-width letters and strips a byte order mark', () => {
    expect(normalizeHeader('ＱＴＹ')).toBe('qty');
    expect(normalizeHeader('\ufeffsku')).toBe('sku');
    expect(normalizeHeader('实盘\u3000数量')).toBe('实盘数量');
  });
});

describe('COLUMN_ALIASES', () => {
  it('gives every alias to exactly one column', () => {
    const owner = new Map<string, ColumnKey>();
    for (const [key, aliases] of Object.entries(COLUMN_ALIASES) as [ColumnKey, readonly string[]][]) {
      for (const alias of aliases) {
        const normalized = normalizeHeader(alias);
        expect(owner.get(normalized), `alias "${alias}" of ${key}`).toBeUndefined();
        owner.set(normalized, key);
      }
    }
  });

  it('documents each column under its snake_case name', () => {
    expect(canonicalName('countedAt')).toBe('counted_at');
    expect(canonicalName('unitCost')).toBe('unit_cost');
    expect(canonicalName('sku')).toBe('sku');
  });
});

describe('mapHeader', () => {
  it('maps English headers to column positions', () => {
    const { map, problems } = mapHeader(['sku', 'location', 'qty', 'counted_at'], COUNT_SPECS);
    expect(problems).toEqual([]);
    expect(map).toEqual({
      sku: { index: 0, header: 'sku' },
      location: { index: 1, header: 'location' },
      qty: { index: 2, header: 'qty' },
      countedAt: { index: 3, header: 'counted_at' },
    });
  });

  it('maps Chinese headers', () => {
    const { map, problems } = mapHeader(['物料编码', '库位', '实盘数量', '盘点时间'], COUNT_SPECS);
    expect(problems).toEqual([]);
    expect(map.sku?.index).toBe(0);
    expect(map.location?.index).toBe(1);
    expect(map.qty?.index).toBe(2);
    expect(map.countedAt?.index).toBe(3);
  });

  it('accepts each documented alias of sku, location and qty', () => {
    const cases: [ColumnKey, string][] = [
      ['sku', '商品编码'],
      ['sku', 'SKU'],
      ['location', '仓位'],
      ['location', 'Bin'],
      ['qty', '数量'],
      ['qty', 'Quantity'],
    ];
    for (const [key, alias] of cases) {
      const { map } = mapHeader([alias], [{ key, required: true }]);
      expect(map[key], alias).toEqual({ index: 0, header: alias });
    }
  });

  it('matches headers regardless of case, spacing and width', () => {
    const { map, problems } = mapHeader(['Sku', ' QTY ', 'LOCATION', 'Counted At'], COUNT_SPECS);
    expect(problems).toEqual([]);
    expect(map.qty).toEqual({ index: 1, header: ' QTY ' });
    expect(map.countedAt).toEqual({ index: 3, header: 'Counted At' });

    const wide = mapHeader(['ＳＫＵ', 'Ｌｏｃａｔｉｏｎ', 'ＱＴＹ'], COUNT_SPECS);
    expect(wide.problems).toEqual([]);
    expect(wide.map.sku?.index).toBe(0);
    expect(wide.map.location?.index).toBe(1);
    expect(wide.map.qty?.index).toBe(2);
  });

  it('ignores unknown extra columns and columns of other file kinds', () => {
    const { map, problems } = mapHeader(['scanner id', 'sku', 'name', '', 'location', 'qty', 'battery %'], COUNT_SPECS);
    expect(problems).toEqual([]);
    expect(Object.keys(map).sort()).toEqual(['location', 'qty', 'sku']);
    expect(map.location?.index).toBe(4);
  });

  it('accepts a header without an optional column', () => {
    const { map, problems } = mapHeader(['sku', 'location', 'qty'], COUNT_SPECS);
    expect(problems).toEqual([]);
    expect(map.countedAt).toBeUndefined();
  });

  it('reports a missing required column on line 1 with the accepted headers', () => {
    const { problems } = mapHeader(['sku', 'location', 'counted at'], COUNT_SPECS);
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem?.line).toBe(1);
    expect(problem?.column).toBe('qty');
    expect(problem?.message).toContain('missing column qty');
    for (const alias of COLUMN_ALIASES.qty) expect(problem?.message).toContain(alias);
  });

  it('reports every missing required column', () => {
    const { problems } = mapHeader(['name'], COUNT_SPECS);
    expect(problems.map((p) => p.column)).toEqual(['sku', 'location', 'qty']);
  });

  it('reports the problems on the line the header was found on', () => {
    const { problems } = mapHeader(['sku', 'qty'], COUNT_SPECS, 4);
    expect(problems).toEqual([expect.objectContaining({ line: 4, column: 'location' })]);
  });

  it('reports two columns that mean the same thing and keeps the first', () => {
    const { map, problems } = mapHeader(['sku', '物料编码', 'location', 'qty'], COUNT_SPECS);
    expect(map.sku).toEqual({ index: 0, header: 'sku' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      line: 1,
      column: '物料编码',
      message: 'columns "sku" and "物料编码" both mean sku; keep one',
    });
  });

  it('reports a column repeated under the same name', () => {
    const { problems } = mapHeader(['sku', 'location', 'qty', 'Qty'], COUNT_SPECS);
    expect(problems).toEqual([expect.objectContaining({ line: 1, column: 'Qty', message: expect.stringContaining('both mean qty') })]);
  });

  it('does not report a repeated column the file kind does not use', () => {
    const { problems } = mapHeader(['sku', 'location', 'qty', 'name', '品名'], COUNT_SPECS);
    expect(problems).toEqual([]);
  });

  it('lists the columns it does not read, with the wanted column a typo was meant to be', () => {
    const { map, ignored } = mapHeader(['sku', 'locaton', 'qty', 'battery %', 'name', ''], COUNT_SPECS);
    expect(map.location).toBeUndefined();
    expect(ignored).toEqual([
      { index: 1, header: 'locaton', suggestion: { key: 'location', alias: 'location' } },
      { index: 3, header: 'battery %', suggestion: null },
      { index: 4, header: 'name', suggestion: null },
    ]);
  });

  it('suggests Chinese headers and swapped letters, but not a column the file already has', () => {
    expect(mapHeader(['sku', '库为', 'qty'], COUNT_SPECS).ignored[0]?.suggestion).toEqual({ key: 'location', alias: '库位' });
    expect(mapHeader(['sku', 'location', 'qyt'], COUNT_SPECS).ignored[0]?.suggestion).toEqual({ key: 'qty', alias: 'qty' });
    expect(mapHeader(['sku', 'location', 'qty', 'lot'], COUNT_SPECS).ignored[0]?.suggestion).toBeNull();
  });

  it('names the near miss in the problem of a missing required column', () => {
    const { problems, missing } = mapHeader(['sku', 'location', 'qyt'], COUNT_SPECS);
    expect(missing).toEqual([{ key: 'qty', nearMiss: 'qyt' }]);
    expect(problems[0]?.message).toContain('the file has a column "qyt"');
  });
});

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit and stops past the limit', () => {
    expect(editDistance('qyt', 'qty', 2)).toBe(1);
    expect(editDistance('locaton', 'location', 2)).toBe(1);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });
});
