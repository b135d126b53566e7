import { wallClock } from '../../src/domain/time.ts';
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
  return iso ? wallClock(new Date(iso), timezone) : '—';
}

/** A signed decimal string shown with an explicit sign: "+3", "-2.5", "0". */
export function signed(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return /^-|^0(\.0*)?$/.test(value) ? value : `+${value}`;
}

/** Money with its currency: "-1,234.50 CNY". Grouping is done on the decimal string, never through a float. */
export function money(value: string | null | undefined, currency: string): string {
  if (value === null || value === undefined) return '—';
  const negative = value.startsWith('-');
  const [whole, fraction] = value.replace(/^[-+]/, '').split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''} ${currency}`;
}

/** "SKU @ LOCATION", or just the SKU when the line has no location; " #LOT" after it for a lot. */
export function lineLabel(sku: string, location: string, lot?: string): string {
  return `${location ? `${sku} @ ${location}` : sku}${lot ? ` #${lot}` : ''}`;
}
