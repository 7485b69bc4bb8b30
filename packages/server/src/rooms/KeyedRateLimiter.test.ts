// Per-key token buckets: a burst of `perMinute`, refilled over a minute, refunds, and no limit at 0.
import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter } from './KeyedRateLimiter.js';

describe('KeyedRateLimiter', () => {
  it('allows perMinute at once per key, then one more per 60/perMinute seconds', () => {
    let now = 0;
    const limiter = new KeyedRateLimiter(3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now += 20_000;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('refund gives back a take; perMinute 0 never refuses', () => {
    const limiter = new KeyedRateLimiter(1, () => 0);
    expect(limiter.take('a')).toBe(true);
    limiter.refund('a');
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    const open = new KeyedRateLimiter(0);
    expect(Array.from({ length: 100 }, () => open.take('a')).every(Boolean)).toBe(true);
  });

  it('forgets keys whose bucket refilled, so many one-off keys do not pile up', () => {
    let now = 0;
    const limiter = new KeyedRateLimiter(2, () => now);
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`);
    now += 120_000;
    limiter.take('fresh');
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(1);
  });
});
