/** Loading the demo (演示数据): what stops it before anything is written. */
import { phrases } from '../phrase.ts';

export const demoTexts = phrases('demo', {
  badOptions: (details: string, fields: string) => ({
    en: `invalid demo options: ${details}`,
    zh: `演示数据的选项无效（${fields}）`,
  }),
  nowInFuture: (now: string) => ({
    en: `the demo's "now" (${now}) is in the future: its counts would be refused`,
    zh: `演示数据的当前时间（${now}）晚于现在：其盘点结果会被拒绝`,
  }),
  alreadyLoaded: (warehouse: string) => ({
    en: `demo data is already loaded (warehouse ${warehouse} exists); nothing was changed; delete the data directory to start over (or set STOCKTAKE_DATA_DIR to a new one)`,
    zh: `演示数据已经加载（仓库 ${warehouse} 已存在），未做任何更改；如需重新开始，请删除数据目录（或把 STOCKTAKE_DATA_DIR 设为新目录）`,
  }),
  itemExists: (sku: string, name: string, unit: string, cost: string) => ({
    en: `item ${sku} already exists as "${name}" (${unit}, ${cost}); the demo would change it`,
    zh: `物料 ${sku} 已存在，为“${name}”（${unit}，${cost}）；加载演示数据会改动它`,
  }),
  identityTaken: (identity: string, owner: string, member: string) => ({
    en: `identity ${identity} belongs to ${owner}, not ${member}`,
    zh: `身份 ${identity} 属于 ${owner}，而不是 ${member}`,
  }),
  chatBound: (chat: string, warehouse: string) => ({
    en: `chat ${chat} is bound to warehouse ${warehouse}`,
    zh: `群 ${chat} 已绑定到仓库 ${warehouse}`,
  }),
  causeUnavailable: (cause: string) => ({
    en: `cause ${cause} is missing from the cause catalogue or inactive; the demo's history tags variances with it`,
    zh: `原因 ${cause} 不在原因目录中或已停用；演示数据的历史要用它标注差异`,
  }),
  causeDirection: (cause: string, direction: 'gain' | 'loss') => ({
    en: `cause ${cause} no longer explains a ${direction}; the demo's history tags a ${direction} with it`,
    zh: `原因 ${cause} 已不能解释${direction === 'gain' ? '盘盈' : '盘亏'}；演示数据的历史要用它标注${direction === 'gain' ? '盘盈' : '盘亏'}`,
  }),
  cannotLoad: (details: string, detailsZh: string) => ({
    en: `cannot load the demo: ${details}; nothing was changed`,
    zh: `无法加载演示数据：${detailsZh}；未做任何更改`,
  }),
});
