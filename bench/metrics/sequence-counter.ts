/**
 * Counts one received RTP stream by sequence number: how many packets arrived and how many were
 * sent (highest − lowest extended sequence + 1) while counting was on. Loss = 1 − received/expected.
 */
export class SequenceCounter {
  received = 0;
  #lowest = 0;
  #highest = 0;
  #last = -1;
  /** Extended sequence of the last packet: 16-bit sequence plus wrap-arounds. */
  #extended = 0;

  /** Records one packet with its 16-bit sequence number. */
  onSequence(sequence: number): void {
    if (this.#last < 0) {
      this.#extended = sequence;
      this.#lowest = sequence;
      this.#highest = sequence;
    } else {
      // Signed 16-bit distance from the previous packet handles wrap-around and reordering.
      const delta = ((sequence - this.#last + 0x8000) & 0xffff) - 0x8000;
      this.#extended += delta;
      if (this.#extended > this.#highest) this.#highest = this.#extended;
      if (this.#extended < this.#lowest) this.#lowest = this.#extended;
    }
    this.#last = sequence;
    this.received++;
  }

  /** Packets the sender sent between the first and the last one seen. */
  get expected(): number {
    return this.#last < 0 ? 0 : this.#highest - this.#lowest + 1;
  }
}
