/**
 * Words of the daily digest and the weekly report, in en and zh-CN (the same keys in both: the type of
 * `digestZhCN` is checked against `digestEn`). States and roles are named from their one catalogues (states.ts, roles.ts).
 */
import type { Locale } from './index.ts';
import { roleLabels } from './roles.ts';
import { stateLabels } from './states.ts';

/** "3 d 4 h", "5 h 20 min", "12 min", "< 1 min". */
function durationEn(seconds: number): string {
  const m = Math.floor(seconds / 60);
  if (m < 1) return '< 1 min';
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

function durationZh(seconds: number): string {
  const m = Math.floor(seconds / 60);
  if (m < 1) return '不到1分钟';
  if (m < 60) return `${m}分钟`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}小时${m % 60}分` : `${h}小时`;
  return h % 24 ? `${Math.floor(h / 24)}天${h % 24}小时` : `${Math.floor(h / 24)}天`;
}

const list = (items: string[]) => items.join(', ');

export const digestEn = {
  duration: durationEn,
  roles: roleLabels('en'),
  kinds: { gain: 'gain', loss: 'loss' } as Record<string, string>,
  states: stateLabels('en'),
  daily: {
    title: (code: string, name: string) => `Daily digest · ${code}${name && name !== code ? ` ${name}` : ''}`,
    subtitle: (at: string, since: string) => `${at} · changes since ${since}`,
    nothing: (warehouse: string) => `No stocktake is in progress in ${warehouse}, and none was posted since the last digest.`,
    heading: (code: string, state: string) => `**${code}** · ${state}`,
    postedAt: (at: string) => `Posted ${at}.`,
    counted: 'Counted',
    verified: 'Verified',
    conflicts: 'Conflicts',
    uncounted: 'Uncounted',
    gains: 'Gains',
    losses: 'Losses',
    net: 'Net value',
    openVariances: 'Open variances',
    overdue: 'Overdue',
    review: 'Variances by state:',
    changesTitle: 'Since the last digest:',
    noChanges: 'Nothing changed.',
    separator: '; ',
    started: (at: string) => `started ${at}`,
    closed: (at: string) => `counting closed ${at}`,
    imports: (n: number, lines: number) => `${n} count sheet(s), ${lines} line(s)`,
    confirmed: (n: number) => `${n} confirmed`,
    tagged: (n: number) => `${n} cause(s) tagged`,
    notes: (n: number) => `${n} note(s)`,
    recountsRequested: (n: number) => `${n} sent to recount`,
    recounted: (n: number) => `${n} recounted`,
    reassigned: (n: number) => `${n} reassigned`,
    returned: (n: number) => `${n} returned by a rejection`,
    submitted: (docs: string[]) => `submitted ${list(docs)}`,
    approved: (steps: string[]) => `approved ${list(steps)}`,
    rejected: (docs: string[]) => `rejected ${list(docs)}`,
    posted: (docs: string[]) => `posted ${list(docs)}`,
    stepBy: (number: string, step: number, by: string) => `${number} step ${step} (${by})`,
    rejectedBy: (number: string, by: string, reason: string) => `${number} (${by}: “${reason}”)`,
    largestTitle: 'Largest open variances',
    line: 'Line',
    diff: 'Diff',
    value: 'Value',
    owner: 'Owner',
    status: 'Status',
    late: 'Late',
    item: 'Item',
    who: 'Who',
    overdueTitle: (n: number) => `Overdue (${n})`,
    overdueLine: (line: string, state: string) => `${line} · ${state}`,
    overdueStep: (number: string, step: number, role: string) => `${number} step ${step} · ${role}`,
    recountBy: (who: string) => `${who} (recount)`,
    nobody: 'nobody',
    queueTitle: 'Waiting for approval',
    role: 'Role',
    holders: 'Who may decide',
    document: 'Document',
    waiting: 'Waiting',
    stepOf: (number: string, step: number, of: number) => `${number} (${step}/${of})`,
    footer: 'Send "status" in the team chat for the stocktake, "variances" for the lines to review.',
  },
  weekly: {
    title: (code: string, week: string) => `Weekly report · ${code} · ${week}`,
    subtitle: (start: string, end: string) => `${start} – ${end}`,
    nothing: 'Nothing was posted, decided or counted this week.',
    stocktakesPosted: 'Stocktakes posted',
    cycleTime: 'Cycle time (median / p90)',
    matched: 'Lines matched',
    varianceShare: 'Variance / counted value',
    gains: 'Gains posted',
    losses: 'Losses posted',
    latency: 'Approval latency (median / p90)',
    suggestionsKept: 'Suggested cause kept',
    itemsHandled: 'Items handled',
    kept: (kept: number, of: number, percent: string) => `${kept} of ${of} (${percent}%)`,
    of: (n: number, total: number, percent: string) => `${n} of ${total} (${percent}%)`,
    trendTitle: 'Last weeks',
    week: 'Week',
    posted: 'Posted',
    cycle: 'Cycle',
    matchedShort: 'Matched',
    varianceShort: 'Var/val',
    latencyShort: 'Approval',
    causesTitle: 'Causes posted',
    cause: 'Cause',
    lines: 'Lines',
    gain: 'Gain',
    loss: 'Loss',
    stepsTitle: 'Approval latency per step',
    step: 'Step',
    decisions: 'Decided',
    median: 'Median',
    p90: 'p90',
    peopleTitle: 'Items handled per person',
    person: 'Person',
    countedLines: 'Counted',
    confirmations: 'Confirmed',
    tags: 'Tagged',
    approvals: 'Decided',
    total: 'Total',
    footer:
      'Cycle time: counting closed → last document posted. Items: lines counted, variances confirmed, tagged or sent to recount, approval decisions.',
  },
};

export type DigestTexts = typeof digestEn;

export const digestZhCN: DigestTexts = {
  duration: durationZh,
  roles: roleLabels('zh-CN'),
  kinds: { gain: '盘盈', loss: '盘亏' },
  states: stateLabels('zh-CN'),
  daily: {
    title: (code, name) => `日报 · ${code}${name && name !== code ? ` ${name}` : ''}`,
    subtitle: (at, since) => `${at} · 自 ${since} 以来的变化`,
    nothing: (warehouse) => `仓库 ${warehouse} 没有进行中的盘点，自上次日报以来也没有过账。`,
    heading: (code, state) => `**${code}** · ${state}`,
    postedAt: (at) => `已于 ${at} 过账。`,
    counted: '已盘',
    verified: '已核实',
    conflicts: '冲突',
    uncounted: '未盘',
    gains: '盘盈',
    losses: '盘亏',
    net: '净额',
    openVariances: '未处理差异',
    overdue: '已逾期',
    review: '差异状态：',
    changesTitle: '自上次日报以来：',
    noChanges: '没有变化。',
    separator: '；',
    started: (at) => `${at} 开始盘点`,
    closed: (at) => `${at} 结束盘点`,
    imports: (n, lines) => `导入盘点表 ${n} 份，共 ${lines} 行`,
    confirmed: (n) => `确认 ${n} 行`,
    tagged: (n) => `标注原因 ${n} 行`,
    notes: (n) => `备注 ${n} 条`,
    recountsRequested: (n) => `退回复盘 ${n} 行`,
    recounted: (n) => `复盘完成 ${n} 行`,
    reassigned: (n) => `转交 ${n} 行`,
    returned: (n) => `驳回退回 ${n} 行`,
    submitted: (docs) => `提交 ${docs.join('、')}`,
    approved: (steps) => `同意 ${steps.join('、')}`,
    rejected: (docs) => `驳回 ${docs.join('、')}`,
    posted: (docs) => `过账 ${docs.join('、')}`,
    stepBy: (number, step, by) => `${number} 第 ${step} 步（${by}）`,
    rejectedBy: (number, by, reason) => `${number}（${by}：“${reason}”）`,
    largestTitle: '金额最大的未处理差异',
    line: '行',
    diff: '差异',
    value: '金额',
    owner: '负责人',
    status: '状态',
    late: '逾期',
    item: '事项',
    who: '负责人',
    overdueTitle: (n) => `已逾期（${n}）`,
    overdueLine: (line, state) => `${line} · ${state}`,
    overdueStep: (number, step, role) => `${number} 第 ${step} 步 · ${role}`,
    recountBy: (who) => `${who}（复盘）`,
    nobody: '无人',
    queueTitle: '待审批',
    role: '角色',
    holders: '可审批人',
    document: '单据',
    waiting: '已等待',
    stepOf: (number, step, of) => `${number}（${step}/${of}）`,
    footer: '在作业群发送“状态”查看盘点，发送“差异”查看待复核的行。',
  },
  weekly: {
    title: (code, week) => `周报 · ${code} · ${week}`,
    subtitle: (start, end) => `${start} 至 ${end}`,
    nothing: '本周没有过账、审批或盘点。',
    stocktakesPosted: '过账盘点',
    cycleTime: '处理周期（中位数 / P90）',
    matched: '账实相符行',
    varianceShare: '差异金额 / 实盘金额',
    gains: '盘盈过账',
    losses: '盘亏过账',
    latency: '审批时长（中位数 / P90）',
    suggestionsKept: '采纳建议原因',
    itemsHandled: '处理事项',
    kept: (kept, of, percent) => `${of} 行中 ${kept} 行（${percent}%）`,
    of: (n, total, percent) => `${total} 行中 ${n} 行（${percent}%）`,
    trendTitle: '近几周',
    week: '周',
    posted: '过账',
    cycle: '周期',
    matchedShort: '相符',
    varianceShort: '差异率',
    latencyShort: '审批',
    causesTitle: '过账差异原因',
    cause: '原因',
    lines: '行数',
    gain: '盘盈',
    loss: '盘亏',
    stepsTitle: '各审批步骤用时',
    step: '步骤',
    decisions: '已审批',
    median: '中位数',
    p90: 'P90',
    peopleTitle: '每人处理事项',
    person: '人员',
    countedLines: '盘点行',
    confirmations: '确认',
    tags: '标注',
    approvals: '审批',
    total: '合计',
    footer: '处理周期：结束盘点至最后一张单据过账。事项：盘点行、确认、标注或退回复盘的差异、审批决定。',
  },
};

export function digestTexts(locale: Locale): DigestTexts {
  return locale === 'en' ? digestEn : digestZhCN;
}

/** "2026-W48" as the locale writes it: "2026-W48" / "2026年第48周". */
export function weekName(label: string, locale: Locale): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  return m && locale === 'zh-CN' ? `${m[1]}年第${Number(m[2])}周` : label;
}
