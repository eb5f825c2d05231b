import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/signaling/rate-limiter.ts';

const T0 = 1_700_000_000_000;

function takeMany(limiter: RateLimiter, n: number, nowMs: number): boolean[] {
  return Array.from({ length: n }, () => limiter.take(nowMs));
}

describe('RateLimiter', () => {
  it('allows a burst at once, then refuses', () => {
    const limiter = new RateLimiter(5, 1, T0);
    expect(takeMany(limiter, 5, T0)).toEqual([true, true, true, true, true]);
    expect(limiter.take(T0)).toBe(false);
    expect(limiter.take(T0)).toBe(false);
  });

  it('refills at the given rate', () => {
    const limiter = new RateLimiter(3, 2, T0);
    takeMany(limiter, 3, T0);
    expect(limiter.take(T0 + 499)).toBe(false);
    expect(limiter.take(T0 + 500)).toBe(true); // 2/s: one token per 500 ms
    expect(limiter.take(T0 + 500)).toBe(false);
    expect(takeMany(limiter, 3, T0 + 1500)).toEqual([true, true, false]);
  });

  it('accumulates fractional tokens, also across refused attempts', () => {
    const limiter = new RateLimiter(1, 1, T0);
    expect(limiter.take(T0)).toBe(true);
    expect(limiter.take(T0 + 400)).toBe(false);
    expect(limiter.take(T0 + 800)).toBe(false);
    expect(limiter.take(T0 + 1000)).toBe(true);
  });

  it('never refills beyond the burst', () => {
    const limiter = new RateLimiter(4, 10, T0);
    takeMany(limiter, 4, T0);
    const later = T0 + 3_600_000;
    expect(takeMany(limiter, 5, later)).toEqual([true, true, true, true, false]);
  });

  it('starts full: idle time before the first message adds nothing', () => {
    const limiter = new RateLimiter(2, 100, T0);
    expect(takeMany(limiter, 3, T0 + 60_000)).toEqual([true, true, false]);
  });

  it('sustains exactly the refill rate', () => {
    // Steps of 31.25 ms at 8/s add exactly 1/4 token each (binary-exact, no rounding drift).
    const limiter = new RateLimiter(1, 8, T0);
    let passed = 0;
    for (let step = 0; step <= 320; step++) if (limiter.take(T0 + step * 31.25)) passed++;
    // One from the initial bucket plus one per 125 ms over 10 s.
    expect(passed).toBe(1 + 80);
  });

  it('does not refill when the clock goes backwards', () => {
    const limiter = new RateLimiter(2, 1, T0);
    takeMany(limiter, 2, T0);
    expect(limiter.take(T0 - 10_000)).toBe(false);
    expect(limiter.take(T0 - 10_000)).toBe(false);
  });

  it('refuses everything with a burst below one', () => {
    const limiter = new RateLimiter(0, 100, T0);
    expect(limiter.take(T0)).toBe(false);
    expect(limiter.take(T0 + 10_000)).toBe(false);
  });
});
