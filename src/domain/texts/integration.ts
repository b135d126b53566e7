/** Webhook subscriptions, their deliveries, and the accounts causes book to (issue 15 §1, §2). */
import { phrases } from '../phrase.ts';

export const webhookTexts = phrases('webhooks', {
  adminsOnly: (who: string, warehouse: string) => ({
    en: `${who} may not manage webhooks of ${warehouse}: only its admins may`,
    zh: `${who} 不能管理 ${warehouse} 的 Webhook：只有该仓库的管理员可以`,
  }),
  adminsOfAllOnly: (who: string) => ({
    en: `${who} may not manage webhooks of every warehouse: only an admin of each warehouse may`,
    zh: `${who} 不能管理面向所有仓库的 Webhook：只有每个仓库的管理员可以`,
  }),
  badUrl: (url: string) => ({
    en: `webhook URL "${url}" must be an absolute http:// or https:// URL`,
    zh: `Webhook 地址“${url}”必须是以 http:// 或 https:// 开头的完整地址`,
  }),
  badEventType: (type: string, known: string) => ({
    en: `unknown event type "${type}"; known: ${known}`,
    zh: `未知的事件类型“${type}”，可用：${known}`,
  }),
  badGrace: () => ({
    en: 'the grace period must be whole hours from 0 to 720',
    zh: '宽限期必须是 0 到 720 之间的整数小时',
  }),
  notFound: (ref: string) => ({
    en: `webhook "${ref}" not found`,
    zh: `找不到 Webhook“${ref}”`,
    advice: {
      cli: { en: '; see `stocktake webhooks list`', zh: '，请查看 `stocktake webhooks list`' },
      api: { en: '; see GET /api/v1/webhooks', zh: '，请查看 GET /api/v1/webhooks' },
      page: { en: '; reload the list', zh: '，请刷新列表' },
    },
  }),
  badDeliveryId: (ref: string) => ({
    en: `"${ref}" is not a delivery id (a number as listed by the deliveries)`,
    zh: `“${ref}”不是投递编号（应为投递列表中的数字）`,
  }),
  notRetryable: (ids: string) => ({
    en: `nothing to retry: ${ids} is not a failed delivery`,
    zh: `没有可重试的投递：${ids} 不是失败的投递`,
    advice: {
      cli: { en: '; see `stocktake webhooks deliveries --status failed`', zh: '，请查看 `stocktake webhooks deliveries --status failed`' },
      api: { en: '; see GET /api/v1/webhooks/deliveries?status=failed', zh: '，请查看 GET /api/v1/webhooks/deliveries?status=failed' },
    },
  }),
});

export const causeAccountTexts = phrases('causeAccounts', {
  adminsOnly: (who: string, warehouse: string) => ({
    en: `${who} may not map causes to accounts in ${warehouse}: only its admins may`,
    zh: `${who} 不能设置 ${warehouse} 的原因科目：只有该仓库的管理员可以`,
  }),
  badAccount: () => ({
    en: 'the account must be 1–60 characters without control characters',
    zh: '会计科目须为 1–60 个字符，且不含控制字符',
  }),
  badCostCentre: () => ({
    en: 'the cost centre must be 1–60 characters without control characters',
    zh: '成本中心须为 1–60 个字符，且不含控制字符',
  }),
  notMapped: (warehouse: string, cause: string) => ({
    en: `cause ${cause} has no account in ${warehouse}`,
    zh: `原因 ${cause} 在 ${warehouse} 没有设置科目`,
  }),
});
