/** ERP connectors (金蝶 / 用友 / ERPNext / Odoo): configuration, sync status, retry and reconciliation. */
import type { Words } from '../phrase.ts';
import { phrases } from '../phrase.ts';

/** The ERPs by name, as people call them (proper names stay as they are). */
export const ERP_NAMES: Record<'kingdee' | 'u8' | 'erpnext' | 'odoo', Words> = {
  kingdee: { en: 'Kingdee K/3 Cloud', zh: '金蝶云星空' },
  u8: { en: 'Yonyou U8', zh: '用友 U8' },
  erpnext: { en: 'ERPNext', zh: 'ERPNext' },
  odoo: { en: 'Odoo', zh: 'Odoo' },
};

export const erpTexts = phrases('erp', {
  unknownKind: (text: string) => ({
    en: `unknown ERP "${text}": use kingdee, u8, erpnext or odoo`,
    zh: `未知的 ERP“${text}”：请用 kingdee（金蝶）、u8（用友）、erpnext 或 odoo`,
  }),
  configInvalid: (kind: string, problems: string) => ({
    en: `the ${kind} connector's configuration is not valid: ${problems}`,
    zh: `${kind} 连接器的配置无效：${problems}`,
    advice: {
      cli: { en: ' (see README "ERP connectors" for the fields)', zh: '（各字段见 README 的“ERP connectors”一节）' },
      page: { en: ' (see README "ERP connectors" for the fields)', zh: '（各字段见 README 的“ERP connectors”一节）' },
    },
  }),
  configNotJson: (problem: string) => ({
    en: `the configuration is not a JSON object: ${problem}`,
    zh: `配置不是一个 JSON 对象：${problem}`,
  }),
  noConnector: (warehouse: string, kind: string) => ({
    en: `warehouse ${warehouse} has no ${kind} connector`,
    zh: `仓库 ${warehouse} 没有 ${kind} 连接器`,
    advice: {
      cli: {
        en: `: add one with \`stocktake erp add ${warehouse} ${kind} --config …\``,
        zh: `：请用 \`stocktake erp add ${warehouse} ${kind} --config …\` 添加`,
      },
      page: { en: ': an admin adds one on the ERP page', zh: '：请管理员在“ERP 同步”页面添加' },
      chat: { en: ': ask an admin to add one', zh: '：请联系管理员添加' },
    },
  }),
  needsAdmin: (who: string, warehouse: string) => ({
    en: `${who} may not configure ERP connectors of ${warehouse}: that needs the admin role there`,
    zh: `${who} 不能配置仓库 ${warehouse} 的 ERP 连接器：需要该仓库的管理员角色`,
  }),
  needsApprover: (who: string, number: string) => ({
    en: `${who} may not retry the ERP sync of ${number}: that needs an approver (supervisor, finance or manager) or an admin of its warehouse`,
    zh: `${who} 不能重试单据 ${number} 的 ERP 同步：需要该仓库的审批人（主管、财务或经理）或管理员`,
  }),
  notPosted: (number: string, status: string) => ({
    en: `${number} is ${status}, not posted: only posted documents go to the ERP`,
    zh: `单据 ${number} 的状态是“${status}”，尚未过账：只有已过账的单据才会同步到 ERP`,
  }),
  noConnectors: (warehouse: string) => ({
    en: `warehouse ${warehouse} has no active ERP connector: nothing to sync`,
    zh: `仓库 ${warehouse} 没有启用的 ERP 连接器：无需同步`,
  }),
  noEvent: (number: string) => ({
    en: `${number} has no posting event to send (it was posted before ERP sync existed)`,
    zh: `单据 ${number} 没有可发送的过账事件（它在启用 ERP 同步之前已过账）`,
    advice: {
      cli: {
        en: `: export it with \`stocktake export ${number} --format xlsx\` and import it by hand`,
        zh: `：请用 \`stocktake export ${number} --format xlsx\` 导出后手工导入`,
      },
      chat: { en: ': export it from the console and import it by hand', zh: '：请在控制台导出后手工导入 ERP' },
    },
  }),
  alreadySynced: (number: string, refs: string) => ({
    en: `${number} is already in the ERP (${refs}): nothing to retry`,
    zh: `单据 ${number} 已同步到 ERP（${refs}）：无需重试`,
  }),
  testFailed: (kind: string, message: string) => ({
    en: `the ${kind} connection test failed: ${message}`,
    zh: `${kind} 连接测试失败：${message}`,
  }),
  testPassed: (kind: string, message: string) => ({
    en: `the ${kind} connection works: ${message}`,
    zh: `${kind} 连接正常：${message}`,
  }),
  added: (kind: string, warehouse: string) => ({
    en: `The ${kind} connector of ${warehouse} is saved; posted documents of ${warehouse} go to it from now on.`,
    zh: `已保存仓库 ${warehouse} 的 ${kind} 连接器；此后 ${warehouse} 过账的单据将同步到该 ERP。`,
  }),
  removed: (kind: string, warehouse: string) => ({
    en: `The ${kind} connector of ${warehouse} is removed; its sync history stays.`,
    zh: `已移除仓库 ${warehouse} 的 ${kind} 连接器；其同步记录保留。`,
  }),
  retried: (count: number, number: string) => ({
    en: `${count} ERP sync(s) of ${number} queued again; they are sent within a minute.`,
    zh: `单据 ${number} 的 ${count} 个 ERP 同步已重新排队，将在一分钟内发送。`,
  }),
  retriedAll: (count: number) => ({
    en: `${count} failed ERP sync(s) queued again.`,
    zh: `${count} 个失败的 ERP 同步已重新排队。`,
  }),
  none: () => ({ en: 'No ERP connector is configured.', zh: '尚未配置 ERP 连接器。' }),
  allSynced: () => ({ en: 'Every posted document is in the ERP.', zh: '所有已过账单据均已同步到 ERP。' }),
  // sync status of a document, as cards, pages and the CLI show it
  statusPending: (kind: string, attempts: number) => ({
    en: `${kind}: waiting to sync${attempts ? ` (attempt ${attempts + 1})` : ''}`,
    zh: `${kind}：等待同步${attempts ? `（第 ${attempts + 1} 次尝试）` : ''}`,
  }),
  statusRetrying: (kind: string, message: string) => ({
    en: `${kind}: waiting to sync — the last attempt failed: ${message}`,
    zh: `${kind}：等待同步——上次尝试失败：${message}`,
  }),
  statusSynced: (kind: string, ref: string) => ({ en: `${kind}: synced as ${ref}`, zh: `${kind}：已同步，单号 ${ref}` }),
  statusFailed: (kind: string, message: string) => ({ en: `${kind}: failed — ${message}`, zh: `${kind}：同步失败——${message}` }),
  statusNotQueued: (kind: string) => ({ en: `${kind}: not sent (no sync queued)`, zh: `${kind}：未发送（没有同步任务）` }),
  syncUsage: () => ({
    en: 'say which posted document to send to the ERP again: sync PK-2026-0001',
    zh: '请说明要重新同步到 ERP 的已过账单据：同步 PK-2026-0001',
  }),
  syncHeading: () => ({ en: 'ERP sync', zh: 'ERP 同步' }),
  retryButton: () => ({ en: 'Retry ERP sync', zh: '重试 ERP 同步' }),
  listHeaders: () => ({
    en: 'warehouse|ERP|active|configuration|credentials from',
    zh: '仓库|ERP|启用|配置|凭据环境变量',
  }),
  statusHeaders: () => ({
    en: 'warehouse|ERP|waiting|synced|failed|not queued|last error',
    zh: '仓库|ERP|等待|已同步|失败|未排队|最近错误',
  }),
  reconcileHeaders: () => ({
    en: 'warehouse|ERP|document|posted|status|attempts|ERP message',
    zh: '仓库|ERP|单据|过账时间|状态|尝试次数|ERP 返回信息',
  }),
  stateWords: () => ({ en: 'waiting|synced|failed|not queued|sending', zh: '等待|已同步|失败|未排队|发送中' }),
  // the console's ERP page (/admin/erp) and the document section
  pageTitle: () => ({ en: 'ERP connectors', zh: 'ERP 同步' }),
  pageHint: () => ({
    en: "Posted documents of a warehouse go to its ERPs after the last approval. Credentials stay in the server's environment: the configuration names the variables (passwordEnv, apiKeyEnv, apiSecretEnv).",
    zh: '仓库的单据在最后一级审批过账后同步到其 ERP。凭据只保存在服务器的环境变量中：配置里只写变量名（passwordEnv、apiKeyEnv、apiSecretEnv）。',
  }),
  connectorsHeading: () => ({ en: 'Connectors', zh: '连接器' }),
  addHeading: () => ({ en: 'Add or replace a connector', zh: '添加或替换连接器' }),
  unsyncedHeading: () => ({ en: 'Posted documents not in the ERP', zh: '尚未同步到 ERP 的已过账单据' }),
  warehouseLabel: () => ({ en: 'Warehouse', zh: '仓库' }),
  kindLabel: () => ({ en: 'ERP', zh: '系统（ERP）' }),
  configLabel: () => ({ en: 'Configuration (JSON)', zh: '配置（JSON 格式）' }),
  saveButton: () => ({ en: 'Save', zh: '保存' }),
  testButton: () => ({ en: 'Test connection', zh: '测试连接' }),
  removeButton: () => ({ en: 'Remove', zh: '移除' }),
  statusLine: (pending: number, synced: number, failed: number, notQueued: number) => ({
    en: `${synced} synced · ${pending} waiting · ${failed} failed · ${notQueued} not queued`,
    zh: `已同步 ${synced} · 等待 ${pending} · 失败 ${failed} · 未排队 ${notQueued}`,
  }),
  lastErrorLabel: () => ({ en: 'Latest ERP message', zh: 'ERP 最近返回信息' }),
});

/** What a document's sync with one ERP says, for every surface (the one place the states are worded). */
export function syncPhrase(
  s: {
    kind: keyof typeof ERP_NAMES;
    state: 'pending' | 'sending' | 'synced' | 'failed' | 'notQueued';
    externalRef: string | null;
    lastError: string | null;
    attempts: number;
  },
  locale: 'zh-CN' | 'en',
) {
  const name = locale === 'en' ? ERP_NAMES[s.kind].en : ERP_NAMES[s.kind].zh;
  switch (s.state) {
    case 'synced':
      return erpTexts.statusSynced(name, s.externalRef ?? '');
    case 'failed':
      return erpTexts.statusFailed(name, s.lastError ?? '');
    case 'notQueued':
      return erpTexts.statusNotQueued(name);
    default:
      return s.lastError ? erpTexts.statusRetrying(name, s.lastError) : erpTexts.statusPending(name, s.attempts);
  }
}
