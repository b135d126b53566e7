/**
 * The words of the dashboard pages in en and zh-CN. Both dictionaries have the same keys, which the type of
 * `zhCN` enforces. Text here is plain: pages escape it, except the few `…Html` entries, which are markup.
 */
import type { Locale } from '../../../cards/i18n/index.ts';

const en = {
  nav: { stocktakes: 'Stocktakes', people: 'People and roles' },
  stocktakeStates: { counting: 'Counting', reviewing: 'Reviewing variances', approving: 'Approving documents', posted: 'Posted', cancelled: 'Cancelled' },
  countStates: { counted: 'Counted', verified: 'Verified', conflict: 'Conflict', uncounted: 'Uncounted' },
  reviewStates: { none: 'No variance', open: 'To review', recount: 'Recount', confirmed: 'Confirmed', documented: 'On a document', posted: 'Posted' },
  documentStates: { approving: 'Approving', posted: 'Posted', rejected: 'Rejected' },
  stepStates: { waiting: 'Waiting', pending: 'Pending', approved: 'Approved', rejected: 'Rejected', cancelled: 'Cancelled' },
  kinds: { gain: 'Gain document', loss: 'Loss document' },
  roles: { counter: 'Counter', supervisor: 'Supervisor', finance: 'Finance', manager: 'Manager', admin: 'Admin' } as Record<string, string>,
  errors: {
    forbiddenTitle: 'Not allowed',
    notFoundTitle: 'Not found',
    badRequestTitle: 'Cannot show this page',
    stocktakeForbidden: (code: string) => `You hold no role in the warehouse of stocktake ${code}, so it is not shown to you. Ask an admin of that warehouse to grant you a role.`,
    peopleForbidden: 'Only admins manage people and roles. You are not an admin of any warehouse.',
    back: 'Back to the stocktakes',
  },
  list: {
    title: 'Stocktakes',
    code: 'Stocktake', warehouse: 'Warehouse', status: 'Status', started: 'Started', progress: 'Counting progress',
    open: 'Open variances', overdue: (n: number) => `${n} overdue`, net: 'Net value', documents: 'Documents',
    progressOf: (done: number, total: number) => `${done} of ${total} lines`,
    emptyHtml:
      'No stocktakes yet. Open the <a href="/">console</a> to load the demo data, or run <code>npx stocktake demo</code>; ' +
      'for your own warehouse, start one with <code>npx stocktake start &lt;warehouse&gt;</code> and import count sheets.',
    noRoleHtml: 'You hold no role in any warehouse yet, so no stocktakes are shown. Ask an admin to grant you one (<a href="/people">People</a>, or <code>npx stocktake roles grant</code>).',
    previous: '← Newer', next: 'Older →',
  },
  detail: {
    snapshot: 'Book frozen', countingClosed: 'Counting closed', imports: 'Sheets imported', lines: 'Lines',
    gains: 'Gains', losses: 'Losses', net: 'Net value', toReview: 'To review', overdue: 'Overdue', timezone: (tz: string) => `Times in ${tz}`,
    charts: 'Progress and causes', countingChart: 'Counting progress', reviewChart: 'Review progress', causeChart: 'Variance value by cause',
    noCause: 'No cause yet', gainSeries: 'Gain', lossSeries: 'Loss', noVariances: 'No variances to chart yet.',
    variances: 'Variances (counts vs book)',
    exports: 'Exports', exportsHint: 'Posted documents of this stocktake, one row per ledger entry, for the ERP:',
    exportsNone: 'Nothing posted yet: the export is available once a document of this stocktake is posted.',
    documents: 'Documents and approvals', audit: 'Audit history',
  },
  table: {
    sku: 'SKU', name: 'Name', location: 'Location', book: 'Book', movements: 'Movements', expected: 'Expected', counted: 'Counted',
    diff: 'Diff', value: 'Value', countStatus: 'Count', reviewStatus: 'Review', cause: 'Cause', suggestion: 'Suggested cause',
    owner: 'Owner', due: 'Due', note: 'Note', returned: 'Returned', overdue: 'overdue', auto: 'automatic',
    filterStatus: 'Review status', filterCause: 'Cause', filterLocation: 'Location', filterOwner: 'Owner', sort: 'Sort',
    any: 'any', noCauseYet: '(no cause yet)', byValue: 'by value (largest first)', bySku: 'by SKU', onlyDiff: 'only differences', apply: 'Apply', reset: 'Reset',
    shown: (from: number, to: number, total: number) => `Lines ${from}–${to} of ${total}`,
    none: 'No lines match these filters.', previous: '← Previous', next: 'Next →',
  },
  docs: {
    none: 'No documents yet: they are made when explained variances are submitted (npx stocktake submit).',
    number: 'Document', kind: 'Type', status: 'Status', lines: 'Lines', totalQty: 'Total qty', totalValue: 'Total value',
    route: 'Approval route', step: 'Step', role: 'Role', state: 'State', decidedBy: 'Decided by', at: 'When', due: 'Due', reason: 'Reason',
    download: 'Download', showLines: (n: number) => `Show ${n} line(s)`, line: 'Line', qty: 'Qty', unitCost: 'Unit cost', cause: 'Cause', note: 'Note',
    more: (n: number) => `… and ${n} more lines: the export has all of them.`,
  },
  audit: {
    verified: (rows: number) => `Chain verified: all ${rows} audit rows are intact.`,
    broken: (id: string, message: string) => `Chain broken at audit row ${id}: ${message}`,
    at: 'When', who: 'Who', action: 'Action', entity: 'About', change: 'Before → after',
    latest: (shown: number, total: number) => `Latest ${shown} of ${total} entries; \`npx stocktake audit show\` prints all of them.`,
    none: 'No audit entries for this stocktake.', operator: 'local operator',
  },
  people: {
    title: 'People and roles',
    handle: 'Handle', name: 'Name', identities: 'Identities', roles: 'Roles by warehouse',
    grantTitle: 'Grant or revoke a role', person: 'Person', role: 'Role', warehouse: 'Warehouse', grant: 'Grant', revoke: 'Revoke',
    revokeTitle: (role: string, warehouse: string) => `Revoke ${role} in ${warehouse}`,
    granted: (person: string, role: string, warehouse: string) => `${person} now holds ${role} in ${warehouse}.`,
    revoked: (person: string, role: string, warehouse: string) => `${person} no longer holds ${role} in ${warehouse}.`,
    refused: 'Not changed:',
    adminOf: (warehouses: string) => `You are an admin of ${warehouses}; you may change roles there.`,
    none: 'No people yet: add them with npx stocktake people add <handle>.',
  },
};

