/** The content of the daily digest and the weekly report: plain data for cards, texts and charts. */
export { dailyDigest, type DailyDigestOptions } from './daily.ts';
export { weeklyReport, type WeeklyReportOptions } from './weekly.ts';
export { weekOf } from './calendar.ts';
export type * from './types.ts';
