import { FIRST_CYCLE, unwrapSequence } from '../rtp/sequence.ts';
import type { PacketArrival } from '../rtp/transport-cc.ts';
import { buildTransportCcFeedback } from '../rtp/transport-cc.ts';

/** Feedback every 50 ms, as browsers do, so the sender's delay-based estimate reacts quickly. */
export const FEEDBACK_INTERVAL_MS = 50;
const MAX_PACKETS_PER_FEEDBACK = 400;

/**
 * Records when each transport-wide sequence number arrived on one connection and turns that into
 * transport-cc feedback for the sender. Without it, a browser that negotiated transport-cc lets
 * its bandwidth estimate decay and never turns the larger simulcast layers on.
 */
export class TransportFeedbackGenerator {
  readonly #senderSsrc: number;
  readonly #arrivals = new Map<number, number>();
  /** Next unreported sequence number (extended to 32+ bits), or -1 before the first packet. */
  #base = -1;
  #highest = -1;
  #feedbackCount = 0;

  constructor(senderSsrc: number) {
    this.#senderSsrc = senderSsrc;
  }

  /** A packet with transport-wide sequence `sequence` (16 bit) arrived at `arrivalMs`. */
  onPacket(sequence: number, arrivalMs: number): void {
    const extended = this.#extend(sequence);
    if (this.#base === -1) this.#base = extended;
    if (extended < this.#base) return; // already reported as lost
    if (!this.#arrivals.has(extended)) this.#arrivals.set(extended, arrivalMs);
    if (extended > this.#highest) this.#highest = extended;
  }

  #extend(sequence: number): number {
    return this.#highest === -1 ? FIRST_CYCLE + sequence : unwrapSequence(this.#highest, sequence);
  }

  /** Feedback packets for everything that arrived since the last call (possibly none). */
  flush(mediaSsrc: number): Buffer[] {
    const out: Buffer[] = [];
    while (this.#base !== -1 && this.#base <= this.#highest) {
      const end = Math.min(this.#highest, this.#base + MAX_PACKETS_PER_FEEDBACK - 1);
      const packets: PacketArrival[] = [];
      for (let s = this.#base; s <= end; s++) {
        packets.push({ sequence: s & 0xffff, arrivalMs: this.#arrivals.get(s) ?? null });
        this.#arrivals.delete(s);
      }
      out.push(buildTransportCcFeedback(this.#senderSsrc, mediaSsrc, this.#feedbackCount++, packets));
      this.#base = end + 1;
    }
    return out;
  }
}
