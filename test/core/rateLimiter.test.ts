import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/core/rateLimiter.ts';

describe('pacing', () => {
  it('spaces messages to a chat, caps a group per minute, and holds a chat the platform throttled', () => {
    let now = 0;
    const limiter = new RateLimiter({ perChatIntervalMs: 1000, perChatPerMinute: 20, perAppPerSecond: 30 }, () => now);
    expect(limiter.delay('g')).toBe(0);
    limiter.record('g');
    expect(limiter.delay('g')).toBe(1000);
    expect(limiter.delay('other')).toBe(0);
    for (let i = 1; i < 20; i++) {
      now += 1000;
      limiter.record('g');
    }
    now += 1000; // 20 sent in the last 20 s: the 21st waits for the first to leave the minute
    expect(limiter.delay('g')).toBe(40_000);
    limiter.block('other', 5000);
    expect(limiter.delay('other')).toBe(5000);
  });

  it('caps the whole app per second', () => {
    const now = 0;
    const limiter = new RateLimiter({ perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 2 }, () => now);
    limiter.record('a');
    limiter.record('b');
    expect(limiter.delay('c')).toBe(1000);
  });
});
