/**
 * What the SFU sent to one subscriber, by transport-wide sequence number: send time and size, for
 * matching the subscriber's transport-cc feedback. A ring of the last 8192 packets.
 */
const SIZE = 8192;

export class SendHistory {
  readonly #sentAt = new Float64Array(SIZE);
  readonly #bytes = new Uint16Array(SIZE);
  readonly #sequences = new Int32Array(SIZE).fill(-1);
  #next = Math.floor(Math.random() * 0x10000);

  /** Records a packet of `bytes` sent at `nowMs`; returns its transport-wide sequence number. */
  record(bytes: number, nowMs: number): number {
    const sequence = this.#next;
    this.#next = (this.#next + 1) & 0xffff;
    const i = sequence & (SIZE - 1);
    this.#sentAt[i] = nowMs;
    this.#bytes[i] = Math.min(bytes, 0xffff);
    this.#sequences[i] = sequence;
    return sequence;
  }

  /** Send time and size of `sequence`, or null when it is too old or was never sent. */
  lookup(sequence: number): { sentAt: number; bytes: number } | null {
    const i = sequence & (SIZE - 1);
    if (this.#sequences[i] !== sequence) return null;
    return { sentAt: this.#sentAt[i] as number, bytes: this.#bytes[i] as number };
  }
}
