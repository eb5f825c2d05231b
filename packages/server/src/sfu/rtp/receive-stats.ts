import type { ReportBlock } from './rtcp.ts';

/**
 * Reception statistics of one incoming RTP stream, for the receiver reports the SFU sends to
 * publishers (RFC 3550 §6.4.1 and appendix A.3/A.8). Times are passed in, so tests feed them.
 */
export class ReceiveStats {
  readonly ssrc: number;
  readonly #clockRate: number;
  #started = false;
  #cycles = 0;
  #maxSeq = 0;
  #baseSeq = 0;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #jitter = 0;
  #lastTransit = Number.NaN;
  #lastSr = 0;
  #lastSrArrivalMs = 0;

  constructor(ssrc: number, clockRate: number) {
    this.ssrc = ssrc;
    this.#clockRate = clockRate;
  }

  /** Packets missing so far: expected from the sequence numbers, minus those received. */
  get lost(): number {
    if (!this.#started) return 0;
    return Math.max(0, this.#cycles + this.#maxSeq - this.#baseSeq + 1 - this.#received);
  }

  onPacket(sequence: number, timestamp: number, arrivalMs: number): void {
    if (!this.#started) {
      this.#started = true;
      this.#baseSeq = sequence;
      this.#maxSeq = sequence;
    } else {
      const delta = (sequence - this.#maxSeq) & 0xffff;
      if (delta > 0 && delta < 0x8000) {
        if (sequence < this.#maxSeq) this.#cycles += 0x10000;
        this.#maxSeq = sequence;
      }
    }
    this.#received++;
    const arrival = (arrivalMs * this.#clockRate) / 1000;
    const transit = arrival - timestamp;
    if (!Number.isNaN(this.#lastTransit)) {
      // Transit differences live modulo 2^32 (RFC 3550 A.8): a timestamp wrap is not a jump.
      let diff = transit - this.#lastTransit;
      diff -= Math.round(diff / 2 ** 32) * 2 ** 32;
      const d = Math.abs(diff);
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#lastTransit = transit;
  }

  onSenderReport(ntpSeconds: number, ntpFraction: number, arrivalMs: number): void {
    this.#lastSr = (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
    this.#lastSrArrivalMs = arrivalMs;
  }

  get packetsReceived(): number {
    return this.#received;
  }

  /** The report block for this stream, and the start of a new reporting interval. */
  report(nowMs: number): ReportBlock | null {
    if (!this.#started) return null;
    const extendedMax = this.#cycles + this.#maxSeq;
    const expected = extendedMax - this.#baseSeq + 1;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(fractionLost, 255),
      cumulativeLost: expected - this.#received,
      extendedHighestSequence: extendedMax,
      jitter: Math.round(this.#jitter),
      lastSr: this.#lastSr,
      delaySinceLastSr: this.#lastSr ? Math.round(((nowMs - this.#lastSrArrivalMs) * 65536) / 1000) : 0,
    };
  }
}
