/**
 * The label of every state, written once per language (CONVENTIONS habit 13): cards, digests, dashboard
 * pages, charts and the CLI all read them here, so a state is called the same wherever it is shown. The
 * types make a state without a label a build error; test/cards/states.test.ts checks every surface.
 * Labels are lower case, as they read inside a sentence; the dashboard capitalises its badges with CSS.
 */
import type { CountStatus, DocumentStatus, ReviewStatus, StepStatus, StocktakeStatus } from '../../src/domain/stocktake.ts';
import type { Locale } from './index.ts';

export interface StateLabels {
  stocktake: Record<StocktakeStatus, string>;
  count: Record<CountStatus, string>;
  review: Record<ReviewStatus, string>;
  document: Record<DocumentStatus, string>;
  step: Record<StepStatus, string>;
}

const en: StateLabels = {
  stocktake: {
    counting: 'counting',
    reviewing: 'reviewing variances',
    approving: 'documents in approval',
    posted: 'posted',
    cancelled: 'cancelled',
  },
  count: { counted: 'counted', verified: 'verified', conflict: 'conflict', uncounted: 'uncounted' },
  // `none` is both a line of a stocktake still counting and a line without variance: neither is in review.
  review: {
    none: 'not in review',
    open: 'to review',
    recount: 'recount',
    confirmed: 'confirmed',
    documented: 'on a document',
    posted: 'posted',
  },
  document: { approving: 'in approval', posted: 'posted', rejected: 'rejected', withdrawn: 'withdrawn' },
  step: { waiting: 'waiting', pending: 'pending', approved: 'approved', rejected: 'rejected', cancelled: 'cancelled' },
};

const zhCN: StateLabels = {
  stocktake: { counting: '盘点中', reviewing: '差异复核中', approving: '单据审批中', posted: '已过账', cancelled: '已取消' },
  count: { counted: '已盘', verified: '已核实', conflict: '冲突', uncounted: '未盘' },
  review: { none: '未进入复核', open: '待复核', recount: '复盘中', confirmed: '已确认', documented: '已生成单据', posted: '已过账' },
  document: { approving: '审批中', posted: '已过账', rejected: '已驳回', withdrawn: '已撤回' },
  step: { waiting: '待前序', pending: '待审批', approved: '已同意', rejected: '已驳回', cancelled: '已取消' },
};

const catalogues: Record<Locale, StateLabels> = { en, 'zh-CN': zhCN };

/** The state labels of a locale: `stateLabels('en').review.open` → "to review". */
export function stateLabels(locale: Locale): StateLabels {
  return catalogues[locale];
}

/** The label of `state` in `group`, for views that carry a state as text; an unknown state shows as itself. */
export function stateLabel(locale: Locale, group: keyof StateLabels, state: string): string {
  return (catalogues[locale][group] as Record<string, string>)[state] ?? state;
}
