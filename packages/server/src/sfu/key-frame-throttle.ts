/**
 * How often a publisher is asked for a key frame (docs/reliability.md). A key frame costs the
 * sender several times a delta frame's bits, for everyone who receives it, and any receiver can ask
 * (PLI/FIR), so requests are budgeted: per layer at most one per `layerIntervalMs`, per publisher
 * at most `perSecond`. A request over budget is not lost — it is kept and sent as soon as the
 * budget allows (the feedback tick calls `due`): a receiver waiting for its first key frame must
 * get one.
 */
export const KEY_FRAME_LAYER_INTERVAL_MS = 300;
export const KEY_FRAMES_PER_SECOND = 5;

export class KeyFrameThrottle {
  readonly #layerIntervalMs: number;
  readonly #perSecond: number;
  readonly #lastByLayer = new Map<number, number>();
  readonly #pending = new Set<number>();
  /** Times of the last `perSecond` requests sent, oldest first. */
  readonly #recent: number[] = [];

  constructor(layerIntervalMs = KEY_FRAME_LAYER_INTERVAL_MS, perSecond = KEY_FRAMES_PER_SECOND) {
    this.#layerIntervalMs = layerIntervalMs;
    this.#perSecond = perSecond;
  }

  /** True: send the request for `layer` now. False: it is kept, and `due` hands it out later. */
  request(layer: number, now: number): boolean {
    if (this.#allowed(layer, now)) {
      this.#sent(layer, now);
      return true;
    }
    this.#pending.add(layer);
    return false;
  }

  /** Kept requests that may be sent now (they count as sent). */
  due(now: number): number[] {
    const out: number[] = [];
    for (const layer of this.#pending) {
      if (!this.#allowed(layer, now)) continue;
      this.#pending.delete(layer);
      this.#sent(layer, now);
      out.push(layer);
    }
    return out;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  #allowed(layer: number, now: number): boolean {
    const last = this.#lastByLayer.get(layer);
    if (last !== undefined && now - last < this.#layerIntervalMs) return false;
    const oldest = this.#recent.length >= this.#perSecond ? (this.#recent[0] as number) : undefined;
    return oldest === undefined || now - oldest >= 1000;
  }

  #sent(layer: number, now: number): void {
    this.#lastByLayer.set(layer, now);
    this.#recent.push(now);
    if (this.#recent.length > this.#perSecond) this.#recent.shift();
  }
}
