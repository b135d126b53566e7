/**
 * Stock structure (issue 16 §1): ABC classes by consumption value, turnover, days of stock, slow movers and
 * dead stock — the words of the CLI, the API's errors, the dashboard page and the monthly report.
 */
import { phrases } from '../phrase.ts';

/** Column headings of the per-item and per-category tables (CLI, page, CSV header stays in English). */
const COLUMNS = {
  sku: { en: 'SKU', zh: '物料编码' },
  name: { en: 'Name', zh: '名称' },
  category: { en: 'Category', zh: '品类' },
  class: { en: 'ABC', zh: 'ABC 类' },
  items: { en: 'Items', zh: '物料数' },
  issueQty: { en: 'Issued', zh: '出库数量' },
  issueValue: { en: 'Consumption', zh: '消耗金额' },
  cumulative: { en: 'Cumulative %', zh: '累计占比 %' },
  stockQty: { en: 'On hand', zh: '当前库存' },
  stockValue: { en: 'Stock value', zh: '库存金额' },
  averageValue: { en: 'Average stock value', zh: '平均库存金额' },
  turnover: { en: 'Turnover', zh: '周转次数' },
  daysOfStock: { en: 'Days of stock', zh: '可用天数' },
  lastIssue: { en: 'Last issue', zh: '最近出库' },
  daysIdle: { en: 'Days idle', zh: '无出库天数' },
  status: { en: 'Status', zh: '状态' },
} as const;

export type StructureColumn = keyof typeof COLUMNS;

/** The column headings as a catalogue: `structureColumns.sku()`. */
export const structureColumns = phrases(
  'structure.columns',
  Object.fromEntries(Object.entries(COLUMNS).map(([k, w]) => [k, () => ({ en: w.en, zh: w.zh })])) as Record<
    StructureColumn,
    () => { en: string; zh: string }
  >,
);

