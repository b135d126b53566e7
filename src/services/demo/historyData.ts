/**
 * The demo warehouse's past year, so that stock structure, patterns, performance, cycle-count plans and
 * the case library have something real to show (src/services/demo/history.ts makes it through the
 * services; the figures are asserted in test/services/demoHistory.test.ts). Days count back from the day
 * the demo is loaded, in the warehouse's calendar.
 *
 * Movements: every line is issued each month (12 issue days, 16:00) and restocked every quarter (10:00)
 * with what the next three months issue, so movements leave the book where they found it. POT-ZS is last
 * issued 110 days ago (a slow mover), TRAY-ZB 200 days ago (dead stock).
 *
 * Three full stocktakes, each counted by alice (zones A and B) and bob (zones C to E), closed by sam at
 * 11:00, explained by sam, approved by ada:
 *
 * | stocktake | variances posted (cause)                                           | recount (carol, round 2)   | posted after |
 * | --------- | ------------------------------------------------------------------ | -------------------------- | ------------ |
 * | S1 −150 d | CUP-GL320 −4 (damage), RICE-DB −8 (unrecorded issue)               | bob's GOJI-NX was 1.5 high | 72 h         |
 * | S2 −95 d  | CUP-GL320 −6 (counting error → damage after ada's reject), RICE-DB −10, FLT-CL +2 (unrecorded receipt) | bob's CAN-MT was 10 low | 30 h |
 * | S3 −35 d  | CUP-GL320 −12 and POT-ZS −1 (damage), RICE-DB −12 (both suggested: recurring) | bob's TRAY-ZB@C-02-02 was 5 high | 5 h |
 *
 * So: CUP-GL320@B-01-01 and RICE-DB@E-01-01 recur (3 of 3); damage rises (34.00 → 51.00 → 362.00); bob's
 * first counts needed a recount in 3 of 24 lines; losses cluster in 茶具 (tea ware). After S3 sam writes
 * up the rice as case C-… (samples scooped without an issue slip), which today's RICE-DB loss matches; and
 * ann sets a cycle-count plan. The opening book is today's book (DEMO_BOOK) less what the history changes,
 * so the history ends exactly on it.
 */
import { formatDecimal, parseDecimal, QTY_SCALE } from '../../domain/decimal.ts';
import { DEMO_BOOK } from './data.ts';

/** Days before today of the monthly issues, oldest first. */
export const ISSUE_DAYS: readonly number[] = [350, 320, 290, 260, 230, 200, 170, 140, 110, 80, 50, 20];
/** Days before today of the quarterly receipts: each restocks what the next three issue days take. */
export const RECEIPT_DAYS: readonly number[] = [355, 265, 175, 85];

/** sku, location, quantity issued each month, and for how many months (from the oldest; default all). */
export const MONTHLY_ISSUES: readonly [string, string, string, number?][] = [
  ['TEA-LJ250', 'A-01-01', '20'],
  ['TEA-PE357', 'A-01-02', '6'],
  ['TEA-DHP250', 'A-01-03', '5'],
  ['TEA-BH100', 'A-01-04', '5'],
  ['CUP-GL320', 'B-01-01', '100'],
  ['CUP-GC12', 'B-01-02', '24'],
  ['CUP-GD', 'B-01-03', '4'],
  ['TWL-CJ', 'B-02-01', '10'],
  // Last issued 110 days ago: a slow mover (90 days) that is not yet dead (180).
  ['POT-ZS', 'C-01-01', '1', 9],
  // Last issued 200 days ago: dead stock.
  ['TRAY-ZB', 'C-02-01', '2', 6],
  ['CAN-MT', 'D-01-01', '15'],
  ['FLT-CL', 'D-01-02', '6'],
  ['RICE-DB', 'E-01-01', '120'],
  ['GOJI-NX', 'E-01-02', '5'],
  ['SUG-HT', 'E-01-03', '8'],
];

/**
 * A cause tagged in review, with the note the reviewer wrote (every tag has one, so a cause an admin has
 * since made to need a note still takes it). `suggested`: the line's suggested cause, kept.
 */
export interface HistoryCause {
  cause: string;
  note: string;
}

export interface HistoryStocktake {
  daysAgo: number;
  /** What the shelves hold against the book ("SKU@LOCATION" → difference): every count finds it. */
  variances: Record<string, string>;
  causes: Record<string, HistoryCause>;
  /** bob's first count of a line off by this much; carol's recount (round 2) finds the shelf. */
  bobSlips: Record<string, string>;
  /** ada rejects the loss document once; sam re-tags these lines and submits again. */
  reject?: { reason: string; retag: Record<string, HistoryCause> };
  /** From counting closed to ada's (last) approval. */
  postedAfterHours: number;
}

