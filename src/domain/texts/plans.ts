/**
 * The console's cycle-count page (/plans, issue 16 §2): the plan and its form, what is due, and the forms
 * that start the due count, a spot check and a partial stocktake. The plan's own words (headings, rules,
 * the announcement) are planTexts in scope.ts, shared with the CLI.
 */
import { phrases } from '../phrase.ts';

export const plansPageTexts = phrases('plansPage', {
  title: () => ({ en: 'Cycle counts and spot checks', zh: '周期盘点与抽盘' }),
  heading: (warehouse: string) => ({ en: `Cycle counts · ${warehouse}`, zh: `周期盘点 · ${warehouse}` }),
  link: () => ({ en: 'Cycle-count plan, spot checks and partial stocktakes', zh: '周期盘点计划、抽盘与部分盘点' }),
  noWarehouse: () => ({
    en: 'You hold no role in any warehouse yet, so there is no plan to show. Ask an admin to grant you one.',
    zh: '你还没有任何仓库的角色，因此没有可显示的计划。请联系管理员授予角色。',
  }),
  warehouseLabel: () => ({ en: 'Warehouse', zh: '仓库' }),
  show: () => ({ en: 'Show', zh: '查看' }),
  readOnly: (warehouse: string) => ({
    en: `Only a supervisor, manager or admin of ${warehouse} changes the plan or starts counts; you see them here.`,
    zh: `只有仓库 ${warehouse} 的主管、经理或管理员可以修改计划或开始盘点；你可以在此查看。`,
  }),
  planHeading: () => ({ en: 'Plan', zh: '盘点计划' }),
  notSet: () => ({
    en: 'No plan yet: the days below are the defaults. The daily run starts nothing until a plan is saved.',
    zh: '尚未设置计划：以下为默认天数。保存计划之前，每日任务不会自动开始盘点。',
  }),
  classDays: (cls: string) => ({ en: `Class ${cls}: days between counts`, zh: `${cls} 类盘点间隔（天）` }),
  location: () => ({ en: 'Location or zone (A-01*)', zh: '库位或区域（如 A-01*）' }),
  locationDays: () => ({ en: 'Its days between counts', zh: '该库位盘点间隔（天）' }),
  locationHint: () => ({
    en: 'A location code, or a zone as a prefix ending in *. Give a location already listed to change its days.',
    zh: '填写库位编码，或以 * 结尾的前缀表示区域。填写已有的库位即可修改其天数。',
  }),
  save: () => ({ en: 'Save plan', zh: '保存计划' }),
  remove: () => ({ en: 'Remove', zh: '删除' }),
  removeRule: (location: string) => ({ en: `Remove the rule of ${location}`, zh: `删除库位 ${location} 的规则` }),
  saved: (warehouse: string) => ({ en: `The plan of ${warehouse} is saved.`, zh: `仓库 ${warehouse} 的计划已保存。` }),
  refused: (reason: string) => ({ en: `Not done: ${reason}`, zh: `未执行：${reason}` }),
  dueHeading: () => ({ en: 'What is due', zh: '到期情况' }),
  dueNow: () => ({ en: 'Due now', zh: '已到期' }),
  dueWeek: () => ({ en: 'Due within 7 days', zh: '7 天内到期' }),
  dueMonth: () => ({ en: 'Due within 30 days', zh: '30 天内到期' }),
  held: () => ({ en: 'Items held', zh: '在库物料' }),
  run: (items: number) => ({ en: `Start the due partial stocktake now (${items} items)`, zh: `立即开始到期的部分盘点（${items} 个物料）` }),
  runHint: () => ({
    en: 'What the daily run does: the due items as one partial stocktake, announced in the team chats.',
    zh: '与每日任务相同：把到期物料作为一次部分盘点开始，并在团队群通知。',
  }),
  nothingDue: () => ({ en: 'Nothing is due now.', zh: '目前没有到期的物料。' }),
  open: (code: string, status: string) => ({
    en: `Stocktake ${code} is open (${status}): a new one starts once it is posted or cancelled.`,
    zh: `盘点任务 ${code} 尚未结束（${status}）：过账或取消后才能开始新的盘点。`,
  }),
  dueItems: (shown: number, total: number) => ({
    en: shown < total ? `Due now: the first ${shown} of ${total}` : `Due now (${total})`,
    zh: shown < total ? `已到期：前 ${shown} 个，共 ${total} 个` : `已到期（${total} 个）`,
  }),
  nextItems: (shown: number) => ({ en: `Coming due next (${shown})`, zh: `即将到期（${shown} 个）` }),
  allItems: () => ({
    en: 'Every item with its dates: `stocktake plan show` or the API (GET /api/v1/warehouses/{code}/cycle-plan).',
    zh: '全部物料及其日期：见 `stocktake plan show` 或 API（GET /api/v1/warehouses/{code}/cycle-plan）。',
  }),
  spotHeading: () => ({ en: 'Spot check', zh: '抽盘' }),
  spotIntro: () => ({
    en: 'A random sample of the items held, counted as a stocktake of its own; once counting closes, its accuracy estimates the warehouse’s, with the sample size stated.',
    zh: '从在库物料中随机抽样，作为一次单独的盘点；结束盘点后，以其准确率估计整个仓库的准确率，并注明样本量。',
  }),
  size: () => ({ en: 'Items to draw', zh: '抽样数量' }),
  share: () => ({ en: 'or share of the items (5%)', zh: '或抽样比例（如 5%）' }),
  weighted: () => ({ en: 'Weighting', zh: '加权方式' }),
  weightNone: () => ({ en: 'none: simple random', zh: '不加权：简单随机' }),
  weightValue: () => ({ en: 'by stock value', zh: '按库存金额' }),
  weightClass: () => ({ en: 'by ABC class (A 5 : B 2 : C 1)', zh: '按 ABC 类（A 5 : B 2 : C 1）' }),
  seed: () => ({ en: 'Seed (optional)', zh: '随机种子（可选）' }),
  spotStart: () => ({ en: 'Start spot check', zh: '开始抽盘' }),
  partialHeading: () => ({ en: 'Partial stocktake', zh: '部分盘点' }),
  partialIntro: () => ({
    en: 'Counts part of the warehouse. Each criterion given narrows it (they combine); within one, any value matches.',
    zh: '只盘点仓库的一部分。填写的各项条件同时生效；同一项中任一值匹配即可。',
  }),
  locations: () => ({ en: 'Locations (codes or prefixes ending in *)', zh: '库位（编码或以 * 结尾的前缀）' }),
  categories: () => ({ en: 'Categories', zh: '品类' }),
  classes: () => ({ en: 'ABC classes', zh: 'ABC 类' }),
  items: () => ({ en: 'Items (SKUs, separated by commas or lines)', zh: '物料（物料编码，以逗号或换行分隔）' }),
  blind: () => ({ en: 'Blind count: counters see no book figures', zh: '盲盘：盘点人员看不到账面数' }),
  partialStart: () => ({ en: 'Start partial stocktake', zh: '开始部分盘点' }),
  scopeNeeded: () => ({
    en: 'give at least one of locations, categories, ABC classes or items: a partial stocktake needs a scope; nothing was started',
    zh: '请至少填写库位、品类、ABC 类或物料中的一项：部分盘点需要范围，未开始任何盘点',
  }),
  suggestionsNone: () => ({
    en: 'No item had variances in two or more counts: nothing to count more often.',
    zh: '没有物料在两次及以上盘点中出现差异，无需提高盘点频率。',
  }),
});