export type PageWords = typeof en;

const zhCN: PageWords = {
  nav: { stocktakes: '盘点任务', people: '人员与角色' },
  stocktakeStates: { counting: '盘点中', reviewing: '差异复核中', approving: '单据审批中', posted: '已过账', cancelled: '已取消' },
  countStates: { counted: '已盘', verified: '已核实', conflict: '冲突', uncounted: '未盘' },
  reviewStates: { none: '无差异', open: '待复核', recount: '复盘中', confirmed: '已确认', documented: '已生成单据', posted: '已过账' },
  documentStates: { approving: '审批中', posted: '已过账', rejected: '已驳回' },
  stepStates: { waiting: '待前序', pending: '待审批', approved: '已同意', rejected: '已驳回', cancelled: '已取消' },
  kinds: { gain: '盘盈单', loss: '盘亏单' },
  roles: { counter: '盘点员', supervisor: '仓库主管', finance: '财务', manager: '管理层', admin: '管理员' },
  errors: {
    forbiddenTitle: '无权访问',
    notFoundTitle: '未找到',
    badRequestTitle: '无法显示此页面',
    stocktakeForbidden: (code) => `你在盘点任务 ${code} 所属的仓库没有任何角色，因此不能查看它。请联系该仓库的管理员为你授予角色。`,
    peopleForbidden: '只有管理员可以管理人员与角色。你不是任何仓库的管理员。',
    back: '返回盘点任务',
  },
  list: {
    title: '盘点任务',
    code: '盘点任务', warehouse: '仓库', status: '状态', started: '开始时间', progress: '盘点进度',
    open: '待复核差异', overdue: (n) => `${n} 条已逾期`, net: '差异净额', documents: '单据',
    progressOf: (done, total) => `${done}/${total} 行`,
    emptyHtml:
      '还没有盘点任务。打开<a href="/">对话控制台</a>加载演示数据，或运行 <code>npx stocktake demo</code>；' +
      '盘点自己的仓库时，用 <code>npx stocktake start &lt;仓库&gt;</code> 开始盘点并导入盘点表。',
    noRoleHtml: '你还没有任何仓库的角色，因此这里没有显示盘点任务。请管理员为你授予角色（<a href="/people">人员与角色</a>，或 <code>npx stocktake roles grant</code>）。',
    previous: '← 较新', next: '较早 →',
  },
  detail: {
    snapshot: '冻结账面', countingClosed: '结束盘点', imports: '已导入盘点表', lines: '行数',
    gains: '盘盈', losses: '盘亏', net: '差异净额', toReview: '待复核', overdue: '已逾期', timezone: (tz) => `时间按 ${tz} 显示`,
    charts: '进度与原因', countingChart: '盘点进度', reviewChart: '复核进度', causeChart: '各原因差异金额',
    noCause: '尚未说明原因', gainSeries: '盘盈', lossSeries: '盘亏', noVariances: '暂无差异可绘图。',
    variances: '差异（实盘对比账面）',
    exports: '导出', exportsHint: '本盘点已过账的单据，每条台账记录一行，供 ERP 导入：',
    exportsNone: '尚未过账：本盘点有单据过账后即可导出。',
    documents: '单据与审批', audit: '审计记录',
  },
  table: {
    sku: 'SKU', name: '品名', location: '库位', book: '账面', movements: '期间出入库', expected: '应有', counted: '实盘',
    diff: '差异', value: '金额', countStatus: '盘点状态', reviewStatus: '复核状态', cause: '原因', suggestion: '建议原因',
    owner: '负责人', due: '截止', note: '备注', returned: '被退回', overdue: '已逾期', auto: '自动',
    filterStatus: '复核状态', filterCause: '原因', filterLocation: '库位', filterOwner: '负责人', sort: '排序',
    any: '全部', noCauseYet: '（尚未说明）', byValue: '按金额（大额在前）', bySku: '按 SKU', onlyDiff: '只看差异', apply: '筛选', reset: '重置',
    shown: (from, to, total) => `第 ${from}–${to} 行，共 ${total} 行`,
    none: '没有符合筛选条件的行。', previous: '← 上一页', next: '下一页 →',
  },
  docs: {
    none: '还没有单据：提交已说明的差异后生成（npx stocktake submit）。',
    number: '单据', kind: '类型', status: '状态', lines: '行数', totalQty: '数量合计', totalValue: '金额合计',
    route: '审批流程', step: '步骤', role: '角色', state: '状态', decidedBy: '审批人', at: '时间', due: '截止', reason: '原因',
    download: '下载', showLines: (n) => `查看 ${n} 行明细`, line: '行', qty: '数量', unitCost: '单位成本', cause: '原因', note: '备注',
    more: (n) => `… 另有 ${n} 行，导出文件包含全部明细。`,
  },
  audit: {
    verified: (rows) => `审计链校验通过：全部 ${rows} 条审计记录完好。`,
    broken: (id, message) => `审计链在第 ${id} 条记录处断开：${message}`,
    at: '时间', who: '操作人', action: '操作', entity: '对象', change: '变更前 → 变更后',
    latest: (shown, total) => `显示最近 ${shown} 条，共 ${total} 条；\`npx stocktake audit show\` 可列出全部。`,
    none: '本盘点还没有审计记录。', operator: '本机操作员',
  },
  people: {
    title: '人员与角色',
    handle: '账号', name: '姓名', identities: '平台身份', roles: '各仓库角色',
    grantTitle: '授予或撤销角色', person: '人员', role: '角色', warehouse: '仓库', grant: '授予', revoke: '撤销',
    revokeTitle: (role, warehouse) => `撤销 ${warehouse} 的${role}`,
    granted: (person, role, warehouse) => `已为 ${person} 授予 ${warehouse} 的${role}角色。`,
    revoked: (person, role, warehouse) => `已撤销 ${person} 在 ${warehouse} 的${role}角色。`,
    refused: '未更改：',
    adminOf: (warehouses) => `你是 ${warehouses} 的管理员，可以更改这些仓库的角色。`,
    none: '还没有人员：用 npx stocktake people add <账号> 添加。',
  },
};

const dictionaries: Record<Locale, PageWords> = { en, 'zh-CN': zhCN };

/** The dashboard words of a locale. */
export function words(locale: Locale): PageWords {
  return dictionaries[locale];
}
