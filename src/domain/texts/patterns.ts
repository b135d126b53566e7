/** Patterns (复盘: recurring variances, rising causes, counters' recounts, loss clusters) and performance (绩效). */
import { phrases } from '../phrase.ts';

export const patternTexts = phrases('patterns', {
  title: (warehouse: string) => ({ en: `Patterns in ${warehouse}`, zh: `${warehouse} 差异复盘` }),
  warningTitle: (warehouse: string) => ({ en: `Early warning for ${warehouse}`, zh: `${warehouse} 差异预警` }),
  none: (warehouse: string, posted: string) => ({
    en: `No patterns in ${warehouse} over the last ${posted} posted stocktake(s)`,
    zh: `${warehouse} 近 ${posted} 次已过账盘点中未发现规律性差异`,
  }),
  recurringSku: (sku: string, hits: string, window: string, value: string, stocktakes: string) => ({
    en: `SKU ${sku}: a variance in ${hits} of the last ${window} posted stocktakes (${value} in all; ${stocktakes})`,
    zh: `SKU ${sku}：近 ${window} 次已过账盘点中 ${hits} 次有差异（合计 ${value}；${stocktakes}）`,
  }),
  recurringLocation: (location: string, hits: string, window: string, value: string, stocktakes: string) => ({
    en: `Location ${location}: a variance in ${hits} of the last ${window} posted stocktakes (${value} in all; ${stocktakes})`,
    zh: `库位 ${location}：近 ${window} 次已过账盘点中 ${hits} 次有差异（合计 ${value}；${stocktakes}）`,
  }),
  risingCause: (causeEn: string, causeZh: string, latest: string, stocktake: string, mean: string, factor: string, series: string) => ({
    en: `Losses from "${causeEn}" are rising: ${latest} in ${stocktake} against a mean of ${mean} before (×${factor}; ${series})`,
    zh: `“${causeZh}”损失在上升：${stocktake} 为 ${latest}，此前平均 ${mean}（${factor} 倍；${series}）`,
  }),
  newCause: (causeEn: string, causeZh: string, latest: string, stocktake: string, before: string, series: string) => ({
    en: `Losses from "${causeEn}" appeared: ${latest} in ${stocktake} after none in the ${before} posted stocktakes before (${series})`,
    zh: `出现“${causeZh}”损失：${stocktake} 为 ${latest}，此前 ${before} 次已过账盘点均无（${series}）`,
  }),
  counterRecounts: (who: string, recounted: string, lines: string, percent: string, lineList: string) => ({
    en: `${who}: ${recounted} of ${lines} lines counted first needed a recount (${percent}%; ${lineList})`,
    zh: `${who}：初盘的 ${lines} 行中有 ${recounted} 行需要复盘（${percent}%；${lineList}）`,
  }),
  cluster: (name: string, value: string, share: string, bookShare: string, lift: string, stocktakes: string) => ({
    en: `Losses cluster in ${name}: ${value} (${share}% of all losses on ${bookShare}% of book value, ×${lift}; ${stocktakes})`,
    zh: `损失集中在 ${name}：${value}（占全部损失 ${share}%，账面价值仅占 ${bookShare}%，${lift} 倍；${stocktakes}）`,
  }),
  thresholdSet: (name: string, value: string) => ({ en: `pattern threshold ${name} = ${value}`, zh: `复盘阈值 ${name} = ${value}` }),
  badThresholdName: (name: string, names: string) => ({
    en: `"${name}" is not a pattern threshold; use one of ${names}`,
    zh: `"${name}" 不是复盘阈值；可用的有 ${names}`,
  }),
  badThreshold: (name: string, value: string, reason: string) => ({
    en: `pattern threshold ${name}: "${value}" ${reason}`,
    zh: `复盘阈值 ${name}："${value}" 无效，取值范围见 README 的“复盘与绩效”一节`,
  }),
  badSetting: (text: string) => ({ en: `--set takes name=value, got "${text}"`, zh: `--set 的格式是 名称=值，收到 "${text}"` }),

  // The console page (/patterns).
  pageTitle: () => ({ en: 'Patterns and performance', zh: '差异复盘与绩效' }),
  pageLink: () => ({ en: 'Patterns and performance: recurring variances, accuracy', zh: '复盘与绩效：重复差异、准确率' }),
  findingsHeading: () => ({ en: 'Patterns', zh: '差异规律' }),
  figuresHeading: () => ({ en: 'Performance', zh: '绩效' }),
  ownOnly: () => ({
    en: 'You see your own figures; managers and admins see everyone’s.',
    zh: '这里只显示你自己的数据；经理和管理员可以看到所有人的。',
  }),
  warehouseLabel: () => ({ en: 'Warehouse', zh: '仓库' }),
  noWarehouse: () => ({ en: 'You hold no role in any warehouse.', zh: '你在任何仓库都没有角色。' }),
  show: () => ({ en: 'Show', zh: '显示' }),

  // Performance (绩效).
  performanceTitle: (warehouse: string, window: string) => ({
    en: `Performance in ${warehouse} (last ${window} closed stocktakes)`,
    zh: `${warehouse} 绩效（近 ${window} 次已结束盘点）`,
  }),
  ownTitle: (who: string, warehouse: string) => ({ en: `${who}'s figures in ${warehouse}`, zh: `${who} 在 ${warehouse} 的绩效` }),
  counterLine: (who: string, accuracy: string, matched: string, lines: string, recount: string, perHour: string) => ({
    en: `${who} counting: first-count accuracy ${accuracy}% (${matched}/${lines} lines), recount rate ${recount}%, ${perHour} lines/hour`,
    zh: `${who} 盘点：初盘准确率 ${accuracy}%（${matched}/${lines} 行），复盘率 ${recount}%，每小时 ${perHour} 行`,
  }),
  reviewerLine: (who: string, explained: string, kept: string, keptPercent: string, returned: string, changed: string) => ({
    en: `${who} review: ${explained} variances explained, suggestion kept ${kept} times (${keptPercent}%), ${returned} lines sent back by a reject, ${changed} causes changed after it`,
    zh: `${who} 审核：说明差异 ${explained} 行，采纳建议 ${kept} 次（${keptPercent}%），被驳回退回 ${returned} 行，驳回后改原因 ${changed} 次`,
  }),
  stocktakeLine: (code: string, accuracy: string, matched: string, lines: string, hours: string, onTarget: string) => ({
    en: `${code}: accuracy ${accuracy}% (${matched}/${lines}), counting closed → posted ${hours} h ${onTarget === 'yes' ? '✓ on target' : '✗ over target'}`,
    zh: `${code}：准确率 ${accuracy}%（${matched}/${lines}），结束盘点 → 过账 ${hours} 小时 ${onTarget === 'yes' ? '✓ 达标' : '✗ 超出目标'}`,
  }),
  stocktakeOpen: (code: string, accuracy: string, matched: string, lines: string) => ({
    en: `${code}: accuracy ${accuracy}% (${matched}/${lines}), not posted yet`,
    zh: `${code}：准确率 ${accuracy}%（${matched}/${lines}），尚未过账`,
  }),
  cycleSummary: (medianHours: string, targetHours: string, baselineHours: string) => ({
    en: `Median cycle time ${medianHours} h (target ${targetHours} h; before: ${baselineHours} h)`,
    zh: `周期中位数 ${medianHours} 小时（目标 ${targetHours} 小时；改进前 ${baselineHours} 小时）`,
  }),
  noFigures: (who: string) => ({ en: `No counting or review figures for ${who} yet`, zh: `${who} 暂无盘点或审核数据` }),
  notAvailable: (dash: string) => ({ en: `${dash} n/a`, zh: `${dash} 暂无` }),
});
