/** Approval centres (飞书审批 / 钉钉待办): what an approver reads there, and why a decision from there is refused. */
import { phrases } from '../phrase.ts';

export const centreTexts = phrases('centres', {
  approvalName: () => ({ en: 'Stocktake adjustment', zh: '盘点调整单审批' }),
  groupName: () => ({ en: 'Stocktake', zh: '盘点' }),
  instanceTitle: (number: string, kind: string, warehouse: string) => ({
    en: `${kind === 'gain' ? 'Stock gain' : 'Stock loss'} ${number} (${warehouse})`,
    zh: `${kind === 'gain' ? '盘盈单' : '盘亏单'} ${number}（${warehouse}）`,
  }),
  taskTitle: (number: string, step: number, roleEn: string, roleZh: string) => ({
    en: `Approve ${number}: step ${step} (${roleEn})`,
    zh: `审批 ${number}：第 ${step} 步（${roleZh}）`,
  }),
  stepName: (step: number, roleEn: string, roleZh: string) => ({ en: `Step ${step}: ${roleEn}`, zh: `第 ${step} 步：${roleZh}` }),
  fieldDocument: () => ({ en: 'Document', zh: '单据' }),
  fieldValue: () => ({ en: 'Value', zh: '金额' }),
  fieldStocktake: () => ({ en: 'Stocktake', zh: '盘点任务' }),
  fieldLines: () => ({ en: 'Lines', zh: '行数' }),
  approve: () => ({ en: 'Approve', zh: '同意' }),
  reject: () => ({ en: 'Reject', zh: '驳回' }),
  decided: (number: string) => ({ en: `Recorded: ${number} is updated`, zh: `已记录：${number} 已更新` }),
  unknownTask: (platform: string) => ({
    en: `this ${platform} approval task is not one of ours (or no longer exists); open the document in the stocktake console`,
    zh: `这条${platform === 'feishu' ? '飞书' : '钉钉'}审批任务不是本系统的（或已不存在），请在盘点控制台打开单据`,
  }),
  notYourTask: () => ({
    en: 'this approval task belongs to someone else; only its approver may decide it',
    zh: '这条审批任务属于其他人，只有该审批人可以处理',
  }),
  stillWorking: () => ({
    en: 'still working on it: the task updates shortly; look again in a minute',
    zh: '仍在处理，任务稍后更新，请一分钟后再看',
  }),
  failed: () => ({ en: 'something went wrong; please try again', zh: '出错了，请稍后再试' }),
});
