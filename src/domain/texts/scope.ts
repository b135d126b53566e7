/** Partial stocktakes, spot checks and cycle-count plans (issue 16 §2): errors and the words around them. */
import { phrases } from '../phrase.ts';

export const scopeTexts = phrases('scope', {
  badLocation: (text: string) => ({
    en: `location "${text}" is not valid: give a location code or a prefix ending in * (A-*)`,
    zh: `库位“${text}”无效：请填写库位编码，或以 * 结尾的前缀（如 A-*）`,
  }),
  badClass: (text: string) => ({
    en: `ABC class "${text}" is not valid: give A, B or C`,
    zh: `ABC 类“${text}”无效：请填写 A、B 或 C`,
  }),
  outOfScope: (code: string, line: number, label: string, scope: string, scopeZh: string) => ({
    en: `row ${line}: ${label} is outside the scope of stocktake ${code} (${scope}); nothing of this sheet was recorded`,
    zh: `第 ${line} 行：${label} 不在盘点任务 ${code} 的范围内（${scopeZh}），本表未导入任何内容`,
    advice: {
      chat: { en: '. Remove the row, or count it in a stocktake that covers it.', zh: '。请删除该行，或在涵盖它的盘点任务中盘点。' },
      cli: { en: '. Remove the row, or count it in a stocktake that covers it.', zh: '。请删除该行，或在涵盖它的盘点任务中盘点。' },
    },
  }),
  emptyScope: (warehouse: string, scope: string, scopeZh: string) => ({
    en: `nothing of warehouse ${warehouse} is in the scope (${scope}): no stocktake started`,
    zh: `仓库 ${warehouse} 没有任何库存在该范围内（${scopeZh}），未开始盘点`,
  }),
});
