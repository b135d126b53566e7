/**
 * Feishu's approval centre (审批中心) through third-party approval (三方审批), with the SDK:
 * - `prepare`: approval.v4.externalApproval.create defines (or updates) the external approval with our
 *   callback URL, callback token and optional key (quick approval on, so tasks get Approve/Reject buttons);
 * - `sync`: approval.v4.externalInstance.create pushes a document as one instance (instance_id = our
 *   document id) with every task (task_id = our approval_centre_task id), update_mode REPLACE, texts in
 *   zh-CN and en-US through i18n_resources;
 * - callbacks (三方快捷审批回调, answered within 10 s): `{action_type: APPROVE|REJECT, approval_code,
 *   instance_id, task_id, user_id, reason, action_context, token}`, or `{encrypt}` (AES-256-CBC, key =
 *   SHA-256 of action_callback_key, IV = first 16 bytes) when a key is configured. A callback is ours when
 *   its token is the configured one, its approval_code ours, and its action_context the HMAC we put on that
 *   task (so even a leaked token cannot decide a task it was not pushed with).
 *   https://open.feishu.cn/document/server-docs/approval-v4/external_approval/quick-approval-callback
 * Refusals answer HTTP 4xx with `{message, without_prefix: true}`, which Feishu shows the approver.
 */
import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Client, LoggerLevel } from '@larksuiteoapi/node-sdk';
import { roleLabels } from '../../cards/i18n/roles.ts';
import type { Logger } from '../../src/core/log.ts';
import type { Phrase } from '../../src/domain/phrase.ts';
import { centreTexts } from '../../src/domain/texts/centres.ts';
import type { CentreCallback, CentreCallbacks, CentreOutcome } from '../../src/http/centres.ts';
import type { ApprovalCentre, CentreDocument, CentreSyncResult, CentreTask } from '../../src/services/approvalCentres.ts';
import type { FeishuConfig } from './config.ts';
import { FEISHU_CENTRE_PATH, type FeishuCentreConfig } from './centreConfig.ts';
import { sdkLogger } from './index.ts';

export { FEISHU_CENTRE_PATH, loadFeishuCentreConfig, type FeishuCentreConfig } from './centreConfig.ts';

const TASK_STATUS = { pending: 'PENDING', approved: 'APPROVED', rejected: 'REJECTED', done: 'DONE', cancelled: 'DONE' } as const;
const INSTANCE_STATUS = { approving: 'PENDING', posted: 'APPROVED', rejected: 'REJECTED', withdrawn: 'CANCELED' } as const;

/** Feishu's texts by key, per locale: every `@i18n@key` used must be defined in each locale. */
class I18n {
  readonly zh: { key: string; value: string }[] = [];
  readonly en: { key: string; value: string }[] = [];
  add(phrase: Phrase): string {
    const key = `@i18n@${this.zh.length + 1}`;
    this.zh.push({ key, value: phrase.words.zh });
    this.en.push({ key, value: phrase.words.en });
    return key;
  }
  plain(value: string): string {
    const key = `@i18n@${this.zh.length + 1}`;
    this.zh.push({ key, value });
    this.en.push({ key, value });
    return key;
  }
  resources() {
    return [
      { locale: 'zh-CN' as const, texts: this.zh, is_default: true },
      { locale: 'en-US' as const, texts: this.en, is_default: false },
    ];
  }
}

const ms = (iso: string | null) => (iso ? String(new Date(iso).getTime()) : '0');

