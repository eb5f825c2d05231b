import { monotonicNow } from './clock.ts';

/**
 * How many retransmitted bytes one receiver may cause (docs/reliability.md): a token bucket per
 * subscriber. A NACK is a few bytes and a retransmission up to 1.5 KB, so without a budget any
 * receiver could turn the SFU into an amplifier. 128 KiB/s (≈ 1 Mbit/s) repairs 30% loss on a
 * full 1.5 Mbit/s camera plus several small ones; what is over the budget is simply not resent
 * (the receiver then asks for a key frame, which has a budget of its own).
 */
export const RETRANSMIT_BYTES_PER_SECOND = 128 * 1024;
export const RETRANSMIT_BURST_BYTES = 64 * 1024;

export class RetransmitBudget {
  #tokens = RETRANSMIT_BURST_BYTES;
  #last: number;
  readonly #now: () => number;
  /** Bytes refused so far (for stats and tests). */
  refusedBytes = 0;

  constructor(now: () => number = monotonicNow) {
    this.#now = now;
    this.#last = now();
  }

  /** Takes `bytes` from the budget if there are enough; false: do not resend. */
  take(bytes: number): boolean {
    const now = this.#now();
    this.#tokens = Math.min(RETRANSMIT_BURST_BYTES, this.#tokens + ((now - this.#last) * RETRANSMIT_BYTES_PER_SECOND) / 1000);
    this.#last = now;
    if (bytes > this.#tokens) {
      this.refusedBytes += bytes;
      return false;
    }
    this.#tokens -= bytes;
    return true;
  }
}
