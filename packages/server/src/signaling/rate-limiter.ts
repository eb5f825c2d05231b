/**
 * Token bucket: `burst` messages at once, refilled at `perSecond`. The clock is a parameter of
 * `take` so tests can feed times; callers pass `Date.now()`.
 */
export class RateLimiter {
  readonly #burst: number;
  readonly #perSecond: number;
  #tokens: number;
  #last: number;

  constructor(burst: number, perSecond: number, nowMs: number) {
    this.#burst = burst;
    this.#perSecond = perSecond;
    this.#tokens = burst;
    this.#last = nowMs;
  }

  /** True when a message may pass at `nowMs`. */
  take(nowMs: number): boolean {
    if (!this.available(nowMs)) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True when one could pass at `nowMs`, without using it up (charge later with `take`). */
  available(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.#last) / 1000;
    this.#last = nowMs;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perSecond);
    return this.#tokens >= 1;
  }
}