function safeEqual(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Decrypts a callback's `encrypt` field as Feishu documents it (AES-256-CBC, PKCS#7, IV first). */
export function decryptFeishuCallback(encrypt: string, key: string): string {
  const data = Buffer.from(encrypt, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

export type FeishuCentre = ApprovalCentre & CentreCallbacks;

export function createFeishuCentre(feishu: FeishuConfig, config: FeishuCentreConfig, log: Logger): FeishuCentre {
  const secrets = [feishu.appSecret, config.callbackToken, config.callbackKey ?? ''];
  const client = new Client({
    appId: feishu.appId,
    appSecret: feishu.appSecret,
    domain: feishu.domain,
    logger: sdkLogger(log, secrets),
    loggerLevel: LoggerLevel.info,
  });
  /** Binds a task id to this installation: the action_context Feishu hands back with a decision. */
  const contextOf = (taskId: string) =>
    createHmac('sha256', config.callbackToken).update(`feishu-centre:${taskId}`).digest('hex').slice(0, 32);
  const link = (doc: CentreDocument) => `${config.publicUrl}/stocktakes/${encodeURIComponent(doc.stocktakeCode)}#documents`;

  const check = (what: string, res: { code?: number; msg?: string }) => {
    if (res.code !== 0) throw new Error(`feishu ${what}: code ${String(res.code)}: ${String(res.msg)}`);
  };

  function task(doc: CentreDocument, t: CentreTask, i18n: I18n) {
    const en = roleLabels('en')[t.role] ?? t.role;
    const zh = roleLabels('zh-CN')[t.role] ?? t.role;
    const taskId = t.taskId || t.id;
    const pending = t.status === 'pending';
    return {
      task_id: taskId,
      open_id: t.approverId,
      title: i18n.add(centreTexts.taskTitle(doc.number, t.stepNo, en, zh)),
      links: { pc_link: link(doc), mobile_link: link(doc) },
      status: TASK_STATUS[t.status],
      create_time: ms(t.createdAt),
      end_time: pending ? '0' : ms(t.endedAt),
      update_time: String(Date.now()),
      node_id: `step-${t.stepNo}`,
      node_name: i18n.add(centreTexts.stepName(t.stepNo, en, zh)),
      ...(pending
        ? {
            action_context: contextOf(taskId),
            action_configs: [
              { action_type: 'APPROVE', action_name: i18n.add(centreTexts.approve()) },
              { action_type: 'REJECT', action_name: i18n.add(centreTexts.reject()), is_need_reason: true, is_reason_required: true },
            ],
          }
        : {}),
    };
  }

  return {
    platform: 'feishu',
    path: FEISHU_CENTRE_PATH,
    deadlineMs: 10_000,

    async prepare() {
      const i18n = new I18n();
      const name = i18n.add(centreTexts.approvalName());
      const group = i18n.add(centreTexts.groupName());
      const res = await client.approval.v4.externalApproval.create({
        params: { user_id_type: 'open_id' },
        data: {
          approval_name: name,
          approval_code: config.approvalCode,
          group_code: 'stocktake',
          group_name: group,
          external: {
            biz_name: name,
            support_pc: true,
            support_mobile: true,
            support_batch_read: false,
            enable_mark_readed: false,
            enable_quick_operate: true,
            action_callback_url: `${config.publicUrl}${FEISHU_CENTRE_PATH}`,
            action_callback_token: config.callbackToken,
            ...(config.callbackKey ? { action_callback_key: config.callbackKey } : {}),
            allow_batch_operate: false,
          },
          // Nobody starts a stocktake adjustment from Feishu: documents come from our review.
          viewers: [{ viewer_type: 'NONE' }],
          i18n_resources: i18n.resources(),
        },
      });
      check('externalApproval.create', res);
    },

    async sync(doc): Promise<CentreSyncResult> {
      const i18n = new I18n();
      const instanceId = doc.instanceId || doc.documentId;
      const tasks = doc.tasks.filter((t) => t.approverId).map((t) => task(doc, t, i18n));
      const res = await client.approval.v4.externalInstance.create({
        data: {
          approval_code: config.approvalCode,
          status: INSTANCE_STATUS[doc.status],
          instance_id: instanceId,
          links: { pc_link: link(doc), mobile_link: link(doc) },
          title: i18n.add(centreTexts.instanceTitle(doc.number, doc.kind, doc.warehouseCode)),
          form: [
            { name: i18n.add(centreTexts.fieldDocument()), value: i18n.plain(doc.number) },
            { name: i18n.add(centreTexts.fieldValue()), value: i18n.plain(`${doc.totalValue} ${doc.currency}`) },
            { name: i18n.add(centreTexts.fieldLines()), value: i18n.plain(String(doc.lineCount)) },
            { name: i18n.add(centreTexts.fieldStocktake()), value: i18n.plain(doc.stocktakeCode) },
          ],
          ...(doc.submitterId ? { open_id: doc.submitterId } : {}),
          user_name: doc.submitterName,
          start_time: ms(doc.submittedAt),
          end_time: doc.status === 'approving' ? '0' : ms(doc.decidedAt),
          update_time: String(Date.now()),
          display_method: 'BROWSER',
          update_mode: 'REPLACE',
          task_list: tasks,
          i18n_resources: i18n.resources(),
        },
      });
      check('externalInstance.create', res);
      return { instanceId, taskIds: Object.fromEntries(doc.tasks.map((t) => [t.id, t.taskId || t.id])) };
    },

    read({ body }): CentreCallback {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(body) as Record<string, unknown>;
        if (typeof data.encrypt === 'string') {
          if (!config.callbackKey) return { kind: 'forged', reason: 'encrypted callback but no FEISHU_APPROVAL_CALLBACK_KEY' };
          data = JSON.parse(decryptFeishuCallback(data.encrypt, config.callbackKey)) as Record<string, unknown>;
        } else if (config.callbackKey) return { kind: 'forged', reason: 'callback not encrypted' };
      } catch {
        return { kind: 'forged', reason: 'not JSON (or not decryptable with the key)' };
      }
      if (!safeEqual(data.token, config.callbackToken)) return { kind: 'forged', reason: 'token does not match' };
      if (data.approval_code !== config.approvalCode) return { kind: 'forged', reason: 'another approval_code' };
      const taskId = typeof data.task_id === 'string' ? data.task_id : '';
      if (!taskId || !safeEqual(data.action_context, contextOf(taskId)))
        return { kind: 'forged', reason: 'action_context does not match the task' };
      if (data.action_type !== 'APPROVE' && data.action_type !== 'REJECT') return { kind: 'forged', reason: 'unknown action_type' };
      const reason = typeof data.reason === 'string' && data.reason.trim() ? data.reason.trim() : undefined;
      return {
        kind: 'decision',
        decision: {
          platform: 'feishu',
          taskId,
          action: data.action_type === 'APPROVE' ? 'approve' : 'reject',
          ...(reason ? { reason } : {}),
          // user_id is Feishu's user_id, not the open_id our identities hold: the task (one per approver,
          // shown only to them) and its action_context say who it is.
          ...(typeof data.instance_id === 'string' ? { instanceId: data.instance_id } : {}),
        },
      };
    },

    answer(outcome: CentreOutcome) {
      if (outcome.kind === 'done') return { status: 200, body: { code: 0, msg: 'success' } };
      const status = { forged: 401, 'not-allowed': 403, stale: 409, invalid: 422, late: 503, failed: 500 }[outcome.reason];
      // Feishu shows `message` to the approver (without its own prefix) when the status is above 400.
      return { status, body: { message: `${outcome.message['zh-CN']} / ${outcome.message.en}`, without_prefix: 'true' } };
    },
  };
}
