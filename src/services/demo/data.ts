/**
 * The demo warehouse: a tea shop's stock after a count, arranged so that every step after counting has
 * something to show. What each line is there for (the figures are asserted in test/services/demo.test.ts):
 *
 * | sku        | location | book   | movement (cut-off)        | counts                          | variance            |
 * | ---------- | -------- | ------ | ------------------------- | ------------------------------- | ------------------- |
 * | TEA-LJ250  | A-01-01  | 120    | receipt +24 before count  | alice 100 + 44 (two scan lines) | match (expected 144)|
 * | TEA-PE357  | A-01-02  | 40     |                           | alice 39, bob 39: verified      | −1, −120.00         |
 * | TEA-DHP250 | A-01-03  | 60     |                           | alice 58                        | −2, −760.00         |
 * | TEA-BH100  | A-01-04  | 36     |                           | alice 36, bob 36: verified      | match               |
 * | CUP-GL320  | B-01-01  | 600    | issue −36 after the count | alice 600                       | match (not applied) |
 * | CUP-GC12   | B-01-02  | 288    |                           | alice 24 (boxes of 12)          | −264, −3168.00 UoM  |
 * | CUP-GD     | B-01-03  | 40     |                           | alice 40                        | match               |
 * | TWL-CJ     | B-02-01  | 50     |                           | alice 56, bob 56: verified      | +6, +59.40          |
 * | POT-ZS     | C-01-01  | 12     |                           | alice 12, bob 11: CONFLICT      | carol's recount 11: −1, −260.00 |
 * | TRAY-ZB    | C-02-01  | 30     |                           | alice 25                        | −5, −225.00 swapped |
 * | TRAY-ZB    | C-02-02  | 10     |                           | alice 15                        | +5, +225.00 swapped |
 * | CAN-MT     | D-01-01  | 123    |                           | bob 132                         | +9, +61.20 digits   |
 * | FLT-CL     | D-01-02  | 80     |                           | bob 80                          | match               |
 * | RICE-DB    | E-01-01  | 512.5  |                           | bob 498.75                      | −13.75, −85.25      |
 * | GOJI-NX    | E-01-02  | 20.4   |                           | bob 20.65                       | +0.25, +14.50       |
 * | SUG-HT     | E-01-03  | 35.2   |                           | bob 35.2                        | match               |
 *
 * Losses come to −4,618.25 (above 1,000: supervisor then finance; still above it, at −1,450.25, when the
 * unit-of-measure line is recounted instead), gains to +360.10 (supervisor only).
 */
import type { ChatPurpose } from '../chats.ts';
import type { Role } from '../../domain/people.ts';

export const DEMO_WAREHOUSE = { code: 'DEMO', name: '演示仓', timezone: 'Asia/Shanghai' } as const;

export const DEMO_ITEMS: readonly { sku: string; name: string; unit: string; unitCost: string; category: string }[] = [
  { sku: 'TEA-LJ250', name: '西湖龙井 250g', unit: '盒', unitCost: '68.00', category: '茶叶' },
  { sku: 'TEA-PE357', name: '云南普洱熟茶饼 357g', unit: '饼', unitCost: '120.00', category: '茶叶' },
  { sku: 'TEA-DHP250', name: '武夷山大红袍 250g', unit: '罐', unitCost: '380.00', category: '茶叶' },
  { sku: 'TEA-BH100', name: '福鼎白茶 100g', unit: '盒', unitCost: '88.00', category: '茶叶' },
  { sku: 'CUP-GL320', name: '玻璃品茗杯 320ml', unit: '个', unitCost: '8.50', category: '茶具' },
  { sku: 'CUP-GC12', name: '骨瓷茶杯（12只/箱）', unit: '只', unitCost: '12.00', category: '茶具' },
  { sku: 'CUP-GD', name: '玻璃公道杯', unit: '个', unitCost: '28.00', category: '茶具' },
  { sku: 'TWL-CJ', name: '棉麻茶巾', unit: '条', unitCost: '9.90', category: '配件' },
  { sku: 'POT-ZS', name: '宜兴紫砂壶', unit: '把', unitCost: '260.00', category: '茶具' },
  { sku: 'TRAY-ZB', name: '竹制茶盘', unit: '个', unitCost: '45.00', category: '茶具' },
  { sku: 'CAN-MT', name: '马口铁茶叶罐', unit: '个', unitCost: '6.80', category: '配件' },
  { sku: 'FLT-CL', name: '不锈钢茶漏', unit: '个', unitCost: '12.00', category: '配件' },
  { sku: 'RICE-DB', name: '东北大米（散装）', unit: 'kg', unitCost: '6.20', category: '粮油' },
  { sku: 'GOJI-NX', name: '宁夏枸杞（散装）', unit: 'kg', unitCost: '58.00', category: '干货' },
  { sku: 'SUG-HT', name: '古法红糖（散装）', unit: 'kg', unitCost: '16.00', category: '干货' },
];

