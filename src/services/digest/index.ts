/** The content of the daily digest and the weekly report: plain data for cards, texts and charts. */
export { dailyDigest, type DailyDigestOptions } from './daily.ts';
export { weeklyReport, type WeeklyReportOptions } from './weekly.ts';
export { weekOf } from './calendar.ts';
export type * from './types.ts';

import type { DailyDigest, WeeklyReport } from './types.ts';

/** True when a daily digest has nothing to report: no stocktake open, none posted within its window. */
export const dailyDigestIsEmpty = (digest: DailyDigest): boolean => digest.stocktakes.length === 0;

/** True when nothing happened in the reported week: nothing posted, no step decided, nobody acted. */
export const weeklyReportIsEmpty = (report: WeeklyReport): boolean =>
  report.kpis.stocktakesPosted === 0 &&
  report.kpis.documentsPosted === 0 &&
  report.kpis.approvalLatency.count === 0 &&
  report.kpis.itemsHandled === 0;
