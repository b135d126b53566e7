/**
 * The words of the CLI's human output (issue 14 §1), in English and Chinese; `--json` is never translated.
 * The English is what the CLI has always printed (README and tests compare it byte for byte); the Chinese is
 * typed against it, so a text missing in one is a build error. State and role names come from their own
 * catalogues (cards/i18n/states.ts, roles.ts); test/cli/chinese.test.ts checks that no Chinese entry is left in
 * English and walks the README's tour in Chinese.
 */
import { roleLabels } from '../../cards/i18n/roles.ts';
import { stateLabels, type StateLabels } from '../../cards/i18n/states.ts';
import type { PhraseLocale } from '../domain/phrase.ts';

type Direction = 'gain' | 'loss' | 'match';
export type ImportKind = 'item' | 'book' | 'movement' | 'count';

const en = {
  join: ', ',
  yes: 'yes',
  no: 'no',
  direction: { gain: 'gain', loss: 'loss', match: 'match' } as Record<Direction, string>,
  appliesTo: { gain: 'gain', loss: 'loss', both: 'both' } as Record<string, string>,

  // imports
  importKind: { item: 'item', book: 'book', movement: 'movement', count: 'count' } as Record<ImportKind, string>,
  sheetOf: (file: string, sheet: string) => `${file}, sheet "${sheet}"`,
  imported: (accepted: number, what: string, from: string, read: number, rejected: number) =>
    `Imported ${accepted} ${what} row(s) from ${from} (${read} read, ${rejected} skipped as invalid).`,
  note: (message: string) => `Note: ${message}.`,
  skippedLines: 'Skipped lines:',
  bookCleared: (n: number) => `Cleared ${n} book line(s) not in the file.`,
  countsLine: (n: number, counter: string, round: number, verified: number, conflict: number, notInBook: number, superseded: number) =>
    `${n} line(s) counted by ${counter} in round ${round}: ${verified} verified by a second count, ${conflict} in conflict, ${notInBook} not in the book${superseded ? `, ${superseded} superseded by a later round` : ''}.`,

  // warehouses
  warehouse: (code: string, name: string, timezone: string) => `Warehouse ${code} (${name}), timezone ${timezone}.`,
  warehouseHeaders: ['code', 'name', 'timezone'],

  // stocktakes
  started: (blind: boolean, code: string, id: string, warehouse: string, lines: number, at: string) =>
    `Started ${blind ? 'blind stocktake (盲盘)' : 'stocktake'} ${code} (${id}) for ${warehouse}: ${lines} book line(s) frozen at ${at}.`,
  stocktakeHeaders: ['code', 'warehouse', 'status', 'blind', 'started', 'id'],
  progressTitle: (code: string, warehouse: string, state: string, blind: boolean) =>
    `Stocktake ${code} · warehouse ${warehouse} · ${state}${blind ? ' · blind count (盲盘)' : ''}`,
  progressFrozen: (at: string, closedAt: string | null, imports: number) =>
    `  book frozen at ${at}${closedAt ? `, counting closed at ${closedAt}` : ''}; ${imports} count sheet(s) imported`,
  progressScope: (summary: string) => `  scope   partial stocktake: ${summary}`,
  progressSpotCheck: (estimate: string) => `  spot check ${estimate}`,
  progressLines: (total: number, counted: number, verified: number, conflict: number, uncounted: number, notInBook: number) =>
    `  lines      ${total} total: ${counted} counted, ${verified} verified, ${conflict} conflict, ${uncounted} uncounted (${notInBook} not in the book)`,
  progressVariances: (gain: number, loss: number, match: number) => `  variances  ${gain} gain, ${loss} loss, ${match} match`,
  progressValue: (gain: string, loss: string, net: string) => `  value      gain ${gain}, loss ${loss}, net ${net}`,
  progressBlind: (recount: number) =>
    `  blind count (盲盘): book quantities and variances are not shown to counters until counting closes${recount ? `; ${recount} line(s) need a recount` : ''}`,
  closed: (code: string, zeroed: number, state: string) =>
    `Counting of ${code} closed; ${zeroed} uncounted line(s) taken as zero. Now ${state}.`,
  toReview: (n: number, owner: string | null, auto: number) =>
    `${n} variance(s) to review${owner ? `, owned by ${owner}` : ' (no supervisor in this warehouse yet: grant one and assign the lines)'}${auto ? `; ${auto} within tolerance, confirmed automatically` : ''}.`,
  varianceHeaders: ['sku', 'location', 'book', 'movements', 'expected', 'counted', 'diff', 'value', 'unit cost', 'direction', 'count'],
  blindHeaders: ['sku', 'location', 'count'],
  recountNeeded: (state: string) => `${state} (recount needed)`,

  // review
  line: {
    state: (label: string, state: string) => `${label}: ${state}`,
    diff: (qty: string, value: string) => `diff ${qty} (${value})`,
    cause: (code: string) => `cause ${code}`,
    note: (note: string) => `note "${note}"`,
    suggested: (cause: string, reason: string) => `suggested ${cause}: ${reason}`,
    returned: (reason: string) => `returned: ${reason}`,
  },
  reviewHeaders: (timezone: string) => ['line', 'diff', 'value', 'status', 'owner', `due (${timezone})`, 'cause', 'suggested', 'why'],
  auto: ' (auto)',
  recountBy: (who: string) => ` by ${who}`,
  policy: {
    title: (warehouse: string) => `Policy of ${warehouse}:`,
    sla: (review: number, approval: number) => `  review within ${review} h; each approval step within ${approval} h`,
    tolerance: (rule: string) => `  tolerance: ${rule}`,
    off: 'off',
    value: (value: string) => `value ≤ ${value}`,
    percent: (percent: string) => `≤ ${percent} % of expected`,
    and: ' and ',
    route: (finance: string, manager: string, currency: string) =>
      `  route: supervisor; + finance above ${finance} ${currency}; + manager above ${manager} ${currency}`,
    accountsRequired: '  submit requires an accounting account for every cause (stocktake causes account list)',
  },
  person: (handle: string, name: string, identities: string) => `${handle} (${name}): ${identities}`,
  notifyGroup: 'in the warehouse group chats',
  notifyDirect: (platform: string) => `by ${platform} direct message`,
  notified: (handle: string, how: string, quiet: string | null) =>
    `${handle} gets reminders and approval requests ${how}${quiet ? `, not during ${quiet}` : ''}.`,
  peopleHeaders: ['handle', 'name', 'identities', 'roles', 'notify'],
  notifyWay: (notify: string) => notify,
  quiet: (hours: string) => ` (quiet ${hours})`,
  granted: (person: string, role: string, warehouse: string) => `${person} holds ${role} in ${warehouse}.`,
  revoked: (person: string, role: string, warehouse: string) => `${person} no longer holds ${role} in ${warehouse}.`,
  causeHeaders: ['code', '中文', 'English', 'applies to', 'note', 'active'],
  required: 'required',
  cause: (code: string, zh: string, en: string, appliesTo: string, noteRequired: boolean) =>
    `Cause ${code}: ${zh} / ${en} (${appliesTo}${noteRequired ? ', note required' : ''})`,
  nothingToSubmit: 'Nothing new to submit.',
  alreadyDocumented: (lines: string) => `Already on a document: ${lines}`,
  notReady: (n: number) => `${n} line(s) still need review (confirm and a cause).`,

  // documents
  document: {
    title: (number: string, gain: boolean, warehouse: string, stocktake: string, state: string) =>
      `${number} (${gain ? '盘盈单 gain' : '盘亏单 loss'}) · ${warehouse} · ${stocktake} · ${state}`,
    totals: (lines: number, qty: string, value: string, currency: string) => `  ${lines} line(s), qty ${qty}, value ${value} ${currency}`,
    step: (no: number, role: string, state: string) => `  step ${no} ${role.padEnd(10)} ${state}`,
    decided: (who: string, at: string) => ` by ${who} at ${at}`,
    due: (at: string) => ` (due ${at})`,
    times: (timezone: string) => `  (times in ${timezone})`,
  },
  documentKind: { gain: 'gain', loss: 'loss' } as Record<string, string>,
  documentHeaders: ['number', 'type', 'warehouse', 'stocktake', 'status', 'lines', 'value', 'pending step'],
  documentLineHeaders: ['#', 'sku', 'location', 'qty', 'unit cost', 'value', 'cause', 'note'],
  exported: (rows: number, path: string, here: boolean) =>
    `Wrote ${rows} ledger line(s) to ${path}${here ? ' (in the current folder; --out FILE writes elsewhere)' : ''}.`,

  // undo
  cancelled: (code: string, before: string, reason: string, warehouse: string) =>
    `Cancelled ${code} (was ${before}): ${reason}. ${warehouse} is free for a new stocktake and book imports.`,
  withdrawnWith: (documents: string) => `Withdrawn with it: ${documents}.`,
  voided: (file: string, id: string, stocktake: string, counter: string, reason: string) =>
    `Voided ${file} (${id}) of ${stocktake}, counted by ${counter}: ${reason}`,
  voidedLines: (covered: number, changed: number, scans: number) =>
    `${covered} line(s) covered, ${changed} changed${scans ? `; ${scans} scan(s) no longer count` : ''}.`,
  andMore: (n: number) => `  … and ${n} more`,
  countImportHeaders: (timezone: string) => ['id', 'file', 'counter', 'round', 'lines', `imported (${timezone})`, 'voided'],
  voidedBy: (at: string, who: string, reason: string) => `${at} by ${who}: ${reason}`,

  // audit
  auditHeaders: ['#', 'at', 'who', 'action', 'entity', 'change'],

  // access
  access: {
    keyFor: (person: string, label: string, expiry: string) => `API key for ${person} ("${label}", ${expiry}):`,
    keyOnce: 'It is shown only this once: store it now (only its prefix is kept readable).',
    sendAs: (header: string) => `Send it with every request as the header  ${header}`,
    example: (header: string, url: string) => `  e.g. curl -H "${header}" ${url}/api/v1/stocktakes`,
    revokeWith: (prefix: string) => `Revoke it with: stocktake access revoke ${prefix}`,
    linkFor: (person: string, expiry: string) => `Sign-in link for ${person} (${expiry}):`,
    linkOnce: (person: string) => `It is shown only this once. Give it to ${person} only: whoever opens it is signed in as them.`,
    expires: (at: string) => `expires ${at} UTC`,
    noExpiry: 'no expiry',
    headers: ['prefix', 'kind', 'person', 'label', 'created (UTC)', 'expires', 'last used', 'status', 'id'],
    apiKey: 'API key',
    signIn: 'sign-in',
    signInLink: 'sign-in link',
    status: { active: 'active', revoked: 'revoked', expired: 'expired' } as Record<string, string>,
    none: 'No API keys or sign-in links yet: create one with "stocktake access key <person>" or "stocktake access login <person>".',
    revoked: (kind: string, prefix: string, person: string, label: string) =>
      `Revoked ${kind} ${prefix}… of ${person} ("${label}"): it no longer works.`,
  },

  // schedules
  schedule: {
    none: 'No digest chats yet: bind one with "bind WAREHOUSE digest" in the chat (reports go to digest chats only).',
    headers: ['chat', 'warehouse', 'report', 'cron', 'timezone', 'next', ''],
    job: { daily: 'daily', weekly: 'weekly', monthly: 'monthly' } as Record<string, string>,
    off: 'off',
    isDefault: 'default',
    set: (job: string, chat: string, cron: string, timezone: string, next: string | null) =>
      `${job} report of ${chat}: ${cron} in ${timezone}${next ? `, next ${next}` : ''}.`,
    setOff: (job: string, chat: string) => `${job} report of ${chat}: off.`,
  },

  // chats and the outbox
  chats: {
    headers: ['platform', 'chat', 'warehouse', 'purposes', 'language', 'bound at'],
    none: 'No chats yet: bind one with "bind WAREHOUSE" in the chat.',
    outboxHeaders: ['id', 'platform', 'chat', 'kind', 'status', 'attempts', 'next attempt', 'last error'],
    nothingWaiting: 'Nothing waiting: every message went out.',
    retried: (n: number) => `${n} delivery(ies) will be tried again by the running bots.`,
  },

  integration: {
    webhookHeaders: ['id', 'warehouse', 'url', 'events', 'active', 'pending', 'failed', 'previous secret until', 'description'],
    allWarehouses: '(all)',
    allEvents: '(all)',
    noWebhooks: 'No webhooks: add one with `stocktake webhooks add URL --as ADMIN`.',
    added: (id: string, url: string) => `Added webhook ${id} → ${url}.`,
    secretOnce: (secret: string) => `Signing secret (shown once; store it in the receiver): ${secret}`,
    rotated: (id: string, until: string) => `New signing secret for ${id}; the previous one also signs until ${until}.`,
    removed: (id: string) => `Removed webhook ${id}: no new deliveries.`,
    testOk: (status: number, eventId: string) => `The receiver answered ${status} to the signed test event ${eventId}.`,
    testFailed: (error: string) => `The test failed: ${error}`,
    deliveryHeaders: ['id', 'event', 'about', 'target', 'status', 'attempts', 'next attempt', 'external ref', 'last error'],
    noDeliveries: 'No deliveries.',
    retried: (ids: string) => `Put back in line: ${ids}.`,
    accountHeaders: ['warehouse', 'cause', 'label', 'account', 'cost centre'],
    noAccounts: 'No cause is mapped to an account.',
    accountSet: (warehouse: string, cause: string, account: string, centre: string | null) =>
      `${warehouse}: cause ${cause} books to ${account}${centre ? `, cost centre ${centre}` : ''}.`,
    accountRemoved: (warehouse: string, cause: string) => `${warehouse}: cause ${cause} has no account any more.`,
  },

  // context
  creatingDatabase: (dir: string) => `Creating the embedded database in ${dir} (first run only, a few seconds)...`,
  keeperLost:
    'error: the background process keeping the database open stopped while running the command, which may or may not have taken effect: check with `list` or `status` before running it again',
  keeperStopped: (dir: string) => `Stopped the background process keeping ${dir} open.`,
  keeperNone: (dir: string) => `No background process keeps ${dir} open.`,
  keeperPostgres: 'The background process keeps the embedded database open; with DATABASE_URL there is none to keep.',
  warning: 'warning',
};