/** sku, location, qty: what the ERP says is on hand before the count. */
export const DEMO_BOOK: readonly [string, string, string][] = [
  ['TEA-LJ250', 'A-01-01', '120'],
  ['TEA-PE357', 'A-01-02', '40'],
  ['TEA-DHP250', 'A-01-03', '60'],
  ['TEA-BH100', 'A-01-04', '36'],
  ['CUP-GL320', 'B-01-01', '600'],
  ['CUP-GC12', 'B-01-02', '288'],
  ['CUP-GD', 'B-01-03', '40'],
  ['TWL-CJ', 'B-02-01', '50'],
  ['POT-ZS', 'C-01-01', '12'],
  ['TRAY-ZB', 'C-02-01', '30'],
  ['TRAY-ZB', 'C-02-02', '10'],
  ['CAN-MT', 'D-01-01', '123'],
  ['FLT-CL', 'D-01-02', '80'],
  ['RICE-DB', 'E-01-01', '512.5'],
  ['GOJI-NX', 'E-01-02', '20.4'],
  ['SUG-HT', 'E-01-03', '35.2'],
];

/** Minutes before "now" at which the book is frozen. Every other time below lies between it and now. */
export const SNAPSHOT_MINUTES_AGO = 180;

/** sku, location, signed qty, kind, ref, minutes ago: keyed in while counting went on. */
export const DEMO_MOVEMENTS: readonly [string, string, string, string, string, number][] = [
  // Received before alice counted A-01-01: the cut-off applies it (expected 120 + 24 = 144).
  ['TEA-LJ250', 'A-01-01', '24', 'receipt', 'PO-31082', 160],
  // Issued after alice counted B-01-01: not applied to her count (expected stays 600).
  ['CUP-GL320', 'B-01-01', '-36', 'issue', 'SO-77215', 60],
];

/** sku, location, qty, minutes ago. Alice counts zones A to C; a scanner export lists A-01-01 twice. */
export const ALICE_SHEET: readonly [string, string, string, number][] = [
  ['TEA-LJ250', 'A-01-01', '100', 150],
  ['TEA-LJ250', 'A-01-01', '44', 148],
  ['TEA-PE357', 'A-01-02', '39', 146],
  ['TEA-DHP250', 'A-01-03', '58', 144],
  ['TEA-BH100', 'A-01-04', '36', 142],
  ['CUP-GL320', 'B-01-01', '600', 130],
  ['CUP-GC12', 'B-01-02', '24', 127],
  ['CUP-GD', 'B-01-03', '40', 125],
  ['TWL-CJ', 'B-02-01', '56', 120],
  ['POT-ZS', 'C-01-01', '12', 110],
  ['TRAY-ZB', 'C-02-01', '25', 105],
  ['TRAY-ZB', 'C-02-02', '15', 104],
];

/** Bob counts zones D and E, then double-counts four of alice's lines (and disagrees on the teapots). */
export const BOB_SHEET: readonly [string, string, string, number][] = [
  ['CAN-MT', 'D-01-01', '132', 140],
  ['FLT-CL', 'D-01-02', '80', 136],
  ['RICE-DB', 'E-01-01', '498.75', 128],
  ['GOJI-NX', 'E-01-02', '20.65', 124],
  ['SUG-HT', 'E-01-03', '35.2', 122],
  ['TEA-PE357', 'A-01-02', '39', 95],
  ['TEA-BH100', 'A-01-04', '36', 93],
  ['TWL-CJ', 'B-02-01', '56', 90],
  ['POT-ZS', 'C-01-01', '11', 85],
];

export const ALICE_SHEET_NAME = 'demo-count-alice.csv';
export const BOB_SHEET_NAME = 'demo-count-bob.csv';

/** Carol's recount of the line alice and bob disagree on: round 2, so it supersedes both. */
export const DEMO_RECOUNT = {
  fileName: 'demo-recount-carol-round2.csv',
  counter: 'carol',
  round: 2,
  sku: 'POT-ZS',
  location: 'C-01-01',
  qty: '11',
} as const;

export interface CastMember {
  handle: string;
  name: string;
  roles: readonly Role[];
}

/**
 * Who is who, in the order roles are granted: sam is the first supervisor, so he owns the variances;
 * ada, the second, approves what sam explained; ann is admin and supervisor and binds the chats.
 */
export const DEMO_CAST: readonly CastMember[] = [
  { handle: 'sam', name: '孙明 Sam', roles: ['supervisor'] },
  { handle: 'ada', name: '艾达 Ada', roles: ['supervisor'] },
  { handle: 'alice', name: '李爱丽 Alice', roles: ['counter'] },
  { handle: 'bob', name: '王博 Bob', roles: ['counter'] },
  { handle: 'carol', name: '陈可 Carol', roles: ['counter'] },
  { handle: 'fiona', name: '冯菲 Fiona', roles: ['finance'] },
  { handle: 'max', name: '马克 Max', roles: ['manager'] },
  { handle: 'ann', name: '安妮 Ann', roles: ['admin', 'supervisor'] },
];

/** The one who binds the chats (bindChat needs an admin, supervisor or manager of the warehouse). */
export const CHAT_BINDER = 'ann';

export const DEMO_CHATS: readonly { chatId: string; purpose: ChatPurpose }[] = [
  { chatId: 'demo-team', purpose: 'team' },
  { chatId: 'demo-approvals', purpose: 'approvals' },
  { chatId: 'demo-digest', purpose: 'digest' },
];

export const CONSOLE_URL = 'http://127.0.0.1:3000';

/** A CSV file as a spreadsheet writes it: CRLF, cells with commas or quotes quoted. */
export function csvText(rows: readonly (readonly string[])[]): string {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}
