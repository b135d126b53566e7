/**
 * Per-chat and per-app pacing of deliveries, in process: the spacing a platform asks between messages to
 * one chat, its per-minute budget for a group, and its per-second budget for the app. Several instances
 * each pace themselves; the platform's 429 (honoured by the sender) covers what they share.
 */
import type { PlatformLimits } from './delivery.ts';

export class RateLimiter {
  private readonly lastByChat = new Map<string, number>();
  private readonly minuteByChat = new Map<string, number[]>();
  private appWindow: number[] = [];
  private readonly blockedUntil = new Map<string, number>();

  constructor(private readonly limits: PlatformLimits, private readonly clock: () => number = Date.now) {}

  /** Milliseconds to wait before the next delivery to `chatId` may go out; 0 when it may go now. */
  delay(chatId: string): number {
    const now = this.clock();
    let wait = Math.max(0, (this.blockedUntil.get(chatId) ?? 0) - now);
    const last = this.lastByChat.get(chatId);
    if (last !== undefined) wait = Math.max(wait, last + this.limits.perChatIntervalMs - now);
    if (this.limits.perChatPerMinute !== null) {
      const recent = (this.minuteByChat.get(chatId) ?? []).filter((t) => t > now - 60_000);
      this.minuteByChat.set(chatId, recent);
      if (recent.length >= this.limits.perChatPerMinute) wait = Math.max(wait, recent[0]! + 60_000 - now);
    }
    this.appWindow = this.appWindow.filter((t) => t > now - 1000);
    if (this.appWindow.length >= this.limits.perAppPerSecond) wait = Math.max(wait, this.appWindow[0]! + 1000 - now);
    return wait;
  }

  /** Records a delivery that went out now. */
  record(chatId: string): void {
    const now = this.clock();
    this.lastByChat.set(chatId, now);
    if (this.limits.perChatPerMinute !== null) this.minuteByChat.set(chatId, [...(this.minuteByChat.get(chatId) ?? []), now]);
    this.appWindow.push(now);
  }

  /** The platform said "too many": hold the chat until then. */
  block(chatId: string, ms: number): void {
    this.blockedUntil.set(chatId, this.clock() + ms);
  }
}
