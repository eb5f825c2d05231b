/**
 * Asks for a new key frame when the worker had to drop video on a receiver. A dropped frame (no
 * key yet, not bound yet, another member's) never reaches the decoder, and nothing else notices:
 * the SFU already sent its key frame for the switch, and the decoder, having seen nothing, does
 * not know it is missing one. Without this, a first key frame dropped in the half second before
 * the keys or the slot binding arrived would leave the tile black until the next periodic one.
 */

/** At most one request per receiver this often (the SFU and the sender throttle too). */
export const KEY_FRAME_REQUEST_INTERVAL_MS = 500;

export class KeyFrameRecovery {
  /** Receivers that dropped a frame since their last key frame → when we last asked. */
  readonly #missing = new Map<number, number>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  dropped(receiverId: number): void {
    if (!this.#missing.has(receiverId)) this.#missing.set(receiverId, Number.NEGATIVE_INFINITY);
  }

  /**
   * A video frame passed on to the decoder. True when the caller should request a key frame now:
   * the receiver dropped something since its last key frame, and this is not one.
   */
  passed(receiverId: number, keyFrame: boolean): boolean {
    const askedAt = this.#missing.get(receiverId);
    if (askedAt === undefined) return false;
    if (keyFrame) {
      this.#missing.delete(receiverId);
      return false;
    }
    const now = this.#now();
    if (now - askedAt < KEY_FRAME_REQUEST_INTERVAL_MS) return false;
    this.#missing.set(receiverId, now);
    return true;
  }

  forget(receiverId: number): void {
    this.#missing.delete(receiverId);
  }
}