export const HISTORY_STOCKTAKES: readonly HistoryStocktake[] = [
  {
    daysAgo: 150,
    variances: { 'CUP-GL320@B-01-01': '-4', 'RICE-DB@E-01-01': '-8' },
    causes: {
      'CUP-GL320@B-01-01': { cause: 'damage', note: '上架时碰碎 4 只' },
      'RICE-DB@E-01-01': { cause: 'unrecorded_issue', note: '门店取米试吃' },
    },
    bobSlips: { 'GOJI-NX@E-01-02': '1.5' },
    postedAfterHours: 72,
  },
  {
    daysAgo: 95,
    variances: { 'CUP-GL320@B-01-01': '-6', 'RICE-DB@E-01-01': '-10', 'FLT-CL@D-01-02': '2' },
    causes: {
      'CUP-GL320@B-01-01': { cause: 'counting_error', note: '复点少了 6 只' },
      'RICE-DB@E-01-01': { cause: 'unrecorded_issue', note: '门店取米试吃' },
      'FLT-CL@D-01-02': { cause: 'unrecorded_receipt', note: '供应商补发未入账' },
    },
    bobSlips: { 'CAN-MT@D-01-01': '-10' },
    reject: {
      reason: '品茗杯是打碎的，请按报损处理',
      retag: { 'CUP-GL320@B-01-01': { cause: 'damage', note: '碎片在回收箱' } },
    },
    postedAfterHours: 30,
  },
  {
    daysAgo: 35,
    variances: { 'CUP-GL320@B-01-01': '-12', 'POT-ZS@C-01-01': '-1', 'RICE-DB@E-01-01': '-12' },
    causes: {
      'CUP-GL320@B-01-01': { cause: 'suggested', note: '又碎了一箱里的 12 只' },
      'POT-ZS@C-01-01': { cause: 'damage', note: '搬运时壶嘴磕断' },
      'RICE-DB@E-01-01': { cause: 'suggested', note: '门店取米试吃' },
    },
    bobSlips: { 'TRAY-ZB@C-02-02': '5' },
    postedAfterHours: 5,
  },
];

/**
 * Every cause the history tags, with the way its variances go: they must be in the catalogue, active and
 * fit that way (src/services/demo.ts checks before loading). The suggested ones are the recurring causes.
 */
export function historyCauses(): { cause: string; direction: 'gain' | 'loss' }[] {
  const found = new Map<string, { cause: string; direction: 'gain' | 'loss' }>();
  for (const st of HISTORY_STOCKTAKES)
    for (const [line, { cause }] of [...Object.entries(st.causes), ...Object.entries(st.reject?.retag ?? {})]) {
      const direction = st.variances[line]!.startsWith('-') ? 'loss' : 'gain';
      if (cause !== 'suggested') found.set(`${cause} ${direction}`, { cause, direction });
    }
  return [...found.values()];
}

/** Counters by zone (the location's first letter): alice A and B, bob the rest. */
export const zoneCounter = (location: string): 'alice' | 'bob' => (/^[AB]-/.test(location) ? 'alice' : 'bob');

/** The case sam writes up the day after S3 posts, from its RICE-DB line: today's RICE-DB loss matches it. */
export const HISTORY_CASE = {
  stocktake: 2,
  line: 'RICE-DB@E-01-01',
  title: '散装大米试吃取用未开领用单',
  whatHappened: '门店每周从 E-01-01 的散装大米里取米做试吃和样品袋，没有开领用单；连续三次盘点盘亏 8–12 kg。',
  action: '试吃和样品取米一律开领用单（出库类型：样品），店长每周核对一次',
  actionOwner: 'sam',
  /** The action is due this many days after the case is written. */
  dueAfterDays: 60,
} as const;

/** The cycle-count plan ann sets after S3: days between counts per ABC class. */
export const HISTORY_PLAN = { days: { A: 30, B: 90, C: 180 }, setBy: 'ann', daysAgo: 33 } as const;

const qty = (text: string): bigint => {
  const parsed = parseDecimal(text, QTY_SCALE, { allowNegative: true });
  if (!parsed.ok) throw new Error(`demo history: bad quantity ${text}`);
  return parsed.value;
};

/** The issue and receipt rows of the history: [sku, location, signed qty, kind, ref, days ago, "HH:MM"]. */
export function historyMovements(): [string, string, string, 'issue' | 'receipt', string, number, string][] {
  const rows: [string, string, string, 'issue' | 'receipt', string, number, string][] = [];
  MONTHLY_ISSUES.forEach(([sku, location, monthly, months = ISSUE_DAYS.length], n) => {
    const issued = (i: number) => (i < months ? qty(monthly) : 0n);
    RECEIPT_DAYS.forEach((day, q) => {
      const restock = issued(3 * q) + issued(3 * q + 1) + issued(3 * q + 2);
      if (restock > 0n) rows.push([sku, location, formatDecimal(restock, QTY_SCALE), 'receipt', `PO-${31001 + q * 20 + n}`, day, '10:00']);
    });
    ISSUE_DAYS.forEach((day, i) => {
      if (i < months) rows.push([sku, location, `-${monthly}`, 'issue', `SO-${76001 + i * 20 + n}`, day, '16:00']);
    });
  });
  return rows.sort((a, b) => b[5] - a[5] || a[6].localeCompare(b[6]) || a[0].localeCompare(b[0]));
}

/** The book a year ago: today's book less every movement and posted variance of the history. */
export function openingBook(): [string, string, string][] {
  const change = new Map<string, bigint>();
  const add = (line: string, by: bigint) => change.set(line, (change.get(line) ?? 0n) + by);
  for (const [sku, location, q] of historyMovements()) add(`${sku}@${location}`, qty(q));
  for (const st of HISTORY_STOCKTAKES) for (const [line, diff] of Object.entries(st.variances)) add(line, qty(diff));
  return DEMO_BOOK.map(([sku, location, book]) => [
    sku,
    location,
    formatDecimal(qty(book) - (change.get(`${sku}@${location}`) ?? 0n), QTY_SCALE),
  ]);
}
