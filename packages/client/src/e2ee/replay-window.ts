/**
 * Counters a sender's frames may still use (RFC 9605 §9.3): each SFrame CTR is accepted once, and
 * one more than REPLAY_WINDOW counters behind the highest seen is refused — so a server cannot
 * deliver a frame twice, or an old one again, however it was recorded.
 */

/**
 * A sender's counter is shared by its audio and every simulcast video layer (~150 frames/s), and
 * a video frame can reach our transform a second or more after the audio sent with it: 4096
 * counters are tens of seconds, for 512 bytes per sender. A power of two (see #bit).
 */
export const REPLAY_WINDOW = 4096;

const MAX_U64 = (1n << 64n) - 1n;
const WORD_BITS = 32;

/**
 * One KID's window: a bitmap over the REPLAY_WINDOW counters up to the highest one seen, indexed
 * by CTR mod REPLAY_WINDOW. Only authenticated frames may mark a counter (commit), so a forged
 * frame can neither burn a real one nor move the window.
 */
export class ReplayWindow {
  readonly #seen = new Uint32Array(REPLAY_WINDOW / WORD_BITS);
  /** The highest counter committed; null before the first. */
  #highest: bigint | null = null;

  /** Whether a frame with `ctr` may be decrypted: not seen yet, and not older than the window. */
  check(ctr: bigint): boolean {
    if (ctr < 0n || ctr > MAX_U64) return false;
    if (this.#highest === null || ctr > this.#highest) return true;
    if (this.#highest - ctr >= BigInt(REPLAY_WINDOW)) return false;
    return !this.#isSet(ctr);
  }

  /**
   * Marks `ctr` seen once its frame authenticated. False if it cannot be accepted after all: two
   * copies of a frame can pass check() before either is committed (decryption is asynchronous).
   */
  commit(ctr: bigint): boolean {
    if (!this.check(ctr)) return false;
    if (this.#highest === null || ctr > this.#highest) {
      const advance = this.#highest === null ? BigInt(REPLAY_WINDOW) : ctr - this.#highest;
      // The counters the window slides over have not been seen: their bits are a lap old.
      if (advance >= BigInt(REPLAY_WINDOW)) this.#seen.fill(0);
      else this.#clear(this.#bit(ctr - advance + 1n), Number(advance));
      this.#highest = ctr;
    }
    const bit = this.#bit(ctr);
    this.#seen[bit >>> 5]! |= 1 << (bit & 31);
    return true;
  }

  #isSet(ctr: bigint): boolean {
    const bit = this.#bit(ctr);
    return (this.#seen[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  #bit(ctr: bigint): number {
    return Number(ctr & BigInt(REPLAY_WINDOW - 1));
  }

  /** Clears `count` bits from `bit` on, wrapping around: a word at a time (≤ 129 steps). */
  #clear(bit: number, count: number): void {
    let at = bit;
    let left = count;
    while (left > 0) {
      const offset = at & 31;
      const n = Math.min(WORD_BITS - offset, left);
      const mask = n === WORD_BITS ? 0xffffffff : ((1 << n) - 1) << offset;
      this.#seen[at >>> 5]! &= ~mask;
      at = (at + n) & (REPLAY_WINDOW - 1);
      left -= n;
    }
  }
}
