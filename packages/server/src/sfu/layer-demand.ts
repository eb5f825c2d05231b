/**
 * Which simulcast layers of one publisher anybody needs, so the publisher can stop encoding and
 * sending the others (less upload for them, less decrypting for us). Upgrades apply at once;
 * a layer is suspended only after nobody has wanted it for `holdMs`, so a tile that shrinks and
 * grows again does not make the publisher's encoder flap, and nothing is suspended in the first
 * `graceMs` (the layers come up, their sizes are learned, viewers report what they render). The
 * smallest layer always stays on: a newcomer can be served at once. Times are passed in.
 */
export class LayerDemand {
  readonly #layerCount: number;
  readonly #holdMs: number;
  /** Highest layer currently on (all on at the start: the browser starts with every layer). */
  #highestOn: number;
  #lowerSince = Number.POSITIVE_INFINITY;
  readonly #graceMs: number;
  #firstUpdateAt = -1;

  constructor(layerCount: number, holdMs = 5000, graceMs = 10_000) {
    this.#layerCount = layerCount;
    this.#holdMs = holdMs;
    this.#graceMs = graceMs;
    this.#highestOn = layerCount - 1;
  }

  /**
   * `wanted` = the highest layer any receiver would take (or -1 for none). Returns the new
   * on/off list when it changes, else null.
   */
  update(wanted: number, nowMs: number): boolean[] | null {
    if (this.#firstUpdateAt < 0) this.#firstUpdateAt = nowMs;
    const target = Math.min(this.#layerCount - 1, Math.max(0, wanted));
    if (target > this.#highestOn) return this.#set(target);
    if (target === this.#highestOn) {
      this.#lowerSince = Number.POSITIVE_INFINITY;
      return null;
    }
    if (this.#lowerSince === Number.POSITIVE_INFINITY) this.#lowerSince = nowMs;
    if (nowMs - this.#lowerSince < this.#holdMs || nowMs - this.#firstUpdateAt < this.#graceMs) return null;
    return this.#set(target);
  }

  #set(highest: number): boolean[] {
    this.#highestOn = highest;
    this.#lowerSince = Number.POSITIVE_INFINITY;
    return Array.from({ length: this.#layerCount }, (_, i) => i <= highest);
  }
}