export type CliWords = typeof en;

const zhCN: CliWords = {
  join: '、',
  yes: '是',
  no: '否',
  direction: { gain: '盘盈', loss: '盘亏', match: '相符' },
  appliesTo: { gain: '盘盈', loss: '盘亏', both: '盘盈和盘亏' },

  importKind: { item: '物料', book: '账面', movement: '库存变动', count: '盘点' },
  sheetOf: (file, sheet) => `${file}（工作表“${sheet}”）`,
  imported: (accepted, what, from, read, rejected) =>
    `已从 ${from} 导入${what}数据 ${accepted} 行（读取 ${read} 行，${rejected} 行无效已跳过）。`,
  note: (message) => `注意：${message}。`,
  skippedLines: '跳过的行：',
  bookCleared: (n) => `已清除文件中没有的账面行 ${n} 行。`,
  countsLine: (n, counter, round, verified, conflict, notInBook, superseded) =>
    `${counter} 第 ${round} 轮盘点 ${n} 行：${verified} 行经二次盘点核实，${conflict} 行冲突，${notInBook} 行不在账面${superseded ? `，${superseded} 行被后续轮次取代` : ''}。`,

  warehouse: (code, name, timezone) => `仓库 ${code}（${name}），时区 ${timezone}。`,
  warehouseHeaders: ['编码', '名称', '时区'],

  started: (blind, code, id, warehouse, lines, at) =>
    `已开始${blind ? '盲盘' : '盘点'} ${code}（${id}），仓库 ${warehouse}：冻结账面 ${lines} 行，时间 ${at}。`,
  stocktakeHeaders: ['编号', '仓库', '状态', '盲盘', '开始时间', 'ID'],
  progressTitle: (code, warehouse, state, blind) => `盘点 ${code} · 仓库 ${warehouse} · ${state}${blind ? ' · 盲盘' : ''}`,
  progressFrozen: (at, closedAt, imports) => `  账面冻结于 ${at}${closedAt ? `，结束计数于 ${closedAt}` : ''}；已导入盘点表 ${imports} 份`,
  progressScope: (summary) => `  范围    部分盘点：${summary}`,
  progressSpotCheck: (estimate) => `  抽盘    ${estimate}`,
  progressLines: (total, counted, verified, conflict, uncounted, notInBook) =>
    `  盘点行  共 ${total} 行：已盘 ${counted}，已核实 ${verified}，冲突 ${conflict}，未盘 ${uncounted}（账面外 ${notInBook}）`,
  progressVariances: (gain, loss, match) => `  差异    盘盈 ${gain}，盘亏 ${loss}，相符 ${match}`,
  progressValue: (gain, loss, net) => `  金额    盘盈 ${gain}，盘亏 ${loss}，净额 ${net}`,
  progressBlind: (recount) => `  盲盘：结束计数前，盘点员看不到账面数和差异${recount ? `；${recount} 行需要复盘` : ''}`,
  closed: (code, zeroed, state) => `${code} 已结束计数；${zeroed} 行未盘按零计。当前状态：${state}。`,
  toReview: (n, owner, auto) =>
    `待复核差异 ${n} 条${owner ? `，负责人 ${owner}` : '（本仓库还没有主管：先授予一位主管，再分配这些行）'}${auto ? `；${auto} 条在容差内，已自动确认` : ''}。`,
  varianceHeaders: ['SKU', '库位', '账面', '期间变动', '应有', '实盘', '差异', '金额', '单价', '方向', '计数状态'],
  blindHeaders: ['SKU', '库位', '计数状态'],
  recountNeeded: (state) => `${state}（需复盘）`,

  line: {
    state: (label, state) => `${label}：${state}`,
    diff: (qty, value) => `差异 ${qty}（${value}）`,
    cause: (code) => `原因 ${code}`,
    note: (note) => `备注“${note}”`,
    suggested: (cause, reason) => `建议原因 ${cause}：${reason}`,
    returned: (reason) => `退回：${reason}`,
  },
  reviewHeaders: (timezone) => ['行', '差异', '金额', '状态', '负责人', `截止（${timezone}）`, '原因', '建议原因', '依据'],
  auto: '（自动）',
  recountBy: (who) => `（${who}）`,
  policy: {
    title: (warehouse) => `${warehouse} 的规则：`,
    sla: (review, approval) => `  复核时限 ${review} 小时；每个审批步骤 ${approval} 小时`,
    tolerance: (rule) => `  容差：${rule}`,
    off: '关闭',
    value: (value) => `金额 ≤ ${value}`,
    percent: (percent) => `≤ 应有数量的 ${percent}%`,
    and: ' 且 ',
    route: (finance, manager, currency) =>
      `  审批路线：仓库主管；超过 ${finance} ${currency} 加财务；超过 ${manager} ${currency} 再加管理层`,
    accountsRequired: '  提交时每个原因都须有会计科目（见 `stocktake causes account list`）',
  },
  person: (handle, name, identities) => `${handle}（${name}）：${identities}`,
  notifyGroup: '在仓库群里',
  notifyDirect: (platform) => `通过 ${platform} 私信`,
  notified: (handle, how, quiet) => `${handle} ${how}收到提醒和审批请求${quiet ? `，${quiet} 期间不打扰` : ''}。`,
  peopleHeaders: ['用户名', '姓名', '身份', '角色', '通知方式'],
  notifyWay: (notify) => (notify === 'group' ? '群聊' : `${notify} 私信`),
  quiet: (hours) => `（免打扰 ${hours}）`,
  granted: (person, role, warehouse) => `${person} 现为 ${warehouse} 的${role}。`,
  revoked: (person, role, warehouse) => `${person} 不再是 ${warehouse} 的${role}。`,
  causeHeaders: ['编码', '中文', 'English', '适用于', '备注', '启用'],
  required: '必填',
  cause: (code, zh, en, appliesTo, noteRequired) => `原因 ${code}：${zh} / ${en}（适用于${appliesTo}${noteRequired ? '，须填备注' : ''}）`,
  nothingToSubmit: '没有新的可提交差异。',
  alreadyDocumented: (lines) => `已在单据上：${lines}`,
  notReady: (n) => `还有 ${n} 行需要复核（确认并填写原因）。`,

  document: {
    title: (number, gain, warehouse, stocktake, state) =>
      `${number}（${gain ? '盘盈单' : '盘亏单'}）· ${warehouse} · ${stocktake} · ${state}`,
    totals: (lines, qty, value, currency) => `  ${lines} 行，数量 ${qty}，金额 ${value} ${currency}`,
    step: (no, role, state) => `  第 ${no} 步 ${role} ${state}`,
    decided: (who, at) => `（${who}，${at}）`,
    due: (at) => `（${at} 前）`,
    times: (timezone) => `  （时间为 ${timezone}）`,
  },
  documentKind: { gain: '盘盈单', loss: '盘亏单' },
  documentHeaders: ['单号', '类型', '仓库', '盘点', '状态', '行数', '金额', '待审批步骤'],
  documentLineHeaders: ['#', 'SKU', '库位', '数量', '单价', '金额', '原因', '备注'],
  exported: (rows, path, here) => `已将 ${rows} 行台账写入 ${path}${here ? '（在当前文件夹；用 --out 文件 写到别处）' : ''}。`,

  cancelled: (code, before, reason, warehouse) => `已取消 ${code}（原为${before}）：${reason}。${warehouse} 可以开始新的盘点和导入账面。`,
  withdrawnWith: (documents) => `一并撤回：${documents}。`,
  voided: (file, id, stocktake, counter, reason) => `已作废 ${stocktake} 的盘点表 ${file}（${id}，盘点人 ${counter}）：${reason}`,
  voidedLines: (covered, changed, scans) => `涉及 ${covered} 行，变化 ${changed} 行${scans ? `；${scans} 次扫码不再计入` : ''}。`,
  andMore: (n) => `  … 另有 ${n} 行`,
  countImportHeaders: (timezone) => ['ID', '文件', '盘点人', '轮次', '行数', `导入时间（${timezone}）`, '作废'],
  voidedBy: (at, who, reason) => `${at}，${who}：${reason}`,

  access: {
    keyFor: (person, label, expiry) => `${person} 的 API 密钥（“${label}”，${expiry}）：`,
    keyOnce: '密钥只显示这一次：请立即保存（之后只能看到它的前缀）。',
    sendAs: (header) => `每个请求都带上请求头  ${header}`,
    example: (header, url) => `  例如 curl -H "${header}" ${url}/api/v1/stocktakes`,
    revokeWith: (prefix) => `吊销：\`stocktake access revoke ${prefix}\``,
    linkFor: (person, expiry) => `${person} 的登录链接（${expiry}）：`,
    linkOnce: (person) => `链接只显示这一次。只交给 ${person} 本人：任何打开它的人都会以其身份登录。`,
    expires: (at) => `${at} UTC 到期`,
    noExpiry: '永不过期',
    headers: ['前缀', '类型', '人员', '用途', '创建时间（UTC）', '到期', '最近使用', '状态', 'ID'],
    apiKey: 'API 密钥',
    signIn: '登录链接',
    signInLink: '登录链接',
    status: { active: '有效', revoked: '已吊销', expired: '已过期' },
    none: '还没有 API 密钥或登录链接：用 `stocktake access key <人员>` 或 `stocktake access login <人员>` 创建。',
    revoked: (kind, prefix, person, label) => `已吊销 ${person} 的${kind} ${prefix}…（“${label}”）：它已失效。`,
  },

  schedule: {
    none: '还没有日报群：在群里发送“绑定 仓库 日报”（报告只发往日报群）。',
    headers: ['群', '仓库', '报告', 'cron', '时区', '下次', ''],
    job: { daily: '日报', weekly: '周报', monthly: '月报' },
    off: '关闭',
    isDefault: '默认',
    set: (job, chat, cron, timezone, next) => `${chat} 的${job}：${cron}（${timezone}）${next ? `，下次 ${next}` : ''}。`,
    setOff: (job, chat) => `${chat} 的${job}：已关闭。`,
  },

  chats: {
    headers: ['平台', '群', '仓库', '用途', '语言', '绑定时间'],
    none: '还没有群：在群里发送“绑定 仓库”。',
    outboxHeaders: ['ID', '平台', '群', '类型', '状态', '尝试次数', '下次尝试', '最近错误'],
    nothingWaiting: '没有待发消息：所有消息都已发出。',
    retried: (n) => `运行中的机器人将重新发送 ${n} 条消息。`,
  },

  auditHeaders: ['#', '时间', '操作人', '动作', '对象', '变更'],

  integration: {
    webhookHeaders: ['ID', '仓库', '地址', '事件', '启用', '待投递', '失败', '旧密钥有效至', '说明'],
    allWarehouses: '（全部）',
    allEvents: '（全部）',
    noWebhooks: '还没有 Webhook：用 `stocktake webhooks add 地址 --as 管理员` 添加。',
    added: (id, url) => `已添加 Webhook ${id} → ${url}。`,
    secretOnce: (secret) => `签名密钥（只显示这一次，请保存到接收方）：${secret}`,
    rotated: (id, until) => `已为 ${id} 生成新的签名密钥；旧密钥在 ${until} 之前也会签名。`,
    removed: (id) => `已删除 Webhook ${id}：不再投递新事件。`,
    testOk: (status, eventId) => `接收方对已签名的测试事件 ${eventId} 返回了 ${status}。`,
    testFailed: (error) => `测试失败：${error}`,
    deliveryHeaders: ['ID', '事件', '对象', '目标', '状态', '尝试次数', '下次尝试', '外部单号', '最近错误'],
    noDeliveries: '没有投递记录。',
    retried: (ids) => `已重新排队：${ids}。`,
    accountHeaders: ['仓库', '原因', '名称', '会计科目', '成本中心'],
    noAccounts: '还没有原因设置了会计科目。',
    accountSet: (warehouse, cause, account, centre) =>
      `${warehouse}：原因 ${cause} 记入 ${account}${centre ? `，成本中心 ${centre}` : ''}。`,
    accountRemoved: (warehouse, cause) => `${warehouse}：原因 ${cause} 已不再对应会计科目。`,
  },

  creatingDatabase: (dir) => `正在 ${dir} 创建内置数据库（仅首次运行，需要几秒钟）……`,
  keeperLost:
    '错误：保持数据库打开的后台进程在执行命令时退出，命令可能已生效也可能没有：请先用 `list` 或 `status` 查看，再决定是否重新执行',
  keeperStopped: (dir) => `已停止保持 ${dir} 打开的后台进程。`,
  keeperNone: (dir) => `没有后台进程保持 ${dir} 打开。`,
  keeperPostgres: '后台进程用于保持内置数据库打开；设置了 DATABASE_URL 时无需保持。',
  warning: '警告',
};

const catalogues: Record<PhraseLocale, CliWords> = { en, 'zh-CN': zhCN };

/** The CLI's words in a language, with the state and role names of their own catalogues. */
export function cliWords(locale: PhraseLocale): CliWords & { states: StateLabels; roles: Record<string, string> } {
  return { ...catalogues[locale], states: stateLabels(locale), roles: roleLabels(locale) };
}
