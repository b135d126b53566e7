/** The case library (事故案例库): writing up an explained variance, its corrective action, searching. */
import { phrases } from '../phrase.ts';

const directionZh = (d: string): string => (d === 'gain' ? '盘盈' : d === 'loss' ? '盘亏' : d);

export const caseTexts = phrases('cases', {
  notFound: (code: string) => ({
    en: `case ${JSON.stringify(code)} not found; give its code, e.g. C-12`,
    zh: `找不到案例“${code}”，请填写案例编号，例如 C-12`,
  }),
  noLines: () => ({
    en: 'name at least one variance the case explains (SKU or SKU@LOCATION)',
    zh: '请至少指定一条案例所说明的差异（SKU 或 SKU@库位）',
  }),
  notExplained: (line: string) => ({
    en: `${line} has no cause yet: tag its cause before writing it up as a case`,
    zh: `${line} 还没有标注原因：请先标注原因，再写成案例`,
  }),
  noVariance: (line: string) => ({ en: `${line} has no variance to write up`, zh: `${line} 没有差异，无需写成案例` }),
  mixedDirections: (lines: string) => ({
    en: `the lines go different ways (${lines}): a case explains gains or losses, not both`,
    zh: `这些行的差异方向不同（${lines}）：一个案例只说明盘盈或只说明盘亏`,
  }),
  causeDirection: (code: string, direction: string) => ({
    en: `cause ${code} does not explain a ${direction}`,
    zh: `原因 ${code} 不适用于${directionZh(direction)}`,
  }),
  mayNotWrite: (who: string, line: string, rolesEn: string, rolesZh: string, warehouse: string) => ({
    en: `${who} may not write up ${line}: only its owner or a ${rolesEn} of ${warehouse} may`,
    zh: `${who} 不能把 ${line} 写成案例：只有该差异的负责人或 ${warehouse} 的${rolesZh}可以`,
  }),
  mayNotClose: (who: string, code: string, owner: string, rolesEn: string, rolesZh: string) => ({
    en: `${who} may not close ${code}: only the action's owner ${owner} or a ${rolesEn} may`,
    zh: `${who} 不能关闭案例 ${code}：只有整改负责人 ${owner} 或${rolesZh}可以`,
  }),
  ownerNoRole: (who: string, warehouse: string) => ({
    en: `${who} has no role in ${warehouse} and cannot own its corrective action`,
    zh: `${who} 在 ${warehouse} 没有角色，不能担任整改负责人`,
  }),
  alreadyDone: (code: string) => ({ en: `case ${code} is already done`, zh: `案例 ${code} 已经完成` }),
  fieldEmpty: (en: string, zh: string) => ({ en: `${en} is empty`, zh: `${zh}为空` }),
  fieldTooLong: (en: string, zh: string, max: number) => ({
    en: `${en} is longer than ${max} characters`,
    zh: `${zh}超过 ${max} 个字符`,
  }),
  badDueDay: (text: string) => ({
    en: `due date ${JSON.stringify(text)} is not a date like 2026-12-31`,
    zh: `整改期限“${text}”不是有效日期，例如 2026-12-31`,
  }),
  dueInPast: (day: string, today: string) => ({
    en: `due date ${day} is before today (${today})`,
    zh: `整改期限 ${day} 早于今天（${today}）`,
  }),
  badStatus: (text: string) => ({
    en: `status ${JSON.stringify(text)} is not open or done`,
    zh: `状态“${text}”无效，应为 open（整改中）或 done（已完成）`,
  }),
  chatNotBound: () => ({
    en: 'this chat is not bound to a warehouse yet: send "bind WH1" first',
    zh: '本群还没有绑定仓库：请先发送“绑定 WH1”',
  }),
  chatNoStocktake: (warehouse: string) => ({
    en: `${warehouse} has no stocktake to write a case from`,
    zh: `${warehouse} 没有可以写成案例的盘点`,
  }),
  chatUsage: () => ({
    en: 'write it as: writeup SKU@LOCATION | title | what happened | corrective action | owner | due date (YYYY-MM-DD)',
    zh: '请这样写：写成案例 SKU@库位 | 标题 | 经过 | 整改措施 | 负责人 | 期限（YYYY-MM-DD）',
  }),
  emptyQuery: () => ({ en: 'the search has no words', zh: '搜索内容为空' }),
  created: (code: string, title: string) => ({ en: `case ${code} written: ${title}`, zh: `已写成案例 ${code}：${title}` }),
  closed: (code: string) => ({ en: `case ${code} done: its corrective action is closed`, zh: `案例 ${code} 已完成：整改措施已关闭` }),
  noneFound: (query: string) => ({ en: `no case matches ${JSON.stringify(query)}`, zh: `没有与“${query}”匹配的案例` }),
});

/** The words of the case library on pages, cards and the CLI, per language (one catalogue for every surface). */
export const CASE_WORDS = {
  en: {
    library: 'Case library',
    cases: 'Cases',
    case: 'Case',
    title: 'Title',
    whatHappened: 'What happened',
    rootCause: 'Root cause',
    direction: { gain: 'gain', loss: 'loss' } as Record<string, string>,
    evidence: 'Evidence: variances',
    photos: 'Photos',
    action: 'Corrective action',
    actionOwner: 'Owner',
    due: 'Due',
    status: { open: 'open', done: 'done' } as Record<string, string>,
    statusLabel: 'Status',
    history: 'History',
    writeUp: 'Write up as case',
    search: 'Search',
    searchHint: 'words in Chinese or English, e.g. 破损 or pallet',
    none: 'No cases yet.',
    overdue: 'overdue',
    done: 'Mark done',
    doneNote: 'What was done',
    createdBy: (who: string, at: string) => `written by ${who}, ${at}`,
    doneBy: (who: string, at: string) => `done by ${who}, ${at}`,
    line: 'Line',
    diffQty: 'Diff qty',
    diffValue: 'Diff value',
    stocktake: 'Stocktake',
    lines: 'Lines (SKU@LOCATION, one per line)',
    save: 'Write up',
    score: 'Match',
  },
  'zh-CN': {
    library: '事故案例库',
    cases: '案例',
    case: '案例',
    title: '标题',
    whatHappened: '经过',
    rootCause: '根本原因',
    direction: { gain: '盘盈', loss: '盘亏' } as Record<string, string>,
    evidence: '证据：差异行',
    photos: '照片',
    action: '整改措施',
    actionOwner: '负责人',
    due: '期限',
    status: { open: '整改中', done: '已完成' } as Record<string, string>,
    statusLabel: '状态',
    history: '历史记录',
    writeUp: '写成案例',
    search: '搜索',
    searchHint: '中文或英文关键词，例如 破损 或 pallet',
    none: '还没有案例。',
    overdue: '已逾期',
    done: '标记完成',
    doneNote: '整改结果',
    createdBy: (who: string, at: string) => `${who} 于 ${at} 撰写`,
    doneBy: (who: string, at: string) => `${who} 于 ${at} 完成`,
    line: '行',
    diffQty: '差异数量',
    diffValue: '差异金额',
    stocktake: '盘点',
    lines: '差异行（SKU@库位，每行一个）',
    save: '写成案例',
    score: '匹配度',
  },
} as const;
