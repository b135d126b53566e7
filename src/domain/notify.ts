/**
 * How reminders and approval requests reach a person: in the warehouse's group chats (the default) or as a
 * direct message on one platform, held back during their quiet hours in the warehouse's timezone.
 */
import { InvalidInputError } from './errors.ts';
import { wallClockFields, zonedToInstant } from './time.ts';
import { importTexts } from './texts/imports.ts';

/** Platforms whose bots can message a person directly (the console and the CLI have no such channel). */
export const DIRECT_PLATFORMS = ['feishu', 'dingtalk', 'telegram'] as const;
export type DirectPlatform = (typeof DIRECT_PLATFORMS)[number];

/** The chat id a deliverer reads as "a direct message to this person": `dm:<the platform's user id>`. */
export const directChatId = (platformUserId: string): string => `dm:${platformUserId}`;
export const isDirectChatId = (chatId: string): boolean => chatId.startsWith('dm:');

/** A daily window, in minutes after local midnight; `from` > `to` spans midnight (22:00-08:00). */
export interface QuietHours {
  from: number;
  to: number;
}

const WINDOW = /^([01]?\d|2[0-3]):([0-5]\d)\s*[-–~至到]\s*([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * Reads 'HH:MM-HH:MM' (also with – ~ 至 到 between).
 *
 * @example parseQuietHours('22:00-08:00') // → { from: 1320, to: 480 }
 */
export function parseQuietHours(text: string): QuietHours {
  const m = WINDOW.exec(text.trim());
  if (!m) {
    throw new InvalidInputError(importTexts.quietHoursForm(text));
  }
  const window = { from: Number(m[1]) * 60 + Number(m[2]), to: Number(m[3]) * 60 + Number(m[4]) };
  if (window.from === window.to) {
    throw new InvalidInputError(importTexts.quietHoursSame(text));
  }
  return window;
}

/** The window as stored and shown: '22:00-08:00'. */
export function quietHoursText(q: QuietHours): string {
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hm(q.from)}-${hm(q.to)}`;
}

/**
 * When a direct message due at `now` may go out: null when `now` is outside the quiet hours, else the
 * instant they end in `timezone` (later the same local day, or the next one for a window across midnight).
 *
 * @example quietEnd(new Date('2026-12-05T15:00:00Z'), { from: 1320, to: 480 }, 'Asia/Shanghai')
 * // 23:00 in Shanghai → 2026-12-06T00:00:00.000Z (08:00 the next morning there)
 */
export function quietEnd(now: Date, quiet: QuietHours, timezone: string): Date | null {
  const f = wallClockFields(now, timezone);
  const minute = f.hour * 60 + f.minute;
  const spansMidnight = quiet.from > quiet.to;
  const inside = spansMidnight ? minute >= quiet.from || minute < quiet.to : minute >= quiet.from && minute < quiet.to;
  if (!inside) return null;
  const nextDay = spansMidnight && minute >= quiet.from ? 1 : 0;
  return zonedToInstant([f.year, f.month, f.day + nextDay, Math.floor(quiet.to / 60), quiet.to % 60, 0, 0], timezone);
}