export const structureTexts = phrases('structure', {
  badPeriod: (text: string) => ({
    en: `period "${text}" is not valid: give a whole number of days from 7 to 3650 (default 365)`,
    zh: `统计期“${text}”无效：请填写 7 到 3650 之间的整数天数（默认 365）`,
    advice: { cli: { en: ' (--days 365)', zh: '（--days 365）' } },
  }),
  badAsOf: (text: string) => ({
    en: `as-of "${text}" is not valid: give a date (2026-06-30, read as the end of that day in the warehouse's timezone) or an ISO instant`,
    zh: `截止时间“${text}”无效：请填写日期（如 2026-06-30，按仓库时区取当天结束）或 ISO 时间`,
  }),
  asOfInFuture: (text: string) => ({
    en: `as-of "${text}" is in the future: the structure is computed from movements that have happened`,
    zh: `截止时间“${text}”在未来：库存结构只根据已发生的出入库计算`,
  }),
  badCutoffs: (a: string, b: string) => ({
    en: `ABC cut-offs A ${a}% and B ${b}% are not valid: A above 0, B at least 0, A + B at most 100 (default 80 and 15, C the rest)`,
    zh: `ABC 分类界限 A ${a}%、B ${b}% 无效：A 大于 0，B 不小于 0，A + B 不超过 100（默认 80 和 15，其余为 C）`,
  }),
  badDays: (slow: string, dead: string) => ({
    en: `slow-mover days ${slow} and dead-stock days ${dead} are not valid: whole days, slow above 0 and dead above slow (default 90 and 180)`,
    zh: `呆滞天数 ${slow} 与死库存天数 ${dead} 无效：须为整数天，呆滞大于 0 且死库存大于呆滞（默认 90 和 180）`,
  }),
  badClass: (text: string) => ({
    en: `ABC class "${text}" is not valid: use A, B or C`,
    zh: `ABC 类别“${text}”无效：请用 A、B 或 C`,
  }),
  badStatus: (text: string) => ({
    en: `status "${text}" is not valid: use slow or dead`,
    zh: `状态“${text}”无效：请用 slow（呆滞）或 dead（死库存）`,
  }),
  title: (warehouse: string) => ({ en: `Stock structure of ${warehouse}`, zh: `${warehouse} 库存结构` }),
  monthlyTitle: (warehouse: string, month: string) => ({
    en: `Monthly stock structure report · ${warehouse} · ${month}`,
    zh: `月度库存结构报告 · ${warehouse} · ${month}`,
  }),
  period: (from: string, to: string, days: number) => ({
    en: `Consumption over ${days} days, ${from} to ${to}`,
    zh: `统计期 ${days} 天：${from} 至 ${to}`,
  }),
  settings: (a: string, b: string, slow: number, dead: number) => ({
    en: `ABC cut-offs A ${a}% · B ${b}% · C the rest; slow mover after ${slow} days without an issue, dead stock after ${dead}`,
    zh: `ABC 界限 A ${a}% · B ${b}% · 其余为 C；${slow} 天无出库为呆滞，${dead} 天为死库存`,
  }),
  totals: (items: number, issueValue: string, stockValue: string, turnover: string, days: string, currency: string) => ({
    en: `${items} items · consumption ${issueValue} ${currency} · stock ${stockValue} ${currency} · turnover ${turnover} · ${days} days of stock`,
    zh: `${items} 个物料 · 消耗金额 ${issueValue} ${currency} · 库存金额 ${stockValue} ${currency} · 周转次数 ${turnover} · 库存可用 ${days} 天`,
  }),
  classLine: (cls: string, items: number, issueShare: string, issueValue: string, stockShare: string, stockValue: string) => ({
    en: `Class ${cls}: ${items} items, ${issueShare}% of consumption (${issueValue}), ${stockShare}% of stock (${stockValue})`,
    zh: `${cls} 类：${items} 个物料，占消耗 ${issueShare}%（${issueValue}），占库存 ${stockShare}%（${stockValue}）`,
  }),
  slowLine: (items: number, value: string) => ({
    en: `Slow movers: ${items} items, stock value ${value}`,
    zh: `呆滞物料：${items} 个，库存金额 ${value}`,
  }),
  deadLine: (items: number, value: string) => ({
    en: `Dead stock: ${items} items, stock value ${value}`,
    zh: `死库存：${items} 个，库存金额 ${value}`,
  }),
  topConsumers: () => ({ en: 'Top consumption (A items first)', zh: '消耗金额最高的物料' }),
  topSlow: () => ({ en: 'Slow movers by stock value', zh: '呆滞物料（按库存金额）' }),
  topDead: () => ({ en: 'Dead stock by stock value', zh: '死库存（按库存金额）' }),
  byCategory: () => ({ en: 'By category', zh: '按品类' }),
  uncategorised: () => ({ en: '(no category)', zh: '（未分类）' }),
  never: () => ({ en: 'never', zh: '从未出库' }),
  none: () => ({ en: 'none', zh: '无' }),
  nothingYet: () => ({
    en: 'No stock and no movements in this warehouse yet: import its movements to see its structure.',
    zh: '该仓库尚无库存和出入库记录：导入出入库记录后即可查看库存结构。',
    advice: {
      page: { en: ' (Admin → Imports)', zh: '（管理 → 导入）' },
    },
  }),
  itemLine: (sku: string, name: string, cls: string, issueValue: string, stockValue: string, turnover: string, days: string) => ({
    en: `${sku} ${name} [${cls}] consumption ${issueValue}, stock ${stockValue}, turnover ${turnover}, ${days} days`,
    zh: `${sku} ${name} [${cls}] 消耗 ${issueValue}，库存 ${stockValue}，周转 ${turnover}，可用 ${days} 天`,
  }),
  idleLine: (sku: string, name: string, qty: string, unit: string, value: string, lastIssue: string, days: string) => ({
    en: `${sku} ${name}: ${qty} ${unit} worth ${value}, last issue ${lastIssue} (${days} days idle)`,
    zh: `${sku} ${name}：${qty} ${unit}，金额 ${value}，最近出库 ${lastIssue}（已 ${days} 天无出库）`,
  }),
  more: (n: number) => ({ en: `… and ${n} more`, zh: `… 另有 ${n} 个` }),
  chartTitle: () => ({ en: 'Consumption and stock by class', zh: '各类别消耗与库存占比' }),
  chartConsumption: () => ({ en: 'Share of consumption (%)', zh: '消耗占比（%）' }),
  chartStock: () => ({ en: 'Share of stock value (%)', zh: '库存金额占比（%）' }),
  chartSlow: () => ({ en: 'Slow', zh: '呆滞' }),
  chartDead: () => ({ en: 'Dead', zh: '死库存' }),
  statusMoving: () => ({ en: 'Moving', zh: '正常周转' }),
  statusEmpty: () => ({ en: 'No stock', zh: '无库存' }),
  chartAlt: (a: string, b: string, c: string, slow: string, dead: string) => ({
    en: `Share of stock value: class A ${a}%, B ${b}%, C ${c}%; slow movers ${slow}%, dead stock ${dead}%.`,
    zh: `库存金额占比：A 类 ${a}%，B 类 ${b}%，C 类 ${c}%；呆滞 ${slow}%，死库存 ${dead}%。`,
  }),
  categoryChartTitle: () => ({ en: 'Turnover by category', zh: '各品类周转次数' }),
  pageIntro: () => ({
    en: 'ABC by the value issued in the period; turnover = consumption value ÷ average stock value (time-weighted over the period); days of stock = stock now ÷ average daily issue.',
    zh: 'ABC 按统计期内出库金额分类；周转次数 = 消耗金额 ÷ 平均库存金额（按时间加权）；库存可用天数 = 当前库存 ÷ 日均出库。',
  }),
  link: () => ({ en: 'Stock structure: ABC, turnover, slow movers', zh: '库存结构：ABC、周转、呆滞' }),
  warehouseLabel: () => ({ en: 'Warehouse', zh: '仓库' }),
  asOfLabel: () => ({ en: 'As of', zh: '截止日期' }),
  daysLabel: () => ({ en: 'Days', zh: '天数' }),
  show: () => ({ en: 'Show', zh: '查看' }),
  csvLink: () => ({ en: 'All items as CSV', zh: '全部物料 CSV' }),
  noWarehouse: () => ({
    en: 'You hold no role in any warehouse yet: ask an admin for one to see its stock structure.',
    zh: '你在任何仓库都还没有角色：请管理员分配后再查看库存结构。',
  }),
});
