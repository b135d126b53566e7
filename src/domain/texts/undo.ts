/** Undoing (撤销): cancelling a stocktake, withdrawing a document, voiding a count sheet, and the reason each needs. */
import { phrases } from '../phrase.ts';

export const undoTexts = phrases('undo', {
  reasonNeeded: (what: string, whatZh: string) => ({
    en: `${what} needs a reason (it is shown to the team and kept in the audit trail)`,
    zh: `${whatZh}需要填写原因（会展示给团队并记入审计记录）`,
  }),
  reasonTooLong: (length: number) => ({
    en: `the reason is ${length} characters long; keep it to 500`,
    zh: `原因共 ${length} 个字符，请控制在 500 以内`,
  }),

  // Cancelling a stocktake.
  alreadyCancelled: (code: string) => ({ en: `stocktake ${code} is already cancelled`, zh: `盘点 ${code} 已经取消` }),
  cancelPostedDocument: (code: string, number: string) => ({
    en: `cannot cancel stocktake ${code}: document ${number} is already posted to the ledger. Postings are not undone; finish the stocktake instead (reject or withdraw the documents still in approval), and correct the book with movements or a new stocktake`,
    zh: `无法取消盘点 ${code}：单据 ${number} 已过账。过账不能撤销；请完成本次盘点（驳回或撤回仍在审批中的单据），再通过出入库记录或新的盘点更正账面`,
  }),
  cancelPosted: (code: string) => ({
    en: `cannot cancel stocktake ${code}: it is posted. Postings are not undone; finish the stocktake instead (reject or withdraw the documents still in approval), and correct the book with movements or a new stocktake`,
    zh: `无法取消盘点 ${code}：已过账。过账不能撤销；请完成本次盘点（驳回或撤回仍在审批中的单据），再通过出入库记录或新的盘点更正账面`,
  }),
  changedMeanwhile: (code: string) => ({
    en: `stocktake ${code} changed meanwhile; look at it again`,
    zh: `盘点 ${code} 刚刚发生了变化，请重新查看`,
  }),

  // Withdrawing a document.
  mayNotWithdraw: (who: string, number: string, submitter: string) => ({
    en: `${who} may not withdraw ${number}: only its submitter (${submitter}) or a manager or admin of the warehouse may`,
    zh: `${who} 不能撤回 ${number}：只有提交人（${submitter}）或该仓库的经理、管理员可以撤回`,
  }),
  notInApproval: (number: string, status: string, statusZh: string) => ({
    en: `document ${number} is ${status}; only a document still in approval can be withdrawn`,
    zh: `单据 ${number} ${statusZh}，只有审批中的单据可以撤回`,
  }),
  alreadyApproved: (number: string, step: number, role: string, who: string, at: string) => ({
    en: `document ${number} was already approved at step ${step} (${role}) by ${who} at ${at}; it can no longer be withdrawn: ask the approver of the pending step to reject it`,
    zh: `单据 ${number} 已在第 ${step} 步（${role}）由 ${who} 于 ${at} 同意，不能再撤回：请当前审批人驳回`,
  }),

  // Voiding a count sheet.
  mayNotVoid: (who: string, file: string, counter: string, warehouse: string) => ({
    en: `${who} may not void ${file}: only its counter (${counter}) or a supervisor, manager or admin of ${warehouse} may`,
    zh: `${who} 不能作废 ${file}：只有盘点人（${counter}）或 ${warehouse} 的主管、经理、管理员可以作废`,
  }),
  alreadyVoided: (file: string, id: string, by: string, at: string) => ({
    en: `${file} (${id}) was already voided by ${by} at ${at}`,
    zh: `${file}（${id}）已由 ${by} 于 ${at} 作废`,
  }),
  voidAfterCounting: (file: string, code: string, status: string) => ({
    en: `cannot void ${file}: counting of ${code} is closed (${status}); ask for a recount of the lines instead, and the recount replaces this count`,
    zh: `无法作废 ${file}：${code} 已结束盘点（${status}）；请对相关行发起复盘，复盘结果会取代这次盘点`,
  }),
  sheetNotFound: (code: string, key: string) => ({
    en: `count sheet "${key}" not found; ${code} has no import of that id or file name`,
    zh: `${code} 没有名为“${key}”的盘点表（按导入编号或文件名查找）`,
    advice: {
      cli: { en: ` (list them with \`stocktake counts list ${code}\`)`, zh: `，可用 \`stocktake counts list ${code}\` 列出` },
    },
  }),
  sheetAmbiguous: (imports: number, code: string, key: string, ids: string) => ({
    en: `${imports} imports of ${code} are named ${key} (${ids}); give the import id`,
    zh: `${code} 有 ${imports} 份名为 ${key} 的导入（${ids}）；请给出导入编号`,
  }),
});
