/**
 * DingTalk's approval centre through the workflow "process centre" integration (自有 OA 审批 > 流程中心):
 * - SaveIntegratedInstance `POST /v1.0/workflow/processCentres/instances` {processCode, originatorUserId,
 *   title, url, formComponentValueList} → {result:{processInstanceId}}: one instance per document;
 * - CreateIntegratedTask `POST /v1.0/workflow/processCentres/tasks` {processInstanceId, activityId,
 *   tasks:[{userId, url, customData}], featureConfig} → {result:[{taskId, userId}], success}: one task per
 *   approver of a step (activityId `step-<n>`), shown in 待办 > 待我审批;
 * - UpdateIntegratedTask `PUT /v1.0/workflow/processCentres/tasks` {processInstanceId, tasks:[{taskId,
 *   status: COMPLETED|CANCELED, result: AGREE|REFUSE}]} when a step is decided anywhere;
 * - `PUT /v1.0/workflow/processCentres/instances` {processInstanceId, status: COMPLETED|TERMINATED,
 *   result: agree|refuse} when the document is posted, rejected or withdrawn.
 * With DINGTALK_CENTRE_API_KEY (a data source, 数据源, registered for our callback URL) the tasks carry
 * the CUSTOM_SHORTCUT feature: Approve/Refuse buttons in 待办 and the task card, which DingTalk's gateway
 * posts to us as {outResult: agree|refuse, processInstanceId, activityId, corpId, remark, taskId, operator}.
 * The gateway's own authentication is configured on the data source; we require the header
 * `x-stocktake-centre-token` to carry DINGTALK_CENTRE_CALLBACK_TOKEN, the corpId to be ours and the
 * operator to be the task's approver. Docs: open.dingtalk.com/document/development/
 * create-a-ticket-approval-instance, create-pending-tasks-in-process-center, update-process-center-task-status,
 * update-instance-status.
 */
import { timingSafeEqual } from 'node:crypto';
import { centreTexts } from '../../src/domain/texts/centres.ts';
import type { CentreCallback, CentreCallbacks, CentreOutcome } from '../../src/http/centres.ts';
import type { ApprovalCentre, CentreDocument, CentreSyncResult, CentreTask } from '../../src/services/approvalCentres.ts';
import type { DingTalkConfig } from './config.ts';
import { DINGTALK_CENTRE_PATH, DINGTALK_CENTRE_TOKEN_HEADER, type DingTalkCentreConfig } from './centreConfig.ts';
import { DingTalkApi } from './outbound.ts';

export { DINGTALK_CENTRE_PATH, DINGTALK_CENTRE_TOKEN_HEADER, loadDingTalkCentreConfig, type DingTalkCentreConfig } from './centreConfig.ts';

