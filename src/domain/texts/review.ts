/** Stocktakes, their variances under review and the documents submitted from them. */
import { stateLabel } from '../../../cards/i18n/states.ts';
import { phrases } from '../phrase.ts';
import { roleZh } from './people.ts';

const reviewZh = (status: string): string => stateLabel('zh-CN', 'review', status);
const stocktakeZh = (status: string): string => stateLabel('zh-CN', 'stocktake', status);

/** What a review command does, in Chinese (the English is the command's verb: confirm, tag, …). */
const VERBS_ZH: Record<string, string> = {
  confirm: '确认',
  tag: '标注原因',
  note: '添加备注',
  recount: '安排复盘',
  reopen: '重新打开',
  assign: '改派',
  'import counts': '导入盘点数',
  'close counting': '结束点数',
  'submit variances': '提交差异',
};
const verbZh = (verb: string): string => VERBS_ZH[verb] ?? verb;

export const stocktakeTexts = phrases('stocktakes', {
  notFound: (key: string) => ({
    en: `stocktake ${JSON.stringify(key)} not found; give its id or code, e.g. ST-20261125-001`,
    zh: `找不到盘点“${key}”，请填写盘点 ID 或编号，例如 ST-20261125-001`,
  }),
  wrongStatus: (action: string, code: string, status: string, neededEn: string, neededZh: string) => ({
    en: `cannot ${action}: stocktake ${code} is ${status} (needs ${neededEn})`,
    zh: `无法${verbZh(action)}：盘点 ${code} 当前为“${stocktakeZh(status)}”（需要“${neededZh}”）`,
  }),
  conflictsOpen: (code: string, howManyEn: string, howManyZh: string, listed: string) => ({
    en: `cannot close counting of ${code}: ${howManyEn} line(s) have disagreeing counts (${listed})`,
    zh: `无法结束 ${code} 的点数：${howManyZh} 行的盘点数不一致（${listed}）`,
    advice: {
      cli: { en: '; import a recount with a higher --round first', zh: '，请先用更高的 --round 导入复盘表' },
      chat: { en: '; send a recount sheet for those lines first', zh: '，请先发送这些行的复盘表' },
      page: { en: '; import a recount for those lines first', zh: '，请先导入这些行的复盘表' },
      api: { en: '; import a recount with a higher `round` first', zh: '，请先导入 `round` 更高的复盘表' },
    },
  }),
});

/** Stocktake statuses joined for a message, in Chinese (e.g. 差异复核中或单据审批中). */
export const stocktakeStatusesZh = (statuses: readonly string[]): string => statuses.map(stocktakeZh).join('或');

