import { groupDigits, localWallClock } from '../../src/domain/display.ts';
import type { ActionIntent } from '../actions.ts';
import { messages, type Locale, type Messages } from '../i18n/index.ts';

/** What a template needs besides its data: the chat's locale, the warehouse's timezone, a token minter. */
export interface TemplateContext {
  locale: Locale;
  /** IANA timezone times are shown in (the warehouse's). */
  timezone: string;
  /** Mints the token a button carries for an intent. */
  act(intent: ActionIntent): { token: string };
}

export function textsOf(ctx: TemplateContext): Messages {
  return messages(ctx.locale);
}

/** "2026-11-25 14:03" in the given timezone; "—" for null. */
export function formatTime(iso: string | null | undefined, timezone: string): string {
  return localWallClock(iso, timezone);
}

/** A signed decimal string shown with an explicit sign: "+3", "-2.5", "0". */
export function signed(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return /^-|^0(\.0*)?$/.test(value) ? groupDigits(value) : `+${groupDigits(value)}`;
}

/** A count of things as people read it: 1204 → "1,204". */
export function count(n: number): string {
  return groupDigits(String(n));
}

/** A quantity as people read it: "1,204.5"; '—' for none. */
export function qty(value: string | null | undefined): string {
  return value === null || value === undefined ? '—' : groupDigits(value);
}

/** Money with its currency: "-1,234.50 CNY". Grouping is done on the decimal string, never through a float. */
export function money(value: string | null | undefined, currency: string): string {
  if (value === null || value === undefined) return '—';
  return `${groupDigits(value.replace(/^\+/, ''))} ${currency}`;
}

/** "SKU @ LOCATION", or just the SKU when the line has no location; " #LOT" after it for a lot. */
export function lineLabel(sku: string, location: string, lot?: string): string {
  return `${location ? `${sku} @ ${location}` : sku}${lot ? ` #${lot}` : ''}`;
}
