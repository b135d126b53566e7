/** Partial stocktakes, spot checks and cycle-count plans (issue 16 §2): errors and the words around them. */
import { phrases } from '../phrase.ts';

export const scopeTexts = phrases('scope', {
  badLocation: (text: string) => ({
    en: `location "${text}" is not valid: give a location code or a prefix ending in * (A-*)`,
    zh: `库位“${text}”无效：请填写库位编码，或以 * 结尾的前缀（如 A-*）`,
  }),
  badClass: (text: string) => ({
    en: `ABC class "${text}" is not valid: give A, B or C`,
    zh: `ABC 类“${text}”无效：请填写 A、B 或 C`,
  }),
  outOfScope: (code: string, line: number, label: string, scope: string, scopeZh: string) => ({
    en: `row ${line}: ${label} is outside the scope of stocktake ${code} (${scope}); nothing of this sheet was recorded`,
    zh: `第 ${line} 行：${label} 不在盘点任务 ${code} 的范围内（${scopeZh}），本表未导入任何内容`,
    advice: {
      chat: { en: '. Remove the row, or count it in a stocktake that covers it.', zh: '。请删除该行，或在涵盖它的盘点任务中盘点。' },
      cli: { en: '. Remove the row, or count it in a stocktake that covers it.', zh: '。请删除该行，或在涵盖它的盘点任务中盘点。' },
    },
  }),
  emptyScope: (warehouse: string, scope: string, scopeZh: string) => ({
    en: `nothing of warehouse ${warehouse} is in the scope (${scope}): no stocktake started`,
    zh: `仓库 ${warehouse} 没有任何库存在该范围内（${scopeZh}），未开始盘点`,
  }),
  sizeOrShare: () => ({
    en: 'give the sample size either as a number of items or as a share, one of them',
    zh: '请指定抽样数量或抽样比例，二选一',
    advice: {
      cli: { en: ' (--size 50 or --share 5%)', zh: '（--size 50 或 --share 5%）' },
      api: { en: ' ("size": 50 or "share": "5%")', zh: '（"size": 50 或 "share": "5%"）' },
      page: {
        en: ': fill in "Items to draw" or the share, and leave the other empty',
        zh: '：填写“抽样数量”或“抽样比例”其中一项，另一项留空',
      },
      chat: { en: ' (e.g. 50 items or 5%)', zh: '（如 50 件或 5%）' },
    },
  }),
  badSize: (text: string) => ({
    en: `sample size "${text}" is not valid: give a whole number of items, at least 1`,
    zh: `抽样数量“${text}”无效：请填写不小于 1 的整数`,
  }),
  badShare: (text: string) => ({
    en: `share "${text}" is not valid: give a percentage above 0 and up to 100 (5%)`,
    zh: `抽样比例“${text}”无效：请填写大于 0 且不超过 100 的百分比（如 5%）`,
  }),
  badWeighting: (text: string) => ({
    en: `weighting "${text}" is not valid: give value or class`,
    zh: `加权方式“${text}”无效：请填写 value（按金额）或 class（按 ABC 类）`,
  }),
  badSeed: (text: string) => ({
    en: `seed "${text}" is not valid: give a whole number from 0 to 4294967295`,
    zh: `随机种子“${text}”无效：请填写 0 到 4294967295 之间的整数`,
  }),
  nothingToSample: (warehouse: string) => ({
    en: `warehouse ${warehouse} holds no stock to sample: no spot check started`,
    zh: `仓库 ${warehouse} 没有可抽样的库存，未开始抽盘`,
  }),
  estimate: (accuracy: string, low: string, high: string, matching: number, lines: number, items: number, population: number) => ({
    en: `estimated accuracy ${accuracy}% (95% interval ${low}–${high}%): ${matching} of ${lines} line(s) matched, sample of ${items} of ${population} items`,
    zh: `估计准确率 ${accuracy}%（95% 区间 ${low}–${high}%）：${lines} 行中 ${matching} 行相符，样本 ${items} 个物料（共 ${population} 个）`,
  }),
});

const listed = (skus: readonly string[]) =>
  skus.length > 30 ? `${skus.slice(0, 30).join(', ')} …(+${skus.length - 30})` : skus.join(', ');