export const reviewTexts = phrases('review', {
  lineNotFound: (ref: string, code: string) => ({
    en: `variance ${JSON.stringify(ref)} not found; stocktake ${code} has no line for it`,
    zh: `找不到差异“${ref}”：盘点 ${code} 没有这一行`,
  }),
  ambiguousLine: (ref: string, n: number, code: string, lines: string, pattern: string) => ({
    en: `${ref} names ${n} lines in ${code} (${lines}); name one as ${pattern}`,
    zh: `“${ref}”在 ${code} 中对应 ${n} 行（${lines}），请写成 ${pattern} 指定其中一行`,
  }),
  mayNotReview: (who: string, line: string, rolesEn: string, rolesZh: string, warehouse: string) => ({
    en: `${who} may not review ${line}: only its owner or a ${rolesEn} of ${warehouse} may`,
    zh: `${who} 不能复核 ${line}：只有负责人或 ${warehouse} 的${rolesZh}可以`,
  }),
  lineMovedOn: (line: string, status: string, verb: string) => ({
    en: `${line} is ${status === 'none' ? 'not a variance to review' : status}; it cannot be ${verb}ed now`,
    zh: `${line} ${status === 'none' ? '不是待复核的差异' : `当前为“${reviewZh(status)}”`}，现在不能${verbZh(verb)}`,
  }),
  noVariance: (line: string) => ({ en: `${line} has no variance to explain`, zh: `${line} 没有差异，无需说明原因` }),
  causeDirection: (code: string, label: string, labelZh: string, appliesTo: string, direction: string) => ({
    en: `cause ${code} (${label}) explains a ${appliesTo}, not a ${direction}`,
    zh: `原因 ${code}（${labelZh}）用于${appliesTo === 'gain' ? '盘盈' : appliesTo === 'loss' ? '盘亏' : appliesTo}，不适用于${direction === 'gain' ? '盘盈' : direction === 'loss' ? '盘亏' : direction}`,
  }),
  noteEmpty: () => ({ en: 'the note is empty', zh: '备注为空' }),
  mayNotReassign: (who: string, warehouse: string, rolesEn: string, rolesZh: string) => ({
    en: `${who} may not reassign variances in ${warehouse}: needs the role ${rolesEn}`,
    zh: `${who} 不能在 ${warehouse} 改派差异：需要${rolesZh}角色`,
  }),
  badNumber: (name: string, min: number) => ({
    en: `${name} must be a whole number of at least ${min}`,
    zh: `${name} 必须是不小于 ${min} 的整数`,
  }),
  numberProblem: (min: number) => ({
    en: `must be a whole number of at least ${min}`,
    zh: `必须是不小于 ${min} 的整数`,
  }),
  unknownOwner: (ref: string) => ({ en: `owner: nobody is known as ${ref}`, zh: `负责人：没有叫“${ref}”的人` }),
  unknownOwnerProblem: (ref: string) => ({ en: `nobody is known as ${ref}`, zh: `没有叫“${ref}”的人` }),
});

export const documentTexts = phrases('documents', {
  cannotSubmit: (problemsEn: string, problemsZh: string) => ({
    en: `cannot submit: ${problemsEn}`,
    zh: `无法提交：${problemsZh}`,
  }),
  notUnderReview: (ref: string) => ({ en: `${ref}: no variance under review`, zh: `${ref}：没有待复核的差异` }),
  manyLines: (ref: string, n: number, pattern: string) => ({
    en: `${ref}: ${n} lines; name one as ${pattern}`,
    zh: `${ref}：对应 ${n} 行，请写成 ${pattern} 指定其中一行`,
  }),
  notConfirmed: (ref: string, status: string) => ({
    en: `${ref}: is ${status}, not confirmed`,
    zh: `${ref}：当前为“${reviewZh(status)}”，尚未确认`,
  }),
  noCause: (ref: string) => ({ en: `${ref}: has no cause`, zh: `${ref}：尚未标注原因` }),
  causeNeedsNote: (ref: string) => ({ en: `${ref}: its cause needs a note`, zh: `${ref}：该原因需要填写备注` }),
  lineChanged: (kind: string, number: string, marked: number, total: number) => ({
    en: `a line changed while ${kind} document ${number} was being made (${marked} of ${total} still as read); nothing was submitted, submit again`,
    zh: `生成${kind === 'gain' ? '盘盈' : kind === 'loss' ? '盘亏' : kind}单 ${number} 期间有行被修改（${total} 行中 ${marked} 行未变），未提交任何内容，请重新提交`,
  }),
  notFound: (text: string) => ({
    en: `document ${JSON.stringify(text)} not found; give its number (PK-2026-0001) or id`,
    zh: `找不到单据“${text}”，请填写单据编号（PK-2026-0001）或 ID`,
  }),
  ambiguousNumber: (text: string, warehousesEn: string, warehousesZh: string) => ({
    en: `document number ${text} exists in ${warehousesEn}; write it as WAREHOUSE/${text}`,
    zh: `单据编号 ${text} 在 ${warehousesZh} 都存在，请写成 仓库代码/${text}`,
  }),
  /** Submit refused: the warehouse requires an account per cause and these causes have none. */
  unmappedCauses: (warehouse: string, causesEn: string, causesZh: string, firstCode: string) => ({
    en: `cannot submit: warehouse ${warehouse} requires an accounting account for every cause, and these causes have none: ${causesEn}`,
    zh: `无法提交：仓库 ${warehouse} 要求每个原因都对应会计科目，以下原因尚未设置科目：${causesZh}`,
    advice: {
      chat: {
        en: "; ask an admin to map them on the console's causes page (/admin/causes), then submit again",
        zh: '；请管理员在控制台的“原因”页（/admin/causes）设置科目后再提交',
      },
      page: {
        en: '; map them on the causes page (/admin/causes), then submit again',
        zh: '；请在“原因”页（/admin/causes）设置科目后再提交',
      },
      cli: {
        en: `; map each with \`stocktake causes account set ${warehouse} ${firstCode} ACCOUNT [--cost-centre CODE] --as ADMIN\`, then submit again`,
        zh: `；请用 \`stocktake causes account set ${warehouse} ${firstCode} 科目 [--cost-centre 成本中心] --as 管理员\` 逐个设置后再提交`,
      },
      api: {
        en: `; an admin maps each with POST /api/v1/cause-accounts {"warehouse":"${warehouse}","cause":"${firstCode}","account":"…"}, then submit again`,
        zh: `；请管理员用 POST /api/v1/cause-accounts {"warehouse":"${warehouse}","cause":"${firstCode}","account":"…"} 逐个设置后再提交`,
      },
    },
  }),
});