function safeEqual(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type DingTalkCentre = ApprovalCentre & CentreCallbacks;

export function createDingTalkCentre(
  dingtalk: DingTalkConfig,
  config: DingTalkCentreConfig,
  api = new DingTalkApi(dingtalk),
): DingTalkCentre {
  const link = (doc: CentreDocument) => `${config.publicUrl}/stocktakes/${encodeURIComponent(doc.stocktakeCode)}#documents`;
  const zh = (p: { words: { zh: string } }) => p.words.zh;

  const featureConfig = () =>
    config.shortcut
      ? {
          features: [
            {
              name: 'CUSTOM_SHORTCUT',
              runType: 'REDIRECT',
              callback: { appUuid: config.shortcut.corpId, apiKey: config.shortcut.apiKey, version: '1' },
              config: JSON.stringify({
                shortcutStyle: 'EXECUTE_ACTION',
                buttonConfig: {
                  agreeBtn: `{{'zh_CN':'${zh(centreTexts.approve())}','en_US':'${centreTexts.approve().words.en}'}}`,
                  refuseBtn: `{{'zh_CN':'${zh(centreTexts.reject())}','en_US':'${centreTexts.reject().words.en}'}}`,
                },
              }),
            },
          ],
        }
      : undefined;

  async function createTasks(doc: CentreDocument, instanceId: string, fresh: CentreTask[]): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    const steps = [...new Set(fresh.map((t) => t.stepNo))];
    for (const step of steps) {
      const of = fresh.filter((t) => t.stepNo === step);
      const feature = featureConfig();
      const res = await api.call<{ result?: { taskId?: number | string; userId?: string }[] }>(
        'POST',
        '/v1.0/workflow/processCentres/tasks',
        {
          processInstanceId: instanceId,
          activityId: `step-${step}`,
          tasks: of.map((t) => ({ userId: t.approverId, url: link(doc), customData: t.id })),
          ...(feature ? { featureConfig: feature } : {}),
        },
      );
      for (const r of res.result ?? []) {
        const t = of.find((x) => x.approverId === r.userId);
        if (t && r.taskId !== undefined) ids[t.id] = String(r.taskId);
      }
    }
    return ids;
  }

  return {
    platform: 'dingtalk',
    path: DINGTALK_CENTRE_PATH,
    // DingTalk's gateway timeout is not documented; Feishu's 10 s is the budget we keep for both.
    deadlineMs: 10_000,

    async sync(doc): Promise<CentreSyncResult> {
      let instanceId = doc.instanceId;
      const live = doc.tasks.filter((t) => t.approverId);
      if (!instanceId) {
        const originator = doc.submitterId ?? config.originatorUserId ?? live[0]?.approverId;
        const res = await api.call<{ result?: { processInstanceId?: string } }>('POST', '/v1.0/workflow/processCentres/instances', {
          processCode: config.processCode,
          originatorUserId: originator,
          // DingTalk's title is one string (64 characters at most): the organisation's language, Chinese.
          title: zh(centreTexts.instanceTitle(doc.number, doc.kind, doc.warehouseCode)).slice(0, 64),
          url: link(doc),
          formComponentValueList: [
            { name: zh(centreTexts.fieldDocument()), value: doc.number },
            { name: zh(centreTexts.fieldValue()), value: `${doc.totalValue} ${doc.currency}` },
            { name: zh(centreTexts.fieldLines()), value: String(doc.lineCount) },
            { name: zh(centreTexts.fieldStocktake()), value: doc.stocktakeCode },
          ],
        });
        instanceId = res.result?.processInstanceId ?? '';
        if (!instanceId) throw new Error('dingtalk SaveIntegratedInstance gave no processInstanceId');
      }
      // Tasks for approvers still pending that DingTalk does not have yet (a task decided before it was
      // ever pushed is not created just to be closed).
      const taskIds = await createTasks(
        doc,
        instanceId,
        live.filter((t) => !t.taskId && t.status === 'pending'),
      );
      const closing = live.filter((t) => t.taskId && t.dirty && t.status !== 'pending');
      for (let i = 0; i < closing.length; i += 20) {
        await api.call('PUT', '/v1.0/workflow/processCentres/tasks', {
          processInstanceId: instanceId,
          tasks: closing
            .slice(i, i + 20)
            .map((t) =>
              t.status === 'approved' || t.status === 'rejected'
                ? { taskId: Number(t.taskId), status: 'COMPLETED', result: t.status === 'approved' ? 'AGREE' : 'REFUSE' }
                : { taskId: Number(t.taskId), status: 'CANCELED' },
            ),
        });
      }
      if (doc.status !== 'approving' && doc.tasks.some((t) => t.dirty)) {
        await api.call('PUT', '/v1.0/workflow/processCentres/instances', {
          processInstanceId: instanceId,
          status: doc.status === 'withdrawn' ? 'TERMINATED' : 'COMPLETED',
          result: doc.status === 'posted' ? 'agree' : 'refuse',
        });
      }
      return { instanceId, taskIds };
    },

    read({ headers, body }): CentreCallback {
      const shortcut = config.shortcut;
      if (!shortcut) return { kind: 'forged', reason: 'quick actions are not configured (DINGTALK_CENTRE_API_KEY)' };
      if (!safeEqual(headers.get(DINGTALK_CENTRE_TOKEN_HEADER) ?? undefined, shortcut.callbackToken))
        return { kind: 'forged', reason: `${DINGTALK_CENTRE_TOKEN_HEADER} does not match` };
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return { kind: 'forged', reason: 'not JSON' };
      }
      if (data.corpId !== shortcut.corpId) return { kind: 'forged', reason: 'another corpId' };
      const outResult = String(data.outResult ?? '').toLowerCase();
      if (outResult !== 'agree' && outResult !== 'refuse') return { kind: 'forged', reason: 'unknown outResult' };
      const taskId = data.taskId === undefined || data.taskId === null ? '' : String(data.taskId);
      if (!taskId || typeof data.operator !== 'string' || typeof data.processInstanceId !== 'string')
        return { kind: 'forged', reason: 'taskId, operator or processInstanceId missing' };
      const remark = typeof data.remark === 'string' && data.remark.trim() ? data.remark.trim() : undefined;
      return {
        kind: 'decision',
        decision: {
          platform: 'dingtalk',
          taskId,
          action: outResult === 'agree' ? 'approve' : 'reject',
          ...(remark ? { reason: remark } : {}),
          operatorId: data.operator,
          instanceId: data.processInstanceId,
        },
      };
    },

    answer(outcome: CentreOutcome) {
      if (outcome.kind === 'done') return { status: 200, body: { success: true } };
      const status = { forged: 401, 'not-allowed': 403, stale: 409, invalid: 422, late: 503, failed: 500 }[outcome.reason];
      return { status, body: { success: false, errorMessage: outcome.message['zh-CN'], errorMessageEn: outcome.message.en } };
    },
  };
}
