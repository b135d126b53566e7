/** Counting on the phone (扫码盘点): scans, typed quantities and "location done". */
import { phrases } from '../phrase.ts';

export const scanTexts = phrases('scans', {
  countingClosed: (code: string, status: string, statusZh: string) => ({
    en: `${code} is ${status}: counting is closed, so scans are not taken`,
    zh: `${code} 当前为${statusZh}：盘点录入已结束，不再接收扫码`,
  }),
  countingClosedNoRecount: (code: string, status: string, statusZh: string) => ({
    en: `${code} is ${status}: counting is closed and no line is waiting for a recount by you, so scans are not taken`,
    zh: `${code} 当前为${statusZh}：盘点录入已结束，也没有等你复盘的行，不再接收扫码`,
  }),
  tooManyEntries: (max: number, got: number) => ({
    en: `at most ${max} entries per request (got ${got}); send the rest in another`,
    zh: `每次请求最多 ${max} 条记录（本次 ${got} 条）；其余的请另行发送`,
  }),
  entryMalformed: (entry: number, details: string, fields: string) => ({
    en: `entry ${entry} is malformed: ${details}`,
    zh: `第 ${entry} 条记录格式不对（${fields}）`,
  }),
  idNotUuid: () => ({
    en: 'id must be a UUID made by the phone (crypto.randomUUID())',
    zh: 'id 必须是手机生成的 UUID（crypto.randomUUID()）',
  }),
  codeBlank: () => ({ en: 'code is blank', zh: '条码为空' }),
  qtyZero: (qty: string) => ({ en: `quantity ${qty} is zero`, zh: `数量 ${qty} 无效（为零）` }),
  qtyBad: (qty: string, reason: string, reasonZh: string) => ({
    en: `quantity ${qty} ${reason}`,
    zh: `数量 ${qty} 无效（${reasonZh}）`,
  }),
  notAUnit: (unit: string, sku: string, units: string) => ({
    en: `${unit} is not a unit of ${sku}: its units are ${units}`,
    zh: `${unit} 不是 ${sku} 的单位；可用单位：${units}`,
  }),
  nothingScanned: (where: string) => ({
    en: `nothing scanned at ${where} yet: scan the items there first`,
    zh: `${where} 还没有扫码记录：请先扫描该库位的物品`,
  }),
  nothingNew: (where: string) => ({
    en: `nothing new scanned at ${where} since you marked it done`,
    zh: `${where} 标记完成后没有新的扫码`,
  }),
  belowZero: (where: string, list: string) => ({
    en: `at ${where} these add up to less than zero: ${list}; correct them with + before marking the location done`,
    zh: `${where} 以下物料合计小于零：${list}；请先用 + 更正，再标记本库位完成`,
  }),
});