export const approvalTexts = phrases('approvals', {
  noStep: (number: string, step: number) => ({ en: `document ${number} has no step ${step}`, zh: `单据 ${number} 没有第 ${step} 步` }),
  stepDecided: (step: number, role: string, number: string, status: string, by: string, at: string) => ({
    en: `step ${step} (${role}) of ${number} was already ${status} by ${by} at ${at}`,
    zh: `${number} 的第 ${step} 步（${roleZh(role)}）已由 ${by} 于 ${at} ${stateLabel('zh-CN', 'step', status)}`,
  }),
  stepNotPending: (step: number, role: string, number: string, status: string) => ({
    en: `step ${step} (${role}) of ${number} is ${status}, not waiting for a decision`,
    zh: `${number} 的第 ${step} 步（${roleZh(role)}）当前为“${stateLabel('zh-CN', 'step', status)}”，不在等待审批`,
  }),
  nothingToDecide: (number: string, status: string, verb: string) => ({
    en: `document ${number} is ${status}; there is nothing to ${verb}`,
    zh: `单据 ${number} 当前为“${stateLabel('zh-CN', 'document', status)}”，没有可${verb === 'reject' ? '驳回' : '审批'}的步骤`,
  }),
  needsStepRole: (who: string, verb: string, step: number, number: string, role: string, warehouse: string) => ({
    en: `${who} may not ${verb} step ${step} of ${number}: it needs the role ${role} in ${warehouse}`,
    zh: `${who} 不能${verb === 'reject' ? '驳回' : '审批'} ${number} 的第 ${step} 步：需要 ${warehouse} 的${roleZh(role)}角色`,
  }),
  approvedTwice: (who: string, step: number, role: string, number: string) => ({
    en: `${who} already approved step ${step} (${role}) of ${number}; one person may not approve two steps`,
    zh: `${who} 已审批过 ${number} 的第 ${step} 步（${roleZh(role)}），同一人不能审批两个步骤`,
  }),
  countedLine: (who: string, line: string, number: string) => ({
    en: `${who} counted ${line} on ${number} and may not approve it`,
    zh: `${who} 盘点了 ${number} 上的 ${line}，因此不能审批该单据`,
  }),
  explainedLine: (who: string, line: string, number: string) => ({
    en: `${who} explained ${line} on ${number} and may not approve it`,
    zh: `${who} 说明了 ${number} 上 ${line} 的差异原因，因此不能审批该单据`,
  }),
  decidedMeanwhile: (step: number, number: string) => ({
    en: `step ${step} of ${number} was decided meanwhile`,
    zh: `${number} 的第 ${step} 步已被他人处理`,
  }),
  rejectNeedsReason: () => ({
    en: 'a rejection needs a reason (it is shown on the lines sent back to review)',
    zh: '驳回需要填写原因（原因会显示在退回复核的行上）',
  }),
});