export const planTexts = phrases('cyclePlan', {
  badDays: (cls: string, text: string) => ({
    en: `days for class ${cls} "${text}" is not valid: give a whole number of days from 1 to 3650`,
    zh: `${cls} 类的盘点间隔“${text}”无效：请填写 1 到 3650 之间的整数天数`,
  }),
  badLocationDays: (location: string, text: string) => ({
    en: `days for location ${location} "${text}" is not valid: give a whole number of days from 1 to 3650`,
    zh: `库位 ${location} 的盘点间隔“${text}”无效：请填写 1 到 3650 之间的整数天数`,
  }),
  badLocationRule: (text: string) => ({
    en: `location rule "${text}" is not valid: give a location or a zone prefix ending in *, an equals sign and the days between counts (A-01*=14)`,
    zh: `库位规则“${text}”无效：请按“库位或以 * 结尾的区域前缀=间隔天数”填写（如 A-01*=14）`,
  }),
  noLocationRule: (location: string, warehouse: string) => ({
    en: `the cycle-count plan of ${warehouse} has no rule for location ${location}: nothing was changed`,
    zh: `仓库 ${warehouse} 的周期盘点计划没有库位 ${location} 的规则，未作任何修改`,
  }),
  setAndRemoved: (location: string) => ({
    en: `location ${location} is both set and removed: give it once; nothing was changed`,
    zh: `库位 ${location} 同时被设置和删除：请只保留一项，未作任何修改`,
  }),
  /** The rule an item is due by, in one sentence (the plan view, the page and README say the same). */
  planRule: () => ({
    en: 'An item is due when it is due by its ABC class or by a location rule covering a location where it is held (counted there the rule’s days ago, or never); the earliest date counts, and the due stocktake counts the item at all its locations.',
    zh: '物料按其 ABC 类到期，或按覆盖其存放库位的库位规则到期（该库位上次盘点已满规则天数，或从未盘点），即视为到期；以较早的日期为准，到期盘点会盘点该物料的所有库位。',
  }),
  planLocations: (rules: string) => ({
    en: `Location rules: ${rules}.`,
    zh: `库位规则：${rules}。`,
  }),
  planNoLocations: () => ({ en: 'No location rules.', zh: '没有库位规则。' }),
  locationRule: (location: string, days: number) => ({ en: `${location} every ${days} days`, zh: `${location} 每 ${days} 天` }),
  perRuleHeaders: () => ({ en: 'Rule|Days|Items|Due', zh: '规则|间隔天数|物料数|到期' }),
  ruleClass: (cls: string) => ({ en: `class ${cls}`, zh: `${cls} 类` }),
  ruleLocation: (location: string) => ({ en: `location ${location}`, zh: `库位 ${location}` }),
  announcementTitle: (code: string) => ({ en: `Cycle count ${code} is due`, zh: `周期盘点 ${code} 已到期` }),
  /** a, b, c: the due items of each class, listed ('' for none). */
  /** byLocation: the location rules with items due and how many ("A-01* 3, B-* 1"; '' for none). */
  announcement: (code: string, warehouse: string, items: number, lines: number, a: string, b: string, c: string, byLocation: string) => ({
    en: [
      `The cycle-count plan of ${warehouse} started ${code}: ${items} item(s) are due, ${lines} line(s) to count.`,
      ...(a ? [`Class A: ${a}`] : []),
      ...(b ? [`Class B: ${b}`] : []),
      ...(c ? [`Class C: ${c}`] : []),
      ...(byLocation ? [`Due by location rule: ${byLocation}`] : []),
    ].join('\n'),
    zh: [
      `仓库 ${warehouse} 的周期盘点计划已开始 ${code}：${items} 个物料到期，需盘点 ${lines} 行。`,
      ...(a ? [`A 类：${a}`] : []),
      ...(b ? [`B 类：${b}`] : []),
      ...(c ? [`C 类：${c}`] : []),
      ...(byLocation ? [`按库位规则到期：${byLocation}`] : []),
    ].join('\n'),
  }),
  planHeading: (warehouse: string, a: number, b: number, c: number, set: boolean) => ({
    en: `Cycle-count plan of ${warehouse}${set ? '' : ' (not set; the defaults)'}: class A every ${a} days, B every ${b}, C every ${c}.`,
    zh: `仓库 ${warehouse} 的周期盘点计划${set ? '' : '（未设置，以下为默认值）'}：A 类每 ${a} 天，B 类每 ${b} 天，C 类每 ${c} 天。`,
  }),
  planDue: (due: number, items: number) => ({
    en: `${due} of ${items} held item(s) due now.`,
    zh: `在库 ${items} 个物料中 ${due} 个已到期。`,
  }),
  planHeaders: () => ({ en: 'SKU|ABC|Last counted|Next due|Due|Location rule', zh: '物料编码|ABC 类|上次盘点|下次到期|到期|库位规则' }),
  /** reasons: the rules it is due by ("class A, A-01*"). */
  planDueBy: (reasons: string) => ({ en: `due (${reasons})`, zh: `到期（${reasons}）` }),
  planYes: () => ({ en: 'due', zh: '到期' }),
  planNever: () => ({ en: 'never', zh: '从未' }),
  suggestionsHeading: (n: number) => ({
    en: `Count more often (${n}): items with variances in two or more counts`,
    zh: `建议提高盘点频率（${n} 个）：两次及以上盘点出现差异的物料`,
  }),
  suggestion: (sku: string, cls: string, withVariance: number, counts: number, current: number, suggested: number) => ({
    en: `  ${sku} (class ${cls}): variances in ${withVariance} of ${counts} counts; every ${current} days → every ${suggested} days`,
    zh: `  ${sku}（${cls} 类）：${counts} 次盘点中 ${withVariance} 次有差异；每 ${current} 天 → 每 ${suggested} 天`,
  }),
  planStarted: (code: string, items: number, lines: number) => ({
    en: `Started cycle count ${code}: ${items} due item(s), ${lines} line(s) frozen; announced in the team chats.`,
    zh: `已开始周期盘点 ${code}：到期物料 ${items} 个，冻结账面 ${lines} 行；已在团队群通知。`,
  }),
  planNothing: (warehouse: string, outcome: string) => ({
    en: `No cycle count started for ${warehouse}: ${outcome}.`,
    zh: `仓库 ${warehouse} 未开始周期盘点：${outcome === 'no plan' ? '没有计划' : outcome === 'nothing due' ? '没有到期物料' : '已有进行中的盘点'}。`,
  }),
});
