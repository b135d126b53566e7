/**
 * The warehouse's calendar: local days and ISO weeks as instants. Days and weeks start at local midnight,
 * so an action at 23:30 UTC belongs to the next day in Asia/Shanghai. Pure functions, no I/O.
 */
import { dateText, localDate, zonedToInstant, type LocalDate } from '../../domain/time.ts';
import type { WeekRange } from './types.ts';

export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Local midnight starting the date, as an instant (DST-safe). */
export const startOfDay = (d: LocalDate, timezone: string): Date => zonedToInstant([d.year, d.month, d.day, 0, 0, 0, 0], timezone);

/** 1 = Monday … 7 = Sunday. */
const isoWeekday = (d: LocalDate): number => ((new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7) + 1;

/** "2026-W48": the ISO year and week of a date (the week's Thursday decides the year). */
export function isoWeekLabel(d: LocalDate): string {
  const thursday = addDays(d, 4 - isoWeekday(d));
  const jan1 = Date.UTC(thursday.year, 0, 1);
  const week = Math.floor((Date.UTC(thursday.year, thursday.month - 1, thursday.day) - jan1) / 86_400_000 / 7) + 1;
  return `${thursday.year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week `offset` weeks from the one containing `instant` (0: that week, -1: the week before). */
export function weekOf(instant: Date, timezone: string, offset = 0): WeekRange {
  const today = localDate(instant, timezone);
  const monday = addDays(today, 1 - isoWeekday(today) + 7 * offset);
  const next = addDays(monday, 7);
  return {
    label: isoWeekLabel(monday),
    start: dateText(monday),
    end: dateText(next),
    from: startOfDay(monday, timezone).toISOString(),
    to: startOfDay(next, timezone).toISOString(),
  };
}

/**
 * The p-th percentile (0 ≤ p ≤ 1) by linear interpolation between closest ranks, as Postgres's
 * percentile_cont computes it; null for no values. Rounded to whole seconds.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return Math.round(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo));
}
