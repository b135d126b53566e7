/**
 * Requests that cannot be read: a field of a body or a query (worded from zod's issues), a body that is no
 * JSON, an upload in the wrong field or type, a malformed header.
 */
import type { z } from 'zod';
import { phrases, type Phrase } from '../phrase.ts';

export const inputTexts = phrases('input', {
  unknownField: (field: string) => ({ en: `${field} is not a known field`, zh: `${field} 不是可用的字段` }),
  /** A field zod refused: `detail` is zod's English, `why` the kind of problem in Chinese. */
  badField: (field: string, detail: string, why: string) => ({ en: `${field}: ${detail}`, zh: `字段 ${field} ${why}` }),
  badValue: (detail: string, why: string) => ({ en: detail, zh: `输入${why}` }),
  /** A field refused with a message of a catalogue (see zodMessage): `detail` and `detailZh` are its words. */
  fieldSays: (field: string, detail: string, detailZh: string) => ({ en: `${field}: ${detail}`, zh: `字段 ${field}：${detailZh}` }),
  invalid: (where: string, details: string, fields: string) => ({
    en: `invalid ${where}: ${details}`,
    zh: `请求的 ${where} 无效（${fields}）`,
  }),
  notJson: (reason: string) => ({
    en: `the request body is not valid JSON (${reason}); send JSON with Content-Type: application/json`,
    zh: `请求正文不是有效的 JSON（${reason}）；请以 Content-Type: application/json 发送 JSON`,
  }),
  notJsonProblem: (reason: string) => ({ en: reason, zh: `不是有效的 JSON（${reason}）` }),
  idempotencyKey: () => ({
    en: 'the Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID is a good choice)',
    zh: 'Idempotency-Key 请求头必须是 1 到 200 个可见 ASCII 字符（建议使用 UUID）',
  }),
  idempotencyKeyProblem: () => ({ en: 'must be 1 to 200 visible ASCII characters', zh: '必须是 1 到 200 个可见 ASCII 字符' }),
  oneOrMoreOf: (values: string) => ({
    en: `must be one or more of ${values}, separated by commas`,
    zh: `应为 ${values} 中的一个或多个，用逗号分隔`,
  }),
  // Uploads.
  sendField: (what: string, field: string) => ({
    en: `send the ${what} in the multipart field "${field}"`,
    zh: `请在 multipart 字段“${field}”中发送${what === 'photo' ? '照片' : '盘点表'}`,
  }),
  fieldMissing: (field: string) => ({ en: `${field} is missing`, zh: `缺少 ${field}` }),
  countSheetType: (type: string, accepted: string) => ({
    en: `cannot read a count sheet sent as ${type}: send multipart/form-data with the field "file", or the sheet itself as ${accepted}`,
    zh: `无法读取以 ${type} 发送的盘点表：请用 multipart/form-data 的“file”字段发送，或直接以 ${accepted} 发送表格本身`,
  }),
  photoType: (type: string, accepted: string) => ({
    en: `cannot read a photo sent as ${type}: send multipart/form-data with the field "photo", or the image itself as ${accepted}`,
    zh: `无法读取以 ${type} 发送的照片：请用 multipart/form-data 的“photo”字段发送，或直接以 ${accepted} 发送图片本身`,
  }),
  typeNotAccepted: (type: string) => ({ en: `${type} is not accepted`, zh: `不接受 ${type}` }),
  countSheetEmpty: () => ({ en: 'the count sheet is empty; nothing was imported', zh: '盘点表是空的，未导入任何内容' }),
  isEmpty: () => ({ en: 'is empty', zh: '为空' }),
  ownCountsOnly: (who: string, counter: string, roles: string, warehouse: string) => ({
    en: `${who} may only import their own counts: naming ${counter} as the counter needs the role ${roles} in ${warehouse}`,
    zh: `${who} 只能导入自己的盘点：把 ${counter} 填为盘点人需要在 ${warehouse} 拥有 ${roles} 角色`,
  }),
  lineOrLocation: () => ({ en: 'give either line or location', zh: '请给出行（line）或库位（location）中的一个' }),
});

/** What kind of problem a zod issue is, in Chinese ("类型不对"). */
const WHY: Record<string, string> = {
  invalid_type: '类型不对',
  too_small: '太短或太小',
  too_big: '太长或太大',
  invalid_format: '格式不对',
  invalid_value: '不是允许的值',
  not_multiple_of: '不是允许的倍数',
  unrecognized_keys: '含有未知字段',
  invalid_union: '不符合任何允许的格式',
  invalid_key: '含有无效的键',
  invalid_element: '含有无效的元素',
  custom: '无效',
};

/** Phrases given to zod as messages, by their English (zod keeps a message as a string). */
const ZOD_MESSAGES = new Map<string, Phrase>();

/** A catalogue phrase to give a zod schema as its message, e.g. z.string().min(1, zodMessage(texts.blank())). */
export function zodMessage(phrase: Phrase): string {
  ZOD_MESSAGES.set(phrase.words.en, phrase);
  return phrase.words.en;
}

/**
 * A zod issue as a phrase: a message given with zodMessage in its own words; zod's own English as it is,
 * and in Chinese the field and the kind of problem.
 */
export function zodIssuePhrase(issue: z.core.$ZodIssue, field = issue.path.map(String).join('.')): Phrase {
  const known = ZOD_MESSAGES.get(issue.message);
  if (known) return field ? inputTexts.fieldSays(field, known.words.en, known.words.zh) : known;
  const why = WHY[issue.code] ?? '无效';
  return field ? inputTexts.badField(field, issue.message, why) : inputTexts.badValue(issue.message, why);
}
