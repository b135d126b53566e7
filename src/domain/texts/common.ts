/** Errors every part of the product raises: duplicates, an open stocktake, a reused key, a missing thing. */
import { phrases } from '../phrase.ts';

export const commonTexts = phrases('common', {
  notFound: (entity: string, key: string) => ({
    en: `${entity} ${JSON.stringify(key)} not found`,
    zh: `找不到${entity}“${key}”`,
  }),
  duplicateImport: (id: string, fileName: string, counter: string, importedAt: string) => ({
    en: `this file was already imported into the stocktake as import ${id} (${fileName}, by ${counter} at ${importedAt}); nothing was imported again`,
    zh: `这个文件已导入过本次盘点（导入 ${id}：${fileName}，${counter} 于 ${importedAt}），本次未重复导入`,
  }),
  stocktakeAlreadyOpen: (warehouse: string, open: string) => ({
    en: `warehouse ${warehouse} already has an open stocktake ${open}; finish or cancel it first`,
    zh: `仓库 ${warehouse} 已有进行中的盘点 ${open}，请先完成或作废它`,
    advice: {
      chat: { en: ' (send "cancel REASON" to cancel it)', zh: '（发送“撤销 原因”可作废它）' },
      cli: { en: ` (stocktake cancel ${open} --reason TEXT)`, zh: `（stocktake cancel ${open} --reason 原因）` },
      page: { en: ` (open ${open} under Stocktakes to finish or cancel it)`, zh: `（在“盘点”中打开 ${open} 完成或作废它）` },
      api: { en: ` (POST /api/v1/stocktakes/${open}/cancel with a reason)`, zh: `（POST /api/v1/stocktakes/${open}/cancel，附原因）` },
    },
  }),
  idempotencyReusedSame: (key: string, command: string) => ({
    en: `idempotency key "${key}" was already used for ${command} with another target or input; nothing was done: send a new key for a new action`,
    zh: `幂等键“${key}”已用于另一个对象或内容的 ${command}，本次未执行：新的操作请换一个新键`,
  }),
  idempotencyReusedOther: (key: string, earlier: string, command: string) => ({
    en: `idempotency key "${key}" was already used for ${earlier}, not ${command}; nothing was done: send a new key for a new action`,
    zh: `幂等键“${key}”已用于 ${earlier}（而非 ${command}），本次未执行：新的操作请换一个新键`,
  }),
});
